#!/usr/bin/env bash
# A real WordPress on 127.0.0.1 for the tests: MariaDB with its own data directory,
# Debian's WordPress served by `php -S` (4 workers), three users with application
# passwords. Idempotent: a second run checks what is already up (0.4 s; 0.8 s when
# stopped, 5 s from nothing). Content is reset per test by seed.php, not here.
#
#   up.sh [--install] [--stop]
#
#   --install  apt-get install the packages first when they are missing (CI runs as root)
#   --stop     stop the PHP server and MariaDB started here (the state directory stays)
#
# Environment: WP_PORT (8089), WP_DB_PORT (3399), WP_STATE_DIR (/var/tmp/reviews-wordpress).
# Prints one line of JSON (also written to $WP_STATE_DIR/site.json):
#   {"url", "user", "user_id", "app_password", "reader_user", "reader_user_id",
#    "reader_app_password", "visitor_user", "visitor_app_password"}
# (admin: an administrator; reader: an author, whose comments on admin's posts can be
# held; visitor: a subscriber, who may not list held comments)
# Exit 2 with one line on stderr when it cannot run here (not root, packages missing).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
port=${WP_PORT:-8089}
db_port=${WP_DB_PORT:-3399}
state=${WP_STATE_DIR:-/var/tmp/reviews-wordpress}
wp_root=/usr/share/wordpress
# Debian's wp-config.php picks /etc/wordpress/config-$WORDPRESS_CONFIG.php: one per port,
# so test sites of several checkouts can run side by side (config-127.0.0.1.php is shared).
export WORDPRESS_CONFIG="reviews-test-${port}"
config=/etc/wordpress/config-${WORDPRESS_CONFIG}.php
url="http://127.0.0.1:${port}"
packages=(wordpress mariadb-server php-cli php-mysql php-xml)  # php-xml: import_wxr.php's SimpleXML

cannot() { echo "up.sh: $*" >&2; exit 2; }
log() { [ -n "${WP_QUIET:-}" ] || echo "up.sh: $*" >&2; }

install=0 stop=0
for arg in "$@"; do
  case $arg in
    --install) install=1 ;;
    --stop) stop=1 ;;
    *) cannot "unknown option $arg" ;;
  esac
done

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# End a process (and its process group: php -S workers are children of the server) and
# wait until it is gone: TERM, up to 60 s (MariaDB's clean shutdown takes ~3.5 s, much
# longer on a loaded machine), then KILL. A stop that gave up earlier and dropped the pid
# file left MariaDB running unseen: the next start fought it for its data files.
end_process() {
  local pid=$1
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 600); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
}

# MariaDB processes on this data directory, whatever their pid file says.
mariadb_pids() { pgrep -f -- "--datadir=$state/mysql " || true; }

if [ "$stop" = 1 ]; then
  for pidfile in "$state/php.pid" "$state/mysql/mysqld.pid"; do
    if pid_alive "$pidfile"; then
      end_process "$(cat "$pidfile")"
    fi
    rm -f "$pidfile"
  done
  for pid in $(mariadb_pids); do end_process "$pid"; done  # one whose pid file was lost
  exit 0
fi

[ "$(id -u)" = 0 ] || cannot "needs root (it writes $config and runs MariaDB as the mysql user)"

packages_present() { command -v php >/dev/null && command -v mariadbd >/dev/null \
  && [ -f "$wp_root/wp-load.php" ] && [[ $'\n'$(php -m 2>/dev/null)$'\n' == *$'\nmysqli\n'* ]] \
  && [[ $'\n'$(php -m 2>/dev/null)$'\n' == *$'\nSimpleXML\n'* ]]; }
if ! packages_present; then
  if [ "$install" = 1 ]; then
    log "installing ${packages[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  else
    cannot "packages missing (apt-get install --no-install-recommends ${packages[*]}, or run up.sh --install)"
  fi
fi

mkdir -p "$state"
chmod 0755 "$state"

# --- MariaDB: own data directory and socket, TCP on 127.0.0.1 only ----------------------
datadir=$state/mysql
socket=$datadir/mysqld.sock  # files MariaDB writes live in its own (mysql-owned) directory
if [ ! -d "$datadir/mysql" ]; then
  log "initialising MariaDB in $datadir"
  rm -rf "$datadir"; mkdir -p "$datadir"; chown mysql:mysql "$datadir"
  mariadb-install-db --user=mysql --datadir="$datadir" --skip-test-db \
    --auth-root-authentication-method=socket >"$state/install-db.log" 2>&1
fi
if ! pid_alive "$datadir/mysqld.pid"; then
  for pid in $(mariadb_pids); do  # running without its pid file: stopped, not fought
    log "stopping MariaDB $pid, which runs on $datadir without its pid file"
    end_process "$pid"
  done
  log "starting MariaDB on 127.0.0.1:$db_port"
  # Durability is traded for speed: this database is thrown away between runs.
  setsid mariadbd --user=mysql --datadir="$datadir" --socket="$socket" \
    --port="$db_port" --bind-address=127.0.0.1 --pid-file="$datadir/mysqld.pid" \
    --skip-name-resolve --skip-log-bin --innodb-flush-log-at-trx-commit=0 \
    --innodb-doublewrite=0 --sync-binlog=0 --innodb-buffer-pool-size=128M \
    --log-error="$datadir/mysqld.err" </dev/null >/dev/null 2>&1 &
  for _ in $(seq 300); do
    mariadb-admin --socket="$socket" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  mariadb-admin --socket="$socket" ping >/dev/null 2>&1 \
    || cannot "MariaDB did not start (see $datadir/mysqld.err)"
  # mariadbd writes its pid file itself; wait for it
  for _ in $(seq 50); do [ -s "$datadir/mysqld.pid" ] && break; sleep 0.1; done
fi

db_password_file=$state/db-password
[ -s "$db_password_file" ] || { head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$db_password_file"; }
chmod 0600 "$db_password_file"
db_password=$(cat "$db_password_file")
mariadb --socket="$socket" -e "
  CREATE DATABASE IF NOT EXISTS reviews_wp CHARACTER SET utf8mb4;
  CREATE USER IF NOT EXISTS 'reviews_wp'@'127.0.0.1' IDENTIFIED BY '$db_password';
  ALTER USER 'reviews_wp'@'127.0.0.1' IDENTIFIED BY '$db_password';
  GRANT ALL ON reviews_wp.* TO 'reviews_wp'@'127.0.0.1';"

# --- WordPress's config for this instance -------------------------------------------------
mkdir -p /etc/wordpress
new_config=$(cat <<PHP
<?php
// Written by tests/wordpress/up.sh for the test WordPress on $url.
define('DB_NAME', 'reviews_wp');
define('DB_USER', 'reviews_wp');
define('DB_PASSWORD', '$db_password');
define('DB_HOST', '127.0.0.1:$db_port');
define('WP_CONTENT_DIR', '/var/lib/wordpress/wp-content');
define('WPMU_PLUGIN_DIR', '$here/mu-plugins');
define('WP_HOME', '$url');
define('WP_SITEURL', '$url');
// 'local' lets application passwords work over plain http.
define('WP_ENVIRONMENT_TYPE', 'local');
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('WP_ALLOW_MULTISITE', false);
PHP
)
if [ ! -f "$config" ] || [ "$(cat "$config")" != "$new_config" ]; then
  printf '%s\n' "$new_config" >"$config"
  chown root:www-data "$config" 2>/dev/null || true
  chmod 0640 "$config"
fi

# --- the install, users and application passwords (idempotent PHP) ---------------------
# The PHP command line runs with no opcode cache (Debian's opcache.enable_cli=0): each
# `php seed.php` (one per WordPress test) compiled WordPress again, 0.22 s of CPU; from
# the file cache here, 0.08 s (the 27 tests' PHP scripts: 5.1 -> 1.5 s of CPU). The cache
# checks each file's mtime, so edits are seen. tests/wp_fixture.py runs PHP the same way.
opcache_dir=$state/opcache
mkdir -p "$opcache_dir"; chmod 0700 "$opcache_dir"
php_cli=(php -d opcache.enable_cli=1 -d "opcache.file_cache=$opcache_dir" -d opcache.file_cache_only=1)
"${php_cli[@]}" "$here/setup.php" "$url" >"$state/site.json.new"
mv "$state/site.json.new" "$state/site.json"
chmod 0600 "$state/site.json"

# --- the web server ------------------------------------------------------------------------
if ! pid_alive "$state/php.pid"; then
  log "starting php -S on $url"
  # php -S is single-threaded unless it may fork workers (Linux only). Its SAPI is
  # cli-server, whose opcode cache follows opcache.enable (on), not enable_cli.
  PHP_CLI_SERVER_WORKERS=${PHP_CLI_SERVER_WORKERS:-4} setsid php -S "127.0.0.1:$port" \
    -t "$wp_root" "$here/router.php" </dev/null >"$state/php.log" 2>&1 &
  echo $! >"$state/php.pid"
  for _ in $(seq 100); do
    php -r "exit(@fsockopen('127.0.0.1', $port) ? 0 : 1);" 2>/dev/null && break
    sleep 0.1
  done
  php -r "exit(@fsockopen('127.0.0.1', $port) ? 0 : 1);" 2>/dev/null \
    || cannot "php -S did not start on port $port (see $state/php.log)"
fi
cat "$state/site.json"

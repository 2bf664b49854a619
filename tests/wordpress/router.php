<?php
// Router for `php -S`: static files are served as they are; PHP files (wp-login.php,
// wp-admin/...) and everything else (WordPress's front controller, so pretty permalinks
// such as /wp-json/ work too) run here, after naming this instance's config:
// Debian's wp-config.php reads /etc/wordpress/config-$WORDPRESS_CONFIG.php, which up.sh
// writes per port, so two test sites on one machine never share a config.
$_SERVER['WORDPRESS_CONFIG'] = getenv('WORDPRESS_CONFIG') ?: '';
$root = $_SERVER['DOCUMENT_ROOT'];
$path = (string) parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
$script = $root . '/index.php';
if (strpos($path, '..') === false) {
    $file = $root . $path;
    if (is_dir($file) && is_file(rtrim($file, '/') . '/index.php')) {
        $file = rtrim($file, '/') . '/index.php';
    }
    if ($path !== '/' && is_file($file)) {
        if (substr($file, -4) !== '.php') {
            return false;
        }
        $script = $file;
    }
}
$_SERVER['SCRIPT_FILENAME'] = $script;
$_SERVER['SCRIPT_NAME'] = $_SERVER['PHP_SELF'] = substr($script, strlen($root));
chdir(dirname($script));
require $script;

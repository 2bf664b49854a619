<?php
// Writes the test blog's posts as WordPress's own Tools -> Export does (export_wp() from
// wp-admin/includes/export.php, run as the admin), to stdout.
//
//   php export_wxr.php > blog.xml
if (PHP_SAPI !== 'cli') {
    exit(1);
}
$_SERVER['HTTP_HOST'] = '127.0.0.1';
// The instance's config, as up.sh names it (see router.php); without it Debian's
// wp-config.php would look for config-127.0.0.1.php, which up.sh does not write.
$_SERVER['WORDPRESS_CONFIG'] = getenv('WORDPRESS_CONFIG') ?: 'reviews-test-' . (getenv('WP_PORT') ?: '8089');
$_SERVER['SERVER_NAME'] = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/export.php';
wp_set_current_user(1);
export_wp(['content' => 'post']);

<?php
/*
 * Plugin Name: reviews test site
 * Description: Makes Debian's WordPress usable as a test server under `php -S`.
 * Loaded from tests/wordpress/mu-plugins (WPMU_PLUGIN_DIR in the config up.sh writes).
 */

// `php -S` answers one request per worker: a request from WordPress to itself (installer
// permalink test, site health, cron spawn) would wait for itself. Refuse those at once.
add_filter('pre_http_request', function ($pre, $args, $url) {
    $host = strtolower((string) parse_url($url, PHP_URL_HOST));
    if (in_array($host, ['127.0.0.1', 'localhost', '::1', '[::1]'], true)) {
        return new WP_Error('http_request_failed', 'loopback requests are off on the test site');
    }
    return $pre;
}, 10, 3);

// seed.php sets this option when a test wants the duplicate (409) and flood guards off,
// so that sending the same text twice is caught by our client, not by WordPress.
add_filter('duplicate_comment_id', function ($dupe_id) {
    return get_option('reviews_test_guards_off') ? 0 : $dupe_id;
}, 99);
add_filter('wp_is_comment_flood', function ($is_flood) {
    return get_option('reviews_test_guards_off') ? false : $is_flood;
}, 99);
add_action('init', function () {
    if (get_option('reviews_test_guards_off')) {
        remove_action('check_comment_flood', 'check_comment_flood_db', 10);
    }
});

// Discovery tests: ?reviews_no_link_header=1 drops the Link header, leaving only the
// <link rel="https://api.w.org/"> element in the page.
if (isset($_GET['reviews_no_link_header'])) {
    add_action('init', function () {
        remove_action('template_redirect', 'rest_output_link_header', 11);
    });
}

// Debian's package ships no theme (it is only recommended): serve a minimal page that
// still runs wp_head(), which prints the API's <link> element.
add_filter('template_include', function ($template) {
    return $template ? $template : dirname(__DIR__) . '/page.php';
});

// No mail leaves the test site (there is no sendmail; the installer would try).
add_filter('pre_wp_mail', '__return_true');

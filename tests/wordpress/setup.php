<?php
// Installs WordPress (once), makes sure an admin, an author and a subscriber exist, each with a
// working application password, and prints the site as JSON for the test fixtures.
// Run by up.sh as: php setup.php URL   (a second run reuses everything that still works)
if (PHP_SAPI !== 'cli') {
    exit(1);
}
$url = $argv[1];
$_SERVER['HTTP_HOST'] = '127.0.0.1';
// The instance's config, as up.sh names it (see router.php).
$_SERVER['WORDPRESS_CONFIG'] = getenv('WORDPRESS_CONFIG') ?: 'reviews-test-' . (getenv('WP_PORT') ?: '8089');
$_SERVER['SERVER_NAME'] = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
define('WP_INSTALLING', true);
require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/user.php';

$state = getenv('WP_STATE_DIR') ?: '/var/tmp/reviews-wordpress';
$previous = @json_decode((string) @file_get_contents("$state/site.json"), true) ?: [];

if (!is_blog_installed()) {
    $password = wp_generate_password(24, false);
    wp_install('Reviews test blog', 'admin', 'admin@example.test', true, '', $password);
    update_option('reviews_test_admin_password', $password);
}
update_option('permalink_structure', '');
update_option('timezone_string', '');
update_option('gmt_offset', 0);

function reviews_user(string $login, string $role): WP_User {
    $user = get_user_by('login', $login);
    if (!$user) {
        $id = wp_insert_user([
            'user_login' => $login,
            'user_pass' => wp_generate_password(24, false),
            'user_email' => "$login@example.test",
            'display_name' => ucfirst($login),
            'role' => $role,
        ]);
        if (is_wp_error($id)) {
            fwrite(STDERR, "setup.php: cannot create $login: " . $id->get_error_message() . "\n");
            exit(1);
        }
        $user = get_user_by('id', $id);
    }
    $user->set_role($role);
    return $user;
}

// An application password that still verifies is kept, so a warm run changes nothing.
function reviews_app_password(WP_User $user, ?string $known): string {
    $name = 'reviews tests';
    foreach (WP_Application_Passwords::get_user_application_passwords($user->ID) as $item) {
        if ($item['name'] !== $name) {
            continue;
        }
        if ($known !== null && wp_check_password(WP_Application_Passwords::chunk_password($known), $item['password'])) {
            return $known;
        }
        if ($known !== null && wp_check_password(preg_replace('/[^a-z\d]/i', '', $known), $item['password'])) {
            return $known;
        }
        WP_Application_Passwords::delete_application_password($user->ID, $item['uuid']);
    }
    $created = WP_Application_Passwords::create_new_application_password($user->ID, ['name' => $name]);
    if (is_wp_error($created)) {
        fwrite(STDERR, 'setup.php: cannot create an application password: ' . $created->get_error_message() . "\n");
        exit(1);
    }
    return WP_Application_Passwords::chunk_password($created[0]);
}

$admin = reviews_user('admin', 'administrator');
$reader = reviews_user('reader', 'author');
$visitor = reviews_user('visitor', 'subscriber');
echo json_encode([
    'url' => $url,
    'user' => 'admin',
    'user_id' => $admin->ID,
    'app_password' => reviews_app_password($admin, $previous['app_password'] ?? null),
    'reader_user' => 'reader',
    'reader_user_id' => $reader->ID,
    'reader_app_password' => reviews_app_password($reader, $previous['reader_app_password'] ?? null),
    'visitor_user' => 'visitor',
    'visitor_app_password' => reviews_app_password($visitor, $previous['visitor_app_password'] ?? null),
], JSON_UNESCAPED_SLASHES), "\n";

<?php
// Imports a WXR file into the test blog the way WordPress's importer plugin does
// (wordpress-importer is not packaged by Debian and not on PyPI), so the tests can check
// that what `reviews export --format wordpress` writes is a WXR WordPress can take in.
//
//   php import_wxr.php FILE.xml
//
// Parsed with PHP's own XML parser (SimpleXML, as the plugin's WXR_Parser_SimpleXML),
// run as the admin (as Tools -> Import is); authors become users (login, display name),
// posts go through wp_insert_post with their dates, tags through wp_set_post_terms,
// post meta through add_post_meta, comments through wp_insert_comment with their parents
// remapped to the new ids, comment meta through add_comment_meta; data slashed as the
// plugin slashes it. Prints {"posts": {old: new}, "comments": {old: new}} as JSON.
if (PHP_SAPI !== 'cli' || $argc !== 2) {
    fwrite(STDERR, "usage: php import_wxr.php FILE.xml\n");
    exit(2);
}
$_SERVER['HTTP_HOST'] = '127.0.0.1';
// The instance's config, as up.sh names it (see router.php); without it Debian's
// wp-config.php would look for config-127.0.0.1.php, which up.sh does not write.
$_SERVER['WORDPRESS_CONFIG'] = getenv('WORDPRESS_CONFIG') ?: 'reviews-test-' . (getenv('WP_PORT') ?: '8089');
$_SERVER['SERVER_NAME'] = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
require '/usr/share/wordpress/wp-load.php';
wp_set_current_user(1);

$xml = simplexml_load_file($argv[1], 'SimpleXMLElement', LIBXML_NONET);
if ($xml === false) {
    fwrite(STDERR, "import_wxr.php: not well-formed XML\n");
    exit(1);
}
$namespaces = $xml->getDocNamespaces();
$wp_ns = $namespaces['wp'] ?? '';
if (!preg_match('#^https?://wordpress\.org/export/1\.[0-2]/$#', $wp_ns)) {
    fwrite(STDERR, "import_wxr.php: not a WXR file (no wp: namespace)\n");
    exit(1);
}
$version = (string) $xml->channel->children($wp_ns)->wxr_version;
if (!preg_match('/^\d+\.\d+$/', $version) || version_compare($version, '1.2', '>')) {
    fwrite(STDERR, "import_wxr.php: unsupported WXR version '$version'\n");
    exit(1);
}

$users = [];
foreach ($xml->channel->children($wp_ns)->author as $author) {
    $login = (string) $author->author_login;
    $user = get_user_by('login', $login);
    $id = $user ? $user->ID : wp_insert_user(wp_slash([
        'user_login' => $login,
        'display_name' => (string) $author->author_display_name,
        'user_pass' => wp_generate_password(),
        'role' => 'author',
    ]));
    if (is_wp_error($id)) {
        fwrite(STDERR, 'import_wxr.php: author ' . $login . ': ' . $id->get_error_message() . "\n");
        exit(1);
    }
    $users[$login] = $id;
}

$made = ['posts' => [], 'comments' => []];
foreach ($xml->channel->item as $item) {
    $wp = $item->children($wp_ns);
    $dc = $item->children('http://purl.org/dc/elements/1.1/');
    $content = $item->children('http://purl.org/rss/1.0/modules/content/');
    if ((string) $wp->post_type !== 'post') {
        continue;
    }
    $post = [
        'import_id' => (int) $wp->post_id,
        'post_author' => $users[(string) $dc->creator] ?? 1,
        'post_date' => (string) $wp->post_date,
        'post_date_gmt' => (string) $wp->post_date_gmt,
        'post_content' => (string) $content->encoded,
        'post_title' => (string) $item->title,
        'post_status' => (string) $wp->status,
        'post_name' => (string) $wp->post_name,
        'comment_status' => (string) $wp->comment_status,
        'ping_status' => (string) $wp->ping_status,
        'guid' => (string) $item->guid,
        'post_type' => 'post',
    ];
    $id = wp_insert_post(wp_slash($post), true);
    if (is_wp_error($id)) {
        fwrite(STDERR, 'import_wxr.php: post ' . $post['import_id'] . ': ' . $id->get_error_message() . "\n");
        exit(1);
    }
    $made['posts'][(string) $wp->post_id] = $id;
    $tags = [];
    foreach ($item->category as $category) {
        if ((string) $category['domain'] === 'post_tag') {
            $tags[] = (string) $category;
        }
    }
    if ($tags) {
        wp_set_post_terms($id, wp_slash($tags), 'post_tag');
    }
    foreach ($wp->postmeta as $meta) {
        add_post_meta($id, wp_slash((string) $meta->meta_key), wp_slash((string) $meta->meta_value));
    }
    $inserted = [];
    foreach ($wp->comment as $comment) {
        $old = (string) $comment->comment_id;
        $parent = (string) $comment->comment_parent;
        $new = wp_insert_comment(wp_slash([
            'comment_post_ID' => $id,
            'comment_author' => (string) $comment->comment_author,
            'comment_author_email' => (string) $comment->comment_author_email,
            'comment_author_url' => (string) $comment->comment_author_url,
            'comment_author_IP' => (string) $comment->comment_author_IP,
            'comment_date' => (string) $comment->comment_date,
            'comment_date_gmt' => (string) $comment->comment_date_gmt,
            'comment_content' => (string) $comment->comment_content,
            'comment_approved' => (string) $comment->comment_approved,
            'comment_type' => (string) $comment->comment_type,
            'comment_parent' => $inserted[$parent] ?? 0,
            'user_id' => 0,
        ]));
        if (!$new) {
            fwrite(STDERR, "import_wxr.php: comment $old was refused\n");
            exit(1);
        }
        $inserted[$old] = $new;
        $made['comments'][$old] = $new;
        foreach ($comment->commentmeta as $meta) {
            add_comment_meta($new, wp_slash((string) $meta->meta_key), wp_slash((string) $meta->meta_value));
        }
    }
    wp_update_comment_count_now($id);
}
wp_cache_flush();
echo json_encode($made, JSON_FORCE_OBJECT), "\n";

<?php
// Wipes the test blog's posts and comments and seeds a fresh set, straight through
// WordPress's own functions (fast: no HTTP). Prints what it made as JSON.
//
//   php seed.php posts=3 comments=4 moderation=0 closed=0 guards=off permalinks=plain
//
// posts       how many published posts ("Review 1", "Review 2", ...; dated in the past)
// comments    approved comments per post; every second one answers the one before it
// moderation  1: comments need approval (a non-moderator's new comment is held)
// closed      how many of the posts (the last ones) have comments closed
// guards      off: WordPress's duplicate-comment (409) and flood checks are switched off
// permalinks  plain (/?rest_route=) or pretty (/wp-json/)
if (PHP_SAPI !== 'cli') {
    exit(1);
}
$opts = ['posts' => 3, 'comments' => 4, 'moderation' => 0, 'closed' => 0, 'guards' => 'off',
         'permalinks' => 'plain'];
foreach (array_slice($argv, 1) as $arg) {
    [$key, $value] = array_pad(explode('=', $arg, 2), 2, '');
    if (!array_key_exists($key, $opts)) {
        fwrite(STDERR, "seed.php: unknown option $key\n");
        exit(2);
    }
    $opts[$key] = $value;
}
$_SERVER['HTTP_HOST'] = '127.0.0.1';
// The instance's config, as up.sh names it (see router.php).
$_SERVER['WORDPRESS_CONFIG'] = getenv('WORDPRESS_CONFIG') ?: 'reviews-test-' . (getenv('WP_PORT') ?: '8089');
$_SERVER['SERVER_NAME'] = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/taxonomy.php';
global $wpdb;

// --- wipe: every post, page, revision, comment and their meta and term links -----------
$wpdb->query("DELETE FROM {$wpdb->posts}");
$wpdb->query("DELETE FROM {$wpdb->postmeta}");
$wpdb->query("DELETE FROM {$wpdb->comments}");
$wpdb->query("DELETE FROM {$wpdb->commentmeta}");
$wpdb->query("DELETE FROM {$wpdb->term_relationships}");
$wpdb->query("UPDATE {$wpdb->term_taxonomy} SET count = 0");
wp_cache_flush();

update_option('comment_moderation', (int) $opts['moderation'] ? 1 : 0);
update_option('comment_previously_approved', 0);
update_option('require_name_email', 0);
update_option('comment_registration', 0);
update_option('close_comments_for_old_posts', 0);
update_option('thread_comments', 1);
update_option('thread_comments_depth', 10);
update_option('reviews_test_guards_off', $opts['guards'] === 'off' ? 1 : 0);
update_option('permalink_structure', $opts['permalinks'] === 'pretty' ? '/%year%/%postname%/' : '');
flush_rewrite_rules(false);

wp_defer_term_counting(true);
wp_defer_comment_counting(true);
wp_suspend_cache_invalidation(true);

$posts = (int) $opts['posts'];
$per_post = (int) $opts['comments'];
$closed_from = $posts - (int) $opts['closed'];
$category = wp_create_category('Reviews');
$base = strtotime('2020-01-01 00:00:00 UTC');
$made = ['posts' => [], 'closed' => [], 'comments' => 0];
$wpdb->query('START TRANSACTION');
for ($i = 1; $i <= $posts; $i++) {
    $when = gmdate('Y-m-d H:i:s', $base + $i * 3600);
    $id = wp_insert_post([
        'post_title' => "Review $i: “Her” & <friends>",
        'post_content' => "<p>Review number $i. <em>Her</em> is a film about love &amp; machines.</p>",
        'post_status' => 'publish',
        'post_author' => 1,
        'post_date' => $when,
        'post_date_gmt' => $when,
        'post_modified' => $when,
        'post_modified_gmt' => $when,
        'comment_status' => $i > $closed_from ? 'closed' : 'open',
        'post_category' => [$category],
        'tags_input' => ['drama', $i % 2 ? 'odd' : 'even'],
    ], true);
    if (is_wp_error($id)) {
        fwrite(STDERR, 'seed.php: ' . $id->get_error_message() . "\n");
        exit(1);
    }
    // wp_insert_post stamps "now" as the modified time: put the seeded time back.
    $wpdb->update($wpdb->posts, ['post_modified' => $when, 'post_modified_gmt' => $when], ['ID' => $id]);
    $made['posts'][] = $id;
    if ($i > $closed_from) {
        $made['closed'][] = $id;
    }
    $previous = 0;
    for ($c = 1; $c <= $per_post; $c++) {
        $cwhen = gmdate('Y-m-d H:i:s', $base + $i * 3600 + $c * 10);
        $previous = wp_insert_comment([
            'comment_post_ID' => $id,
            'comment_parent' => $c % 2 === 0 ? $previous : 0,
            'comment_author' => "Reader $c",
            'comment_author_email' => "reader$c@example.test",
            'comment_content' => "Comment $c on review $i.",
            'comment_approved' => 1,
            'comment_date' => $cwhen,
            'comment_date_gmt' => $cwhen,
        ]);
        $made['comments']++;
    }
}
$wpdb->query('COMMIT');
wp_suspend_cache_invalidation(false);
wp_defer_comment_counting(false);
wp_defer_term_counting(false);
foreach ($made['posts'] as $id) {
    wp_update_comment_count_now($id);
}
wp_cache_flush();
echo json_encode($made), "\n";

<?php
// The page shown when no theme is installed (see mu-plugins/reviews-test-site.php).
?><!DOCTYPE html>
<html <?php language_attributes(); ?>>
<head><meta charset="utf-8"><?php wp_head(); ?></head>
<body>
<?php while (have_posts()) : the_post(); ?>
  <article><h2><a href="<?php the_permalink(); ?>"><?php the_title(); ?></a></h2></article>
<?php endwhile; ?>
</body>
</html>

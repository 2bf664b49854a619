"""Our WXR export taken in by the real WordPress of ``tests/wordpress/up.sh``, read back
over its REST API with our own client, and compared with what was exported.

Debian packages no WordPress importer plugin (``wordpress-importer`` is not in Debian or on
PyPI), so the file is imported by ``tests/wordpress/import_wxr.php``: PHP's own XML parser
and WordPress's ``wp_insert_post``/``wp_insert_comment``/``add_*_meta``, the calls the
plugin makes. This proves WordPress can hold everything the file says, not that the
official plugin's user interface accepts it.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
from wxr_data import ME, comparable_reviews, store_with_replies

from tui.exporters.wordpress import to_wxr, wordpress_dates
from tui.importers import load_bytes
from tui.sources.wordpress import WordPressBlog, comparable, discover
from tui.sources.wordpress_models import Credentials
from tui.store import Store
from tui.text import one_line

if TYPE_CHECKING:
    from wp_fixture import WordPressSite

pytest_plugins = ["wp_fixture"]

WP = "{http://wordpress.org/export/1.2/}"
IMPORTER = Path(__file__).parent / "wordpress" / "import_wxr.php"
EXPORTER = Path(__file__).parent / "wordpress" / "export_wxr.php"


def import_into_wordpress(site: WordPressSite, path: Path) -> dict[str, dict[str, int]]:
    """Run the PHP importer on ``path``: old post and comment ids -> the blog's new ids."""
    done = site.php(str(IMPORTER), str(path))
    assert done.returncode == 0, done.stderr[-800:].decode(errors="replace")
    made: dict[str, dict[str, int]] = json.loads(done.stdout.strip().splitlines()[-1])
    return made


def test_wordpress_takes_the_export_in(
    wordpress_site: WordPressSite, http: httpx.Client, tmp_path: Path
) -> None:
    wordpress_site.seed(posts=0, comments=0)  # an empty blog
    store = store_with_replies(tmp_path / "reviews.json")
    export = store.export()
    store.close()
    wxr = tmp_path / "export.xml"
    wxr.write_bytes(to_wxr(export, author=ME, site=wordpress_site.url))
    made = import_into_wordpress(wordpress_site, wxr)

    root = discover(http, wordpress_site.url)
    assert root is not None
    blog = WordPressBlog(http, root, Credentials(wordpress_site.user, wordpress_site.app_password))
    pulled = blog.pull()
    posts = {p.id: p for p in pulled.posts}
    assert len(posts) == len(export["reviews"]) == 4
    comments_checked = 0
    for review in export["reviews"]:
        post = posts[made["posts"][str(review["id"])]]
        # The blog shows the title and text exported (WordPress retypes quotes and dashes).
        assert post.title == review["title"]  # "&", "<em>", "]]>" and "&amp;" as written
        assert post.author == review["author"]
        assert sorted(post.tags) == sorted(review["tags"])
        if review["date"]:
            assert post.date_gmt.replace("T", " ") == wordpress_dates(review["date"])[1]
        item = _item(wxr, review["id"])
        sent = item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") or ""
        assert comparable(post.content_html) == comparable(sent)
        # Every exported comment is there, threaded as exported, by the same author.
        exported = {
            int(c.findtext("{http://wordpress.org/export/1.2/}comment_id") or 0): c
            for c in _comments_of(wxr, review["id"])
        }
        on_blog = {c.id: c for c in pulled.comments if c.post == post.id}
        assert len(on_blog) == len(exported)
        new_to_old = {new: int(old) for old, new in made["comments"].items()}
        for new_id, comment in on_blog.items():
            old = exported[new_to_old[new_id]]
            wp = "{http://wordpress.org/export/1.2/}"
            assert comment.author_name == one_line(old.findtext(f"{wp}comment_author") or "")
            old_parent = int(old.findtext(f"{wp}comment_parent") or 0)
            assert (new_to_old[comment.parent] if comment.parent else 0) == old_parent
            gmt = old.findtext(f"{wp}comment_date_gmt") or ""
            if not gmt.startswith("0000"):
                assert comment.date_gmt.replace("T", " ") == gmt
            assert comparable(comment.content_html) == comparable(
                old.findtext(f"{wp}comment_content") or ""
            )
            comments_checked += 1
    assert comments_checked == sum(len(_comments_of(wxr, r["id"])) for r in export["reviews"]) >= 36
    mine = [c for c in pulled.comments if c.author_name == ME]
    assert len(mine) == 3  # the user's live replies; the deleted one is not on the blog


def test_wordpress_own_export_of_it_reads_back_identically(
    wordpress_site: WordPressSite, tmp_path: Path
) -> None:
    """store -> our WXR -> WordPress -> WordPress's own Tools -> Export -> our importer:
    the same reviews (``wxr_data.comparable_reviews``), because WordPress keeps and
    exports the ``_reviews_*`` meta the file carries."""
    wordpress_site.seed(posts=0, comments=0)
    store = store_with_replies(tmp_path / "reviews.json")
    export = store.export()
    store.close()
    ours = tmp_path / "ours.xml"
    ours.write_bytes(to_wxr(export, author=ME, site=wordpress_site.url))
    import_into_wordpress(wordpress_site, ours)
    done = wordpress_site.php(str(EXPORTER))
    assert done.returncode == 0, done.stderr[-800:]
    assert b"<wp:wxr_version>1.2</wp:wxr_version>" in done.stdout  # WordPress's own file
    copy = Store(tmp_path / "copy.json")
    copy.import_reviews(load_bytes(done.stdout, "wordpress-export.xml", "wordpress"))
    assert comparable_reviews(copy.export()) == comparable_reviews(export, author=ME)
    copy.close()


def _item(wxr: Path, post_id: int) -> ET.Element:
    """The exported ``<item>`` of review ``post_id``."""
    found = [
        item
        for item in ET.parse(wxr).getroot().iter("item")
        if item.findtext(f"{WP}post_id") == str(post_id)
    ]
    assert len(found) == 1
    return found[0]


def _comments_of(wxr: Path, post_id: int) -> list[ET.Element]:
    return list(_item(wxr, post_id).findall(f"{WP}comment"))

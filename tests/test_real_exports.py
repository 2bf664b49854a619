"""What real blogs' exports contain (issue 12), each quirk in a small fixture of our own.

Every test writes a few lines shaped like the third-party file that showed the
quirk (see ``../shared/corpus/README.md``), never a copy of it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.importers import ImportFailed, detect_format, load_path
from tui.model import ANONYMOUS, ParsedComment, ParsedReview

WXR_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Blog</title><link>{site}</link><wp:base_site_url>{site}</wp:base_site_url>
"""


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def wxr_item(
    post_id: str,
    title: str = "Hello world!",
    *,
    guid: str = "http://localhost/?p=1",
    gmt: str = "2011-01-18 07:40:14",
    local: str = "2011-01-18 07:40:14",
    pub: str = "Tue, 18 Jan 2011 07:40:14 +0000",
    body: str = "Welcome.",
    extra: str = "",
) -> str:
    return f"""<item><title>{title}</title><link>http://localhost/?p={post_id}</link>
<pubDate>{pub}</pubDate><guid isPermaLink="false">{guid}</guid>
<content:encoded><![CDATA[{body}]]></content:encoded>
<wp:post_id>{post_id}</wp:post_id><wp:post_date>{local}</wp:post_date>
<wp:post_date_gmt>{gmt}</wp:post_date_gmt><wp:status>publish</wp:status>
<wp:post_type>post</wp:post_type>{extra}</item>
"""


def wxr(site: str, *items: str) -> str:
    return WXR_HEAD.format(site=site) + "".join(items) + "</channel></rss>\n"


def count(comments: tuple[ParsedComment, ...]) -> int:
    return sum(1 + count(c.replies) for c in comments)


# -- 1. one bad file, multi-byte encodings -----------------------------------------------


@pytest.mark.parametrize("encoding", ["EUC-KR", "Shift_JIS", "Big5", "GB2312", "GBK"])
def test_multi_byte_xml_encodings_are_decoded(tmp_path: Path, encoding: str) -> None:
    title = {"EUC-KR": "영화 리뷰", "Shift_JIS": "映画の感想", "Big5": "電影評論"}.get(
        encoding, "电影评论"
    )
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<rss version="2.0"><channel>'
        f"<title>t</title><item><title>{title}</title><description>{title}!</description>"
        "</item></channel></rss>\n"
    )
    (review,) = load_path(write(tmp_path, "feed.xml", text.encode(encoding)))
    assert review.title == title
    assert review.body == f"{title}!"


def test_multi_byte_wordpress_export_is_decoded(tmp_path: Path) -> None:
    text = wxr("http://blog.kr", wxr_item("1", "영화")).replace("UTF-8", "EUC-KR")
    (review,) = load_path(write(tmp_path, "kr.xml", text.encode("euc-kr")))
    assert review.title == "영화"


def test_bytes_that_are_not_the_declared_encoding_are_named(tmp_path: Path) -> None:
    data = b'<?xml version="1.0" encoding="Shift_JIS"?>\n<rss><channel>\x82</channel></rss>'
    with pytest.raises(ImportFailed, match=r"^bad\.xml: not valid Shift_JIS text \(byte 0x82"):
        load_path(write(tmp_path, "bad.xml", data))


# -- 2. Blogger's current backup format ----------------------------------------------------

BLOGGER_2018 = """<?xml version='1.0' encoding='utf-8'?>
<feed xmlns='http://www.w3.org/2005/Atom' xmlns:blogger='http://schemas.google.com/blogger/2018'>
  <id>tag:blogger.com,1999:blog-42</id>
  <title>Matinee</title>
  <link rel='alternate' type='text/html' href='https://matinee.blogspot.com/'/>
  <entry>
    <id>tag:blogger.com,1999:blog-42.post-100</id>
    <blogger:type>POST</blogger:type><blogger:status>LIVE</blogger:status>
    <author><name>Ann</name><blogger:type>BLOGGER</blogger:type></author>
    <title>Her</title>
    <content type='html'>&lt;p&gt;A letter writer.&lt;/p&gt;</content>
    <category scheme='http://www.blogger.com/atom/ns#' term='drama'/>
    <published>2014-03-06T19:42:00Z</published>
    <blogger:filename>/2014/03/her.html</blogger:filename>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-42.post-101</id>
    <blogger:type>POST</blogger:type><blogger:status>DRAFT</blogger:status>
    <title></title><content type='html'>half a thought</content>
    <published>2014-03-07T10:00:00Z</published>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-42.post-102</id>
    <blogger:type>PAGE</blogger:type><blogger:status>LIVE</blogger:status>
    <title>About</title><content type='html'>about me</content>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-42.post-200</id>
    <blogger:type>COMMENT</blogger:type><blogger:status>LIVE</blogger:status>
    <author><name>Sam</name></author>
    <content type='html'>Lovely.</content>
    <published>2014-03-07T09:00:00Z</published>
    <blogger:parent>tag:blogger.com,1999:blog-42.post-100</blogger:parent>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-42.post-201</id>
    <blogger:type>COMMENT</blogger:type><blogger:status>LIVE</blogger:status>
    <author><name>Ann</name></author>
    <content type='html'>Thank you!</content>
    <published>2014-03-07T11:00:00Z</published>
    <blogger:parent>tag:blogger.com,1999:blog-42.post-100</blogger:parent>
    <blogger:inReplyTo>tag:blogger.com,1999:blog-42.post-200</blogger:inReplyTo>
  </entry>
  <entry>
    <id>tag:blogger.com,1999:blog-42.post-202</id>
    <blogger:type>COMMENT</blogger:type><blogger:status>DELETED</blogger:status>
    <content type='html'>gone</content>
    <blogger:parent>tag:blogger.com,1999:blog-42.post-100</blogger:parent>
  </entry>
</feed>
"""


def test_blogger_current_dialect_posts_only_comments_threaded(tmp_path: Path) -> None:
    path = write(tmp_path, "feed.atom", BLOGGER_2018)
    assert detect_format(path) == "blogger"
    (review,) = load_path(path)
    assert (review.title, review.author, review.tags) == ("Her", "Ann", ("drama",))
    assert review.url == "https://matinee.blogspot.com/2014/03/her.html"
    assert review.source_id == "blogger:tag:blogger.com,1999:blog-42.post-100"
    (comment,) = review.comments
    assert (comment.author, comment.body) == ("Sam", "Lovely.")
    assert [r.body for r in comment.replies] == ["Thank you!"]
    assert load_path(path, "blogger") == [review]


# -- 3. posts sharing a guid; 4. 1970 dates; 5. markup in titles ------------------------------


def test_posts_sharing_a_guid_stay_apart_and_reimport_changes_nothing(tmp_path: Path) -> None:
    from tui.store import Store

    one = write(
        tmp_path,
        "a.xml",
        wxr("http://localhost/", wxr_item("568", "First"), wxr_item("1158", "Second")),
    )
    other_blog = write(
        tmp_path,
        "b.xml",
        wxr("http://localhost/", wxr_item("1", gmt="2010-10-20 14:08:20", body="Other blog")),
    )
    third_blog = write(tmp_path, "c.xml", wxr("https://films.example", wxr_item("1")))
    parsed = [r for p in (one, other_blog, third_blog) for r in load_path(p)]
    assert len({r.source_id for r in parsed}) == 4
    store = Store(tmp_path / "db.json")
    assert store.import_reviews(parsed).added_reviews == 4
    again = store.import_reviews([r for p in (one, other_blog, third_blog) for r in load_path(p)])
    assert (again.added_reviews, again.updated_reviews, again.unchanged_reviews) == (0, 0, 4)
    store.close()


def test_zero_gmt_date_falls_back_to_the_local_date_not_1970(tmp_path: Path) -> None:
    item = wxr_item(
        "7",
        gmt="0000-00-00 00:00:00",
        local="2019-05-04 10:30:00",
        pub="Thu, 01 Jan 1970 00:00:00 +0000",
    )
    (review,) = load_path(write(tmp_path, "x.xml", wxr("http://b.example", item)))
    assert review.date == "2019-05-04T10:30:00"
    only_pub = wxr_item("8", gmt="0000-00-00 00:00:00", local="0000-00-00 00:00:00")
    (review,) = load_path(write(tmp_path, "y.xml", wxr("http://b.example", only_pub)))
    assert review.date == "2011-01-18T07:40:14+00:00"


def test_titles_written_in_html_become_the_text_a_reader_sees(tmp_path: Path) -> None:
    title = (
        "Markup: Title &lt;em&gt;With&lt;/em&gt; &lt;b&gt;Mark&lt;sup&gt;up&lt;/sup&gt;&lt;/b&gt;"
    )
    item = wxr_item("9", title + " &amp;amp; more")
    (review,) = load_path(write(tmp_path, "t.xml", wxr("http://b.example", item)))
    assert review.title == "Markup: Title With Markup & more"


# -- 6. feed authors; 7. duplicate tags -------------------------------------------------------


def test_atom_entries_take_the_feeds_author(tmp_path: Path) -> None:
    text = """<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title>
<author><name>Feed Author</name></author>
<entry><id>urn:1</id><title>One</title><updated>2020-01-01T00:00:00Z</updated>
<content>x</content></entry>
<entry><id>urn:2</id><title>Two</title><updated>2020-01-02T00:00:00Z</updated>
<author><name>Own Author</name></author><content>y</content></entry></feed>"""
    one, two = load_path(write(tmp_path, "f.atom", text))
    assert (one.author, two.author) == ("Feed Author", "Own Author")
    bare = text.replace("<author><name>Feed Author</name></author>", "")
    one, _ = load_path(write(tmp_path, "g.atom", bare))
    assert one.author == ANONYMOUS


def test_repeated_tags_are_dropped_case_insensitively_first_spelling_kept(tmp_path: Path) -> None:
    text = """<rss version="2.0"><channel><title>t</title><item><title>x</title>
<category domain="a">Comedy</category><category domain="b">comedy</category>
<category>Drama</category><category>Comedy</category><description>b</description>
</item></channel></rss>"""
    (review,) = load_path(write(tmp_path, "r.rss", text))
    assert review.tags == ("Comedy", "Drama")
    md = "---\ntitle: x\ndate: 2020-01-01\ntags: [Noir, noir, NOIR, Crime]\n---\nText\n"
    (review,) = load_path(write(tmp_path, "m.md", md))
    assert review.tags == ("Noir", "Crime")


# -- 8. Jekyll dates; 9. drafts; unreadable dates --------------------------------------------


def test_jekyll_file_names_without_zero_padding_are_dates(tmp_path: Path) -> None:
    (review,) = load_path(write(tmp_path, "2017-2-5-title.md", "---\ntitle: T\n---\nText\n"))
    assert review.date == "2017-02-05"


def test_unreadable_dates_leave_a_review_undated_in_every_format(tmp_path: Path) -> None:
    md = write(tmp_path, "no-date.md", "---\ntitle: T\ndate: 31 de fevereiro\n---\nText\n")
    feed = write(
        tmp_path,
        "pt.rss",
        '<rss version="2.0"><channel><title>t</title><item><title>x</title>'
        "<pubDate>sexta, 3 de maio de 2019</pubDate><description>b</description>"
        "</item></channel></rss>",
    )
    assert [r.date for r in load_path(md) + load_path(feed)] == ["", ""]
    # A refusal never shows a Python value.
    for name, text in [
        ("none.md", "---\n---\n"),
        ("year.md", "---\ntitle: x\nyear: [1, 2]\n---\nText\n"),
        ("export.json", '{"reviews": [{"title": null, "body": null}]}'),
    ]:
        with pytest.raises(ImportFailed) as caught:
            load_path(write(tmp_path, name, text))
        assert "None" not in str(caught.value), str(caught.value)


@pytest.mark.parametrize(
    ("front", "mark"),
    [
        ("published: false", "published: false"),
        ("draft: true", "draft: true"),
        ('draft = true\ntitle = "x"', "draft: true"),
    ],
)
def test_markdown_drafts_are_skipped_and_said_so(tmp_path: Path, front: str, mark: str) -> None:
    fence = "+++" if "=" in front else "---"
    path = write(tmp_path, "2020-01-01-draft.md", f"{fence}\n{front}\n{fence}\nNot yet.\n")
    with pytest.raises(ImportFailed, match=rf"^2020-01-01-draft\.md: a draft \({mark}"):
        load_path(path)


def test_javascript_front_matter_is_refused_clearly(tmp_path: Path) -> None:
    path = write(tmp_path, "post.md", "---js\nconst draft = true;\n---\nText\n")
    with pytest.raises(ImportFailed, match=r"^post\.md: JavaScript front matter"):
        load_path(path)


# -- TOML and JSON front matter ------------------------------------------------------------


def test_hugo_toml_front_matter(tmp_path: Path) -> None:
    text = '+++\ntitle = "Emoji"\ndate = "2019-03-05"\ntags = ["emoji", "Emoji"]\n+++\n\nBody\n'
    path = write(tmp_path, "emoji.md", text)
    assert detect_format(path) == "markdown"
    (review,) = load_path(path)
    assert (review.title, review.date, review.tags, review.body) == (
        "Emoji",
        "2019-03-05",
        ("emoji",),
        "Body",
    )
    with pytest.raises(ImportFailed, match="bad TOML front matter"):
        load_path(write(tmp_path, "bad.md", "+++\ntitle = \n+++\nBody\n"))
    with pytest.raises(ImportFailed, match=r"no closing \+\+\+ line"):
        load_path(write(tmp_path, "open.md", "+++\ntitle = 'x'\nBody\n"))


def test_hugo_json_front_matter(tmp_path: Path) -> None:
    text = '{\n  "title": "Moon",\n  "date": "2009-07-20T10:00:00Z",\n  "tags": ["sf"]\n}\n\nSam.\n'
    path = write(tmp_path, "moon.md", text)
    assert detect_format(path) == "markdown"
    (review,) = load_path(path)
    assert (review.title, review.date, review.body) == ("Moon", "2009-07-20T10:00:00+00:00", "Sam.")
    # A JSON document with no text after it is data, not a post.
    with pytest.raises(ImportFailed, match="not a format"):
        load_path(write(tmp_path, "data.json", '{"title": "x"}\n'))


# -- 10. blog-engine leftovers ----------------------------------------------------------------


def test_wordpress_shortcodes_become_readable_text(tmp_path: Path) -> None:
    body = (
        '[caption id="a" width="640"]<img src="https://x.org/a.jpg" alt="" /> A still.[/caption]'
        '\n\n[gallery ids="1,2,3"]\n\n[embed]https://youtu.be/abc[/embed]\n\n'
        '[caption id="b" caption="Chunk of husk"]<img src="https://x.org/b.jpg" />[/caption]'
    )
    (review,) = load_path(
        write(tmp_path, "s.xml", wxr("http://b.example", wxr_item("3", body=body)))
    )
    assert "[caption" not in review.body and "[/caption]" not in review.body
    assert "A still." in review.body
    assert "Chunk of husk" in review.body
    assert "[gallery]" in review.body
    assert "https://youtu.be/abc" in review.body and "[embed]" not in review.body


def test_hugo_shortcodes_and_raw_html_in_markdown_become_readable(tmp_path: Path) -> None:
    text = (
        "---\ntitle: T\ndate: 2020-01-01\n---\n"
        "Intro.\n\n{{< youtube w7Ft2ymGmfc >}}\n\n"
        '{{< figure src="a.png" caption="The poster" >}}\n\n'
        "{{% notice tip %}}Inner words{{% /notice %}}\n\n"
        '<script src="https://cdn.example/katex.js"></script>\n'
        "<style>.x { color: red }</style>\n"
        '<link rel="stylesheet" href="k.css">\n'
        '<p align="center">Centred words</p>\n\n'
        "```html\n<p>kept in code</p>\n```\n"
    )
    (review,) = load_path(write(tmp_path, "h.md", text))
    body = review.body
    for gone in ("{{<", "{{%", "<script", "katex.js", "color: red", "<link", "<p align"):
        assert gone not in body
    for kept in ("[youtube]", "The poster", "Inner words", "Centred words", "<p>kept in code</p>"):
        assert kept in body


# -- permalinks -----------------------------------------------------------------------------


def test_permalinks_are_read_from_every_source_that_has_them(tmp_path: Path) -> None:
    (wp,) = load_path(write(tmp_path, "w.xml", wxr("http://b.example", wxr_item("5"))))
    assert wp.url == "http://localhost/?p=5"
    feed = '<rss version="2.0"><channel><title>t</title><item><title>x</title>'
    feed += "<link>https://f.example/x/</link><description>b</description></item></channel></rss>"
    (entry,) = load_path(write(tmp_path, "f.rss", feed))
    assert entry.url == "https://f.example/x/"
    md = "---\ntitle: x\ndate: 2020-01-01\nurl: https://m.example/x\n---\nText\n"
    (post,) = load_path(write(tmp_path, "m.md", md))
    assert post.url == "https://m.example/x"


def test_a_review_with_only_comments_is_not_a_parsed_review_without_source() -> None:
    # Guards the store's rule: only source "disqus" means "comments to be placed".
    review = ParsedReview(title="t", date="", body="", source="feed")
    assert review.url == ""


def test_a_database_from_before_keeps_its_reviews_when_the_export_comes_again(
    tmp_path: Path,
) -> None:
    """Reviews stored under the old guid identity are updated in place, not doubled."""
    from tui.store import Store

    path = write(
        tmp_path,
        "a.xml",
        wxr(
            "http://localhost/",
            wxr_item(
                "568",
                "First",
                extra="<wp:comment><wp:comment_id>3</wp:comment_id>"
                "<wp:comment_content>Hi</wp:comment_content>"
                "<wp:comment_approved>1</wp:comment_approved></wp:comment>",
            ),
            wxr_item("1158", "Second"),
        ),
    )
    first, second = load_path(path)
    store = Store(tmp_path / "db.json")
    old = ParsedReview(
        title="First",
        date=first.date,
        body=first.body,
        source="wordpress",
        source_id="wordpress:http://localhost/?p=1",
        comments=first.comments,
    )
    store.import_reviews([old])
    report = store.import_reviews([first, second])
    assert (report.added_reviews, report.updated_reviews) == (1, 1)
    assert (report.added_comments, report.unchanged_comments) == (0, 1)
    assert sorted(r.title for r in store.reviews()) == ["First", "Second"]
    store.close()


def test_one_bad_file_never_stops_the_others(tmp_path: Path) -> None:
    from cli_runner import run_in_process

    folder = tmp_path / "exports"
    korean = wxr("http://blog.kr", wxr_item("1", "영화")).replace("UTF-8", "EUC-KR")
    write(folder, "a-korean.xml", korean.encode("euc-kr"))
    write(folder, "b-broken.xml", wxr("http://b.example", wxr_item("2")).replace("</item>", ""))
    write(folder, "c-unknown.xml", '<?xml version="1.0" encoding="x-no-such"?><rss/>')
    write(folder, "d-post.md", "---\ntitle: Fine\ndate: 2020-01-01\n---\nText\n")
    write(folder, "e-empty.md", "")
    db = tmp_path / "db.json"
    done = run_in_process("import", "--db", str(db), str(folder))
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "skipped b-broken.xml",
        "skipped c-unknown.xml",
        "skipped e-empty.md",
    ]
    assert "declares an unknown encoding 'x-no-such'" in lines[1]
    assert "reviews: 2 added" in done.stdout


def test_html_paragraphs_in_markdown_stay_paragraphs(tmp_path: Path) -> None:
    text = "---\ntitle: T\ndate: 2020-01-01\n---\n<p>One.</p><p>Two <span>words</span>.</p>\n"
    (review,) = load_path(write(tmp_path, "p.md", text))
    assert review.body == "One.\n\nTwo words."

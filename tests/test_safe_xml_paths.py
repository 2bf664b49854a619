"""XML without a DTD is read by the C parser; anything that could declare entities is not.

Entities can only be declared inside ``<!DOCTYPE``: a document without one is
read by ElementTree's own (C) parser, every other one by defusedxml, which
refuses it. These tests hold the refusals in every encoding the parser reads.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from defusedxml.ElementTree import fromstring

from tui.importers import ImportFailed, safe_xml

LAUGHS = (
    '<?xml version="1.0" encoding="{enc}"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    "<rss><channel><title>&lol2;</title></channel></rss>"
)
FILE = '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss>&x;</rss>'
PLAIN = (
    '<?xml version="1.0" encoding="{enc}"?><rss version="2.0"><channel><title>Amélie &amp; '
    "co</title><item><description><![CDATA[<p>x</p>]]></description></item></channel></rss>"
)


@pytest.mark.parametrize("enc", ["utf-8", "utf-16", "utf-16-le", "utf-16-be", "iso-8859-1"])
@pytest.mark.parametrize("text", [LAUGHS, FILE])
def test_dtds_are_refused_in_every_encoding(text: str, enc: str) -> None:
    declared = text.format(enc=enc.removesuffix("-le").removesuffix("-be"))
    for data in (declared.encode(enc), declared.encode(enc).removeprefix(b"\xff\xfe")):
        with pytest.raises(ImportFailed, match="refused"):
            safe_xml.parse(data, "f.xml")


@pytest.mark.parametrize("enc", ["utf-8", "utf-16", "iso-8859-1"])
def test_plain_xml_reads_as_defusedxml_reads_it(enc: str) -> None:
    data = PLAIN.format(enc=enc).encode(enc)
    assert safe_xml._cannot_declare_entities(data) == (enc != "utf-16")
    ours = safe_xml.parse(data, "f.xml")
    theirs = fromstring(data, forbid_dtd=True)
    assert ET.tostring(ours) == ET.tostring(theirs)


def test_undeclared_entities_and_broken_xml_are_one_line_errors() -> None:
    for data in (b"<rss>&x;</rss>", b"<rss><item></rss>", b"<rss>"):
        with pytest.raises(ImportFailed, match=r"^f\.xml: not well-formed XML \(") as caught:
            safe_xml.parse(data, "f.xml")
        assert "\n" not in str(caught.value)

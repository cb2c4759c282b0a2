"""Agency feed files (transforms/files/feeds.py) against the gold of tests/corpus/feeds."""
import functools
import gzip
import json
import os
import re
import socket
import threading
import time
from dataclasses import asdict

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from lxml import etree

from conftest import ROOT, load_gold
from transforms.files.feeds import FORMATS, FeedError, FeedItem, parse_feed, parse_xml, sniff_feed

FEEDS = ROOT / "tests" / "corpus" / "feeds"
GOLD = load_gold(FEEDS)
TEXT_RECORDS = sorted(key for key, gold in GOLD.items() if gold["kind"] != "bad")
BAD_ITEMS = [("f02_newsml_message_reuters.xml", 2), ("f06_ninjs_list.json", 1)]
BAD_FILES = ["f08_malformed.xml", "f09_xml_bomb.xml", "f10_external_entity.xml"]
G2 = 'xmlns="http://iptc.org/std/nar/2006-10-01/"'


def raw(name: str) -> bytes:
    data = (FEEDS / name).read_bytes()
    return gzip.decompress(data) if name.endswith(".gz") else data


@functools.lru_cache(maxsize=None)
def parsed(name: str) -> dict:
    data = raw(name)
    return dict(parse_feed(data, sniff_feed(data[:4096])))


def items(data: bytes, fmt: str) -> list:
    return list(parse_feed(data, fmt))


def g2_item(guid: str, body: str = "<p>ACCRA (Reuters) - Text of the story.</p>", item_class: str = "ninat:text",
            meta: str = "") -> str:
    return (f'<newsItem guid="{guid}" version="1"><itemMeta><itemClass qcode="{item_class}"/>{meta}</itemMeta>'
            f'<contentMeta><headline>Headline {guid}</headline></contentMeta><contentSet><inlineXML>'
            f'<html xmlns="http://www.w3.org/1999/xhtml"><body>{body}</body></html>'
            '</inlineXML></contentSet></newsItem>')


def message(*news_items: str) -> bytes:
    return f'<newsMessage {G2}><itemSet>{"".join(news_items)}</itemSet></newsMessage>'.encode()


def nitf(docdata: str = "", body: str = "<p>BERLIN (dpa) - Text.</p>", root: str = "<nitf>") -> bytes:
    return (f'{root}<head><docdata {docdata}><doc-id id-string="d-1"/></docdata></head><body><body.head>'
            f'<hedline><hl1>H</hl1></hedline></body.head><body.content>{body}</body.content></body></nitf>').encode()


# --- sniffing -------------------------------------------------------------------------------

@pytest.mark.parametrize("name, expected", [
    ("f01_nitf_ap_nairobi.xml", "nitf"),
    ("f02_newsml_message_reuters.xml", "newsml"),
    ("f03_newsml_item_correction.xml", "newsml"),
    ("f04_ninjs1_afp_lyon.json", "ninjs"),
    ("f05_ninjs2_ap_lagos.json", "ninjs"),
    ("f06_ninjs_list.json", "ninjs"),
    ("f07_wire_story.dat.gz", "nitf"),     # gzip is upstream's; the name says .dat
    ("f08_malformed.xml", "newsml"),
    ("f09_xml_bomb.xml", "nitf"),
    ("f10_external_entity.xml", "nitf"),
])
def test_sniff_recognises_every_corpus_file_from_its_content(name, expected):
    assert sniff_feed(raw(name)[:4096]) == expected


@pytest.mark.parametrize("head, expected", [
    (b'<?xml version="1.0"?>\n<!-- feed --><g2:newsItem xmlns:g2="http://iptc.org/std/nar/2006-10-01/" guid="x">',
     "newsml"),
    (b'<packageItem xmlns="http://iptc.org/std/nar/2006-10-01/">', "newsml"),
    (b'<conceptItem xmlns="http://iptc.org/std/nar/2006-10-01/">', "newsml"),
    (b'<nitf xmlns="http://iptc.org/std/NITF/2006-10-18/" baselang="en">', "nitf"),
    (b'<?xml version="1.0"?><!DOCTYPE nitf SYSTEM "nitf-3-3.dtd"><nitf>', "nitf"),
    (b'<!DOCTYPE nitf [<!ENTITY a "' + b"x" * 500, "nitf"),        # root beyond the head
    (b"\xff\xfe" + '<nitf version="3.6">'.encode("utf-16-le"), "nitf"),
    (b"<html><body><p>story</p></body></html>", None),
    (b'<rss version="2.0"><channel>', None),
    (b'<newsItemList xmlns="urn:example">', None),
    (b'{"url": "https://x.example/a", "title": "T", "text": "Body", "published": "2025-01-01"}', None),
    (b'{"uri": "urn:x", "type": "text", "headline": "H"}', "ninjs"),
    (b'[\n {"uri": "urn:x", "versioncreated": "2025-01-01T00:00:00Z", "body_text": "t"}', "ninjs"),
    (b'{"uri": "urn:x"}\n{"uri": "urn:y", "pubstatus": "usable", "headline": "H"}', "ninjs"),
    (b'{"$schema": "http://www.iptc.org/std/ninjs/ninjs-schema_2.0.json", "uri": "urn:x"}', "ninjs"),
    (b'{"standard": {"name": "ninjs", "version": "2.0"}, "uri": "urn:x"}', "ninjs"),
    (b"", None),
    (b"NAIROBI, Kenya (AP) - plain text", None),
])
def test_sniff_recognises_feeds_whatever_the_surroundings(head, expected):
    assert sniff_feed(head) == expected


# --- the corpus against its gold ------------------------------------------------------------

@pytest.mark.parametrize("source, record", TEXT_RECORDS)
def test_item_text_matches_gold(source, record):
    gold, item = GOLD[(source, record)], parsed(source)[record]
    assert isinstance(item, FeedItem)
    assert item.headline == gold["headline"]
    assert item.paragraphs == gold["body"].split("\n\n")
    assert item.captions == gold["captions"]
    for chrome in gold["body_must_exclude"]:
        inside = (any(chrome in paragraph for paragraph in item.paragraphs) if len(chrome) >= 20
                  else chrome in item.paragraphs)
        assert not inside and chrome != item.headline, chrome


@pytest.mark.parametrize("source, record", TEXT_RECORDS)
def test_item_metadata_matches_gold(source, record):
    gold, item = GOLD[(source, record)], parsed(source)[record]
    feed = gold["feed"]
    assert item.credits == gold["credits"]
    assert item.language == gold["language"]
    assert item.published[:10] == gold["date"]
    assert (item.item_id, item.version, item.url) == (feed["item_id"], feed["version"], feed["url"])
    assert (item.published, item.modified) == (feed["published"], feed["modified"])
    assert (item.pub_status, item.signals, item.item_class) == (feed["pub_status"], feed["signals"],
                                                                feed["item_class"])
    assert item.dateline == feed["dateline"]
    # The feed's country is the copy's whenever the feed states one.
    assert item.country == feed["dateline"]["country"] and item.country in (gold["country"], None)
    # The feed names the copy's dateline city, if not always in the copy's capitals.
    assert item.dateline["city"].casefold() == gold["dateline"]["city"].casefold()


@pytest.mark.parametrize("source, record", BAD_ITEMS)
def test_bad_items_are_dead_letters_in_their_place(source, record):
    error = parsed(source)[record]
    assert isinstance(error, FeedError)
    assert error.reason == GOLD[(source, record)]["reason"]


def test_no_item_of_a_multi_item_file_is_lost():
    assert sorted(parsed("f02_newsml_message_reuters.xml")) == [0, 1, 2]
    assert sorted(parsed("f06_ninjs_list.json")) == [0, 1]


def test_picture_item_is_not_text_and_its_caption_goes_to_the_story_linking_it():
    entries = parsed("f02_newsml_message_reuters.xml")
    assert (entries[2].reason, str(entries[2])) == ("not-text", "picture item tag:reuters.com,2025:newsml_RC2B8AA7KQ3N")
    assert entries[0].captions == GOLD[("f02_newsml_message_reuters.xml", 0)]["captions"]
    assert entries[1].captions == []


def test_wrong_types_name_the_field():
    assert str(parsed("f06_ninjs_list.json")[1]) == "headline: expected a string, got int"


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_files_raise_the_gold_reason(name):
    with pytest.raises(FeedError) as raised:
        items(raw(name), sniff_feed(raw(name)))
    assert raised.value.reason == GOLD[(name, 0)]["reason"]


def test_feed_items_are_simple_values():
    for source, record in TEXT_RECORDS:
        item = parsed(source)[record]
        assert json.loads(json.dumps(asdict(item))) == asdict(item)


def _words_of(obj) -> list[str]:
    """Every string of a parsed JSON value."""
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [text for value in obj.values() for text in _words_of(value)]
    if isinstance(obj, list):
        return [text for value in obj for text in _words_of(value)]
    return []


def _raw_text(source: str) -> str:
    """The text a reader of the raw file sees, decoded independently of feeds.py:
    validate_gold.py reads .json files as JSON source, where escapes hide strings."""
    data = raw(source)
    if source.endswith(".json"):
        return "\n".join(_words_of(json.loads(data)))
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    return "".join(root.itertext()) + "\n" + "\n".join(root.xpath("//@*"))


@pytest.mark.parametrize("source, record", TEXT_RECORDS)
def test_gold_strings_occur_in_the_raw_text(source, record):
    gold, text = GOLD[(source, record)], re.sub(r"\s+", " ", _raw_text(source))

    def occurs(string):
        return re.sub(r"\s+", " ", string).strip() in text

    assert occurs(gold["headline"])
    assert all(occurs(paragraph) for paragraph in gold["body"].split("\n\n"))
    assert all(occurs(string) for string in gold["captions"] + gold["body_must_exclude"])
    assert all(occurs(credit["name"]) for credit in gold["credits"])
    for quote in gold["quotes"]:
        # A quote spanning paragraphs is joined by one space: each sentence is in the raw text.
        assert occurs(quote["text"]) or all(map(occurs, re.split(r"(?<=[.?!,])\s+", quote["text"]))), quote
        assert occurs(quote["speaker"]), quote
    assert 250 <= len(gold["body"].split()) <= 600


# --- security ---------------------------------------------------------------------------------

@pytest.fixture
def listener():
    """A local TCP server that records whether anything tried to connect to it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    yield server
    server.close()


def connection_attempted(server) -> bool:
    server.setblocking(False)
    try:
        connection, _ = server.accept()
    except BlockingIOError:
        return False
    connection.close()
    return True


@pytest.fixture
def tripwire(tmp_path):
    """A FIFO posing as a DTD: (path, event set once anything opens it for reading)."""
    path = tmp_path / "entities.dtd"
    os.mkfifo(path)
    opened = threading.Event()

    def serve():
        with open(path, "w") as pipe:     # blocks until a reader opens the FIFO
            opened.set()
            pipe.write('<!ENTITY secret "leaked">')

    writer = threading.Thread(target=serve, daemon=True)
    writer.start()
    yield path, opened
    reader = os.open(path, os.O_RDONLY | os.O_NONBLOCK)      # releases a writer nobody read from
    writer.join(timeout=2)
    os.close(reader)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("doctype, reason", [
    ('<!DOCTYPE nitf SYSTEM "{path}">', "xml-external-dtd-refused"),
    ('<!DOCTYPE nitf [<!ENTITY secret SYSTEM "file://{path}">]>', "xml-entities-refused"),
    ('<!DOCTYPE nitf [<!ENTITY % dtd SYSTEM "file://{path}"> %dtd;]>', "xml-entities-refused"),
])
def test_local_dtds_and_entities_are_never_opened(tripwire, doctype, reason):
    path, opened = tripwire
    data = doctype.format(path=path) + "<nitf><body><body.content><p>&secret;</p></body.content></body></nitf>"
    with pytest.raises(FeedError) as raised:
        items(data.encode(), "nitf")
    assert raised.value.reason == reason
    assert not opened.wait(0.3)


def test_remote_dtd_and_parameter_entities_are_never_fetched(listener):
    # libxml2 2.14 dropped its HTTP client; older ones would connect here if allowed to.
    port = listener.getsockname()[1]
    remote_dtd = f'<!DOCTYPE nitf SYSTEM "http://127.0.0.1:{port}/x.dtd"><nitf><body/></nitf>'.encode()
    with pytest.raises(FeedError) as raised:
        items(remote_dtd, "nitf")
    assert raised.value.reason == "xml-external-dtd-refused"
    parameter_entity = (f'<!DOCTYPE nitf [<!ENTITY % pe SYSTEM "http://127.0.0.1:{port}/pe.dtd"> %pe;]>'
                        '<nitf><body/></nitf>').encode()
    with pytest.raises(FeedError) as raised:
        items(parameter_entity, "nitf")
    assert raised.value.reason == "xml-entities-refused"
    assert not connection_attempted(listener)


def test_external_file_entity_is_refused_and_never_read():
    with pytest.raises(FeedError) as raised:
        items(raw("f10_external_entity.xml"), "nitf")
    assert raised.value.reason == "xml-entities-refused"
    assert "root:" not in str(raised.value)


@pytest.mark.parametrize("system_id", ["file:///etc/nitf.dtd", "/etc/nitf.dtd", "https://www.iptc.org/nitf.dtd"])
def test_dtd_by_url_or_absolute_path_is_refused(system_id):
    with pytest.raises(FeedError) as raised:
        parse_xml(f'<!DOCTYPE nitf SYSTEM "{system_id}"><nitf/>'.encode())
    assert raised.value.reason == "xml-external-dtd-refused"


def test_relative_dtd_of_old_nitf_is_accepted_and_not_read():
    # f01 carries <!DOCTYPE nitf SYSTEM "nitf-3-3.dtd"> and parses (see the gold tests).
    assert parse_xml(b'<!DOCTYPE nitf SYSTEM "does-not-exist.dtd"><nitf/>').tag == "nitf"


def test_entity_bombs_are_refused_without_expansion():
    started = time.monotonic()
    with pytest.raises(FeedError) as raised:
        items(raw("f09_xml_bomb.xml"), "nitf")
    assert raised.value.reason == "xml-entities-refused"
    # Quadratic blowup: one large entity referenced many times, which libxml2 itself accepts.
    quadratic = ('<!DOCTYPE nitf [<!ENTITY big "' + "x" * 50_000 + '">]><nitf><body><body.content><p>'
                 + "&big;" * 20_000 + "</p></body.content></body></nitf>").encode()
    with pytest.raises(FeedError) as raised:
        items(quadratic, "nitf")
    assert raised.value.reason == "xml-entities-refused"
    assert time.monotonic() - started < 5    # an expansion would be a gigabyte of text


# --- item-level problems leave the other items alone ------------------------------------------

def test_item_in_an_unknown_namespace_is_an_error_in_its_place():
    data = message(g2_item("a"), '<newsItem xmlns="urn:example:other" guid="b"/>', g2_item("c"))
    entries = items(data, "newsml")
    assert [index for index, _ in entries] == [0, 1, 2]
    assert [entry.item_id for _, entry in entries if isinstance(entry, FeedItem)] == ["a", "c"]
    assert entries[1][1].reason == "unknown-namespace"


def test_inline_xml_in_an_unknown_namespace_is_an_error():
    data = message(g2_item("a").replace('xmlns="http://www.w3.org/1999/xhtml"', 'xmlns="urn:example:markup"'))
    assert items(data, "newsml")[0][1].reason == "unknown-namespace"


@pytest.mark.parametrize("data, fmt, reason", [
    (b'<nitf xmlns="urn:example:not-nitf"><head/></nitf>', "nitf", "unknown-namespace"),
    (b'<newsItem xmlns="urn:example:not-g2" guid="x"/>', "newsml", "unknown-namespace"),
    (b'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="x"/>', "nitf", "unexpected-root"),
    (b'<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/"><itemSet/></newsMessage>', "newsml", "no-items"),
])
def test_roots_that_are_not_the_expected_feed_are_refused(data, fmt, reason):
    with pytest.raises(FeedError) as raised:
        items(data, fmt)
    assert raised.value.reason == reason


@pytest.mark.parametrize("item, reason", [
    (g2_item("p", item_class="ninat:picture"), "not-text"),
    (g2_item("v", item_class="ninat:video"), "not-text"),
    ('<packageItem guid="k"><itemMeta><itemClass qcode="ninat:composite"/></itemMeta></packageItem>', "not-text"),
    (g2_item("e", body=""), "no-content"),
    (g2_item("s", meta='<pubStatus qcode="stat:pending"/>'), "wrong-value"),
])
def test_g2_items_that_give_no_article(item, reason):
    entries = items(message(item, g2_item("ok")), "newsml")
    assert (entries[0][1].reason, entries[1][1].item_id) == (reason, "ok")


def test_g2_inline_data_paragraphs_and_roles():
    item = (f'<newsItem {G2} guid="g" version="4"><contentMeta>'
            '<creator role="crol:photographer"><name>Pat Lens</name></creator>'
            '<creator><name>Ana Cruz</name></creator>'
            '<contributor><name>Ben Ode</name></contributor>'
            '<contributor role="ctrol:foo ctrol:additionalReporting"><name>Cy Dee</name></contributor>'
            '<contributor role="ctrol:editor"><organisationDetails/><name>The Desk</name></contributor>'
            '<headline role="hdltype:short">Short</headline><headline>Main headline</headline>'
            '</contentMeta><contentSet><inlineData contenttype="text/plain">First line\n  wrapped.\n\n'
            'Second.</inlineData></contentSet></newsItem>')
    [(_, entry)] = items(item.encode(), "newsml")
    assert entry.headline == "Main headline"
    assert entry.paragraphs == ["First line wrapped.", "Second."]
    assert entry.credits == [{"role": "byline", "name": "Ana Cruz"}, {"role": "contributing", "name": "Ben Ode"},
                             {"role": "additional_reporting", "name": "Cy Dee"}]
    assert (entry.version, entry.language, entry.dateline, entry.published) == ("4", None, None, None)


def test_kill_is_kept_without_a_body_so_that_it_can_withdraw_earlier_versions():
    kill = g2_item("a", body="", meta='<pubStatus qcode="stat:canceled"/><edNote>Mandatory kill.</edNote>')
    [(_, entry)] = items(message(kill), "newsml")
    assert (entry.item_id, entry.pub_status, entry.signals, entry.paragraphs) == ("a", "canceled", ["kill"], [])


@pytest.mark.parametrize("docdata, pub_status, signals", [
    ('management-status="usable"><correction info="Corrects the spelling of a name." id-string="d-0"/', "usable",
     ["correction"]),
    ('management-status="embargoed"><ed-msg info="Embargoed until 0900 GMT."/', "withheld", []),
    ('management-status="canceled"><ed-msg info="Withdrawn: legal."/', "canceled", ["kill"]),
])
def test_nitf_status_and_signals(docdata, pub_status, signals):
    # docdata's closing ">" comes from the helper; the parametrised text closes the attributes.
    [(_, entry)] = items(nitf(docdata=docdata), "nitf")
    assert (entry.pub_status, entry.signals) == (pub_status, signals)


@pytest.mark.parametrize("norm, published", [
    ("20250304T143200Z", "2025-03-04T14:32:00+00:00"),
    ("20250310T091500+0100", "2025-03-10T09:15:00+01:00"),
    ("20250304T1432-05:00", "2025-03-04T14:32:00-05:00"),
    ("2025-03-06T09:12:00.150Z", "2025-03-06T09:12:00.150000+00:00"),
    ("2025-03-06T09:12:00", "2025-03-06T09:12:00"),
    ("20250304", "2025-03-04"),
    ("2025-02-30", None),
    ("20250304T143200+2500", None),
    ("yesterday", None),
])
def test_nitf_dates_become_iso_strings(norm, published):
    [(_, entry)] = items(nitf(docdata=f'><date.issue norm="{norm}"/'), "nitf")
    assert entry.published == published


def test_nitf_byline_without_person_elements_is_split_into_names():
    data = nitf(body="<p>Text.</p>").replace(
        b"</hedline>", b"</hedline><byline>By Jane Doe and Omar Haddad, <byttl>Reuters Staff</byttl></byline>")
    [(_, entry)] = items(data, "nitf")
    assert entry.credits == [{"role": "byline", "name": "Jane Doe"}, {"role": "byline", "name": "Omar Haddad"}]


NINJS_GOOD = {"uri": "urn:ok", "type": "text", "headline": "H", "body_text": "LAGOS (AP) - Text."}


@pytest.mark.parametrize("field, value", [
    ("headline", 20250312), ("body_text", ["a", "b"]), ("located", 3), ("language", ["en"]),
    ("people", ["Jane Doe"]), ("bodies", {"value": "x"}), ("headlines", "H"), ("version", True),
    ("firstcreated", 1741771200), ("signals", "correction"), ("associations", ["x"]),
])
def test_ninjs_wrong_types_are_item_errors(field, value):
    data = json.dumps([{**NINJS_GOOD, "uri": "urn:bad", field: value}, NINJS_GOOD]).encode()
    entries = items(data, "ninjs")
    assert entries[0][1].reason == "wrong-type" and field in str(entries[0][1])
    assert entries[1][1].item_id == "urn:ok"


def test_ninjs_json_lines_keep_line_numbers_and_survive_a_bad_line():
    data = json.dumps(NINJS_GOOD).encode() + b'\n\n{"uri": "urn:cut", "headl\n' + json.dumps(NINJS_GOOD).encode()
    entries = items(data, "ninjs")
    assert [index for index, _ in entries] == [0, 2, 3]
    assert [getattr(entry, "reason", "item") for _, entry in entries] == ["item", "malformed-json", "item"]


@pytest.mark.parametrize("data, reason", [
    (b'{"uri": "urn:x", "headline": ', "malformed-json"),
    (b'"just a string"', "malformed-json"),
    (b"[]", "no-items"),
    (b"\xff\xfe\x00garbage", "malformed-json"),
])
def test_ninjs_files_that_cannot_be_read(data, reason):
    with pytest.raises(FeedError) as raised:
        items(data, "ninjs")
    assert raised.value.reason == reason


@pytest.mark.parametrize("obj, outcome", [
    ({**NINJS_GOOD, "type": "picture"}, "not-text"),
    ({**NINJS_GOOD, "type": "composite"}, "composite"),
    ({"uri": "urn:c", "type": "composite", "headline": "Gallery"}, "not-text"),
    ({"uri": "urn:e", "headline": "No body"}, "no-content"),
    ({**NINJS_GOOD, "pubstatus": "maybe"}, "wrong-value"),
    ({**NINJS_GOOD, "version": 2, "pubstatus": "canceled", "ednote": "Kill this story"}, "text"),
])
def test_ninjs_item_classes_and_statuses(obj, outcome):
    [(_, entry)] = items(json.dumps(obj).encode(), "ninjs")
    assert (entry.item_class if isinstance(entry, FeedItem) else entry.reason) == outcome


def test_ninjs_signals_from_signals_ednote_and_pubstatus():
    obj = {**NINJS_GOOD, "version": 2, "pubstatus": "canceled", "ednote": "CORRECTS headline; kill the earlier one",
           "signals": ["sig:update", {"literal": "update"}]}
    [(_, entry)] = items(json.dumps(obj).encode(), "ninjs")
    assert (entry.version, entry.pub_status, entry.signals) == ("2", "canceled", ["update", "correction", "kill"])


def test_ninjs_html_body_keeps_paragraphs_and_moves_figure_captions():
    html = ("<h2>Sub</h2><p>One <em>two</em>\n three.</p><figure><img src='x'/><figcaption>Cap.</figcaption>"
            "<p>Inside figure</p></figure><blockquote>Quoted block.</blockquote><aside><p>Box</p></aside>")
    obj = {"uri": "urn:h", "body_html": html, "body_text": "Plain version."}
    [(_, entry)] = items(json.dumps(obj).encode(), "ninjs")
    assert (entry.paragraphs, entry.captions) == (["One two three.", "Quoted block."], ["Cap."])


def test_unknown_format_is_a_programming_error():
    with pytest.raises(ValueError):
        items(b"<nitf/>", "rss")


# --- properties ---------------------------------------------------------------------------------

XML_SOURCES = [raw(name) for name in ("f01_nitf_ap_nairobi.xml", "f02_newsml_message_reuters.xml",
                                      "f03_newsml_item_correction.xml", "f07_wire_story.dat.gz")]
JSON_SOURCES = [raw(name) for name in ("f04_ninjs1_afp_lyon.json", "f05_ninjs2_ap_lagos.json",
                                       "f06_ninjs_list.json")]
SNIPPETS = [b"<", b">", b"&", b"&lol;", b"]]>", b"<![CDATA[", b"<!DOCTYPE nitf [<!ENTITY x 'y'>]>", b"\x00",
            b"</p>", b"<p>", b'"', b"\xff", b"{", b"}", b"[", b"]", b",", b":", b"null", b"1e999", b"\\u0000",
            b'xmlns="urn:x"', b"\n"]


@st.composite
def mutated(draw, sources):
    """A corpus file cut short and with a few snippets inserted or bytes dropped."""
    data = bytearray(draw(st.sampled_from(sources)))
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(data)))
        if draw(st.booleans()):
            data[at:at] = draw(st.sampled_from(SNIPPETS))
        else:
            del data[at:at + draw(st.integers(1, 40))]
    return bytes(data[:draw(st.integers(0, len(data)))])


# Values of every JSON type, small: nested objects use ninjs keys so that they reach the parser's checks.
JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats()
                           | st.sampled_from(["", "text", "picture", "usable"]),
                           lambda children: st.lists(children, max_size=2)
                           | st.dictionaries(st.sampled_from(["value", "name", "rel", "type", "role"]), children,
                                             max_size=2), max_leaves=4)
NINJS_FIELDS = ["uri", "type", "version", "headline", "headlines", "body_text", "body_html", "bodies", "by",
                "byline", "people", "person", "located", "places", "place", "language", "pubstatus", "signals",
                "ednote", "associations", "firstcreated", "versioncreated", "title"]
NINJS_OBJECTS = st.dictionaries(st.sampled_from(NINJS_FIELDS), JSON_VALUES, max_size=8)


def consume(data: bytes, fmt: str) -> None:
    try:
        for index, entry in parse_feed(data, fmt):
            assert isinstance(index, int) and isinstance(entry, (FeedItem, FeedError))
    except FeedError as e:
        assert e.reason


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=1500), st.sampled_from(FORMATS))
def test_parse_feed_only_raises_feed_errors_on_arbitrary_bytes(data, fmt):
    consume(data, fmt)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated(XML_SOURCES), st.sampled_from(["nitf", "newsml"]))
def test_parse_feed_only_raises_feed_errors_on_near_xml(data, fmt):
    consume(data, fmt)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated(JSON_SOURCES))
def test_parse_feed_only_raises_feed_errors_on_near_json(data):
    consume(data, "ninjs")


@settings(max_examples=150, deadline=None)
@given(st.lists(NINJS_OBJECTS, min_size=1, max_size=3))
def test_parse_feed_only_yields_items_or_errors_for_odd_ninjs(objects):
    entries = items(json.dumps(objects).encode(), "ninjs")
    assert [index for index, _ in entries] == list(range(len(objects)))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.one_of(st.binary(max_size=600), mutated(XML_SOURCES + JSON_SOURCES)))
def test_sniff_feed_never_raises(head):
    assert sniff_feed(head) in (*FORMATS, None)

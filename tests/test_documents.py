"""documents.py: the pure parser. Source documents in, plain data or a DocumentError out; no database."""

import pickle
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from clippings import documents
from clippings.documents import (
    MAX_DOCUMENT_BYTES,
    Clipping,
    DocumentError,
    PressReleaseText,
    content_hash,
    read_document,
    related_entry,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEED_000 = (FIXTURES / "000_8dc8e1a7f07cb3bb.txt").read_bytes()
SEED_001 = (FIXTURES / "001_da2a7ccbbe008069.txt").read_bytes()
SEED_002 = (FIXTURES / "002_ca387c549f82c90e.txt").read_bytes()
SEED_003 = (FIXTURES / "003_df9f5cf7b7883256.txt").read_bytes()
SEED_004 = (FIXTURES / "004_d61a9c0cd27bc914.txt").read_bytes()
EDWEEK = "https://www.edweek.org/leadership/does-facial-recognition-technology-make-schools-safer-what-educators-need-to-know/2023/10"
EDWEEK_IMAGE = (
    "https://epe.brightspotcdn.com/dims4/default/765ca37/2147483647/strip/true/crop/1720x1150+0+0/resize/942x630!"
    "/quality/90/?url=https%3A%2F%2Fepe-brightspot.s3.us-east-1.amazonaws.com%2F53%2Fc9%2F8a96a2eb465e89e9d18fa364a671"
    "%2F102023-lead-image-facial-recognition-gt.jpg"
)


def clipping(**keys) -> bytes:
    """A minimal valid clipping with these keys added or replaced (a value of None drops the key)."""
    fields = {"title": '"Facial recognition in schools"', "webUrl": "https://news.example/story"} | keys
    lines = [f"{key}: {value}" for key, value in fields.items() if value is not None]
    return ("---\n" + "\n".join(lines) + "\n---\n").encode()


def parse_error(data: bytes) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        read_document(data)
    return caught.value


# The seeds -----------------------------------------------------------------------------------


def test_seed_000_clipping():
    doc = read_document(SEED_000)
    assert isinstance(doc, Clipping)
    assert doc.title == "State of New York Makes Moratorium on Facial Recognition Technology in Schools Permanent"
    assert doc.excerpt.startswith("A temporary moratorium on the use of facial recognition technology")
    assert doc.excerpt.endswith("outweighed the safety benefit.")
    url = ("https://www.cpomagazine.com/data-privacy/"
           "state-of-new-york-makes-moratorium-on-facial-recognition-technology-in-schools-permanent")
    assert doc.url == url  # canonical: no trailing slash
    assert doc.web_url == doc.original_url == url + "/"  # as the feed spelt them
    assert doc.amp_url == doc.cdn_amp_url == ""
    assert doc.published_at == datetime(2023, 10, 12, 11, 0, tzinfo=UTC)
    assert (doc.category, doc.kind, doc.quality, doc.heat) == ("news", "article", 10, -1)
    assert doc.source_published is False
    assert (doc.provider.name, doc.provider.domain) == ("CPO Magazine", "cpomagazine.com")
    assert doc.topics == ["Computer Vision", "AI"]
    assert doc.images == []
    assert doc.secured.startswith("HPRoLCUrc0CRPsPKxJe54pB+62l9")
    assert doc.secured.endswith(";LZejl+YchpPCK5oBSA+41w==")
    assert set(doc.raw) == {"category", "title", "excerpt", "publishedDateTime", "originalUrl", "webUrl", "type",
                            "quality", "heat", "published", "provider", "topics", "related", "secured"}
    assert doc.raw["publishedDateTime"] == "2023-10-12T11:00:00Z"  # kept as written, not as a datetime

    governing, edweek, wamc = doc.related
    assert governing.title == "Does Facial Recognition and Other Tech Make Schools Safer?"
    assert "in schools—the first state to do so" in governing.excerpt
    assert governing.url == "https://www.governing.com/education/does-facial-recognition-and-other-tech-make-schools-safer"
    assert governing.amp_url == governing.url + "?_amp=true"
    assert governing.cdn_amp_url == (
        "https://www-governing-com.cdn.ampproject.org/c/s/www.governing.com/education/"
        "does-facial-recognition-and-other-tech-make-schools-safer?_amp=true")
    assert governing.published_at == datetime(2023, 10, 16, 21, 43, tzinfo=UTC)
    assert (governing.provider.name, governing.provider.domain) == ("Governing", "governing.com")
    assert (governing.kind, governing.quality, governing.images) == ("article", 39, [])
    assert edweek.url == EDWEEK
    assert edweek.excerpt.startswith("New York has banned facial recognition technology in schools. Here’s what")
    assert (edweek.provider.domain, edweek.quality) == ("edweek.org", 33)
    [image] = edweek.images
    assert (image.url, image.width, image.height, image.cached_at_source) == (EDWEEK_IMAGE, 942, 630, True)
    assert wamc.title == "New York state bans facial recognition technology in schools"
    assert (wamc.provider.name, wamc.provider.domain, wamc.quality) == ("WAMC", "wamc.org", 19)
    assert wamc.published_at == datetime(2023, 10, 13, 17, 57, tzinfo=UTC)


def test_seed_001_clipping():
    doc = read_document(SEED_001)
    assert doc.title == "Does Facial Recognition Technology Make Schools Safer? What Educators Need to Know"
    assert doc.url == doc.web_url == doc.original_url == EDWEEK
    assert doc.published_at == datetime(2023, 10, 13, 20, 2, tzinfo=UTC)
    assert (doc.quality, doc.heat, doc.provider.domain, doc.provider.name) == (33, -1, "edweek.org", "Education Week")
    [image] = doc.images
    assert (image.url, image.width, image.height, image.cached_at_source) == (EDWEEK_IMAGE, 942, 630, True)
    [governing] = doc.related
    assert governing.provider.domain == "governing.com"


def test_seed_003_clipping():
    doc = read_document(SEED_003)
    assert doc.title == "More than 1,000 Parents Sign Open Letter Calling for a Ban on Facial Recognition in Schools"
    assert doc.published_at == datetime(2020, 9, 18, 9, 41, tzinfo=UTC)
    assert (doc.quality, doc.provider.domain) == (29, "campussafetymagazine.com")
    [image] = doc.images
    assert (image.width, image.height) == (2560, 1483)
    mynewsla, latimes = doc.related
    assert mynewsla.url == ("https://mynewsla.com/crime/2020/09/21/"
                            "lapd-relies-on-facial-recognition-software-in-30000-cases-despite-denials")
    assert mynewsla.web_url == mynewsla.url + "/"
    assert [(i.width, i.height) for i in mynewsla.images] == [(583, 300)]
    assert latimes.quality == 0  # a real zero, not "missing"
    assert latimes.provider.name == "Los Angeles Times"


def test_seed_004_mojibake_is_repaired():
    doc = read_document(SEED_004)
    assert doc.title == "Schools suspend use of facial recognition after backlash"
    assert doc.excerpt == (
        "The Information Commissioner's Office wants organisations to consider a 'less intrusive' approach "
        "where possible")
    [conversation] = doc.related
    assert conversation.excerpt.endswith("inquiries from the UK Information Commissioner’s Office.")
    assert "â€" not in conversation.excerpt
    # The source document itself is kept as it came, mojibake and all.
    assert "Commissionerâ€™s" in doc.raw["related"][0]["excerpt"]
    assert [(i.width, i.height) for i in conversation.images] == [(320, 213)]
    assert [(i.width, i.height) for i in doc.images] == [(370, 229)]


def test_seed_002_press_release():
    doc = read_document(SEED_002)
    assert isinstance(doc, PressReleaseText)
    assert doc.title == "NYCLU Urges State to Block Facial Recognition Technology in Lockport Schools"
    assert doc.dateline == "NEW YORK"
    assert doc.image_caption == "Camera in the school yard"
    assert doc.organization == "New York Civil Liberties Union"
    assert doc.copyright_year == 2024
    assert doc.tagline == "As bold as the spirit of New York, we are the NYCLU."
    assert doc.date is None
    paragraphs = doc.body.split("\n\n")
    assert len(paragraphs) == 13
    assert paragraphs[0].startswith("The New York Civil Liberties Union sent a letter today")  # dateline removed
    assert paragraphs[-1].startswith("“Too many schools in Western New York")
    for unwanted in ("Back to All Press Release", "Camera in the school yard", "©", "2024",
                     "As bold as the spirit", "Civil Liberties Union\n", "NEW YORK-"):
        assert unwanted not in doc.body
    assert "\u00a0" not in doc.body
    assert [q["speaker"] for q in doc.quotes] == ["Donna Lieberman", "Stefanie Coyle", "John Curr III"]
    assert [q["role"] for q in doc.quotes] == [
        "executive director of the NYCLU", "NYCLU education counsel", "NYCLU Western Regional Office director"]
    assert doc.quotes[0]["text"] == (
        "Schools should be safe places for students to learn, not spaces where they are constantly surveilled. "
        "Lockport is sending the message that it views students as potential criminals who must have their faces "
        "scanned wherever they go. This will have a chilling effect on school climate throughout the district and "
        "sow distrust between students and school officials.")
    assert doc.quotes[1]["text"].startswith("Parents of immigrant students could be scared")
    assert doc.raw == {"format": "press release text", "text": SEED_002.decode()}


def test_press_release_source_values_cover_every_source_field():
    from clippings.models import PRESS_RELEASE_SOURCE_FIELDS

    assert set(read_document(SEED_002).source_values()) == set(PRESS_RELEASE_SOURCE_FIELDS)


def test_clipping_source_values_cover_every_source_field():
    from clippings.models import ARTICLE_SOURCE_FIELDS

    assert set(read_document(SEED_000).source_values(provider_pk=1)) == set(ARTICLE_SOURCE_FIELDS)


# Format variants that are valid documents -------------------------------------------------------


@pytest.mark.parametrize("seed", [SEED_000, SEED_002])
def test_bom_and_crlf_documents_parse_as_the_original(seed):
    original = read_document(seed)
    bom, crlf = b"\xef\xbb\xbf", seed.replace(b"\n", b"\r\n")
    for variant in (bom + seed, crlf, bom + crlf):
        parsed = read_document(variant)
        assert parsed.title == original.title
        assert parsed.source_values(**({"provider_pk": 1} if isinstance(parsed, Clipping) else {})) == \
            original.source_values(**({"provider_pk": 1} if isinstance(parsed, Clipping) else {}))
        if isinstance(parsed, Clipping):
            assert parsed.raw == original.raw
            assert parsed.secured == original.secured


def test_html_in_plain_text_fields_is_treated_as_text():
    doc = read_document(clipping(
        title='"<b>Schools</b> &amp; <em>surveillance</em>"', excerpt='"<p>One.</p><p>Two &lt;three&gt;</p>"'))
    assert doc.title == "Schools & surveillance"
    assert doc.excerpt == "One. Two <three>"


def test_mojibake_is_repaired_in_every_text_field():
    doc = read_document(clipping(title='"Commissionerâ€™s report"', excerpt='"Itâ€™s here"'))
    assert (doc.title, doc.excerpt) == ("Commissioner’s report", "It’s here")


def test_whitespace_is_normalised():
    doc = read_document(clipping(title='"  Facial\\trecognition \\n in   schools "'))
    assert doc.title == "Facial recognition in schools"


def test_url_is_canonical_and_provider_comes_from_the_url_when_missing():
    doc = read_document(clipping(webUrl="HTTPS://WWW.News.Example/Story/?utm_source=rss"))
    assert doc.url == "https://www.news.example/Story"
    assert doc.web_url == "HTTPS://WWW.News.Example/Story/?utm_source=rss"
    assert (doc.provider.domain, doc.provider.name) == ("news.example", "news.example")


def test_provider_domain_is_folded():
    doc = read_document(clipping(provider="{name: News, domain: WWW.News.Example}"))
    assert doc.provider.domain == "news.example"


def test_original_url_is_used_when_there_is_no_web_url():
    doc = read_document(clipping(webUrl=None, originalUrl="https://news.example/only-original/"))
    assert doc.url == "https://news.example/only-original"


def test_dates_without_zone_are_utc_and_a_bare_date_is_midnight():
    assert read_document(clipping(publishedDateTime="2023-10-12T11:00:00")).published_at == \
        datetime(2023, 10, 12, 11, tzinfo=UTC)
    assert read_document(clipping(publishedDateTime="2023-10-12")).published_at == datetime(2023, 10, 12, tzinfo=UTC)
    with_offset = read_document(clipping(publishedDateTime="2023-10-12T13:00:00+02:00")).published_at
    assert with_offset == datetime(2023, 10, 12, 11, tzinfo=UTC)


def test_published_true_at_the_source_is_read():
    assert read_document(clipping(published="true")).source_published is True


def test_topics_are_deduplicated_ignoring_case():
    assert read_document(clipping(topics="[AI, ai, ' Computer  Vision ', '']")).topics == ["AI", "Computer Vision"]


def test_duplicate_related_links_are_kept_once():
    doc = read_document(clipping(related=(
        "[{title: A, webUrl: 'https://other.example/a/'}, {title: B, webUrl: 'https://OTHER.example/a?utm_medium=x'}]")))
    assert [link.title for link in doc.related] == ["A"]


def test_unknown_keys_are_kept_in_raw():
    doc = read_document(clipping(sentiment="0.4", tags="[x, y]", nested="{a: 1}"))
    assert doc.raw["sentiment"] == 0.4
    assert doc.raw["tags"] == ["x", "y"]
    assert doc.raw["nested"] == {"a": 1}


def test_secured_is_kept_verbatim():
    blob = "A+b/c==;d+E/f=="
    assert read_document(clipping(secured=f'"{blob}"')).secured == blob


def test_content_hash_is_sha256_of_the_bytes():
    assert content_hash(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


# Bad input: one clear error, with the line where the parser knows it ------------------------------

BAD_INPUTS = {
    "invalid YAML": (b"---\ntitle: ok\n  nested: badly\n---\n", "invalid YAML: mapping values are not allowed", 3),
    "unterminated front matter": (b"---\ntitle: x\nwebUrl: https://news.example/a\n", "front matter is not closed", 1),
    "missing title": (clipping(title=None), "title is missing", None),
    "empty title": (clipping(title="''"), "title: is missing or empty", 2),
    "missing URL": (clipping(webUrl=None), "webUrl and originalUrl are both missing", None),
    "not an http URL": (clipping(webUrl="ftp://news.example/a"), "webUrl: 'ftp://news.example/a' is not an http(s)",
                        3),
    "quality: high": (clipping(quality="high"), "quality: expected a whole number, got 'high'", 4),
    "quality: a fraction": (clipping(quality="2.5"), "quality: expected a whole number, got 2.5", 4),
    "quality: true": (clipping(quality="true"), "quality: expected a whole number, got True", 4),
    "published: maybe": (clipping(published="maybe"), "published: expected true or false, got 'maybe'", 4),
    "impossible date": (clipping(publishedDateTime="2023-02-30T11:00:00Z"),
                        "publishedDateTime: '2023-02-30T11:00:00Z' is not a real date", 4),
    "not a date": (clipping(publishedDateTime="last Tuesday"), "publishedDateTime: 'last Tuesday' is not a date", 4),
    "year 1": (clipping(publishedDateTime='"0001-01-01T00:00:00Z"'),
               "publishedDateTime: 0001-01-01 is before 1900; dates must be between 1900-01-01 and ", 4),
    "year 1 east of Greenwich": (clipping(publishedDateTime='"0001-01-01T00:00:00+14:00"'),
                                 "publishedDateTime: 0001-01-01 is before 1900; dates must be between", 4),
    "just before 1900 in UTC": (clipping(publishedDateTime="1900-01-01T00:00:00+01:00"),
                                "publishedDateTime: 1900-01-01 is before 1900", 4),
    "year 9999": (clipping(publishedDateTime="9999-12-31T23:59:59-14:00"),
                  "publishedDateTime: 9999-12-31 is more than a year from now; dates must be between", 4),
    "a related story in year 1": (clipping(related="[{webUrl: 'https://b.example/a', publishedDateTime: 0001-01-01}]"),
                                  "related[0].publishedDateTime: 0001-01-01 is before 1900", 4),
    "topics not names": (clipping(topics="[{a: 1}]"), "topics: expected topic names", 4),
    "negative image size": (clipping(images="[{url: 'https://img.example/a.jpg', width: -5}]"),
                            "images[0].width: expected a size in pixels, got -5", 4),
    "URL too long": (clipping(webUrl="https://news.example/" + "a" * 2000), "webUrl: the URL is longer than 2000", 3),
    "front matter a list": (b"---\n- a\n- b\n---\n", "not a set of `key: value` lines", 2),
    "empty front matter": (b"---\n---\n", "not a set of `key: value` lines", 2),
    "empty file": (b"", "the file is empty", None),
    "blank file": (b" \n\r\n\t\n", "the file is empty", None),
    "binary file": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file", None),
    "not UTF-8": (b"---\ntitle: caf\xe9\n---\n", "byte 0xe9 at offset 14 is not UTF-8", 2),
    "too short to be anything": (b"Just one line.\n", "too short to be a press release", None),
    "press release without body": (b"A title\n\n\xc2\xa9 2024 New York Civil Liberties Union\n", "too short", None),
}


@pytest.mark.parametrize(("data", "message", "line"), BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_gets_one_clear_error(data, message, line):
    error = parse_error(data)
    assert message in error.message
    assert error.line == line
    assert str(error) == (f"line {line}: {error.message}" if line else error.message)


def test_invalid_yaml_points_at_the_line():
    error = parse_error(b"---\ntitle: ok\nwebUrl: https://news.example/a\nexcerpt: [unclosed\nquality: 3\n---\n")
    assert error.message.startswith("invalid YAML")
    assert error.line in (5, 6)  # where the scanner gives up


def test_an_oversized_document_is_refused():
    error = parse_error(b"---\n" + b"x" * (MAX_DOCUMENT_BYTES + 1))
    assert "MB are refused" in error.message


# Errors inside related entries and images name the entry and point at its own line, not at the
# first line anywhere in the file with the same key.
SEED_000_LINES = SEED_000.decode().split("\n")


def _seed_000_with(line_number: int, new_line: str) -> bytes:
    lines = list(SEED_000_LINES)
    lines[line_number - 1] = new_line
    return "\n".join(lines).encode()


@pytest.mark.parametrize(
    ("line", "replacement", "message"),
    [
        (9, "quality: high", "quality: expected a whole number"),
        (32, "    quality: high", "related[0].quality: expected a whole number"),
        (55, "    quality: high", "related[2].quality: expected a whole number"),
        (49, "    publishedDateTime: 2023-13-45T17:57:00Z",
         "related[2].publishedDateTime: '2023-13-45T17:57:00Z' is not a"),
        (44, "        width: wide", "related[1].images[0].width: expected a whole number, got 'wide'"),
    ],
)
def test_errors_in_nested_entries_point_at_their_own_line(line, replacement, message):
    error = parse_error(_seed_000_with(line, replacement))
    assert error.message.startswith(message)
    assert error.line == line


def test_a_top_level_key_after_a_nested_one_points_at_its_own_line():
    # The top-level "quality" moved below "related", whose entries have their own "quality".
    lines = [line for line in SEED_000_LINES if line != "quality: 10"]
    at = next(index for index, line in enumerate(lines) if line.startswith("secured:"))
    lines.insert(at, "quality: high")
    error = parse_error("\n".join(lines).encode())
    assert error.message.startswith("quality: expected a whole number")
    assert error.line == at + 1


def test_related_entry_without_url_names_the_entry():
    error = parse_error(clipping(related="[{title: No link}]"))
    assert error.message == "related[0].webUrl and originalUrl are both missing: the story has no URL"


def test_an_error_in_a_lone_image_points_at_its_line():
    error = parse_error(clipping(excerpt="x", images="{url: 'https://img.example/a.jpg', width: wide}"))
    assert error.message == "images[0].width: expected a whole number, got 'wide'"
    assert error.line == 5


@pytest.mark.parametrize(
    ("value", "line"), [(".nan", 4), ("-.inf", 4), ("!!binary aGVsbG8=", 4), ("[1, {a: .nan}]", 4), ("!!set {a, b}", 4)]
)
def test_a_value_json_cannot_hold_is_refused_naming_its_key(value, line):
    error = parse_error(clipping(sentiment=value))
    assert error.message == "sentiment: holds a value that cannot be stored (NaN, infinity, binary data or a set)"
    assert error.line == line


# YAML: plain trees are built directly, for speed; the result must be PyYAML's own --------------

YAML_SHAPES = {
    "scalars of every implicit type": "a: text\nb: 12\nc: -0x1F\nd: 1_000\ne: 2.5\nf: .inf\ng: yes\nh: ~\ni: ''\n"
                                      "j: 2023-10-12T11:00:00Z\nk: 190:20:30\nl: '12'\nm: !!str 12\n",
    "keys that are not text": "1: one\ntrue: yes\n~: nothing\n2.5: half\n",
    "nesting": "related:\n  - title: x\n    images: [{url: 'https://a.example/i', width: 3}]\n  - [1, [2, {}]]\n",
    "duplicate keys": "a: 1\na: 2\n",
    "an alias": "base: &b {x: 1}\nother: *b\nlist: &l [1, 2]\nagain: *l\n",
    "a merge key": "base: &b {x: 1, y: 2}\nderived:\n  <<: *b\n  y: 3\n",
    "explicit tags": "bin: !!binary aGVsbG8=\nset: !!set {a, b}\nomap: !!omap [{a: 1}, {b: 2}]\n",
    "a mapping as a key": "? {a: 1}\n: value\n",
    "a sequence as a key": "? [a, b]\n: value\n",
}


@pytest.mark.parametrize("text", YAML_SHAPES.values(), ids=YAML_SHAPES.keys())
def test_yaml_is_loaded_exactly_as_pyyaml_loads_it(text):
    def standard():
        loader = documents._Loader(text)
        try:
            return loader.construct_document(loader.get_single_node())
        finally:
            loader.dispose()

    try:
        expected = standard()
    except yaml.YAMLError as error:
        with pytest.raises(type(error)):
            yaml.load(text, Loader=documents._Loader)  # noqa: S506 - a safe loader
        return
    loaded = yaml.load(text, Loader=documents._Loader)  # noqa: S506 - a safe loader
    assert loaded == expected
    assert repr(loaded) == repr(expected)  # the same types too (1 == True == 1.0)


def test_yaml_aliases_share_one_object_as_in_pyyaml():
    loaded = yaml.load("base: &b {x: 1}\nother: *b\n", Loader=documents._Loader)  # noqa: S506 - a safe loader
    assert loaded["base"] is loaded["other"]


def test_a_recursive_alias_is_refused():
    error = parse_error(b"---\ntitle: x\nwebUrl: https://news.example/a\nloop: &a [*a]\n---\n")
    assert (error.message, error.line) == ("an alias refers to the entry it is in: the document would never end", 4)


def test_aliases_that_expand_to_a_billion_values_are_refused_without_expanding_them():
    # 500 bytes standing for 10**9 values: keeping it as JSON would never finish (regression).
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"] + [
        f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 10)
    ]
    data = ("---\ntitle: x\nwebUrl: https://news.example/a\n" + "\n".join(levels) + "\n---\n").encode()
    error = parse_error(data)
    assert (error.message, error.line) == ("its aliases (*name) repeat values more than 100,000 times", 8)  # a4


def test_a_long_document_with_an_alias_is_not_taken_for_a_bomb():
    # Regression: the check counted every value, so 150,000 numbers and one merge key were refused.
    numbers = ", ".join(map(str, range(150_000)))
    data = (f"---\ntitle: x\nwebUrl: https://news.example/a\nbase: &b {{x: 1}}\nderived:\n  <<: *b\n"
            f"numbers: [{numbers}]\n---\n").encode()
    clipping = read_document(data)
    assert clipping.raw["derived"] == {"x": 1} and len(clipping.raw["numbers"]) == 150_000


def test_an_error_crosses_processes_with_its_line():
    error = pickle.loads(pickle.dumps(parse_error(clipping(quality="high"))))
    assert type(error) is DocumentError
    assert (error.message, error.line) == ("quality: expected a whole number, got 'high'", 4)


def test_a_related_link_finds_its_entry_in_the_kept_source_document():
    first = {"webUrl": "https://news.example/a/?utm_source=feed", "title": "A", "sentiment": 0.4}
    second = {"originalUrl": "https://NEWS.example/b", "title": "B"}
    document = {"related": ["not a story", {"title": "no URL"}, first, second, {**first, "title": "A again"}]}
    assert related_entry(document, "https://news.example/a") is first  # the first of duplicates, as imported
    assert related_entry(document, "https://news.example/b") is second
    assert related_entry(document, "https://news.example/c") is None
    assert related_entry({"related": second}, "https://news.example/b") is second  # a lone entry
    assert related_entry({}, "https://news.example/b") is None
    assert related_entry({"related": 3}, "https://news.example/b") is None

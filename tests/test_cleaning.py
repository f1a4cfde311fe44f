"""cleaning.py: repairing text and normalising URLs, without a database."""

import pytest

from clippings.cleaning import InvalidURL, canonical_url, clean_line, clean_paragraphs, domain_of, repair


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://www.example.com/story", "https://www.example.com/story"),
        ("HTTPS://WWW.Example.COM/Story", "https://www.example.com/Story"),  # the path keeps its case
        ("https://example.com/story/", "https://example.com/story"),
        ("https://example.com/", "https://example.com/"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com/story?utm_source=feed&utm_medium=rss", "https://example.com/story"),
        ("https://example.com/story?id=7&utm_campaign=x&fbclid=abc&gclid=1", "https://example.com/story?id=7"),
        ("https://example.com/story?b=2&a=1", "https://example.com/story?b=2&a=1"),
        ("https://example.com/story#comments", "https://example.com/story"),
        ("https://example.com:443/story", "https://example.com/story"),
        ("http://example.com:80/story", "http://example.com/story"),
        ("https://example.com:8443/story", "https://example.com:8443/story"),
        ("https://example.com./story", "https://example.com/story"),
        ("https://user:secret@example.com/story", "https://example.com/story"),
        ("  https://example.com/story  ", "https://example.com/story"),
        ("https://example.com/story?", "https://example.com/story"),
        ("https://example.com/story?_amp=true", "https://example.com/story?_amp=true"),
    ],
)
def test_canonical_url(url, canonical):
    assert canonical_url(url) == canonical


def test_canonical_url_is_idempotent():
    url = "HTTPS://Example.com/a/b/?utm_source=x&q=facial+recognition"
    assert canonical_url(canonical_url(url)) == canonical_url(url) == "https://example.com/a/b?q=facial+recognition"


@pytest.mark.parametrize(
    "url", ["ftp://example.com/file", "javascript:alert(1)", "https://", "not a url", "example.com/story",
            "https://example.com:99999/", "mailto:press@example.org", ""],
)
def test_canonical_url_refuses_what_is_not_an_http_url(url):
    with pytest.raises(InvalidURL):
        canonical_url(url)


@pytest.mark.parametrize(
    ("value", "domain"),
    [
        ("cpomagazine.com", "cpomagazine.com"),
        ("WWW.CPOMagazine.com", "cpomagazine.com"),
        ("www.example.com.", "example.com"),
        ("https://www.edweek.org/leadership/story", "edweek.org"),
        ("HTTP://Example.org:8080/news", "example.org"),
        (" example.org/news ", "example.org"),
        ("example.org:8080", "example.org"),
        ("news.bbc.co.uk", "news.bbc.co.uk"),
        ("", ""),
    ],
)
def test_domain_of(value, domain):
    assert domain_of(value) == domain


@pytest.mark.parametrize(
    ("value", "cleaned"),
    [
        (None, ""),
        (42, "42"),
        ("  Facial   recognition\n in\tschools  ", "Facial recognition in schools"),
        ("\u00a0non-breaking\u00a0", "non-breaking"),
        # Mojibake: UTF-8 read as Windows-1252, as in seed 004.
        ("Information Commissionerâ€™s Office", "Information Commissioner’s Office"),
        ("schoolsâ€”the first state", "schools—the first state"),
        ("Here’s what experts say", "Here’s what experts say"),  # curly quotes are kept
        ("café", "café"),  # correct non-ASCII text is left alone
        # HTML in a plain-text field becomes the text a reader would have seen.
        ("<b>Bold</b> &amp; <i>brave</i>", "Bold & brave"),
        ("<p>One.</p><p>Two.</p>", "One. Two."),
        ("Line<br>break", "Line break"),
        ("Tom &amp; Jerry &#8212; &quot;quoted&quot;", 'Tom & Jerry — "quoted"'),
        ("<script>alert(1)</script>Safe", "alert(1)Safe"),
        # Escaped markup is text, not markup: it is unescaped, and templates escape it again.
        ("&lt;b&gt;not bold&lt;/b&gt;", "<b>not bold</b>"),
        # Angle brackets that are not tags survive.
        ("5 < 6 and 7 > 3", "5 < 6 and 7 > 3"),
    ],
)
def test_clean_line(value, cleaned):
    assert clean_line(value) == cleaned


def test_repair_leaves_ascii_alone():
    text = "Plain ASCII, already fine."
    assert repair(text) is text


def test_clean_paragraphs_drops_empty_lines():
    assert clean_paragraphs(["  One  ", "", "\u00a0", "Two  lines"]) == ["One", "Two lines"]


@pytest.mark.parametrize("markup", ["<![t>", "x<![tx]>", "<p><![tt ]]>b</p>"])
def test_markup_pythons_html_parser_rejects_is_still_cleaned_not_a_crash(markup):
    # Regression: strip_tags raised AssertionError ("unknown status keyword") and the import crashed.
    assert "<" not in clean_line(markup)


@pytest.mark.parametrize("url", [
    "https://news.example/a/b/?_amp=true", "https://news.example?x=1", "http://news.example/a?x=&y=2/",
    "https://img.example/f.jpg?ixlib=rb-1.1.0&q=45&auto=format&w=583", "https://news.example/a?utm_source=x&id=3",
    "https://news.example/a?id=3&fbclid=abc", "https://news.example/a?x", "https://news.example/a?x=1&&y=2",
    "https://news.example/a?q=a+b", "https://news.example/a?q=%2F", "https://news.example/a/?",
])
def test_canonical_url_shortcut_gives_what_the_general_path_gives(url):
    from urllib.parse import urlencode, urlsplit, urlunsplit

    from clippings.cleaning import _TRACKING_PARAMETER, parse_qsl

    parts = urlsplit(url)
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not _TRACKING_PARAMETER.match(k)])
    assert canonical_url(url) == urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/") or "/", query, ""))

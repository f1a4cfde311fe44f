"""Hostile documents: each is refused with a message an editor understands (the file, the line, the
key), or accepted with its values made safe, and the same on SQLite and PostgreSQL."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from clippings.documents import (
    MAX_IMAGES_PER_STORY,
    MAX_RELATED_PER_DOCUMENT,
    MAX_TOPICS_PER_DOCUMENT,
)
from clippings.models import Article, Image, PressRelease, Provider, RelatedLink, Topic

URL = "webUrl: https://news.example/story"


def clipping(*lines: str, title: str = "title: Hostile") -> bytes:
    return "\n".join(["---", title, URL, *lines, "---", ""]).encode()


def nested(depth: int) -> bytes:
    return clipping("related: " + "[" * depth + "1" + "]" * depth)


def listing(key: str, entries: list[str]) -> bytes:
    return clipping(f"{key}:", *(f"  - {entry}" for entry in entries))


RELEASE = ("Statement on facial recognition\n\nNEW YORK - The statement.\n\nWe defend civil liberties.\n\n"
           "© 2024 New York Civil Liberties Union\n")

REFUSED = {
    # Issue 14, defect 6: Python's exceptions, named in the message.
    "a huge quality": (clipping("quality: " + "9" * 400), 4,
                       "quality: a number of 400 digits is out of range: expected a whole number from "
                       "-2,147,483,648 to 2,147,483,647"),
    "a quality too long to read": (clipping("quality: " + "9" * 5000), 4,
                                   "quality: the number is too long to be read (more than 4,300 digits)"),
    "a quality past the integer column": (clipping("quality: 2147483648"), 4, "quality: 2147483648 is out of range"),
    "an image wider than the column": (listing("images", ["{url: 'https://img.example/a.jpg', width: 4294967296}"]),
                                       5, "images[0].width: 4294967296 is out of range"),
    "year 1, east of Greenwich": (clipping('publishedDateTime: "0001-01-01T00:00:00+14:00"'), 4,
                                  "publishedDateTime: 0001-01-01 is before 1900; dates must be between 1900-01-01"),
    "year 1": (clipping('publishedDateTime: "0001-01-01T00:00:00Z"'), 4,
               "publishedDateTime: 0001-01-01 is before 1900; dates must be between 1900-01-01"),
    "a related story in year 9999": (listing("related", ["{webUrl: 'https://b.example/a', "
                                                         "publishedDateTime: 9999-01-01}"]), 5,
                                     "related[0].publishedDateTime: 9999-01-01 is more than a year from now"),
    "nested 995 deep": (nested(995), 4, "related: lists or mappings are nested more than 100 levels deep"),
    "nested 10,000 deep": (nested(10_000), 4, "invalid YAML: exceeded maximum nesting depth"),
    "a NUL in the title": (clipping(title='title: "Hostile\\0"'), 2,
                           "title: holds a NUL character (\\0), which cannot be stored"),
    "a NUL in a URL": (clipping('originalUrl: "https://news.example/a\\0b"'), 4,
                       "originalUrl: holds a NUL character"),
    "a NUL in a press release": (RELEASE.replace("The statement.", "The " + "long " * 2000 + "\0statement.").encode(),
                                 3, "holds a NUL character"),
    "a 300-character provider domain": (clipping("provider: {domain: " + "a" * 296 + ".org}"), 4,
                                        f"provider.domain: '{'a' * 38}… is not a domain name like example.org"),
    # Issue 14, defect 7: values that were stored unchecked.
    "a provider domain that is markup": (clipping("provider: {name: Evil, domain: '<script>'}"), 4,
                                         "provider.domain: '<script>' is not a domain name like example.org"),
    "a provider domain that is escaped markup": (clipping("provider: {domain: '&lt;script&gt;.example'}"), 4,
                                                 "provider.domain: '&lt;script&gt;.example' is not a domain name"),
    "a control character in a provider domain": (clipping('provider: {domain: "a\\x01b.example"}'), 4,
                                                 "provider.domain: 'a\\x01b.example' is not a domain name"),
    "a control character in a URL": (clipping('ampWebUrl: "https://news.example/a\\x01"'), 4,
                                     "ampWebUrl: the URL holds a control character"),
    "40,000 topics": (clipping("topics: [" + ", ".join(f"t{n}" for n in range(40_000)) + "]"), 4,
                      f"topics: lists 40,000 topics; a document may list at most {MAX_TOPICS_PER_DOCUMENT}"),
    "too many images": (listing("images", [f"https://img.example/{n}.jpg" for n in range(MAX_IMAGES_PER_STORY + 1)]),
                        4, f"images: lists {MAX_IMAGES_PER_STORY + 1} images; a document may list at most"),
    "too many related stories": (listing("related", [f"{{webUrl: 'https://b.example/{n}'}}"
                                                     for n in range(MAX_RELATED_PER_DOCUMENT + 1)]),
                                 4, f"related: lists {MAX_RELATED_PER_DOCUMENT + 1} related stories"),
    # Issue 14, defect 4: a broken clipping is not a press release; a press release looks like one.
    "front matter after a blank line": (b"\n" + clipping("secured: BLOB"), 2,
                                        "the front matter's opening --- must be on the first line"),
    "an opening --- after a space": (b" " + clipping("secured: BLOB"), 1,
                                     "the front matter's opening --- must be at the start of the line"),
    "front matter without its opening ---": (clipping("secured: BLOB")[4:], 1,
                                             "this looks like front matter without its opening line ---"),
    "an RTF file": (b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}}\n\\f0 Statement\\par\n}\n", None,
                    "this is an RTF document, not plain text"),
    "random text": (b"Lorem ipsum dolor sit amet.\n\nConsectetur adipiscing elit, sed do eiusmod.\n", None,
                    "not a clipping (no --- front matter), and not a press release either: it has no dateline"),
}


def import_one(tmp_path, data: bytes) -> tuple[str, str, bool]:
    path = tmp_path / "hostile.md"
    path.write_bytes(data)
    out, err = StringIO(), StringIO()
    try:
        call_command("import_clippings", str(path), stdout=out, stderr=err)
    except CommandError:
        return str(path), err.getvalue(), False
    return str(path), err.getvalue(), True


def stored() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Article, PressRelease, Provider, Topic, Image,
                                                                  RelatedLink)}


@pytest.mark.parametrize(("data", "line", "message"), REFUSED.values(), ids=REFUSED.keys())
def test_a_hostile_document_is_refused_with_a_message_naming_the_file_line_and_key(db, tmp_path, data, line,
                                                                                   message):
    path, errors, ok = import_one(tmp_path, data)
    assert not ok
    assert errors.startswith(f"error: {path}:{line}: {message}" if line else f"error: {path}: {message}"), errors
    assert not re.search(r"[A-Z][a-z]+(Error|Exception)\b", errors)  # no Python exception names
    assert set(stored().values()) == {0}  # nothing of it written


def test_values_at_the_limits_are_accepted(db, tmp_path):
    data = clipping(
        "quality: -2147483648", "heat: 2147483647", "publishedDateTime: 1900-01-01T00:00:00Z",
        "topics: [" + ", ".join(f"t{n}" for n in range(MAX_TOPICS_PER_DOCUMENT)) + "]",
        "images: [{url: 'https://img.example/a.jpg', width: 2147483647, height: 0}]",
        "provider: {name: Bücher, domain: bücher.example}",
    )
    _, errors, ok = import_one(tmp_path, data)
    assert ok, errors
    article = Article.objects.get()
    assert (article.quality, article.heat, article.published_at.year) == (-(2**31), 2**31 - 1, 1900)
    assert article.topics.count() == MAX_TOPICS_PER_DOCUMENT
    assert (article.provider.domain, article.images.get().width) == ("bücher.example", 2**31 - 1)


def test_control_characters_and_markup_are_taken_out_of_the_text_kept(db, tmp_path):
    data = clipping('excerpt: "An\\x07 excerpt\\x1b"', "topics: [\"AI\\x01\"]",
                    'provider: {name: "&lt;script&gt;Evil&lt;/script&gt; <b>News</b>\\x02", domain: evil.example}',
                    title='title: "A\\x01 hostile\\x7f title"')
    _, errors, ok = import_one(tmp_path, data)
    assert ok, errors
    article = Article.objects.select_related("provider").get()
    assert (article.title, article.excerpt) == ("A hostile title", "An excerpt")
    assert article.provider.name == "Evil News"
    assert list(article.topics.values_list("name", flat=True)) == ["AI"]
    # The source document is kept as it came, control characters included (both databases hold them).
    assert article.source_data["title"] == "A\x01 hostile\x7f title"


def test_a_long_press_release_title_that_folds_longer_is_imported(db, tmp_path):
    # "ß" folds to "ss": the folded title of 500 characters was 1,000, past its column on PostgreSQL.
    title = "ß" * 500
    _, errors, ok = import_one(tmp_path, RELEASE.replace("Statement on facial recognition", title).encode())
    assert ok, errors
    assert PressRelease.objects.get().title == title

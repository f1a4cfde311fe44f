"""Properties of reading and importing any document, broken as feeds break them (tests/strategies.py).

- Reading a file gives a clipping or a press release, or says what is wrong in an editor's words:
  never another exception, and quickly (hypothesis' deadline stands in for "never a hang").
- Importing it stores it faithfully, or refuses it with one message naming the file and writes
  nothing of it (no article, release, provider, topic, link or image); importing it again changes
  nothing.

"Stored the same on both databases": what a document must be stored as (`expected_*`) is worked
out from its parsed form alone, which no database touches, and every example checks that the
database it runs on stores exactly that (`stored_*`). Whether a document is accepted is decided by
parsing too: a document that parses must import, so no database refuses what the other accepts.
CI runs this file once on SQLite and once on PostgreSQL; a document both accept is therefore stored
as the same value on both. Profiles (tests/conftest.py): "ci" by default, "long" with
HYPOTHESIS_PROFILE=long (docs/adversarial.md).
"""

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings

from clippings.documents import Clipping, DocumentError, PressReleaseText, read_document
from clippings.importer import ARTICLE, PRESS_RELEASE, UNCHANGED, Importer
from clippings.models import Article, Image, ImportRun, PressRelease, Provider, RelatedLink, Topic
from tests.strategies import documents

# What an editor must never read in a message: a Python exception's name, or its traceback.
PYTHON_WORDS = re.compile(r"\b\w*(Error|Exception|Warning)\b|Traceback|\bNone\b|\\x00|<class ")


def assert_readable(message: str) -> None:
    assert message and not PYTHON_WORDS.search(message), message


# Found by the long run: refused with "published: expected true or false, got None".
NULL_PUBLISHED = b"---\ntitle: T\nwebUrl: https://news.example/a\npublished:\n---\n"


def test_a_published_key_with_no_value_is_not_published():
    assert read_document(NULL_PUBLISHED).source_published is False


# Found by the suite: YAML counts U+2028 as a line break, so the error's line was past the file's last.
UNCLOSED_QUOTE = '---\ntitle: T\nwebUrl: https://news.example/a\nnote: "open\u2028still open\n---\n'.encode()


def test_an_error_is_reported_on_the_line_an_editor_sees():
    with pytest.raises(DocumentError) as refused:
        read_document(UNCLOSED_QUOTE)
    assert refused.value.line == 5  # the closing ---, where the quote is still open


@given(documents)
@example(NULL_PUBLISHED)
@example(UNCLOSED_QUOTE)
def test_reading_a_document_gives_it_or_says_what_is_wrong(data):
    try:
        document = read_document(data)
    except DocumentError as error:
        assert_readable(error.message)
        assert error.line is None or 1 <= error.line <= data.count(b"\n") + data.count(b"\r") + 1
    else:
        assert isinstance(document, Clipping | PressReleaseText)


def _images(images) -> list:
    return sorted({image.url: (image.url, image.width, image.height, image.cached_at_source) for image in images}
                  .values())


def expected_article(doc: Clipping) -> dict:
    return {
        "url": doc.url, "slug": doc.slug, "title": doc.title, "excerpt": doc.excerpt, "published_at": doc.published_at,
        "category": doc.category, "kind": doc.kind, "quality": doc.quality, "heat": doc.heat, "web_url": doc.web_url,
        "original_url": doc.original_url, "amp_url": doc.amp_url, "cdn_amp_url": doc.cdn_amp_url,
        "source_published": doc.source_published, "secured": doc.secured, "source_data": doc.raw,
        "provider": (doc.provider.domain, doc.provider.name[:200]), "topics": sorted(doc.topics),
        "images": _images(doc.images),
        "related": [(link.url, link.web_url, link.title[:500], link.excerpt, link.published_at, link.kind[:50],
                     link.quality, link.amp_url, link.cdn_amp_url, link.provider.domain if link.provider else None,
                     _images(link.images)) for link in doc.related],
    }


def stored_article(article: Article) -> dict:
    def images(**owner):
        return sorted((i.url, i.width, i.height, i.cached_at_source) for i in Image.objects.filter(**owner))

    return {
        **{name: getattr(article, name) for name in (
            "url", "slug", "title", "excerpt", "published_at", "category", "kind", "quality", "heat", "web_url",
            "original_url", "amp_url", "cdn_amp_url", "source_published", "secured", "source_data")},
        "provider": (article.provider.domain, article.provider.name),
        "topics": sorted(article.topics.values_list("name", flat=True)), "images": images(article=article),
        "related": [(link.url, link.web_url, link.title, link.excerpt, link.published_at, link.kind, link.quality,
                     link.amp_url, link.cdn_amp_url, link.provider.domain if link.provider else None,
                     images(related_link=link))
                    for link in article.related_links.order_by("position").select_related("provider")],
    }


RELEASE_FIELDS = ("title", "dateline", "body", "quotes", "organization", "copyright_year", "image_caption",
                  "tagline", "date")


def expected_release(doc: PressReleaseText) -> dict:
    return {**{name: getattr(doc, name) for name in RELEASE_FIELDS}, "source_data": doc.raw}


def stored_release(release: PressRelease) -> dict:
    return {name: getattr(release, name) for name in (*RELEASE_FIELDS, "source_data")}


def stored(doc) -> dict:
    if isinstance(doc, Clipping):
        return stored_article(Article.objects.select_related("provider").get())
    return stored_release(PressRelease.objects.get())


def nothing_written() -> bool:
    return not any(model.objects.exists() for model in (Article, PressRelease, Provider, Topic, RelatedLink, Image))


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=documents)
def test_importing_stores_a_document_faithfully_or_refuses_it_naming_the_file(db, django_db_blocker, data):
    from django.db import transaction

    with tempfile.TemporaryDirectory() as folder, transaction.atomic():
        path = Path(folder) / "document.txt"
        path.write_bytes(data)
        try:
            document = read_document(data)
        except DocumentError as error:
            document = error
        report = Importer(workers=0).import_paths([path])
        run = ImportRun.objects.get()
        assert run.state == "finished"
        if isinstance(document, DocumentError):
            assert [(f.source, f.message, f.line) for f in report.failures] == [
                (str(path), document.message, document.line)]
            assert run.failures == [{"file": str(path), "line": document.line, "message": document.message}]
            assert nothing_written()
        else:
            assert report.ok, report.failures
            expected = expected_article(document) if isinstance(document, Clipping) else expected_release(document)
            assert stored(document) == expected
            again = Importer(workers=0).import_paths([path])
            assert dict(again.counts) == {ARTICLE if isinstance(document, Clipping) else PRESS_RELEASE: {UNCHANGED: 1}}
            assert stored(document) == expected
        transaction.set_rollback(True)

"""Text typed in the admin is kept as typed: line breaks, what counts as an edit, and documents of any
size the importer accepts."""

import html
import re
from io import StringIO
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from clippings.documents import (
    MAX_DOCUMENT_BYTES,
    MAX_IMAGES_PER_STORY,
    MAX_RELATED_PER_DOCUMENT,
    MAX_TOPICS_PER_DOCUMENT,
    read_document,
)
from clippings.models import Article, PressRelease

from .factories import ArticleFactory
from .test_admin import change_data
from .test_permissions_matrix import post_forms

pytestmark = pytest.mark.django_db


def release_data(release: PressRelease, **changes) -> dict:
    """A press release's change form as an editor's browser posts it: every textarea
    with CR LF line breaks."""
    data = {
        "title": release.title, "slug": release.slug, "dateline": release.dateline,
        "date": release.date.isoformat() if release.date else "", "body": release.body, "coverage": [],
        "status": release.status, "featured": "on" if release.featured else "", "editor_notes": release.editor_notes,
        "organization": release.organization, "copyright_year": release.copyright_year or "",
        "image_caption": release.image_caption, "tagline": release.tagline,
    }
    data.update(changes)
    return {name: value.replace("\n", "\r\n") if isinstance(value, str) else value for name, value in data.items()}


def post_as_a_browser(client, url: str, data: dict):
    """URL-encoded, as a browser posts a form without files (the test client would send multipart)."""
    return client.post(url, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded")


@pytest.fixture
def release(seeds):
    """The seeds' press release, published: saved by a Publisher, whose save goes live."""
    release = PressRelease.objects.get()
    release.publish()
    return release


def public_paragraphs(release: PressRelease) -> list[str]:
    page = Client().get(release.get_absolute_url()).content.decode()
    body = re.search(r'<div class="body">(.*?)</div>', page, re.DOTALL)[1]
    return [html.unescape(paragraph) for paragraph in re.findall(r"<p>(.*?)</p>", body, re.DOTALL)]


def test_changing_only_the_date_keeps_the_paragraphs_and_marks_only_the_date_edited(client, publisher, release):
    body = release.body
    assert len(release.paragraphs) > 3
    client.force_login(publisher)
    url = reverse("admin:clippings_pressrelease_change", args=[release.pk])
    assert client.get(url).status_code == 200
    response = post_as_a_browser(client, url, release_data(release, date="2019-06-03"))
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.body == body
    assert release.edited_fields == ["date"]
    assert public_paragraphs(release) == body.split("\n\n")


def test_saving_without_a_change_marks_nothing_edited(client, publisher, release):
    client.force_login(publisher)
    url = reverse("admin:clippings_pressrelease_change", args=[release.pk])
    assert post_as_a_browser(client, url, release_data(release)).status_code == 302
    release.refresh_from_db()
    assert release.edited_fields == []


def test_a_corrected_body_is_kept_with_the_newsrooms_line_breaks(client, publisher, release):
    client.force_login(publisher)
    url = reverse("admin:clippings_pressrelease_change", args=[release.pk])
    corrected = "A first paragraph.\n\nA second one,\nwith a line break.\rAnd an old Mac's."
    assert post_as_a_browser(client, url, release_data(release, body=corrected)).status_code == 302
    release.refresh_from_db()
    assert release.body == "A first paragraph.\n\nA second one,\nwith a line break.\nAnd an old Mac's."
    assert release.edited_fields == ["body"]
    assert public_paragraphs(release) == ["A first paragraph.", "A second one,\nwith a line break.\nAnd an old Mac's."]


def test_an_articles_text_fields_keep_the_newsrooms_line_breaks(client, editor):
    article = ArticleFactory(excerpt="One line.\nAnother.")
    client.force_login(editor)
    data = change_data(article, excerpt="One line.\r\nAnother.", editor_notes="Checked with\r\nthe desk.")
    response = client.post(reverse("admin:clippings_article_change", args=[article.pk]), data)
    assert response.status_code == 302
    article = Article.objects.get(pk=article.pk)
    assert (article.excerpt, article.editor_notes) == ("One line.\nAnother.", "Checked with\nthe desk.")
    assert "excerpt" not in article.edited_fields


def browser_form_bytes(document: bytes) -> int:
    """How many bytes the body field of the change form of this press release document takes, posted."""
    body = PressRelease(body=read_document(document).body)
    return len(urlencode({"body": release_data(body)["body"]}))


@pytest.mark.parametrize("line", ["!", "a", "\u00e9", "\u20ac", "\u201cYes,\u201d she said."])
def test_no_document_grows_in_the_admins_form_beyond_what_its_limit_allows_for(line):
    # A line of one character grows most: it becomes a paragraph, each line break CR LF, URL-encoded.
    document = b"A title\nNEW YORK - It began.\n" + f"{line}\n".encode() * 1000
    growth = (settings.DATA_UPLOAD_MAX_MEMORY_SIZE - 1024 * 1024) / MAX_DOCUMENT_BYTES
    assert browser_form_bytes(document) <= growth * len(document)


def test_the_largest_document_the_importer_accepts_can_be_saved_in_the_admin(client, editor, tmp_path):
    # Short paragraphs of punctuation and accented words: more than twice its size once posted, four
    # times what Django takes by default (2.5 MB).
    line = "\u201cS\u00ed!\u201d \u2014 \u00bfYes? 100% & more.\n".encode()
    document = tmp_path / "largest.txt"
    head = b"A title\nNEW YORK - It began.\n"  # a press release has a dateline
    document.write_bytes(head + line * ((MAX_DOCUMENT_BYTES - len(head)) // len(line)))
    assert MAX_DOCUMENT_BYTES - len(line) < document.stat().st_size <= MAX_DOCUMENT_BYTES
    call_command("import_clippings", str(document), stdout=StringIO(), stderr=StringIO())
    release = PressRelease.objects.get()
    client.force_login(editor)
    data = release_data(release, date="2019-06-03")
    assert len(urlencode(data, doseq=True)) > 2 * MAX_DOCUMENT_BYTES
    response = post_as_a_browser(client, reverse("admin:clippings_pressrelease_change", args=[release.pk]), data)
    assert response.status_code == 302
    saved = PressRelease.objects.get()
    assert saved.date.isoformat() == "2019-06-03"
    assert saved.body == release.body
    assert saved.edited_fields == ["date"]


def test_a_document_over_the_limit_is_refused_by_the_importer(tmp_path):
    document = tmp_path / "too-large.txt"
    document.write_bytes(b"A title\n" + b"!\n" * (MAX_DOCUMENT_BYTES // 2))
    err = StringIO()
    with pytest.raises(CommandError, match="1 document failed"):
        call_command("import_clippings", str(document), stdout=StringIO(), stderr=err)
    assert f"documents over {MAX_DOCUMENT_BYTES // 1048576} MB are refused" in err.getvalue()
    assert not PressRelease.objects.exists()


def largest_clipping() -> bytes:
    """A clipping with as many topics, images and related stories as the importer accepts."""
    topics = "".join(f"  - Topic {n}\n" for n in range(MAX_TOPICS_PER_DOCUMENT))
    images = "".join(f"  - url: https://img.example/{n}.jpg\n    width: 600\n    height: 400\n"
                     for n in range(MAX_IMAGES_PER_STORY))
    related = "".join(
        f"  - title: Story {n}\n    excerpt: Another outlet's story.\n    publishedDateTime: 2023-10-13T10:00:00Z\n"
        f"    webUrl: https://other{n}.example/story\n    type: article\n    quality: 5\n"
        f"    provider:\n      name: Outlet {n}\n      domain: other{n}.example\n"
        for n in range(MAX_RELATED_PER_DOCUMENT))
    return (f"---\ntitle: The largest clipping\nexcerpt: Its excerpt.\npublishedDateTime: 2023-10-12T11:00:00Z\n"
            f"webUrl: https://news.example/largest\ntype: article\nquality: 10\npublished: false\n"
            f"provider:\n  name: News\n  domain: news.example\ntopics:\n{topics}images:\n{images}"
            f"related:\n{related}---\n").encode()


def test_the_largest_clipping_the_importer_accepts_can_be_saved_in_the_admin(client, publisher, tmp_path):
    (tmp_path / "largest.md").write_bytes(largest_clipping())
    call_command("import_clippings", str(tmp_path), stdout=StringIO(), stderr=StringIO())
    article = Article.objects.get()
    assert (article.related_links.count(), article.images.count()) == (MAX_RELATED_PER_DOCUMENT, MAX_IMAGES_PER_STORY)
    client.force_login(publisher)
    url = reverse("admin:clippings_article_change", args=[article.pk])
    form = next(form for form in post_forms(client.get(url).content.decode(), url) if "title" in form)
    form["title"] = ["The largest clipping, corrected"]
    response = post_as_a_browser(client, url, form)
    assert response.status_code == 302  # not 400: every field of the form fits the request limits
    article.refresh_from_db()
    assert article.title == "The largest clipping, corrected"
    assert article.related_links.count() == MAX_RELATED_PER_DOCUMENT

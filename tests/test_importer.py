"""importer.py: writing documents to a real database, losing nothing and overwriting no editor."""

import importlib
import multiprocessing
import os
import signal
import threading
import time
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import psycopg
import pytest
import yaml
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from bench.generate import write as generate_documents
from clippings.documents import content_hash
from clippings.importer import (
    ARTICLE,
    CREATED,
    FAILED,
    PRESS_RELEASE,
    UNCHANGED,
    UPDATED,
    Importer,
    iter_document_paths,
    unique_slugs,
)
from clippings.models import Article, Image, ImportRun, PressRelease, Provider, RelatedLink, Status, Topic

from .factories import ArticleFactory, PressReleaseFactory, ProviderFactory, TopicFactory, waiting

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEED = {number: next(FIXTURES.glob(f"{number}_*.txt")) for number in ("000", "001", "002", "003", "004")}
CPO = ("https://www.cpomagazine.com/data-privacy/"
       "state-of-new-york-makes-moratorium-on-facial-recognition-technology-in-schools-permanent")
EDWEEK = ("https://www.edweek.org/leadership/"
          "does-facial-recognition-technology-make-schools-safer-what-educators-need-to-know/2023/10")
GOVERNING = "https://www.governing.com/education/does-facial-recognition-and-other-tech-make-schools-safer"
EDWEEK_IMAGE = (
    "https://epe.brightspotcdn.com/dims4/default/765ca37/2147483647/strip/true/crop/1720x1150+0+0/resize/942x630!"
    "/quality/90/?url=https%3A%2F%2Fepe-brightspot.s3.us-east-1.amazonaws.com%2F53%2Fc9%2F8a96a2eb465e89e9d18fa364a671"
    "%2F102023-lead-image-facial-recognition-gt.jpg"
)
MODELS = [Article, Image, ImportRun, PressRelease, Provider, RelatedLink, Topic, Article.topics.through]


def import_paths(*paths, **options):
    return Importer(**options).import_paths([str(p) for p in paths])


def counts(report) -> dict:
    return {kind: dict(counter) for kind, counter in report.counts.items()}


def write_clipping(folder: Path, name: str, **keys) -> Path:
    """A minimal clipping file with these keys added or replaced (None drops a key)."""
    fields = {"title": '"Facial recognition in schools"', "webUrl": "https://news.example/story"} | keys
    lines = [f"{key}: {value}" for key, value in fields.items() if value is not None]
    path = folder / name
    path.write_text("---\n" + "\n".join(lines) + "\n---\n")
    return path


def copy_seed(number: str, folder: Path, replace: dict[str, str] | None = None, name: str | None = None) -> Path:
    text = SEED[number].read_text()
    for old, new in (replace or {}).items():
        assert old in text
        text = text.replace(old, new)
    path = folder / (name or SEED[number].name)
    path.write_text(text)
    return path


def table_counts() -> dict:
    return {model._meta.label: model.objects.count() for model in MODELS}


def key_paths(value, prefix=()) -> set:
    """Every key of a nested document, as paths: what "lossless" must keep."""
    if isinstance(value, dict):
        return {p for k, v in value.items() for p in {(*prefix, str(k))} | key_paths(v, (*prefix, str(k)))}
    if isinstance(value, list):
        return {p for i, v in enumerate(value) for p in key_paths(v, (*prefix, i))}
    return set()


def front_matter(path: Path) -> dict:
    """The seed's front matter read independently of our parser: every scalar a string."""
    return yaml.load(path.read_text().split("---\n")[1], Loader=yaml.BaseLoader)  # noqa: S506 - a safe loader


def assert_provenance(record, path: Path, started: datetime):
    assert record.source_name == str(path)
    assert record.source_hash == content_hash(path.read_bytes())
    assert started <= record.first_imported_at == record.last_imported_at <= timezone.now()


# Every seed, every field ----------------------------------------------------------------------


@pytest.fixture
def imported(db):
    started = timezone.now()
    report = import_paths(FIXTURES)
    assert report.ok
    return started


def test_all_seeds_import_into_a_fresh_database(db):
    report = import_paths(FIXTURES)
    assert report.ok
    assert counts(report) == {
        ARTICLE: {CREATED: 4}, PRESS_RELEASE: {CREATED: 1}, "providers": {CREATED: 9}, "topics": {CREATED: 2},
    }
    assert sorted(Topic.objects.values_list("name", flat=True)) == ["AI", "Computer Vision"]
    assert sorted(Provider.objects.values_list("domain", "name")) == [
        ("campussafetymagazine.com", "Campus Safety Magazine"), ("computing.co.uk", "Computing"),
        ("cpomagazine.com", "CPO Magazine"), ("edweek.org", "Education Week"), ("governing.com", "Governing"),
        ("latimes.com", "Los Angeles Times"), ("mynewsla.com", "MyNewsLA"),
        ("theconversation.com", "The Conversation"), ("wamc.org", "WAMC"),
    ]
    assert Provider.objects.get(domain="cpomagazine.com").slug == "cpomagazine-com"
    assert RelatedLink.objects.count() == 3 + 1 + 2 + 1
    assert Image.objects.count() == 3 + 3  # on articles 001, 003, 004; on related links in 000, 003, 004
    run = ImportRun.objects.get()
    assert run.paths == [str(FIXTURES)]
    assert run.failures == []
    assert run.counts[ARTICLE] == {CREATED: 4}


def test_seed_000(imported):
    article = Article.objects.get(url=CPO)
    assert article.title == "State of New York Makes Moratorium on Facial Recognition Technology in Schools Permanent"
    assert article.slug == "state-of-new-york-makes-moratorium-on-facial-recognition-technology-in-schools-permanent"
    assert article.excerpt == (
        "A temporary moratorium on the use of facial recognition technology in state schools is now a matter of law "
        "in New York, following the conclusion of a study that found that potential rights violations outweighed "
        "the safety benefit.")
    assert article.web_url == article.original_url == CPO + "/"
    assert article.amp_url == article.cdn_amp_url == ""
    assert article.published_at == datetime(2023, 10, 12, 11, 0, tzinfo=UTC)
    assert (article.category, article.kind, article.quality, article.heat) == ("news", "article", 10, -1)
    assert article.provider.domain == "cpomagazine.com"
    assert sorted(t.name for t in article.topics.all()) == ["AI", "Computer Vision"]
    assert not article.images.exists()
    # Editorial state: a draft, whatever the source says.
    assert article.status == Status.DRAFT
    assert article.source_published is False
    assert (article.featured, article.editor_notes, article.edited_fields, waiting(article)) == (
        False, "", [], {})
    assert article.source_values == {
        "title": article.title, "excerpt": article.excerpt, "published_at": "2023-10-12T11:00:00+00:00",
        "category": "news", "kind": "article", "quality": 10, "heat": -1, "web_url": CPO + "/",
        "original_url": CPO + "/", "amp_url": "", "cdn_amp_url": "", "provider": article.provider_id,
        "source_published": False, "topics": ["AI", "Computer Vision"],
        "related_links": [{"url": link.url, "title": link.title, "date": link.published_at.isoformat()}
                          for link in article.related_links.all()],
    }
    # Lossless: every key, the secured blob verbatim.
    source = front_matter(SEED["000"])
    assert key_paths(article.source_data) == key_paths(source)
    assert article.source_data["publishedDateTime"] == "2023-10-12T11:00:00Z"
    assert article.source_data["published"] is False
    assert article.secured == source["secured"]
    assert article.secured.startswith("HPRoLCUrc0CRPsPKxJe54pB+62l9rLq6XHe7T1R+OXed3x6")
    assert article.secured.endswith("==;LZejl+YchpPCK5oBSA+41w==")
    assert_provenance(article, SEED["000"], imported)

    governing, edweek, wamc = article.related_links.all()
    assert [link.position for link in (governing, edweek, wamc)] == [0, 1, 2]
    assert (governing.url, governing.web_url) == (GOVERNING, GOVERNING)
    assert governing.title == "Does Facial Recognition and Other Tech Make Schools Safer?"
    assert governing.excerpt == (
        "The New York Department of Education has permanently banned the use of facial recognition technology in "
        "schools—the first state to do so. While it's too early to know if other states will follow New York's lead, "
        "the state's new policy should serve as a ...")
    assert governing.published_at == datetime(2023, 10, 16, 21, 43, tzinfo=UTC)
    assert (governing.provider.name, governing.provider.domain) == ("Governing", "governing.com")
    assert (governing.kind, governing.quality) == ("article", 39)
    assert governing.amp_url == GOVERNING + "?_amp=true"
    assert governing.cdn_amp_url == (
        "https://www-governing-com.cdn.ampproject.org/c/s/www.governing.com/education/"
        "does-facial-recognition-and-other-tech-make-schools-safer?_amp=true")
    assert governing.target is None
    assert not governing.images.exists()
    # Kept once, in the article's source document, verbatim; the link finds its entry there.
    assert [link.source_entry for link in (governing, edweek, wamc)] == article.source_data["related"]
    assert key_paths(governing.source_entry) == key_paths(source["related"][0])

    assert edweek.url == edweek.web_url == EDWEEK
    assert edweek.target == Article.objects.get(url=EDWEEK)
    assert (edweek.provider.domain, edweek.quality) == ("edweek.org", 33)
    assert edweek.published_at == datetime(2023, 10, 13, 20, 2, tzinfo=UTC)
    [image] = edweek.images.all()
    assert (image.url, image.width, image.height, image.cached_at_source, image.article) == (
        EDWEEK_IMAGE, 942, 630, True, None)

    assert wamc.title == "New York state bans facial recognition technology in schools"
    assert wamc.url == "https://www.wamc.org/news/2023-10-13/new-york-state-bans-facial-recognition-technology-in-schools"
    assert (wamc.provider.name, wamc.quality, wamc.amp_url, wamc.target) == ("WAMC", 19, "", None)
    assert wamc.published_at == datetime(2023, 10, 13, 17, 57, tzinfo=UTC)


def test_seed_001(imported):
    article = Article.objects.get(url=EDWEEK)
    assert article.title == "Does Facial Recognition Technology Make Schools Safer? What Educators Need to Know"
    assert article.excerpt == (
        "New York has banned facial recognition technology in schools. Here’s what experts say schools need to "
        "consider before using it.")
    assert article.web_url == article.original_url == EDWEEK
    assert article.published_at == datetime(2023, 10, 13, 20, 2, tzinfo=UTC)
    assert (article.category, article.kind, article.quality, article.heat) == ("news", "article", 33, -1)
    assert (article.provider.name, article.provider.domain) == ("Education Week", "edweek.org")
    assert sorted(t.name for t in article.topics.all()) == ["AI", "Computer Vision"]
    [image] = article.images.all()
    assert (image.url, image.width, image.height, image.cached_at_source, image.file.name) == (
        EDWEEK_IMAGE, 942, 630, True, "")
    assert (article.status, article.source_published) == (Status.DRAFT, False)
    source = front_matter(SEED["001"])
    assert key_paths(article.source_data) == key_paths(source)
    assert article.secured == source["secured"]
    assert_provenance(article, SEED["001"], imported)
    [governing] = article.related_links.all()
    assert (governing.url, governing.provider.domain, governing.quality, governing.target) == (
        GOVERNING, "governing.com", 39, None)
    # Seed 000 lists this story as related coverage, and points at our copy.
    assert [link.article.url for link in article.linked_from.all()] == [CPO]


def test_seed_002_press_release(imported):
    release = PressRelease.objects.get()
    assert release.title == "NYCLU Urges State to Block Facial Recognition Technology in Lockport Schools"
    assert release.slug == "nyclu-urges-state-to-block-facial-recognition-technology-in-lockport-schools"
    assert release.title_key == f"{release.title.casefold()}\n{SEED['002'].name}"  # its title and file name
    assert release.dateline == "NEW YORK"
    assert release.image_caption == "Camera in the school yard"
    assert release.organization == "New York Civil Liberties Union"
    assert release.copyright_year == 2024
    assert release.tagline == "As bold as the spirit of New York, we are the NYCLU."
    assert release.date is None
    assert len(release.paragraphs) == 13
    assert release.paragraphs[0].startswith("The New York Civil Liberties Union sent a letter today urging")
    assert release.paragraphs[-1].endswith("misuse by outsiders or law enforcement.”")
    for unwanted in ("Back to All Press Release", "Camera in the school yard", "©", "As bold as the spirit"):
        assert unwanted not in release.body
    assert [(q["speaker"], q["role"]) for q in release.quotes] == [
        ("Donna Lieberman", "executive director of the NYCLU"), ("Stefanie Coyle", "NYCLU education counsel"),
        ("John Curr III", "NYCLU Western Regional Office director")]
    assert release.status == Status.DRAFT
    assert release.source_data == {"format": "press release text", "text": SEED["002"].read_text()}
    assert release.source_values["dateline"] == "NEW YORK"
    assert release.source_values["date"] is None
    assert_provenance(release, SEED["002"], imported)


def test_seed_003(imported):
    article = Article.objects.get(provider__domain="campussafetymagazine.com")
    assert article.title == (
        "More than 1,000 Parents Sign Open Letter Calling for a Ban on Facial Recognition in Schools")
    assert article.url == (
        "https://www.campussafetymagazine.com/press-release/"
        "more-than-1000-parents-sign-open-letter-calling-for-a-ban-on-facial-recognition-in-schools")
    assert article.web_url == article.original_url == article.url + "/"
    assert article.excerpt.startswith("The letter is a part of a new effort by Fight for the Future")
    assert article.published_at == datetime(2020, 9, 18, 9, 41, tzinfo=UTC)
    assert (article.category, article.kind, article.quality, article.heat) == ("news", "article", 29, -1)
    assert article.provider.name == "Campus Safety Magazine"
    assert sorted(t.name for t in article.topics.all()) == ["AI", "Computer Vision"]
    [image] = article.images.all()
    assert image.url == "https://www.campussafetymagazine.com/wp-content/uploads/2020/09/AdobeStock_343780326-scaled.jpeg"
    assert (image.width, image.height, image.cached_at_source) == (2560, 1483, True)
    source = front_matter(SEED["003"])
    assert key_paths(article.source_data) == key_paths(source)
    assert article.secured == source["secured"]
    assert_provenance(article, SEED["003"], imported)

    mynewsla, latimes = article.related_links.all()
    assert mynewsla.title == "LAPD Relies on Facial Recognition Software in 30,000 Cases, Despite Denials"
    assert mynewsla.url == ("https://mynewsla.com/crime/2020/09/21/"
                            "lapd-relies-on-facial-recognition-software-in-30000-cases-despite-denials")
    assert mynewsla.web_url == mynewsla.url + "/"
    assert mynewsla.published_at == datetime(2020, 9, 21, 20, 42, tzinfo=UTC)
    assert (mynewsla.provider.name, mynewsla.quality) == ("MyNewsLA", 37)
    [logo] = mynewsla.images.all()
    assert (logo.url, logo.width, logo.height) == ("https://mynewsla.com/wp-content/uploads/2016/04/MyNewsLA-AMP-Logo.png",
                                                  583, 300)
    assert latimes.title == (
        "Controversial facial-recognition software used 30,000 times by LAPD in last decade, records show")
    assert (latimes.provider.name, latimes.quality, latimes.target) == ("Los Angeles Times", 0, None)
    assert latimes.published_at == datetime(2020, 9, 21, 17, 24, tzinfo=UTC)


def test_seed_004(imported):
    article = Article.objects.get(url="https://www.computing.co.uk/news/4039273/schools-suspend-facial-recognition-backlash")
    assert article.title == "Schools suspend use of facial recognition after backlash"
    assert article.excerpt == ("The Information Commissioner's Office wants organisations to consider a "
                               "'less intrusive' approach where possible")
    assert article.published_at == datetime(2021, 10, 27, 6, 41, tzinfo=UTC)
    assert (article.quality, article.heat, article.provider.name) == (39, -1, "Computing")
    [image] = article.images.all()
    assert (image.width, image.height) == (370, 229)
    source = front_matter(SEED["004"])
    assert key_paths(article.source_data) == key_paths(source)
    assert article.secured == source["secured"]
    assert_provenance(article, SEED["004"], imported)
    [conversation] = article.related_links.all()
    # Mojibake repaired in what we show, kept as it came in the source data.
    assert conversation.excerpt == (
        "Several schools in Scotland have paused the rollout of facial recognition technology in school canteens "
        "following inquiries from the UK Information Commissioner’s Office.")
    assert "Commissionerâ€™s" in conversation.source_entry["excerpt"]  # as the source gave it
    assert conversation.amp_url == (
        "https://theconversation.com/amp/facial-recognition-in-schools-here-are-the-risks-to-children-170341")
    assert conversation.cdn_amp_url.startswith("https://theconversation-com.cdn.ampproject.org/c/s/")
    assert (conversation.provider.name, conversation.quality) == ("The Conversation", 59)
    [picture] = conversation.images.all()
    assert (picture.width, picture.height, picture.cached_at_source) == (320, 213, True)


# Related coverage points at our copy, whichever was imported first -------------------------------


@pytest.mark.parametrize("order", [("000", "001"), ("001", "000")], ids=["related-first", "article-first"])
def test_related_link_points_at_the_article_whichever_is_imported_first(db, order):
    for number in order:
        assert import_paths(SEED[number]).ok
    link = RelatedLink.objects.get(article__url=CPO, url=EDWEEK)
    assert link.target == Article.objects.get(url=EDWEEK)
    assert RelatedLink.objects.get(article__url=CPO, url=GOVERNING).target is None


def test_related_link_points_at_the_article_imported_in_the_same_batch(db):
    assert import_paths(SEED["000"], SEED["001"], batch_size=2).ok
    assert RelatedLink.objects.get(article__url=CPO, url=EDWEEK).target.url == EDWEEK


def test_a_related_link_that_is_not_the_first_with_its_url_is_linked_too(db, tmp_path):
    # Two articles list the same story; then the story arrives.
    copy_seed("000", tmp_path)
    copy_seed("003", tmp_path, {"https://www.latimes.com/california/story/2020-09-21/lapd-controversial-"
                                "facial-recognition-software": EDWEEK})
    assert import_paths(tmp_path).ok
    assert import_paths(SEED["001"]).ok
    assert RelatedLink.objects.filter(url=EDWEEK, target__url=EDWEEK).count() == 2


# Re-importing -------------------------------------------------------------------------------------


def test_reimport_changes_nothing_and_says_so(imported):
    before = {a.pk: (a.updated_at, a.last_imported_at) for a in Article.objects.all()}
    release_before = PressRelease.objects.values_list("updated_at", "last_imported_at").get()
    rows = table_counts()
    report = import_paths(FIXTURES)
    assert counts(report) == {ARTICLE: {UNCHANGED: 4}, PRESS_RELEASE: {UNCHANGED: 1}}
    assert {a.pk: (a.updated_at, a.last_imported_at) for a in Article.objects.all()} == before
    assert PressRelease.objects.values_list("updated_at", "last_imported_at").get() == release_before
    assert table_counts() == rows | {"clippings.ImportRun": 2}


def test_reimport_through_the_command_says_unchanged(seeds):
    out = StringIO()
    call_command("import_clippings", str(FIXTURES), stdout=out)
    assert "articles: 4 unchanged" in out.getvalue()
    assert "press releases: 1 unchanged" in out.getvalue()
    assert "created" not in out.getvalue()


def test_the_same_document_with_other_line_ends_changes_nothing(imported, tmp_path):
    crlf = tmp_path / "000.txt"
    crlf.write_bytes(b"\xef\xbb\xbf" + SEED["000"].read_bytes().replace(b"\n", b"\r\n"))
    title = Article.objects.get(url=CPO).title
    report = import_paths(crlf)
    assert counts(report) == {ARTICLE: {UNCHANGED: 1}}
    article = Article.objects.get(url=CPO)
    assert article.title == title
    assert article.source_hash == content_hash(crlf.read_bytes())


def test_a_changed_document_updates_its_source_fields(imported, tmp_path):
    article = Article.objects.get(url=CPO)
    changed = copy_seed("000", tmp_path, {
        'title: "State of New York Makes': 'title: "New York State Makes', "quality: 10": "quality: 12",
        "  - AI\n": "  - AI\n  - Privacy\n"})
    report = import_paths(changed)
    assert counts(report) == {ARTICLE: {UPDATED: 1}, "topics": {CREATED: 1}}
    updated = Article.objects.get(url=CPO)
    assert updated.pk == article.pk
    assert updated.title.startswith("New York State Makes Moratorium")
    assert updated.quality == 12
    assert sorted(t.name for t in updated.topics.all()) == ["AI", "Computer Vision", "Privacy"]
    assert updated.source_name == str(changed)
    assert updated.source_hash == content_hash(changed.read_bytes())
    assert updated.first_imported_at == article.first_imported_at
    assert updated.last_imported_at > article.last_imported_at
    assert updated.source_values["title"] == updated.title
    assert updated.source_data["quality"] == 12
    assert waiting(updated) == {}
    assert Article.objects.count() == 4
    assert RelatedLink.objects.filter(article=updated).count() == 3


def test_a_changed_press_release_updates_its_source_fields(imported, tmp_path):
    changed = copy_seed("002", tmp_path, {"almost $4 million": "almost $5 million"})
    report = import_paths(changed)
    assert counts(report) == {PRESS_RELEASE: {UPDATED: 1}}
    release = PressRelease.objects.get()
    assert "almost $5 million" in release.body
    assert release.source_hash == content_hash(changed.read_bytes())


def test_related_coverage_dropped_by_the_source_is_dropped(imported, tmp_path):
    text = SEED["000"].read_text()
    start = text.index('  - title: "New York state bans')
    end = text.index("\nsecured:")
    changed = tmp_path / "000.txt"
    changed.write_text(text[:start] + text[end:])
    assert counts(import_paths(changed))[ARTICLE] == {UPDATED: 1}
    assert list(RelatedLink.objects.filter(article__url=CPO).values_list("url", flat=True)) == [GOVERNING, EDWEEK]


def test_changed_image_sizes_are_updated(imported, tmp_path):
    changed = copy_seed("003", tmp_path, {"width: 2560": "width: 1280", "width: 583": "width: 600"})
    assert counts(import_paths(changed))[ARTICLE] == {UPDATED: 1}
    article = Article.objects.get(provider__domain="campussafetymagazine.com")
    assert [(i.width, i.height) for i in article.images.all()] == [(1280, 1483)]
    assert [(i.width, i.height) for i in Image.objects.filter(related_link__article=article)] == [(600, 300)]


# Editors' work survives imports ----------------------------------------------------------------


def test_an_editor_corrected_field_is_kept_and_the_new_value_waits(imported, tmp_path):
    article = Article.objects.get(url=CPO)
    article.title = "NY makes its ban on facial recognition in schools permanent"
    article.mark_edited("title")
    article.editor_notes = "Shorter headline for the front page."
    article.save()

    changed = copy_seed("000", tmp_path, {'title: "State of New York Makes': 'title: "New York State Makes',
                                          "quality: 10": "quality: 11"})
    import_paths(changed)
    article.refresh_from_db()
    assert article.title == "NY makes its ban on facial recognition in schools permanent"
    assert article.editor_notes == "Shorter headline for the front page."
    assert article.quality == 11  # an uncorrected field follows the source
    new_title = "New York State Makes Moratorium on Facial Recognition Technology in Schools Permanent"
    assert waiting(article) == {"title": new_title}
    assert article.source_values["title"] == new_title
    assert article.edited_fields == ["title"]
    assert Article.objects.with_proposed_changes().get() == article


def test_no_proposed_change_when_the_source_did_not_change(imported, tmp_path):
    article = Article.objects.get(url=CPO)
    article.title = "Corrected"
    article.mark_edited("title")
    article.save()
    import_paths(copy_seed("000", tmp_path, {"quality: 10": "quality: 11"}))
    article.refresh_from_db()
    assert (article.title, waiting(article)) == ("Corrected", {})


def test_no_proposed_change_when_the_source_matches_the_editor(imported, tmp_path):
    article = Article.objects.get(url=CPO)
    article.title = "New York State Makes a Ban Permanent"
    article.mark_edited("title")
    article.save()
    import_paths(copy_seed("000", tmp_path, {
        'title: "State of New York Makes Moratorium on Facial Recognition Technology in Schools Permanent"':
        'title: "New York State Makes a Ban Permanent"'}))
    article.refresh_from_db()
    assert waiting(article) == {}


@pytest.fixture
def pending_title(imported, tmp_path):
    article = Article.objects.get(url=CPO)
    article.title = "Corrected headline"
    article.mark_edited("title")
    article.save()
    import_paths(copy_seed("000", tmp_path, {'title: "State of New York Makes': 'title: "Upstream Makes'}))
    article.refresh_from_db()
    assert waiting(article)["title"].startswith("Upstream Makes")
    return article


def test_accepting_a_proposed_change_from_the_source(pending_title, tmp_path):
    article = pending_title
    article.decide("title", "source", accept=True)
    article.save()
    article.refresh_from_db()
    assert article.title.startswith("Upstream Makes")
    assert (waiting(article), article.edited_fields) == ({}, [])
    # The field follows the source again.
    import_paths(copy_seed("000", tmp_path, {'title: "State of New York Makes': 'title: "Third Makes'},
                           name="again.txt"))
    article.refresh_from_db()
    assert article.title.startswith("Third Makes")


def test_accepting_a_proposed_date_and_provider_from_the_source(imported, tmp_path):
    article = Article.objects.get(url=CPO)
    other = ProviderFactory(domain="elsewhere.example")
    article.published_at, article.provider = datetime(2023, 1, 1, tzinfo=UTC), other
    article.mark_edited("published_at", "provider")
    article.save()
    import_paths(copy_seed("000", tmp_path, {"2023-10-12T11:00:00Z": "2023-10-14T09:30:00Z",
                                             "name: CPO Magazine\n  domain: cpomagazine.com":
                                             "name: CPO\n  domain: www.cpo.example"}))
    article.refresh_from_db()
    assert (article.published_at, article.provider) == (datetime(2023, 1, 1, tzinfo=UTC), other)
    article.decide("published_at", "source", accept=True)
    article.decide("provider", "source", accept=True)
    article.save()
    article.refresh_from_db()
    assert article.published_at == datetime(2023, 10, 14, 9, 30, tzinfo=UTC)
    assert article.provider.domain == "cpo.example"


def test_rejecting_a_proposed_change_from_the_source(pending_title, tmp_path):
    article = pending_title
    article.decide("title", "source", accept=False)
    article.save()
    article.refresh_from_db()
    assert (article.title, waiting(article), article.edited_fields) == ("Corrected headline", {}, ["title"])
    # The dismissed value does not come back; the next change of the source does.
    import_paths(copy_seed("000", tmp_path, {'title: "State of New York Makes': 'title: "Upstream Makes',
                                             "quality: 10": "quality: 11"}, name="same-title.txt"))
    article.refresh_from_db()
    assert (article.title, waiting(article)) == ("Corrected headline", {})
    import_paths(copy_seed("000", tmp_path, {'title: "State of New York Makes': 'title: "Later Makes'},
                           name="later.txt"))
    article.refresh_from_db()
    assert article.title == "Corrected headline"
    assert waiting(article)["title"].startswith("Later Makes")


def test_topics_an_editor_chose_are_kept(imported, tmp_path):
    article = Article.objects.get(url=CPO)
    biometrics = TopicFactory(name="Biometrics")
    article.topics.set([Topic.objects.get(name="AI"), biometrics])  # removed one, added one
    article.mark_edited("topics")
    article.save()
    import_paths(copy_seed("000", tmp_path, {"  - AI\n": "  - AI\n  - Privacy\n"}))
    article.refresh_from_db()
    assert sorted(t.name for t in article.topics.all()) == ["AI", "Biometrics"]
    assert waiting(article) == {"topics": ["AI", "Computer Vision", "Privacy"]}
    article.decide("topics", "source", accept=True)
    article.save()
    assert sorted(t.name for t in article.topics.all()) == ["AI", "Computer Vision", "Privacy"]


def test_status_and_editorial_state_are_never_imported(imported, tmp_path):
    article = Article.objects.get(url=CPO)
    article.status, article.featured, article.editor_notes = Status.PUBLISHED, True, "Lead story"
    article.save()
    import_paths(copy_seed("000", tmp_path, {"published: false": "published: true", "heat: -1": "heat: 5"}))
    article.refresh_from_db()
    assert (article.status, article.featured, article.editor_notes) == (Status.PUBLISHED, True, "Lead story")
    # Published: the new source values wait for a Publisher (tests/test_proposals.py).
    assert (article.source_published, article.heat) == (False, -1)
    assert waiting(article) == {"source_published": True, "heat": 5}


def test_published_at_the_source_still_arrives_as_a_draft(db, tmp_path):
    import_paths(copy_seed("000", tmp_path, {"published: false": "published: true"}))
    article = Article.objects.get()
    assert (article.status, article.source_published, article.is_public) == (Status.DRAFT, True, False)
    assert not Article.objects.published().exists()


def test_an_editor_corrected_press_release_keeps_the_correction(imported, tmp_path):
    release = PressRelease.objects.get()
    release.dateline = "LOCKPORT, N.Y."
    release.mark_edited("dateline")
    release.save()
    import_paths(copy_seed("002", tmp_path, {"NEW YORK- ": "ALBANY- "}))
    release.refresh_from_db()
    assert release.dateline == "LOCKPORT, N.Y."
    assert waiting(release) == {"dateline": "ALBANY"}
    assert PressRelease.objects.count() == 1


def _connect(**options) -> psycopg.Connection:
    """Another connection to the test database, as another process (an editor's request) has."""
    settings = connection.settings_dict
    return psycopg.connect(host=settings["HOST"], port=settings["PORT"], user=settings["USER"],
                           dbname=settings["NAME"], **options)


def _wait_for_lock_waits(count: int) -> None:
    """Until `count` sessions wait for a lock (a monitor of its own: within a transaction,
    pg_stat_activity would show the same snapshot throughout)."""
    with _connect(autocommit=True) as monitor:
        for _ in range(400):
            waiting = monitor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                      "AND wait_event_type = 'Lock'").fetchone()[0]
            if waiting >= count:
                return
            time.sleep(0.025)
    raise AssertionError(f"{count} sessions never waited for a lock")


def _deadlocks() -> int:
    with _connect(autocommit=True) as monitor:
        query = "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"
        return monitor.execute(query).fetchone()[0]


def _in_a_thread(work, errors: list) -> threading.Thread:
    def run():
        try:
            work()
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connection.close()  # this thread's own connection, which would outlive the test database

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _while_an_editor_holds(sql: str, params: list, during) -> None:
    """Run `during` while another connection, an editor's save, has run `sql` and not yet committed;
    the editor commits once `during` waits for the rows the editor holds."""
    errors = []
    with _connect() as editor:
        editor.execute(sql, params)
        worker = _in_a_thread(during, errors)
        _wait_for_lock_waits(1)
        editor.commit()
        worker.join(timeout=60)
    assert not worker.is_alive()
    assert errors == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: SQLite locks the whole database")
def test_publishing_during_an_import_waits_for_it_instead_of_deadlocking(transactional_db, tmp_path):
    # Regression: the importer locked rows in id order and the workflow actions newest first; each
    # got a row the other wanted, and the publisher's action failed with "deadlock detected".
    for day in (1, 2, 3):
        write_clipping(tmp_path, f"{day}.yml", webUrl=f"https://news.example/{day}",
                       publishedDateTime=f"2023-10-0{day}T11:00:00Z")
    import_paths(tmp_path)
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    for day in (1, 2, 3):
        write_clipping(tmp_path, f"{day}.yml", webUrl=f"https://news.example/{day}", title=f'"Updated {day}"',
                       publishedDateTime=f"2023-10-0{day}T11:00:00Z")
    errors = []
    deadlocks_before = _deadlocks()
    with _connect() as editor:
        editor.execute("SELECT id FROM clippings_article WHERE id = %s FOR UPDATE", [ids[1]])  # an editor's save
        threads = [_in_a_thread(lambda: import_paths(tmp_path, workers=0), errors)]
        _wait_for_lock_waits(1)  # the import waits for the editor's row; now a publisher acts
        threads.append(_in_a_thread(lambda: Article.objects.filter(pk__in=ids).publish(), errors))
        _wait_for_lock_waits(2)
        editor.commit()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == []
    # Had the import been chosen as the victim, it would have saved its documents again one by one,
    # unseen; PostgreSQL counts every deadlock it breaks (once the sessions have ended).
    assert _deadlocks() == deadlocks_before
    assert sorted(Article.objects.values_list("title", "status")) == [
        (f"Updated {day}", Status.PUBLISHED) for day in (1, 2, 3)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: SQLite locks the whole database")
def test_a_press_release_an_editor_unpublishes_during_an_import_stays_unpublished(transactional_db, tmp_path):
    path = copy_seed("002", tmp_path)
    import_paths(path)
    release = PressRelease.objects.get()
    release.publish()
    copy_seed("002", tmp_path, {"almost $4 million": "almost $6 million"})
    _while_an_editor_holds("UPDATE clippings_pressrelease SET status = 'draft' WHERE id = %s", [release.pk],
                           lambda: import_paths(path, workers=0))
    release.refresh_from_db()
    assert (release.status, "almost $6 million" in release.body) == (Status.DRAFT, True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: SQLite locks the whole database")
def test_a_correction_an_editor_saves_during_an_import_is_kept(transactional_db, tmp_path):
    path = copy_seed("000", tmp_path)
    import_paths(path)
    article = Article.objects.get()
    copy_seed("000", tmp_path, {'title: "State of New York Makes': 'title: "Upstream Makes'})
    _while_an_editor_holds(
        """UPDATE clippings_article SET title = 'Corrected headline', edited_fields = '["title"]' WHERE id = %s""",
        [article.pk], lambda: import_paths(path, workers=0))
    article.refresh_from_db()
    assert article.title == "Corrected headline"
    assert waiting(article)["title"].startswith("Upstream Makes")


def test_an_existing_provider_keeps_its_name(db):
    ProviderFactory(domain="cpomagazine.com", name="CPO Magazine (edited)", slug="cpo")
    import_paths(SEED["000"])
    assert Provider.objects.get(domain="cpomagazine.com").name == "CPO Magazine (edited)"
    assert Article.objects.get().provider.slug == "cpo"


def test_an_existing_topic_is_matched_ignoring_case(db):
    ai = TopicFactory(name="ai", slug="ai")
    import_paths(SEED["000"])
    assert Topic.objects.filter(name__iexact="ai").get() == ai
    assert ai in Article.objects.get().topics.all()


def test_an_article_made_by_hand_is_updated_by_url(db):
    provider = ProviderFactory(domain="cpomagazine.com")
    ArticleFactory(url=CPO, title="Typed in by hand", provider=provider)
    report = import_paths(SEED["000"])
    assert counts(report)[ARTICLE] == {UPDATED: 1}
    assert Article.objects.get().title.startswith("State of New York")


# Dry run -----------------------------------------------------------------------------------------


def test_dry_run_writes_nothing(db):
    rows = table_counts()
    out = StringIO()
    call_command("import_clippings", str(FIXTURES), "--dry-run", stdout=out)
    assert table_counts() == rows
    assert "Dry run, nothing written" in out.getvalue()
    assert "articles: 4 created" in out.getvalue()
    assert "press releases: 1 created" in out.getvalue()


def test_dry_run_of_a_change_reports_it_and_writes_nothing(imported, tmp_path):
    rows = table_counts()
    report = import_paths(copy_seed("000", tmp_path, {"quality: 10": "quality: 99"}), dry_run=True)
    assert counts(report) == {ARTICLE: {UPDATED: 1}}
    assert Article.objects.get(url=CPO).quality == 10
    assert table_counts() == rows


# Bad input in a batch of good ------------------------------------------------------------------


BAD_FILES = {
    "invalid.txt": (b"---\ntitle: ok\n  nested: badly\n---\n", "invalid YAML", 3),
    "unterminated.txt": (b"---\ntitle: x\nwebUrl: https://news.example/a\n", "front matter is not closed", 1),
    "no-title.txt": (b"---\nwebUrl: https://news.example/no-title\n---\n", "title is missing", None),
    "no-url.txt": (b"---\ntitle: No link\n---\n", "webUrl and originalUrl are both missing", None),
    "quality.txt": (b"---\ntitle: x\nwebUrl: https://news.example/q\nquality: high\n---\n",
                    "quality: expected a whole number, got 'high'", 4),
    "date.txt": (b"---\ntitle: x\nwebUrl: https://news.example/d\npublishedDateTime: 2023-02-30T11:00:00Z\n---\n",
                 "is not a real date", 4),
    "empty.txt": (b"", "the file is empty", None),
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "binary file", None),
    "latin1.txt": (b"---\ntitle: Caf\xe9 surveillance\nwebUrl: https://news.example/l\n---\n", "is not UTF-8", 2),
}


def test_bad_files_are_reported_and_the_rest_of_the_batch_goes_on(db, tmp_path):
    for name, (data, _, _) in BAD_FILES.items():
        (tmp_path / name).write_bytes(data)
    for number in ("000", "001", "002"):
        copy_seed(number, tmp_path)
    # BOM and CRLF files are valid documents.
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + SEED["003"].read_bytes())
    (tmp_path / "crlf.txt").write_bytes(SEED["004"].read_bytes().replace(b"\n", b"\r\n"))
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_clippings", str(tmp_path), "--batch-size", "3", stdout=out, stderr=err)
    assert caught.value.returncode == 1
    assert str(caught.value) == f"{len(BAD_FILES)} documents failed; nothing of them was written."
    errors = err.getvalue().strip().splitlines()
    assert len(errors) == len(BAD_FILES)
    for name, (_, message, line) in BAD_FILES.items():
        [error] = [e for e in errors if str(tmp_path / name) + ":" in e]
        assert message in error
        assert error.startswith(f"error: {tmp_path / name}:{line}: " if line else f"error: {tmp_path / name}: ")
    assert Article.objects.count() == 4
    assert PressRelease.objects.count() == 1
    assert Article.objects.get(provider__domain="computing.co.uk").title == (
        "Schools suspend use of facial recognition after backlash")
    assert f"documents: {len(BAD_FILES)} failed" in out.getvalue()
    run = ImportRun.objects.get()
    assert {(f["file"], f["line"]) for f in run.failures} == {
        (str(tmp_path / name), line) for name, (_, _, line) in BAD_FILES.items()}


def test_a_file_of_50_mb_is_refused_quickly_without_reading_it(db, tmp_path):
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as file:
        file.write(b"---\ntitle: huge\n")
        file.truncate(50 * 1024 * 1024)  # sparse: instant to make
    good = copy_seed("000", tmp_path)
    started = time.monotonic()
    report = import_paths(huge, good)
    assert time.monotonic() - started < 2
    [failure] = report.failures
    assert (failure.source, failure.line) == (str(huge), None)
    assert failure.message == "the file is 50.0 MB; documents over 5 MB are refused"
    assert counts(report) == {"documents": {FAILED: 1}, ARTICLE: {CREATED: 1}, "providers": {CREATED: 4},
                              "topics": {CREATED: 2}}


def test_an_unreadable_path_is_reported(db, tmp_path):
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "missing.txt")
    report = import_paths(tmp_path / "dangling.txt")
    [failure] = report.failures
    assert failure.source == str(tmp_path / "dangling.txt")
    assert "cannot be read" in failure.message


def test_a_value_json_cannot_hold_is_one_clear_error(db, tmp_path):
    bad = write_clipping(tmp_path, "nan.txt", webUrl="https://news.example/nan", sentiment=".nan")
    good = write_clipping(tmp_path, "good.txt", webUrl="https://news.example/good")
    report = import_paths(bad, good)
    [failure] = report.failures
    assert failure.source == str(bad)
    assert failure.line == 4
    assert "sentiment" in failure.message
    assert list(Article.objects.values_list("url", flat=True)) == ["https://news.example/good"]


@pytest.fixture
def refusing_database(db):
    """A trigger that makes the database refuse any article whose URL mentions "refused": a failure
    that only the database sees, as a constraint or a full disk would be."""
    if connection.vendor == "postgresql":
        statements = [
            "CREATE FUNCTION refuse_article() RETURNS trigger AS $$ BEGIN IF NEW.url LIKE '%refused%' THEN "
            "RAISE EXCEPTION 'refused by the test trigger'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_article BEFORE INSERT OR UPDATE ON clippings_article "
            "FOR EACH ROW EXECUTE FUNCTION refuse_article()",
        ]
    else:
        statements = [
            "CREATE TRIGGER refuse_article BEFORE INSERT ON clippings_article WHEN NEW.url LIKE '%refused%' "
            "BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END",
        ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def test_a_document_that_fails_to_save_writes_nothing_of_itself(refusing_database, tmp_path):
    # It brings a provider and a topic of its own: they must not be left behind.
    bad = write_clipping(tmp_path, "b-bad.txt", webUrl="https://lonely.example/refused", topics="[Lonely]",
                         related="[{title: Other, webUrl: 'https://other.example/x'}]")
    first = write_clipping(tmp_path, "a-good.txt", webUrl="https://news.example/a", topics="[AI]")
    last = write_clipping(tmp_path, "c-good.txt", webUrl="https://news.example/c", topics="[AI]")
    report = import_paths(tmp_path)  # one batch: it fails, then each document is saved on its own
    [failure] = report.failures
    assert failure.source == str(bad)
    assert failure.message.startswith("could not be saved: the database refused it (")
    assert "refused by the test trigger" in failure.message
    assert not Provider.objects.filter(domain__in=["lonely.example", "other.example"]).exists()
    assert not Topic.objects.filter(name="Lonely").exists()
    assert not RelatedLink.objects.exists()
    assert sorted(Article.objects.values_list("source_name", flat=True)) == [str(first), str(last)]
    assert counts(report)[ARTICLE] == {CREATED: 2, FAILED: 1}


def test_a_new_provider_slug_avoids_numbered_slugs_already_taken(db):
    ProviderFactory(domain="cpo.example", slug="cpomagazine-com")
    ProviderFactory(domain="cpo2.example", slug="cpomagazine-com-2")
    report = import_paths(SEED["000"])
    assert report.ok, report.failures
    assert Provider.objects.get(domain="cpomagazine.com").slug == "cpomagazine-com-3"


# Duplicates -------------------------------------------------------------------------------------


def test_spellings_of_one_url_in_one_batch_are_one_article(db, tmp_path):
    for index, url in enumerate(["https://news.example/story?utm_source=rss&utm_medium=feed",
                                 "https://news.example/story/", "https://NEWS.Example/story",
                                 "HTTPS://news.example/story#top"]):
        write_clipping(tmp_path, f"{index}.txt", webUrl=url, quality=str(index))
    report = import_paths(tmp_path, batch_size=2)
    assert report.ok
    article = Article.objects.get()
    assert article.url == "https://news.example/story"
    assert article.quality == 0  # the first copy read wins
    assert counts(report)[ARTICLE] == {CREATED: 1, UNCHANGED: 3}
    assert Provider.objects.get().domain == "news.example"


def test_reimporting_two_versions_of_one_story_changes_nothing(db, tmp_path):
    # Were the last copy to win, each run would flip the article: the copy that is current is
    # skipped as unchanged, and the other one applied.
    write_clipping(tmp_path, "a.txt", webUrl="https://news.example/story", quality="1")
    write_clipping(tmp_path, "b.txt", webUrl="https://news.example/story/", quality="2")
    import_paths(tmp_path)
    first = Article.objects.values("quality", "source_name", "updated_at").get()
    for _ in range(2):
        report = import_paths(tmp_path)
        assert counts(report) == {ARTICLE: {UNCHANGED: 2}}
        assert Article.objects.values("quality", "source_name", "updated_at").get() == first


def test_spellings_of_one_url_across_imports_are_one_article(db, tmp_path):
    import_paths(write_clipping(tmp_path, "a.txt", webUrl="https://news.example/story?utm_campaign=x"))
    import_paths(write_clipping(tmp_path, "b.txt", webUrl="https://News.Example/story/"))
    assert Article.objects.count() == 1


def test_identical_files_in_one_batch_are_one_article(db, tmp_path):
    copy_seed("000", tmp_path, name="a.txt")
    copy_seed("000", tmp_path, name="b.txt")
    report = import_paths(tmp_path)
    assert counts(report)[ARTICLE] == {CREATED: 1, UNCHANGED: 1}
    assert Article.objects.count() == 1


def test_the_same_story_from_two_providers(db, tmp_path):
    title = '"Facial recognition banned in New York schools"'
    write_clipping(tmp_path, "a.txt", title=title, webUrl="https://www.wamc.org/news/ban",
                   provider="{name: WAMC, domain: wamc.org}",
                   related="[{title: Ban, webUrl: 'https://www.governing.com/ban', provider: {name: Governing}}]")
    write_clipping(tmp_path, "b.txt", title=title, webUrl="https://www.governing.com/ban/",
                   provider="{name: Governing, domain: WWW.Governing.com}")
    assert import_paths(tmp_path).ok
    wamc, governing = Article.objects.order_by("url")[1], Article.objects.order_by("url")[0]
    assert (wamc.provider.domain, governing.provider.domain) == ("wamc.org", "governing.com")
    assert wamc.title == governing.title
    assert Provider.objects.count() == 2
    assert wamc.related_links.get().target == governing


def test_providers_are_one_per_domain_whatever_the_spelling(db, tmp_path):
    write_clipping(tmp_path, "a.txt", webUrl="https://news.example/a", provider="{name: N, domain: news.example}")
    write_clipping(tmp_path, "b.txt", webUrl="https://news.example/b", provider="{name: N, domain: WWW.NEWS.EXAMPLE}")
    write_clipping(tmp_path, "c.txt", webUrl="https://www.news.example/c")
    assert import_paths(tmp_path).ok
    assert list(Provider.objects.values_list("domain", flat=True)) == ["news.example"]


# Query counts -------------------------------------------------------------------------------------


def test_unchanged_documents_cost_a_constant_number_of_queries(imported, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):  # known hashes (2), the ImportRun (1 or 2 with a savepoint)
        import_paths(FIXTURES)


def test_a_topic_with_non_ascii_capitals_is_found_again(db, tmp_path):
    # SQLite's LOWER() folds ASCII only: the second document used to fail on the unique constraint.
    for number in range(3):
        write_clipping(tmp_path, f"{number}.txt", webUrl=f"https://news.example/{number}",
                       topics="[Überwachung]" if number < 2 else "[ÜBERWACHUNG]")
        report = import_paths(tmp_path / f"{number}.txt")
        assert report.ok, report.failures
    topic = Topic.objects.get()
    assert topic.name == "Überwachung"
    assert topic.articles.count() == 3


# Dry run across batches (regression: each batch was rolled back before the next, so a provider,
# topic or story met in several batches was counted as created in each) ----------------------------


def test_a_dry_run_of_several_batches_counts_what_the_import_does(db, tmp_path):
    for number in ("000", "001", "003", "004"):  # providers and topics shared between batches
        copy_seed(number, tmp_path)
    write_clipping(tmp_path, "later-copy.txt", webUrl=CPO + "?utm_source=x", quality="3")  # a story met again
    rows = table_counts()
    dry = import_paths(tmp_path, dry_run=True, batch_size=1)
    assert table_counts() == rows
    real = import_paths(tmp_path, batch_size=1)
    assert counts(dry) == counts(real) == {
        ARTICLE: {CREATED: 4, UNCHANGED: 1}, "providers": {CREATED: 9}, "topics": {CREATED: 2}}


def test_a_dry_run_of_several_batches_of_press_releases_counts_what_the_import_does(db, tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir(), new.mkdir()
    import_paths(write_release(old, "b.txt", "The statement imported before."))
    write_release(new, "a.txt", "Another statement, same title.")  # a release of its own
    write_release(new, "c.txt", "A third statement, same title.")  # a release of its own
    copy_seed("002", new, name="d.txt")
    copy_seed("002", new, name="e.txt")  # the same bytes again
    write_release(new, "b.txt", "The statement, corrected.")  # updates it (its title and file name)
    dry = import_paths(new, dry_run=True, batch_size=1)
    real = import_paths(new, batch_size=1)
    assert counts(dry) == counts(real) == {PRESS_RELEASE: {UPDATED: 1, CREATED: 3, UNCHANGED: 1}}


def test_a_dry_run_leaves_the_database_to_others_between_batches(db, tmp_path):
    # Regression: a dry run was one transaction, holding the rows it would update (and on SQLite
    # the whole database) until it ended; an editor's save meanwhile waited, or failed.
    for number in ("000", "001", "003"):
        copy_seed(number, tmp_path)
    saved_between_batches = []

    def an_editor_saves(done):
        saved_between_batches.append(TopicFactory(name=f"Saved after {len(saved_between_batches) + 1}"))

    import_paths(tmp_path, dry_run=True, batch_size=1, progress=an_editor_saves)
    assert sorted(Topic.objects.values_list("name", flat=True)) == ["Saved after 1", "Saved after 2", "Saved after 3"]


# Press releases with one title (regression: the last document won, and re-imports flipped the
# release between them) ------------------------------------------------------------------------


def write_release(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(f"Statement on facial recognition\n\nNEW YORK - {body}\n\nWe defend civil liberties.\n\n"
                    "© 2024 New York Civil Liberties Union\n")
    return path


def test_two_press_releases_with_one_title_are_both_kept_and_stay_put(db, tmp_path):
    first = write_release(tmp_path, "2023-statement.txt", "The first statement.")
    second = write_release(tmp_path, "2024-statement.txt", "The second statement.")
    report = import_paths(tmp_path)
    assert counts(report) == {PRESS_RELEASE: {CREATED: 2}}
    releases = list(PressRelease.objects.order_by("id").values_list("source_name", "body", "slug"))
    assert releases == [
        (str(first), "The first statement.", "statement-on-facial-recognition"),
        (str(second), "The second statement.", "statement-on-facial-recognition-2024-statement"),
    ]
    for _ in range(2):
        assert counts(import_paths(tmp_path)) == {PRESS_RELEASE: {UNCHANGED: 2}}
        assert list(PressRelease.objects.order_by("id").values_list("source_name", "body", "slug")) == releases
    # Each file goes on updating its own release.
    write_release(tmp_path, "2024-statement.txt", "The second statement, corrected.")
    assert counts(import_paths(tmp_path)) == {PRESS_RELEASE: {UNCHANGED: 1, UPDATED: 1}}
    assert list(PressRelease.objects.order_by("id").values_list("body", flat=True)) == [
        "The first statement.", "The second statement, corrected."]


@pytest.mark.parametrize("batch_size", [1, 10])
def test_a_new_press_release_with_the_title_of_an_imported_one_loses_neither(db, tmp_path, batch_size):
    (tmp_path / "old").mkdir()
    old = write_release(tmp_path / "old", "b.txt", "The statement imported before.")
    import_paths(old)
    new = write_release(tmp_path, "a.txt", "A new statement, same title.")  # read before the old one
    published = PressRelease.objects.get()
    published.publish()
    report = import_paths(new, old, batch_size=batch_size)
    assert report.ok
    # The published release keeps its record, its text and its URL, whichever batch reads the new
    # document (regression: read in an earlier batch, it took over the published record).
    assert list(PressRelease.objects.order_by("id").values_list("pk", "status", "body", "source_name")) == [
        (published.pk, Status.PUBLISHED, "The statement imported before.", str(old)),
        (published.pk + 1, Status.DRAFT, "A new statement, same title.", str(new)),
    ]
    assert counts(import_paths(new, old, batch_size=batch_size)) == {PRESS_RELEASE: {UNCHANGED: 2}}


@pytest.mark.parametrize("batch_size", [1, 10])
def test_another_copy_of_an_imported_story_does_not_replace_it(db, tmp_path, batch_size):
    (tmp_path / "old").mkdir()
    original = copy_seed("000", tmp_path / "old", name="b.txt")
    import_paths(original)
    copy = copy_seed("000", tmp_path, {'Permanent"': 'Permanent (another copy)"'}, name="a.txt")
    report = import_paths(copy, original, batch_size=batch_size)
    assert counts(report) == {ARTICLE: {UNCHANGED: 2}}
    article = Article.objects.get()
    assert (article.title.endswith("Permanent"), article.source_name) == (True, str(original))


@pytest.mark.parametrize("batch_size", [1, 10])
def test_an_imported_story_moved_to_another_file_stays_with_it(db, tmp_path, batch_size):
    (tmp_path / "old").mkdir()
    import_paths(copy_seed("000", tmp_path / "old", name="b.txt"))
    (tmp_path / "old").rename(tmp_path / "new")  # the same bytes under another name
    moved = tmp_path / "new" / "z.txt"
    (tmp_path / "new" / "b.txt").rename(moved)
    copy_seed("000", tmp_path / "new", {'Permanent"': 'Permanent (another copy)"'}, name="a.txt")  # read first
    assert counts(import_paths(tmp_path / "new", batch_size=batch_size)) == {ARTICLE: {UNCHANGED: 2}}
    assert Article.objects.get().title.endswith("Permanent")


@pytest.mark.parametrize("workers", [0, 1])
def test_a_story_moved_to_another_file_stays_with_it_in_a_large_import(db, tmp_path, workers):
    # The hashes of the run's files, which decide the rival's claim, are taken in a thread while
    # the first batches are read, parsed (by a parsing process or not) and written.
    (tmp_path / "old").mkdir()
    import_paths(copy_seed("000", tmp_path / "old", name="b.txt"))
    (tmp_path / "old").rename(tmp_path / "new")
    (tmp_path / "new" / "b.txt").rename(tmp_path / "new" / "z.txt")
    copy_seed("000", tmp_path / "new", {'Permanent"': 'Permanent (another copy)"'}, name="a.txt")  # read first
    generate_documents(tmp_path / "new" / "m", 70, seed=7)  # read between them
    report = import_paths(tmp_path / "new", batch_size=10, workers=workers)
    assert report.ok, report.failures
    assert report.counts[ARTICLE][UNCHANGED] == 2
    story = Article.objects.get(source_hash=content_hash((tmp_path / "new" / "z.txt").read_bytes()))
    assert story.title.endswith("Permanent")
    assert not Article.objects.filter(title__endswith="(another copy)").exists()


def test_the_files_below_a_directory_in_a_stable_order(tmp_path):
    # Component by component (a/b.txt before a-c.txt), hidden names skipped, links to files
    # followed and links to directories not, links to nowhere skipped: as Path.rglob gave them
    # before os.scandir did.
    for name in ("b.txt", "a.txt", "A.txt", "a-c.txt", "a/b.txt", "a/.hidden.txt", ".git/HEAD", "z/y/x.txt",
                 "é.txt", "a b/c.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / "link.txt").symlink_to(tmp_path / "a.txt")
    (tmp_path / "link-dir").symlink_to(tmp_path / "z", target_is_directory=True)
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "missing.txt")
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")  # regression: these two crashed the walk
    (tmp_path / "through-a-file.txt").symlink_to(tmp_path / "a.txt" / "x")
    found = list(iter_document_paths([tmp_path]))
    assert [str(path.relative_to(tmp_path)) for path in found] == [
        "A.txt", "a/b.txt", "a b/c.txt", "a-c.txt", "a.txt", "b.txt", "link.txt", "z/y/x.txt", "é.txt"]
    assert found == sorted(path for path in tmp_path.rglob("*") if path.is_file()
                           and not any(part.startswith(".") for part in path.relative_to(tmp_path).parts))


@pytest.mark.parametrize("batch_size", [1, 10])
def test_a_changed_release_keeps_its_record_from_a_rival_read_before_it(db, tmp_path, batch_size):
    (tmp_path / "old").mkdir()
    own = write_release(tmp_path / "old", "b.txt", "The statement imported before.")
    import_paths(own)
    published = PressRelease.objects.get()
    published.publish()
    write_release(tmp_path, "a.txt", "A new statement, same title.")  # read first
    write_release(tmp_path / "old", "b.txt", "The statement, corrected.")
    assert counts(import_paths(tmp_path, batch_size=batch_size)) == {PRESS_RELEASE: {UPDATED: 1, CREATED: 1}}
    assert list(PressRelease.objects.order_by("id").values_list("pk", "status", "body")) == [
        (published.pk, Status.PUBLISHED, "The statement imported before."),
        (published.pk + 1, Status.DRAFT, "A new statement, same title."),
    ]
    # Published: its own file's new body waits for a Publisher.
    assert waiting(PressRelease.objects.get(pk=published.pk)) == {"body": "The statement, corrected."}


def test_a_file_that_moved_on_to_another_story_leaves_its_old_one_to_a_new_copy(db, tmp_path):
    # Regression: the old story stayed with the file's name, and its new copy was never written.
    one = write_clipping(tmp_path, "a.yml", title='"First version"', webUrl="https://news.example/one")
    import_paths(one)
    write_clipping(tmp_path, "a.yml", title='"Another story"', webUrl="https://news.example/two")
    write_clipping(tmp_path, "b.yml", title='"Corrected version"', webUrl="https://news.example/one")
    assert counts(import_paths(tmp_path, batch_size=1)) == {ARTICLE: {CREATED: 1, UPDATED: 1}}
    assert dict(Article.objects.values_list("url", "title")) == {
        "https://news.example/one": "Corrected version", "https://news.example/two": "Another story"}
    assert counts(import_paths(tmp_path, batch_size=1)) == {ARTICLE: {UNCHANGED: 2}}


def test_a_record_knows_its_file_however_the_path_is_written(db, tmp_path, monkeypatch):
    # Regression: imported as "old/b.txt" from one directory, then as an absolute path, the release
    # was not recognised as b.txt's, and a rival read first took over the published record.
    (tmp_path / "old").mkdir()
    write_release(tmp_path / "old", "b.txt", "The statement imported before.")
    monkeypatch.chdir(tmp_path)
    import_paths("old/b.txt")
    published = PressRelease.objects.get()
    assert published.source_name == str(tmp_path / "old" / "b.txt")
    published.publish()
    write_release(tmp_path, "a.txt", "A new statement, same title.")
    write_release(tmp_path / "old", "b.txt", "The statement, corrected.")
    import_paths(tmp_path / "a.txt", tmp_path / "old" / "b.txt", batch_size=1)
    published.refresh_from_db()
    assert (published.status, published.body) == (Status.PUBLISHED, "The statement imported before.")
    assert waiting(published) == {"body": "The statement, corrected."}  # its own file's, for a Publisher


def test_a_changed_press_release_is_found_by_its_title_and_file_name_from_another_folder(imported, tmp_path):
    changed = copy_seed("002", tmp_path, {"almost $4 million": "almost $6 million"})
    assert counts(import_paths(changed)) == {PRESS_RELEASE: {UPDATED: 1}}
    assert PressRelease.objects.count() == 1


def test_the_same_press_release_under_another_name_is_unchanged(imported, tmp_path):
    assert counts(import_paths(copy_seed("002", tmp_path, name="renamed.txt"))) == {PRESS_RELEASE: {UNCHANGED: 1}}
    assert PressRelease.objects.count() == 1


def test_press_releases_with_one_title_imported_in_separate_runs_keep_their_own_text(db, tmp_path):
    # Issue 14, defect 5 (regression: by title alone, the second run replaced the first release's
    # body and dateline, and re-importing the first flipped it back). Whichever runs bring them,
    # another file with the same title (and a changed file renamed) is another release.
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    first = write_release(tmp_path / "a", "release-2023.txt", "The first statement.")
    second = write_release(tmp_path / "b", "release-2024.txt", "The second statement.")
    second.write_text(second.read_text().replace("NEW YORK", "ALBANY"))
    assert counts(import_paths(first)) == {PRESS_RELEASE: {CREATED: 1}}
    original = PressRelease.objects.get()
    original.body = "The first statement, as an editor corrected it."
    original.mark_edited("body")
    original.save()
    assert counts(import_paths(second)) == {PRESS_RELEASE: {CREATED: 1}}
    for paths in ([first], [second], [first, second]):
        assert counts(import_paths(*paths)) == {PRESS_RELEASE: {UNCHANGED: len(paths)}}
    assert list(PressRelease.objects.order_by("id").values_list("body", "dateline", "slug")) == [
        ("The first statement, as an editor corrected it.", "NEW YORK", "statement-on-facial-recognition"),
        ("The second statement.", "ALBANY", "statement-on-facial-recognition-release-2024"),
    ]


# Parsing in worker processes: the same import, whoever parses --------------------------------------


def database_contents() -> dict:
    """What an import wrote, in the order it wrote it, without ids or times."""
    articles = Article.objects.order_by("id")
    return {
        "articles": [
            (a.url, a.title, a.slug, a.excerpt, a.provider.domain, sorted(t.name for t in a.topics.all()),
             a.source_name, a.source_hash, a.source_data, a.secured, a.source_values["published_at"],
             [(i.url, i.width, i.height) for i in a.images.all()],
             [(r.position, r.url, r.title, r.source_entry, r.provider.domain if r.provider else None,
               r.target.url if r.target else None, [i.url for i in r.images.all()])
              for r in a.related_links.all()])
            for a in articles.prefetch_related("topics", "images", "related_links__images")
            .select_related("provider")],
        "press_releases": list(PressRelease.objects.order_by("id").values_list(
            "title", "slug", "body", "source_name", "source_data")),
        "providers": list(Provider.objects.order_by("id").values_list("domain", "name", "slug")),
        "topics": list(Topic.objects.order_by("id").values_list("name", "slug")),
    }


def empty_tables():
    RelatedLink.objects.all().delete()
    Article.objects.all().delete()
    for model in (PressRelease, Provider, Topic, ImportRun):
        model.objects.all().delete()


def test_parsing_in_worker_processes_imports_exactly_what_parsing_here_does(db, tmp_path):
    generate_documents(tmp_path, 260, seed=5)
    (tmp_path / "zz-broken.txt").write_text("---\ntitle: x\nwebUrl: https://news.example/b\nquality: high\n---\n")
    (tmp_path / "zz-unclosed.txt").write_text("---\ntitle: x\n")
    outcomes = []
    for workers in (0, 2):
        processes = []  # seen at each batch's end
        report = Importer(batch_size=130, workers=workers,
                          progress=lambda done, seen=processes: seen.append(len(multiprocessing.active_children())),
                          ).import_paths([tmp_path])
        outcomes.append((counts(report), [str(f) for f in report.failures], database_contents()))
        assert (max(processes) > 0) == (workers > 0)  # the workers did parse
        empty_tables()
    here, workers = outcomes
    assert here[0][ARTICLE][CREATED] > 200
    assert here[1] == workers[1] == [
        f"{tmp_path / 'zz-broken.txt'}:4: quality: expected a whole number, got 'high'",
        f"{tmp_path / 'zz-unclosed.txt'}:1: the front matter is not closed: no line --- after the opening one"]
    assert here == workers
    assert not multiprocessing.active_children()  # and they are gone


def test_new_rows_never_take_the_id_of_a_deleted_one(db, tmp_path):
    gone = ArticleFactory()
    gone_id = gone.pk
    gone.delete()
    import_paths(SEED["000"])
    assert Article.objects.get().pk > gone_id


def test_new_press_releases_whose_titles_make_one_slug_in_one_batch(db, tmp_path):
    for name, title in (("a.txt", "Statement!"), ("b.txt", "Statement?")):
        (tmp_path / name).write_text(f"{title}\n\nNEW YORK - Body of {name}.\n\nWe defend civil liberties.\n\n"
                                     "© 2024 New York Civil Liberties Union\n")
    assert counts(import_paths(tmp_path)) == {PRESS_RELEASE: {CREATED: 2}}
    assert list(PressRelease.objects.order_by("id").values_list("slug", flat=True)) == ["statement", "statement-2"]


def test_slugs_for_a_thousand_new_press_releases_at_once(db):
    # Regression: one query for all of them made an expression SQLite refuses past 999 terms.
    PressRelease.objects.create(title="Statement 7", slug="statement-7", title_key="statement 7", body="x")
    slugs = unique_slugs(PressRelease, [f"Statement {n}" for n in range(1200)])
    assert len(set(slugs)) == 1200
    assert slugs[7] == "statement-7-2"


def test_a_dry_run_goes_on_when_someone_creates_what_it_would_have_created(db, tmp_path):
    # Regression: each batch wrote again what earlier ones would have created, and failed when a
    # real import or an editor had created it meanwhile.
    for number in ("000", "001", "003"):
        copy_seed(number, tmp_path)

    batches = []

    def someone_creates(done):  # after the first batch
        batches.append(done)
        if len(batches) == 1:
            ProviderFactory(domain="edweek.org", name="Education Week", slug="edweek-org")
            TopicFactory(name="ai", slug="ai")

    report = import_paths(tmp_path, dry_run=True, batch_size=1, progress=someone_creates)
    assert report.ok, report.failures
    assert counts(report)[ARTICLE] == {CREATED: 3}


def test_an_import_goes_on_when_its_parsing_process_is_killed(db, tmp_path):
    generate_documents(tmp_path, 300, seed=6)

    def kill_the_parser(done):
        # Between batches: by now the parsing process has sent the batch it was given. Killed while
        # sending one, it would leave half a message in the pool's pipe, and the pool would wait
        # for the rest for ever (a limit of concurrent.futures' process pool, not handled here).
        time.sleep(0.5)
        for process in multiprocessing.active_children():
            os.kill(process.pid, signal.SIGKILL)
            process.join()
        time.sleep(0.5)  # for the pool to notice: what is asked of it next fails at once

    report = Importer(batch_size=100, workers=1, progress=kill_the_parser).import_paths([tmp_path])
    assert report.ok, report.failures
    assert Article.objects.count() + PressRelease.objects.count() == 300 - counts(report)[ARTICLE].get(UNCHANGED, 0)


def test_migration_0014_keys_the_releases_imported_before_by_title_and_file_name(db, tmp_path):
    from django.apps import apps

    migration = importlib.import_module("clippings.migrations.0014_press_release_title_and_file_name")
    PressReleaseFactory(title="Statement", title_key="statement", source_name="/srv/a/2023.txt")
    PressReleaseFactory(title="Statement", title_key="statement\n2024.txt", source_name="/srv/b/2024.txt")
    PressReleaseFactory(title="Other", title_key="other", source_name="/srv/b/2024.txt")
    PressReleaseFactory(title="Other", title_key="other\n2024.txt", source_name="/srv/c/2024.txt")
    PressReleaseFactory(title="By hand", title_key="by hand", source_name="")
    migration.key_by_title_and_file_name(apps, None)
    assert list(PressRelease.objects.order_by("id").values_list("title_key", flat=True)) == [
        "statement\n2023.txt", "statement\n2024.txt", "other\n/srv/b/2024.txt", "other\n2024.txt", "by hand"]
    # And a re-import finds them by it: the file of the first, exported again elsewhere, updates it.
    (tmp_path / "2023.txt").write_text("Statement\n\nNEW YORK - Corrected.\n\nWe defend civil liberties.\n\n"
                                       "© 2024 New York Civil Liberties Union\n")
    assert counts(import_paths(tmp_path)) == {PRESS_RELEASE: {UPDATED: 1}}
    assert PressRelease.objects.get(title_key="statement\n2023.txt").body == "Corrected."

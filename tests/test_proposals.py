"""Changes to live content wait for a Publisher: an Editor's edit of a published item, and an
import's new source values for it, are proposed changes (one queue), and readers see the approved
version until a Publisher accepts them. Featuring is a Publisher's decision."""

from pathlib import Path

import pytest
from django.utils import timezone

from clippings.importer import Importer
from clippings.models import Article, Status

from .factories import (
    ArticleFactory,
    PressReleaseFactory,
    PublishedArticleFactory,
    PublishedPressReleaseFactory,
    RelatedLinkFactory,
    TopicFactory,
    waiting,
)
from .test_admin import action, change_data, url

pytestmark = pytest.mark.django_db

SEED = next((Path(__file__).resolve().parent.parent / "fixtures").glob("000_*.txt"))
SEED_TITLE = "State of New York Makes Moratorium on Facial Recognition Technology in Schools Permanent"


def form_data(article, **changes):
    """The change form as the admin fills it for `article` (its own date, its topics), with changes."""
    local = timezone.localtime(article.published_at)
    return change_data(article, **{
        "published_at_0": local.strftime("%Y-%m-%d"), "published_at_1": local.strftime("%H:%M:%S"),
        "topics": [t.pk for t in article.topics.all()], "status": article.status,
        "featured": "on" if article.featured else "", **changes})


def public_page(client, record) -> str:
    response = client.get(record.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


# An Editor's edit of a live item -------------------------------------------------------------


def test_an_editors_edit_of_a_published_article_waits_for_a_publisher(client, editor, publisher):
    article = PublishedArticleFactory(title="Approved headline", excerpt="Approved excerpt.")
    client.force_login(editor)
    response = client.post(url("article_change", article.pk),
                           form_data(article, title="Edited headline", excerpt="Edited excerpt.",
                                     editor_notes="Check with the desk."), follow=True)
    assert "Readers still see the published version" in response.content.decode()
    article.refresh_from_db()
    assert (article.title, article.excerpt, article.status) == ("Approved headline", "Approved excerpt.",
                                                                Status.PUBLISHED)
    assert article.editor_notes == "Check with the desk."  # never public: saved at once
    assert {(p["field"], p["old"], p["new"], p["origin"], p["by"]) for p in article.proposed_changes} == {
        ("title", "Approved headline", "Edited headline", "editor", "edith"),
        ("excerpt", "Approved excerpt.", "Edited excerpt.", "editor", "edith"),
    }
    assert all(p["at"] for p in article.proposed_changes)
    client.logout()
    page = public_page(client, article)
    assert "Approved headline" in page and "Edited headline" not in page

    client.force_login(editor)  # the Editor sees the proposals, and that deciding is not theirs
    page = client.get(url("article_change", article.pk)).content.decode()
    assert "Edited headline" in page and "Only a Publisher can accept or reject them." in page
    assert ">Accept</button>" not in page and 'id="live-for-editor"' in page

    client.force_login(publisher)
    page = client.get(url("article_change", article.pk)).content.decode()
    assert "Edited headline" in page and ">Accept</button>" in page and "An editor (edith)" in page
    response = client.post(url("article_proposals", article.pk), {"accept": "title:editor"}, follow=True)
    assert "Accepted the proposed change of “title”." in response.content.decode()
    client.post(url("article_proposals", article.pk), {"reject": "excerpt:editor"})
    article.refresh_from_db()
    assert (article.title, article.excerpt, article.proposed_changes) == ("Edited headline", "Approved excerpt.", [])
    assert "title" in article.edited_fields  # the accepted edit is a correction: imports keep it
    client.logout()
    page = public_page(client, article)
    assert "Edited headline" in page and "Approved excerpt." in page

    client.force_login(publisher)
    history = client.get(url("article_history", article.pk)).content.decode()
    assert "Proposed a change of title, excerpt" in history and "Accepted the proposed title" in history
    assert "Rejected the proposed excerpt" in history


def test_a_publishers_save_of_a_published_article_goes_live(client, publisher):
    article = PublishedArticleFactory(title="Approved headline")
    client.force_login(publisher)
    response = client.post(url("article_change", article.pk), form_data(article, title="Better headline"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.proposed_changes) == ("Better headline", [])
    assert "Better headline" in public_page(client, article)


def test_an_editors_edit_of_a_draft_applies_at_once(client, editor):
    article = ArticleFactory(title="Draft headline")
    client.force_login(editor)
    client.post(url("article_change", article.pk), form_data(article, title="Edited draft"))
    article.refresh_from_db()
    assert (article.title, article.proposed_changes) == ("Edited draft", [])


def test_an_editors_change_of_a_live_articles_topics_in_the_form_is_a_proposal(client, editor, publisher):
    ai, privacy = TopicFactory(name="AI"), TopicFactory(name="Privacy")
    article = PublishedArticleFactory(topics=[ai])
    client.force_login(editor)
    client.post(url("article_change", article.pk), form_data(article, topics=[privacy.pk]))
    article.refresh_from_db()
    assert list(article.topics.all()) == [ai]
    assert waiting(article, "editor") == {"topics": ["Privacy"]}
    assert "Privacy" not in public_page(client, article)
    client.force_login(publisher)
    client.post(url("article_proposals", article.pk), {"accept": "topics:editor"})
    assert list(article.topics.all()) == [privacy]
    assert article.history.first().history_change_reason == "Accepted the proposed topics"


def test_bulk_tagging_by_an_editor_proposes_for_live_articles_and_tags_drafts(client, editor, publisher):
    topic = TopicFactory(name="Surveillance")
    live, draft = PublishedArticleFactory(), ArticleFactory()
    client.force_login(editor)
    response = action(client, "article", "add_topic", [live, draft], topic=topic.pk, confirm="yes")
    page = response.content.decode()
    assert "Added “Surveillance” to 1 article." in page and "Proposed for 1 published article" in page
    assert list(draft.topics.all()) == [topic] and not live.topics.exists()
    live.refresh_from_db()
    assert waiting(live, "editor") == {"topics": ["Surveillance"]}
    assert live.history.first().history_user == editor

    action(client, "article", "remove_topic", [live], topic=topic.pk, confirm="yes")  # withdraws the proposal
    live.refresh_from_db()
    assert live.proposed_changes == []


def test_an_editors_edit_of_a_live_press_release_is_a_proposal(client, editor):
    release = PublishedPressReleaseFactory(body="Approved body.")
    client.force_login(editor)
    data = {"title": release.title, "slug": release.slug, "dateline": release.dateline, "date": "", "body": "Edited.",
            "coverage": [], "status": release.status, "editor_notes": "", "organization": release.organization,
            "copyright_year": "", "image_caption": "", "tagline": ""}
    assert client.post(url("pressrelease_change", release.pk), data).status_code == 302
    release.refresh_from_db()
    assert release.body == "Approved body." and waiting(release, "editor") == {"body": "Edited."}
    assert "Approved body." in public_page(client, release)


def test_related_links_of_a_live_article_are_read_only_for_an_editor(client, editor, publisher):
    article = PublishedArticleFactory()
    link = RelatedLinkFactory(article=article, title="Approved related title")
    client.force_login(editor)
    page = client.get(url("article_change", article.pk)).content.decode()
    assert "Approved related title" in page and 'name="related_links-0-title"' not in page
    client.force_login(publisher)
    page = client.get(url("article_change", article.pk)).content.decode()
    assert 'name="related_links-0-title"' in page
    draft = ArticleFactory()
    RelatedLinkFactory(article=draft)
    client.force_login(editor)
    assert 'name="related_links-0-title"' in client.get(url("article_change", draft.pk)).content.decode()
    link.refresh_from_db()
    assert link.title == "Approved related title"


def test_an_editor_cannot_decide_proposals_of_a_live_item_and_sees_why(client, editor):
    article = PublishedArticleFactory(title="Approved")
    article.propose("title", "Proposed", origin="editor")
    article.save()
    client.force_login(editor)
    response = client.post(url("article_proposals", article.pk), {"accept": "title:editor"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "Only Publishers accept or reject changes to what readers see" in page
    assert "Newsroom desk" in page  # the admin's own page, not a bare "403 Forbidden"
    article.refresh_from_db()
    assert article.title == "Approved"


def test_publishers_accept_and_reject_proposals_in_bulk_from_the_changelist(client, editor, publisher,
                                                                           django_assert_max_num_queries):
    articles = PublishedArticleFactory.create_batch(3, title="Approved")
    for article in articles:
        article.propose("title", f"Proposed {article.pk}", origin="editor")
        article.save()
    untouched = PublishedArticleFactory()
    client.force_login(editor)
    choices = [c for c, _ in client.get(url("article_changelist")).context["action_form"].fields["action"].choices]
    assert "accept_proposed_changes" not in choices and "reject_proposed_changes" not in choices
    action(client, "article", "accept_proposed_changes", articles)
    assert set(Article.objects.values_list("title", flat=True)) == {"Approved", untouched.title}

    client.force_login(publisher)
    with django_assert_max_num_queries(15):
        response = client.get(url("article_changelist") + "?proposals=waiting")
    assert response.context["cl"].result_count == 3
    response = action(client, "article", "accept_proposed_changes", [*articles[:2], untouched])
    assert "Accepted the proposed changes of 2 articles. 1 left as they were" in response.content.decode()
    response = action(client, "article", "reject_proposed_changes", articles[2:])
    assert "Rejected the proposed changes of 1 article." in response.content.decode()
    assert sorted(Article.objects.values_list("title", flat=True)) == sorted(
        [f"Proposed {articles[0].pk}", f"Proposed {articles[1].pk}", "Approved", untouched.title])
    assert not Article.objects.with_proposed_changes().exists()
    client.logout()
    assert f"Proposed {articles[0].pk}" in public_page(client, articles[0])


def test_the_desk_lists_items_with_proposals_waiting(client, editor, django_assert_max_num_queries):
    article = PublishedArticleFactory(title="Story with a proposal")
    article.propose("title", "Proposed", origin="editor")
    article.save()
    release = PressReleaseFactory(title="Release with a proposal", edited_fields=["body"])
    release.propose("body", "New body", origin="source")
    release.save()
    ArticleFactory(title="Story without one")
    client.force_login(editor)
    with django_assert_max_num_queries(25):
        page = client.get("/admin/").content.decode()
    desk = page[page.index('id="desk-proposals"'):]
    desk = desk[:desk.index("</ul>")]
    assert "Story with a proposal" in desk and "Release with a proposal" in desk and "Story without one" not in desk


# Featuring is a Publisher's ------------------------------------------------------------------


def test_an_editor_cannot_feature_in_the_form_the_list_or_by_action(client, editor):
    article = PublishedArticleFactory()
    client.force_login(editor)
    client.post(url("article_change", article.pk), form_data(article, featured="on"))
    client.post(url("article_changelist"), {
        "form-TOTAL_FORMS": 1, "form-INITIAL_FORMS": 1, "form-0-id": article.pk, "form-0-status": article.status,
        "form-0-featured": "on", "_save": "Save"})
    response = action(client, "article", "feature", [article])
    assert "feature" not in [c for c, _ in response.context["action_form"].fields["action"].choices]
    article.refresh_from_db()
    assert article.featured is False


def test_a_publisher_features_in_the_list(client, publisher):
    article = PublishedArticleFactory()
    client.force_login(publisher)
    client.post(url("article_changelist"), {
        "form-TOTAL_FORMS": 1, "form-INITIAL_FORMS": 1, "form-0-id": article.pk, "form-0-status": article.status,
        "form-0-featured": "on", "_save": "Save"})
    article.refresh_from_db()
    assert article.featured is True


# An import's new source values ---------------------------------------------------------------


def import_seed(tmp_path: Path, replace: dict[str, str] | None = None) -> Article:
    text = SEED.read_text()
    for old, new in (replace or {}).items():
        text = text.replace(old, new)
    (tmp_path / SEED.name).write_text(text)
    Importer(workers=0).import_paths([str(tmp_path / SEED.name)])
    return Article.objects.get()


NEW_TITLE = {'title: "State of New York Makes': 'title: "New York State Makes'}


def test_a_changed_source_document_of_a_published_article_is_a_proposal(client, tmp_path, publisher):
    article = import_seed(tmp_path)
    article.publish()
    article = import_seed(tmp_path, NEW_TITLE)
    assert article.title == SEED_TITLE
    assert [(p["field"], p["old"], p["origin"]) for p in article.proposed_changes] == [("title", SEED_TITLE, "source")]
    assert article.proposed_changes[0]["new"].startswith("New York State Makes")
    assert SEED_TITLE in public_page(client, article)
    client.force_login(publisher)
    response = action(client, "article", "accept_proposed_changes", [article])
    assert "Accepted the proposed changes of 1 article." in response.content.decode()
    article.refresh_from_db()
    assert article.title.startswith("New York State Makes") and article.edited_fields == []
    client.logout()
    assert "New York State Makes" in public_page(client, article)


def test_a_rejected_source_value_is_not_applied_by_a_later_import(tmp_path, client, publisher):
    article = import_seed(tmp_path)
    article.publish()
    import_seed(tmp_path, NEW_TITLE)
    client.force_login(publisher)
    action(client, "article", "reject_proposed_changes", [article])
    article.unpublish()
    article = import_seed(tmp_path, {**NEW_TITLE, "quality: 10": "quality: 12"})  # a draft again
    assert article.title == SEED_TITLE and article.quality == 12 and article.proposed_changes == []


def test_a_changed_source_document_of_a_draft_applies_unless_corrected(tmp_path):
    article = import_seed(tmp_path)
    article = import_seed(tmp_path, NEW_TITLE)
    assert article.title.startswith("New York State Makes") and article.proposed_changes == []
    article.title = "Corrected by an editor"
    article.mark_edited("title")
    article.save()
    article = import_seed(tmp_path, {'title: "State of New York Makes': 'title: "The State of New York Makes'})
    assert article.title == "Corrected by an editor"
    assert waiting(article)["title"].startswith("The State of New York Makes")



def test_migration_0011_keeps_pending_upstream_changes_as_proposals_from_the_source(db):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("clippings.migrations.0011_proposed_changes")
    ai = TopicFactory(name="AI")
    article = ArticleFactory(title="Ours", topics=[ai])
    untouched = ArticleFactory()
    Article.objects.filter(pk=article.pk).update(proposed_changes={"title": "Theirs", "topics": ["AI", "Privacy"]})
    Article.objects.filter(pk=untouched.pk).update(proposed_changes={})
    migration.to_proposals(apps, None)
    article.refresh_from_db()
    untouched.refresh_from_db()
    assert [(p["field"], p["old"], p["new"], p["origin"]) for p in article.proposed_changes] == [
        ("title", "Ours", "Theirs", "source"), ("topics", ["AI"], ["AI", "Privacy"], "source")]
    assert untouched.proposed_changes == []


# An import's new related coverage ---------------------------------------------------------------

OLD_STORY = "Does Facial Recognition and Other Tech Make Schools Safer?"
NEW_STORY = "Is Facial Recognition and Other Tech Making Schools Safer?"
NEW_COVERAGE = {OLD_STORY: NEW_STORY}
WAMC_STORY = "  - title: \"New York state bans facial recognition technology in schools\""


def related_titles(article) -> list[str]:
    return list(article.related_links.values_list("title", flat=True))


def test_new_related_coverage_of_a_published_article_waits_for_a_publisher(client, tmp_path, publisher):
    article = import_seed(tmp_path)
    article.publish()
    article = import_seed(tmp_path, NEW_COVERAGE)
    assert OLD_STORY in related_titles(article) and NEW_STORY not in related_titles(article)
    page = public_page(client, article)
    assert OLD_STORY in page and NEW_STORY not in page
    assert [(p["field"], p["origin"]) for p in article.proposed_changes] == [("related_links", "source")]
    assert [story["title"] for story in waiting(article)["related_links"]] == [
        NEW_STORY, "Does Facial Recognition Technology Make Schools Safer? What Educators Need to Know",
        "New York state bans facial recognition technology in schools"]

    client.force_login(publisher)
    form = client.get(url("article_change", article.pk)).content.decode()
    start = form.index('id="proposed-changes"')
    proposals = form[start:form.index("</form>", start)]
    assert "Related coverage" in proposals and OLD_STORY in proposals and NEW_STORY in proposals
    assert "https://www.governing.com/education/" in proposals
    response = client.post(url("article_proposals", article.pk), {"accept": "related_links:source"}, follow=True)
    assert "Accepted the proposed change of “related coverage”." in response.content.decode()
    article.refresh_from_db()
    assert article.proposed_changes == [] and NEW_STORY in related_titles(article)
    governing = article.related_links.get(title=NEW_STORY)  # rewritten from the source, as a draft's import would
    assert (governing.position, governing.quality, governing.provider.domain) == (0, 39, "governing.com")
    assert "Accepted the proposed related coverage" in client.get(url("article_history", article.pk)).content.decode()
    client.logout()
    page = public_page(client, article)  # the page cache was told (content_changed)
    assert NEW_STORY in page and OLD_STORY not in page


def test_accepting_related_coverage_in_bulk_drops_the_stories_the_source_dropped(client, tmp_path, publisher):
    article = import_seed(tmp_path)
    article.publish()
    text = SEED.read_text()
    article = import_seed(tmp_path, {text[text.index(WAMC_STORY):text.index("secured:")]: ""})
    assert len(related_titles(article)) == 3 and len(waiting(article)["related_links"]) == 2
    client.force_login(publisher)
    response = action(client, "article", "accept_proposed_changes", [article])
    assert "Accepted the proposed changes of 1 article." in response.content.decode()
    assert "New York state bans facial recognition technology in schools" not in related_titles(article)
    assert len(related_titles(article)) == 2
    client.logout()
    assert "New York state bans facial" not in public_page(client, article)


def test_rejected_related_coverage_stays_out_and_is_not_proposed_again(client, tmp_path, publisher):
    article = import_seed(tmp_path)
    article.publish()
    import_seed(tmp_path, NEW_COVERAGE)
    client.force_login(publisher)
    action(client, "article", "reject_proposed_changes", [article])
    article.refresh_from_db()
    assert article.proposed_changes == [] and article.edited_fields == ["related_links"]
    article = import_seed(tmp_path, {**NEW_COVERAGE, "heat: -1": "heat: 3"})  # the same coverage, read again
    assert article.proposed_changes[0]["field"] == "heat" and "related_links" not in waiting(article)
    assert OLD_STORY in related_titles(article) and OLD_STORY in public_page(client, article)


def test_related_coverage_of_a_draft_follows_the_source_at_once(tmp_path):
    article = import_seed(tmp_path)
    article = import_seed(tmp_path, NEW_COVERAGE)
    assert NEW_STORY in related_titles(article) and article.proposed_changes == []


def test_a_pending_related_coverage_proposal_goes_when_the_article_is_a_draft_again(tmp_path):
    article = import_seed(tmp_path)
    article.publish()
    import_seed(tmp_path, NEW_COVERAGE)
    article.unpublish()
    article = import_seed(tmp_path, {**NEW_COVERAGE, "heat: -1": "heat: 3"})
    assert NEW_STORY in related_titles(article) and article.proposed_changes == []


def test_unchanged_related_coverage_of_a_published_article_proposes_nothing(tmp_path):
    article = import_seed(tmp_path)
    article.publish()
    article = import_seed(tmp_path, {"heat: -1": "heat: 3"})
    assert list(waiting(article)) == ["heat"]
    import_seed(tmp_path, NEW_COVERAGE)
    article = import_seed(tmp_path, {"heat: -1": "heat: 4"})  # the source's coverage is back to what readers see
    assert "related_links" not in waiting(article) and OLD_STORY in related_titles(article)


def import_published_copies(tmp_path: Path, count: int, replace: dict[str, str]) -> list[str]:
    """Import `count` copies of the seed (another story each), publish them, import them again with
    `replace` applied; returns the queries of the second import but those updating the articles
    themselves, which Django splits into batches the database's limit on parameters allows (SQLite's)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    text = SEED.read_text()
    directory = tmp_path / str(count)
    directory.mkdir()

    def write(changes):
        for number in range(count):
            copy = text.replace("state-of-new-york-makes", f"state-of-new-york-makes-{count}-{number}")
            for old, new in changes.items():
                copy = copy.replace(old, new)
            (directory / f"{number:03}.txt").write_text(copy)

    write({})
    Importer(workers=0).import_paths([str(directory)])
    Article.objects.filter(url__contains=f"state-of-new-york-makes-{count}-").publish()
    write(replace)
    with CaptureQueriesContext(connection) as queries:
        report = Importer(workers=0).import_paths([str(directory)])
    assert report.counts["articles"]["updated"] == count
    return [query["sql"] for query in queries.captured_queries
            if not query["sql"].startswith('UPDATE "clippings_article"')]


def test_related_coverage_proposals_of_an_import_cost_no_query_per_article(tmp_path):
    few, many = (import_published_copies(tmp_path, count, NEW_COVERAGE) for count in (10, 50))
    assert len(few) == len(many)
    assert sum('FROM "clippings_relatedlink"' in sql for sql in many) == 1  # loaded once, with the articles
    assert Article.objects.with_proposed_changes().count() == 60
    assert not Article.objects.filter(related_links__title=NEW_STORY).exists()

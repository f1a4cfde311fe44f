"""Topics in the admin: names unique whatever their case, and merging without losing a tagging."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from clippings.models import Article, Topic, TopicAlias, TopicSlug

from .factories import ArticleFactory, TopicFactory

pytestmark = pytest.mark.django_db


def topic_form(*, name, slug, description="", aliases=()):
    """What the topic's change form posts: its fields, and its aliases inline as (id, name, delete)."""
    data = {"name": name, "slug": slug, "description": description, "aliases-TOTAL_FORMS": len(aliases),
            "aliases-INITIAL_FORMS": sum(1 for pk, _, _ in aliases if pk), "aliases-MIN_NUM_FORMS": 0,
            "aliases-MAX_NUM_FORMS": 1000}
    for index, (pk, alias, delete) in enumerate(aliases):
        data |= {f"aliases-{index}-id": pk or "", f"aliases-{index}-name": alias}
        if delete:
            data[f"aliases-{index}-DELETE"] = "on"
    return data


def test_a_name_differing_only_in_case_is_a_clear_form_error(client, editor):
    TopicFactory(name="AI", slug="ai")
    client.force_login(editor)
    response = client.post(reverse("admin:clippings_topic_add"), topic_form(name="ai", slug="ai-2"))
    assert response.status_code == 200
    assert "There is already a topic “AI”" in response.content.decode()
    assert Topic.objects.count() == 1


def test_rename_renames_the_address_and_the_old_one_is_kept(client, editor):
    topic = TopicFactory(name="Facial recogniton", slug="facial-recogniton")
    client.force_login(editor)
    response = client.post(reverse("admin:clippings_topic_change", args=[topic.pk]),
                           topic_form(name="Facial recognition", slug=topic.slug))
    assert response.status_code == 302
    topic.refresh_from_db()
    assert (topic.name, topic.slug) == ("Facial recognition", "facial-recognition")
    assert list(topic.old_slugs.values_list("slug", flat=True)) == ["facial-recogniton"]


def test_a_rename_keeps_the_address_the_editor_chose(client, editor):
    topic = TopicFactory(name="AI", slug="ai")
    client.force_login(editor)
    client.post(reverse("admin:clippings_topic_change", args=[topic.pk]),
                topic_form(name="Artificial intelligence", slug="ai-policy"))
    topic.refresh_from_db()
    assert (topic.name, topic.slug) == ("Artificial intelligence", "ai-policy")


def test_merge_moves_every_tagging(client, editor):
    ai, artificial = TopicFactory(name="AI"), TopicFactory(name="Artificial intelligence")
    both = ArticleFactory(topics=[ai, artificial])
    only_ai = ArticleFactory.create_batch(2, topics=[ai])
    only_other = ArticleFactory(topics=[artificial])
    client.force_login(editor)
    changelist = reverse("admin:clippings_topic_changelist")
    selection = {"action": "merge", ACTION_CHECKBOX_NAME: [ai.pk, artificial.pk], "index": 0}
    response = client.post(changelist, selection)
    assert "Which topic do you keep?" in response.content.decode()
    response = client.post(changelist, {**selection, "keep": artificial.pk, "confirm": "yes"}, follow=True)
    assert "Merged “AI” into “Artificial intelligence”" in response.content.decode()
    assert list(Topic.objects.all()) == [artificial]
    assert set(artificial.articles.all()) == {both, *only_ai, only_other}
    assert Article.topics.through.objects.count() == 4
    assert all("topics" in a.edited_fields for a in [*only_ai, both] if a.refresh_from_db() is None)


def test_merge_needs_two_topics(client, editor):
    topic = TopicFactory()
    client.force_login(editor)
    response = client.post(reverse("admin:clippings_topic_changelist"),
                           {"action": "merge", ACTION_CHECKBOX_NAME: [topic.pk], "index": 0}, follow=True)
    assert "Select at least two topics to merge." in response.content.decode()


def test_seed_topics_come_from_the_importer(seeds):
    assert set(Topic.objects.values_list("name", flat=True)) >= {"AI", "Computer Vision"}


# Merging says what it changed -----------------------------------------------------------------

def merge(client, *, keep, merged):
    selection = {"action": "merge", ACTION_CHECKBOX_NAME: [keep.pk, *(t.pk for t in merged)], "index": 0}
    return client.post(reverse("admin:clippings_topic_changelist"),
                       {**selection, "keep": keep.pk, "confirm": "yes"}, follow=True).content.decode()


def test_the_merge_message_counts_only_what_changed(client, editor):
    ai, artificial = TopicFactory(name="AI"), TopicFactory(name="Artificial intelligence")
    ArticleFactory.create_batch(4, topics=[ai, artificial])
    client.force_login(editor)
    page = merge(client, keep=artificial, merged=[ai])
    assert ("Merged “AI” into “Artificial intelligence”: 0 articles newly tagged “Artificial intelligence”, "
            "4 articles already tagged; 1 topic removed, its name kept as an alias.") in page
    assert artificial.articles.count() == 4


def test_the_merge_message_counts_an_article_of_two_merged_topics_once(client, editor):
    keep, ai, ml = TopicFactory(name="Technology"), TopicFactory(name="AI"), TopicFactory(name="ML")
    ArticleFactory(topics=[ai, ml])
    ArticleFactory(topics=[ai, keep])
    client.force_login(editor)
    page = merge(client, keep=keep, merged=[ai, ml])
    assert "1 article newly tagged “Technology”, 1 article already tagged; 2 topics removed" in page
    assert sorted(keep.aliases.values_list("name", flat=True)) == ["AI", "ML"]


def test_a_merge_is_on_the_kept_topics_history_page(client, editor):
    ai, artificial = TopicFactory(name="AI"), TopicFactory(name="Artificial intelligence")
    client.force_login(editor)
    merge(client, keep=artificial, merged=[ai])
    history = client.get(reverse("admin:clippings_topic_history", args=[artificial.pk])).content.decode()
    assert "Merged “AI” into “Artificial intelligence”" in history


def test_merging_moves_the_merged_topics_aliases_and_old_slugs(client, editor):
    ai, artificial = TopicFactory(name="AI", slug="ai"), TopicFactory(name="Artificial intelligence")
    TopicAlias.objects.create(name="A.I.", topic=ai)
    TopicSlug.objects.create(slug="a-i", topic=ai)
    client.force_login(editor)
    merge(client, keep=artificial, merged=[ai])
    assert sorted(artificial.aliases.values_list("name", flat=True)) == ["A.I.", "AI"]
    assert sorted(artificial.old_slugs.values_list("slug", flat=True)) == ["a-i", "ai"]


# Aliases on the topic's page ------------------------------------------------------------------

def test_an_alias_added_on_the_topic_page_tags_the_topic(client, editor, tmp_path):
    topic = TopicFactory(name="Artificial intelligence", slug="artificial-intelligence")
    client.force_login(editor)
    response = client.post(reverse("admin:clippings_topic_change", args=[topic.pk]),
                           topic_form(name=topic.name, slug=topic.slug, aliases=[(None, " A.I. ", False)]))
    assert response.status_code == 302
    assert list(topic.aliases.values_list("name", flat=True)) == ["A.I."]
    history = client.get(reverse("admin:clippings_topic_history", args=[topic.pk])).content.decode()
    assert "A.I." in history


def test_an_editor_removes_an_alias(client, editor):
    topic = TopicFactory(name="Artificial intelligence")
    alias = TopicAlias.objects.create(name="AI", topic=topic)
    client.force_login(editor)
    response = client.post(reverse("admin:clippings_topic_change", args=[topic.pk]),
                           topic_form(name=topic.name, slug=topic.slug, aliases=[(alias.pk, "AI", True)]))
    assert response.status_code == 302
    assert not TopicAlias.objects.exists()


@pytest.mark.parametrize("aliases, error", [
    ([(None, "ai", False)], "“AI” is already an alias of “Machine learning”."),
    ([(None, "MISC", False)], "“Misc” is already ignored."),
    ([(None, "privacy", False)], "“Privacy” is a topic’s own name, so it cannot be an alias."),
    ([(None, "artificial INTELLIGENCE", False)], "“Artificial intelligence” is a topic’s own name"),
    ([(None, "A.I.", False), (None, "a.i.", False)], "This name is the topic’s own name or another alias here"),
], ids=["another-topics-alias", "ignored", "another-topics-name", "own-name", "twice-in-the-form"])
def test_an_alias_that_would_mean_two_things_is_a_form_error(client, editor, aliases, error):
    topic = TopicFactory(name="Artificial intelligence")
    TopicFactory(name="Privacy")
    TopicAlias.objects.create(name="AI", topic=TopicFactory(name="Machine learning"))
    TopicAlias.objects.create(name="Misc")
    client.force_login(editor)
    response = client.post(reverse("admin:clippings_topic_change", args=[topic.pk]),
                           topic_form(name=topic.name, slug=topic.slug, aliases=aliases))
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not topic.aliases.exists()


def test_the_alias_list_refuses_a_topics_own_name(client, editor):
    TopicFactory(name="Privacy")
    client.force_login(editor)
    response = client.post(reverse("admin:clippings_topicalias_add"), {"name": "PRIVACY", "topic": ""})
    assert response.status_code == 200
    assert "“Privacy” is a topic’s own name" in response.content.decode()
    assert not TopicAlias.objects.exists()


@pytest.mark.parametrize("page, queries", [("topic_changelist", ["", "?q=old"]),
                                           ("topicalias_changelist", ["", "?q=old", "?ignored=yes", "?ignored=no"])])
def test_topic_and_alias_lists_load_in_bounded_queries(client, editor, page, queries, django_assert_max_num_queries):
    for topic in TopicFactory.create_batch(30):
        TopicAlias.objects.create(name=f"{topic.name} (old)", topic=topic)
        ArticleFactory(topics=[topic])
    TopicAlias.objects.bulk_create([TopicAlias(name=f"Ignored {n}") for n in range(10)])
    client.force_login(editor)
    for query in queries:
        with django_assert_max_num_queries(12):
            response = client.get(reverse(f"admin:clippings_{page}") + query)
        assert response.status_code == 200


def test_searching_the_topic_list_by_alias_shows_the_topic_once_with_its_count(client, editor):
    topic = TopicFactory(name="Artificial intelligence")
    TopicAlias.objects.bulk_create([TopicAlias(name="AI", topic=topic), TopicAlias(name="A.I.", topic=topic)])
    ArticleFactory.create_batch(3, topics=[topic])
    client.force_login(editor)
    page = client.get(reverse("admin:clippings_topic_changelist"), {"q": "a"}).content.decode()
    assert page.count(">Artificial intelligence</a>") == 1
    assert '<td class="field-article_count">3</td>' in page


# Ignoring topics ------------------------------------------------------------------------------

def test_an_editor_deletes_a_topic_and_imports_ignore_its_names(client, editor):
    misc = TopicFactory(name="Misc")
    TopicAlias.objects.create(name="Miscellaneous", topic=misc)
    article = ArticleFactory(topics=[misc])
    client.force_login(editor)
    changelist = reverse("admin:clippings_topic_changelist")
    selection = {"action": "ignore", ACTION_CHECKBOX_NAME: [misc.pk], "index": 0}
    assert "imports then drop their names" in client.post(changelist, selection).content.decode()
    page = client.post(changelist, {**selection, "confirm": "yes"}, follow=True).content.decode()
    assert "Deleted “Misc” (1 article untagged); imports now ignore this name and its aliases." in page
    assert not Topic.objects.exists()
    assert set(TopicAlias.objects.ignored().values_list("name", flat=True)) == {"Misc", "Miscellaneous"}
    assert LogEntry.objects.get(object_repr="Misc").is_deletion()
    article.refresh_from_db()
    assert list(article.topics.all()) == [] and "topics" in article.edited_fields

"""Topics in the admin: names unique whatever their case, and merging without losing a tagging."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from clippings.models import Article, Topic

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


def test_rename(client, editor):
    topic = TopicFactory(name="Facial recogniton")
    client.force_login(editor)
    response = client.post(reverse("admin:clippings_topic_change", args=[topic.pk]),
                           topic_form(name="Facial recognition", slug=topic.slug))
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.name == "Facial recognition"


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

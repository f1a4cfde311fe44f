"""Changing the topics of many articles at once: tagging in bulk, merging topics, deleting topics.

Each change records one version of every article it changes (who, when, why, and its topics
after), in a fixed number of queries whatever the number of articles, and marks the articles'
topics as edited, so that the next import keeps the editors' tagging.
"""

from typing import NamedTuple

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from ..signals import content_changed
from .articles import Article
from .history import change_reason, keep_imported_state
from .topics import Topic, TopicAlias, TopicSlug

Tagging = Article.topics.through


def add_topic(articles, topic: Topic, *, user=None) -> int:
    """Tag the articles that lack `topic` with it; returns how many were tagged."""

    def change(chosen):
        Tagging.objects.bulk_create([Tagging(article_id=a.pk, topic_id=topic.pk) for a in chosen],
                                    ignore_conflicts=True)

    lacking = articles.order_by().exclude(pk__in=Tagging.objects.filter(topic=topic).values("article_id"))
    return _retag(lacking.values("pk"), change, user=user, reason=f"Topic “{topic}” added (bulk action)")


def remove_topic(articles, topic: Topic, *, user=None) -> int:
    """Untag the articles tagged with `topic`; returns how many were untagged."""

    def change(chosen):
        Tagging.objects.filter(topic=topic, article_id__in=[a.pk for a in chosen]).delete()

    tagged = Tagging.objects.filter(topic=topic, article_id__in=articles.order_by().values("pk"))
    return _retag(tagged.values("article_id"), change, user=user, reason=f"Topic “{topic}” removed (bulk action)")


class Merged(NamedTuple):
    tagged: int  # articles newly tagged with the kept topic
    already_tagged: int  # articles of the merged topics that had it already


def merge_topics(*, keep: Topic, merged: list[Topic], user=None) -> Merged:
    """Tag every article of `merged` with `keep`, then delete them. Their names become aliases of
    `keep` and their slugs redirect to it, so that no import brings them back and no link breaks."""
    counts = Merged(0, 0)

    def change(chosen):
        nonlocal counts
        ids = {a.pk for a in chosen}
        already = set(Tagging.objects.filter(topic=keep, article_id__in=ids).values_list("article_id", flat=True))
        Tagging.objects.bulk_create([Tagging(article_id=pk, topic_id=keep.pk) for pk in ids - already])
        counts = Merged(len(ids - already), len(already))
        merged_ids = [topic.pk for topic in merged]
        TopicAlias.objects.filter(topic__in=merged_ids).update(topic=keep)
        TopicSlug.objects.filter(topic__in=merged_ids).update(topic=keep)
        Topic.objects.filter(pk__in=merged_ids).delete()  # their taggings go with them
        TopicAlias.objects.bulk_create([TopicAlias(name=topic.name, topic=keep) for topic in merged])
        TopicSlug.objects.bulk_create([TopicSlug(slug=topic.slug, topic=keep) for topic in merged])

    names = ", ".join(f"“{topic}”" for topic in merged)
    _retag(_tagged_with(merged), change, user=user, reason=f"Topics merged: {names} into “{keep}”")
    content_changed.send(sender=Topic)
    return counts


def delete_topics(topics: list[Topic], *, user=None) -> int:
    """Delete the topics, untagging their articles; returns how many articles were untagged."""

    def change(chosen):
        Topic.objects.filter(pk__in=[topic.pk for topic in topics]).delete()  # the taggings go with them

    names = ", ".join(f"“{topic}”" for topic in topics)
    untagged = _retag(_tagged_with(topics), change, user=user,
                      reason=f"Topic{'s' if len(topics) > 1 else ''} {names} deleted")
    content_changed.send(sender=Topic)
    return untagged


def ignore_topics(topics: list[Topic], *, user=None) -> int:
    """Delete the topics as `delete_topics` does, keeping their names and aliases as ignored names:
    imports drop them rather than bring the topics back. Returns the articles untagged."""
    with transaction.atomic():
        TopicAlias.objects.filter(topic__in=[topic.pk for topic in topics]).update(topic=None)
        untagged = delete_topics(topics, user=user)
        TopicAlias.objects.bulk_create([TopicAlias(name=topic.name) for topic in topics])
    return untagged


def _tagged_with(topics: list[Topic]):
    return Tagging.objects.filter(topic__in=topics).values("article_id")


def _retag(article_ids, change, *, user, reason: str) -> int:
    """Lock the articles (a subquery of their ids), keep their imported state, `change(articles)`
    their taggings, and record a version of each with its new topics."""
    now = timezone.now()
    with transaction.atomic():
        # A plain query to lock: FOR UPDATE refuses DISTINCT and joins would lock the taggings too.
        # In id order, as every writer of many rows locks them (EditorialQuerySet.move says why).
        chosen = list(Article.objects.filter(pk__in=article_ids).order_by("pk").select_for_update())
        keep_imported_state(chosen)
        change(chosen)
        for article in chosen:
            article.mark_edited("topics")  # an editor's tagging survives the next import
            article.updated_at = now
        if chosen:
            bulk_update_with_history(chosen, Article, ["edited_fields", "updated_at"], default_user=user,
                                     default_change_reason=change_reason(reason), default_date=now)
    if chosen:
        content_changed.send(sender=Article, instances=chosen)
    return len(chosen)

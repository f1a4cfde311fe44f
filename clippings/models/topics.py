"""Topics the newsroom tags its coverage with, and what editors keep of their curation: aliases
(source names that tag another topic, or nothing) and the old slugs of renamed and merged topics.

Whether two names are the same topic is decided by one rule, the database's `LOWER()` (on
SQLite, Python's `str.lower`, which `clippings.apps` installs as `LOWER`): Python's folding
differs from PostgreSQL's ("İ" is "i̇" to Python, "i" to PostgreSQL), so names are folded by
asking the database (`fold`), never with `str.lower` in Python.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import connections, models, transaction
from django.db.models import Exists, OuterRef, Value
from django.db.models.functions import Lower

from ..paths import public_path

_FOLD_BATCH = 500  # values a query binds: well under SQLite's limit of 32,766


def fold(names: Iterable[str], *, using: str = "default") -> dict[str, str]:
    """Each name as the database folds it: the key under which it is unique."""
    names = list(dict.fromkeys(names))
    folded: dict[str, str] = {}
    with connections[using].cursor() as cursor:
        for start in range(0, len(names), _FOLD_BATCH):
            chunk = names[start:start + _FOLD_BATCH]
            cursor.execute("SELECT " + ", ".join(["LOWER(CAST(%s AS TEXT))"] * len(chunk)), chunk)
            folded.update(zip(chunk, cursor.fetchone(), strict=True))
    return folded


class NamedQuerySet(models.QuerySet):
    """Rows with a `name` that is unique whatever its case."""

    def named(self, name: str):
        """The row of this name, whatever its case (as the database folds it)."""
        return self.alias(name_folded=Lower("name")).filter(name_folded=Lower(Value(name)))


class TopicQuerySet(NamedQuerySet):

    def resolve(self, names: Iterable[str]) -> dict[str, "Topic | None"]:
        """What each source name tags, as an import reads it: the topic of that name, or the one it
        is an alias of; None for an ignored name. A name that is neither is left out."""
        folded = fold(names, using=self.db)
        keys = set(folded.values())
        found: dict[str, Topic | None] = {
            alias.name_folded: alias.topic
            for alias in TopicAlias.objects.using(self.db).select_related("topic")
            .annotate(name_folded=Lower("name")).filter(name_folded__in=keys)
        }
        found.update((topic.name_folded, topic) for topic in
                     self.annotate(name_folded=Lower("name")).filter(name_folded__in=keys))
        return {name: found[key] for name, key in folded.items() if key in found}

    def for_names(self, names: Iterable[str]):
        """The topics these source names tag (by name or alias; an ignored name tags none)."""
        return self.filter(pk__in=[topic.pk for topic in self.resolve(names).values() if topic])

    def moved_from(self, slug: str) -> "Topic | None":
        """The topic whose old slug this is (renamed, or merged into it), if any."""
        return self.filter(old_slugs__slug=slug).first()

    def with_published_coverage(self):
        """The topics at least one published article is tagged with (a semi-join: no DISTINCT over
        every tagging of every article)."""
        from .articles import Article  # articles.py imports this module

        return self.filter(Exists(Article.objects.published().filter(topics=OuterRef("pk"))))


class Topic(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            # "AI" and "ai" are one topic.
            models.UniqueConstraint(Lower("name"), name="topic_name_unique_ignoring_case"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        """A rename keeps the old name as an alias and the old slug's URLs, so that imports and
        readers' links still find the topic."""
        with transaction.atomic():
            before = Topic.objects.filter(pk=self.pk).values("name", "slug").first() if self.pk else None
            super().save(*args, **kwargs)
            # Its own name and slug are no longer its alias or old slug (renamed back, or a slug taken).
            TopicAlias.objects.filter(topic=self).named(self.name).delete()
            TopicSlug.objects.filter(slug=self.slug).delete()
            if before and not (Topic.objects.named(before["name"]).exists()
                               or TopicAlias.objects.named(before["name"]).exists()):
                TopicAlias.objects.create(name=before["name"], topic=self)
            if before and before["slug"] != self.slug:
                TopicSlug.objects.create(slug=before["slug"], topic=self)

    def get_absolute_url(self):
        return public_path("clippings:topic_detail", slug=self.slug)


class TopicAliasQuerySet(NamedQuerySet):
    def ignored(self):
        return self.filter(topic__isnull=True)


class TopicAlias(models.Model):
    """A source name that is not a topic's own: imports tag its topic instead, or, with no topic
    (an ignored name), drop it."""

    name = models.CharField(max_length=100)
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="aliases",
        help_text="Imports tag this topic instead. Empty: imports drop the name (ignored).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TopicAliasQuerySet.as_manager()

    class Meta:
        verbose_name = "topic alias or ignored name"
        verbose_name_plural = "topic aliases and ignored names"
        ordering = ["name"]
        constraints = [
            # A source name means one thing: one topic, or none.
            models.UniqueConstraint(Lower("name"), name="topic_alias_name_unique_ignoring_case",
                                    violation_error_message="This name is already an alias or ignored."),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        self.name = self.name.strip()
        if not self.name:
            return
        if (topic := Topic.objects.named(self.name).first()) is not None:
            raise ValidationError({"name": f"“{topic}” is a topic’s own name, so it cannot be an alias. To combine "
                                           "two topics, use “Merge selected topics into one topic” on the topic list."})
        if (alias := TopicAlias.objects.named(self.name).exclude(pk=self.pk).select_related("topic").first()):
            meaning = f"an alias of “{alias.topic}”" if alias.topic else "ignored"
            raise ValidationError({"name": f"“{alias.name}” is already {meaning}."})


class TopicSlug(models.Model):
    """A slug a topic had before it was renamed or merged into another: its old URLs redirect (301)."""

    slug = models.SlugField(max_length=100, unique=True)
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="old_slugs")

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return self.slug

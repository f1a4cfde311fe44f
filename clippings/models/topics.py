"""Topics the newsroom tags its coverage with."""

from django.db import connections, models
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower

from ..paths import public_path


class TopicQuerySet(models.QuerySet):
    def for_names(self, names):
        """The topics with these names, ignoring case ("AI" is "ai", "Énergie" is "énergie")."""
        folded = {name.lower() for name in names}
        if connections[self.db].vendor == "sqlite" and not all(name.isascii() for name in folded):
            # SQLite's LOWER() folds ASCII letters only ("É" stays "É"): names with other letters
            # are matched in Python, among all the topics (a few hundred at most).
            return self.filter(pk__in=[pk for pk, name in self.values_list("pk", "name") if name.lower() in folded])
        return self.alias(name_folded=Lower("name")).filter(name_folded__in=folded)

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

    def get_absolute_url(self):
        return public_path("clippings:topic_detail", slug=self.slug)

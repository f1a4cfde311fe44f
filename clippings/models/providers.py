"""Publishers whose coverage the newsroom follows."""

from django.db import models
from django.db.models import Exists, OuterRef

from ..paths import public_path


class ProviderQuerySet(models.QuerySet):
    def with_published_coverage(self):
        """The providers of at least one published article."""
        from .articles import Article  # articles.py imports this module

        return self.filter(Exists(Article.objects.published().filter(provider=OuterRef("pk"))))


class Provider(models.Model):
    name = models.CharField(max_length=200)
    domain = models.CharField(
        max_length=253, unique=True, help_text="Lower case, without “www.”: one provider per domain."
    )
    slug = models.SlugField(max_length=253, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProviderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return public_path("clippings:provider_detail", slug=self.slug)

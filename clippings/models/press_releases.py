"""The organization's own press releases."""

from django.db import models
from simple_history.models import HistoricalRecords

from ..paths import public_path
from .articles import Article
from .editorial import Editorial, EditorialQuerySet, Imported

PRESS_RELEASE_SOURCE_FIELDS = (
    "title", "dateline", "body", "organization", "copyright_year", "image_caption", "tagline", "date",
)


class PressRelease(Editorial, Imported):
    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=200, unique=True)
    title_key = models.CharField(
        max_length=500, unique=True, editable=False,
        help_text="The source title, folded: how a re-import finds this press release again.",
    )
    dateline = models.CharField(max_length=200, blank=True, help_text="Where it was issued, e.g. NEW YORK.")
    date = models.DateField(null=True, blank=True, help_text="Date of issue, when known.")
    body = models.TextField(help_text="Paragraphs separated by a blank line.")
    quotes = models.JSONField(default=list, blank=True, editable=False)
    organization = models.CharField(max_length=200, blank=True)
    copyright_year = models.PositiveSmallIntegerField(null=True, blank=True)
    image_caption = models.CharField(max_length=500, blank=True)
    tagline = models.CharField(max_length=500, blank=True)
    coverage = models.ManyToManyField(
        Article, blank=True, related_name="press_releases", help_text="Articles that cover this release."
    )

    history = HistoricalRecords(excluded_fields=["source_data", "source_values", "updated_at"])
    objects = EditorialQuerySet.as_manager()

    # Never shown to readers, so never loaded for them (EditorialQuerySet.for_readers).
    PRIVATE_FIELDS = ("editor_notes", "edited_fields", "proposed_changes", "source_values", "source_data")
    SOURCE_FIELDS = PRESS_RELEASE_SOURCE_FIELDS
    CONTENT_FIELDS = (*PRESS_RELEASE_SOURCE_FIELDS, "slug", "quotes", "coverage")

    class Meta:
        ordering = ["-date", "-id"]
        get_latest_by = "date"
        permissions = [("publish_pressrelease", "Can publish and unpublish press releases")]
        indexes = [
            models.Index(fields=["status", "-date"], name="press_release_status_date"),
            models.Index(fields=["source_hash"], name="press_release_source_hash"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return public_path("clippings:press_release_detail", slug=self.slug)

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.body.split("\n\n") if p.strip()]

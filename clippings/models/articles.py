"""Clippings: press coverage of the issues the organization campaigns on."""

from datetime import datetime, timedelta

from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.text import slugify

from ..documents import related_entry
from ..paths import public_path
from .editorial import ContentBeside, Editorial, EditorialQuerySet, Imported, as_source_json
from .history import VersionedRecords, VersionManager
from .providers import Provider
from .topics import Topic

# The fields an import writes, and so the ones an editor's correction protects.
ARTICLE_SOURCE_FIELDS = (
    "title", "excerpt", "published_at", "category", "kind", "quality", "heat",
    "web_url", "original_url", "amp_url", "cdn_amp_url", "provider", "source_published", "topics",
)

# Quality as readers sort by it: an article without a score comes after every scored one.
QUALITY_RANK = Coalesce(F("quality"), Value(-(2**31)))


class CoverageDateTimeField(models.DateTimeField):
    """When a story was published: a value within a day of the ends of Python's calendar (year 1,
    year 9999) is read a day inward, so that showing it in any time zone cannot overflow.

    The import refuses such dates (documents.ACCEPTED_DATES), but a row written another way may
    hold one, and every page that shows it (the desk, the change form, the public site) must answer."""

    _EARLIEST = datetime.min + timedelta(days=1)
    _LATEST = datetime.max - timedelta(days=1)

    def deconstruct(self):
        # To migrations, a DateTimeField: the columns are the same; only reading them differs.
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.DateTimeField", args, kwargs

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        naive = value.replace(tzinfo=None)
        if naive < self._EARLIEST or naive > self._LATEST:
            return min(max(naive, self._EARLIEST), self._LATEST).replace(tzinfo=value.tzinfo)
        return value


def coverage_json(links) -> list[dict]:
    """Related coverage (related links, or a source document's related stories) in the JSON form a
    proposal keeps it in: what readers see of each story, in order."""
    return [{"url": link.url, "title": link.title[:500], "date": as_source_json(link.published_at)}
            for link in links]


class RelatedCoverage(ContentBeside):
    """An article's related links: an import's new coverage of a live article waits for a
    Publisher, who accepts it as a whole; the links are then written from the kept source document."""

    name, verbose_name = "related_links", "related coverage"

    def current_json(self, article) -> list[dict]:
        return coverage_json(article.related_links.all()) if article.pk else []

    def set_json(self, article, value) -> None:
        from ..importer import follow_source_coverage  # the importer's own writing of links (it imports models)

        follow_source_coverage([article])

    def shown(self, value) -> str:
        return "; ".join(f"{story['title']} ({story['url']})" for story in value)


class ArticleQuerySet(EditorialQuerySet):
    def for_listing(self):
        """What a list of articles shows, fetched without a query per row."""
        return self.select_related("provider").prefetch_related("topics")


class Article(Editorial, Imported):
    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=200, blank=True)
    excerpt = models.TextField(blank=True)
    url = models.URLField(
        "canonical URL", max_length=2000, unique=True,
        help_text="Normalised: lower-case scheme and host, no trailing slash, no tracking parameters.",
    )
    web_url = models.URLField("web URL", max_length=2000, blank=True)
    original_url = models.URLField("original URL", max_length=2000, blank=True)
    amp_url = models.URLField("AMP URL", max_length=2000, blank=True)
    cdn_amp_url = models.URLField("CDN AMP URL", max_length=2000, blank=True)
    published_at = CoverageDateTimeField("date", null=True, blank=True, help_text="When the provider published it.")
    category = models.CharField(max_length=50, blank=True)
    kind = models.CharField("type", max_length=50, blank=True)
    quality = models.IntegerField(null=True, blank=True)
    heat = models.IntegerField(null=True, blank=True)
    # No index of its own: article_provider_date (provider, -published_at) serves lookups by provider.
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="articles", db_index=False)
    topics = models.ManyToManyField(Topic, related_name="articles", blank=True)
    source_published = models.BooleanField(
        "published at source", default=False,
        help_text="The feed's own `published` flag, kept as source data; it publishes nothing here.",
    )
    secured = models.TextField(
        blank=True, editable=False, help_text="The feed's opaque `secured` blob, verbatim. Never shown publicly."
    )

    # Versions include the topics (the diff and the restore on the admin's history page show them).
    history = VersionedRecords(excluded_fields=["source_data", "source_values", "secured", "updated_at"],
                               m2m_fields=["topics"], history_manager=VersionManager)
    objects = ArticleQuerySet.as_manager()

    # Never shown to readers, so never loaded for them (EditorialQuerySet.for_readers).
    PRIVATE_FIELDS = ("editor_notes", "edited_fields", "proposed_changes", "source_values", "source_data", "secured")
    SOURCE_FIELDS = ARTICLE_SOURCE_FIELDS
    CONTENT_FIELDS = (*ARTICLE_SOURCE_FIELDS, "url", "slug")
    CONTENT_BESIDE = {RelatedCoverage.name: RelatedCoverage()}

    class Meta:
        ordering = ["-published_at", "-id"]
        get_latest_by = "published_at"
        permissions = [("publish_article", "Can publish and unpublish articles")]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_status_date"),
            models.Index(fields=["provider", "-published_at"], name="article_provider_date"),
            models.Index(fields=["-published_at", "-id"], name="article_date"),
            models.Index(fields=["-quality"], name="article_quality"),
            # Readers' "best quality first": the expression filters.SORTS orders by, so no sort of every row.
            models.Index(QUALITY_RANK.desc(), F("published_at").desc(), F("id").desc(), name="article_quality_rank"),
            # The few records with a schedule, for publish_scheduled and the page cache's next expiry.
            models.Index(fields=["publish_at"], condition=Q(publish_at__isnull=False), name="article_publish_at"),
            models.Index(fields=["unpublish_at"], condition=Q(unpublish_at__isnull=False), name="article_unpublish_at"),
            models.Index(fields=["source_hash"], name="article_source_hash"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title)[:200] or "article"
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return public_path("clippings:article_detail", pk=self.pk, slug=self.slug or "article")

    @property
    def link_out(self) -> str:
        """Where a reader goes to read it: the provider's own URL, as the provider gave it."""
        return self.original_url or self.web_url or self.url

    def related_json(self, name, objects):
        if name == "topics":  # by name, as a source document gives them
            return sorted(topic.name for topic in objects)
        return super().related_json(name, objects)

    def set_source_json(self, name, value):
        if name == "topics":
            self.topics.set(Topic.objects.for_names(value))
        else:
            super().set_source_json(name, value)


class Image(models.Model):
    """A picture the source points at, on the article itself or on one of its related links."""

    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.CASCADE, related_name="images")
    related_link = models.ForeignKey(
        "RelatedLink", null=True, blank=True, on_delete=models.CASCADE, related_name="images"
    )
    url = models.URLField(max_length=2000)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    cached_at_source = models.BooleanField(default=False, help_text="The feed's `isCached` flag.")
    file = models.FileField(
        upload_to="images/%Y/%m/", blank=True,
        help_text="Our own copy. Readers are shown an image only once it is stored here.",
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(article__isnull=False, related_link__isnull=True)
                    | models.Q(article__isnull=True, related_link__isnull=False)
                ),
                name="image_belongs_to_article_or_related_link",
            ),
        ]

    def __str__(self):
        return self.url


class RelatedLink(models.Model):
    """Coverage the source lists beside an article: often the same story from another provider."""

    # No index of its own: related_link_unique_per_article (article, url) serves lookups by article.
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_links", db_index=False)
    position = models.PositiveSmallIntegerField(default=0)
    url = models.URLField("canonical URL", max_length=2000)
    web_url = models.URLField("web URL", max_length=2000, blank=True)
    target = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="linked_from",
        help_text="The article here with the same URL, whichever was imported first.",
    )
    title = models.CharField(max_length=500)
    excerpt = models.TextField(blank=True)
    published_at = CoverageDateTimeField("date", null=True, blank=True)
    provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.PROTECT, related_name="related_links"
    )
    kind = models.CharField("type", max_length=50, blank=True)
    quality = models.IntegerField(null=True, blank=True)
    amp_url = models.URLField("AMP URL", max_length=2000, blank=True)
    cdn_amp_url = models.URLField("CDN AMP URL", max_length=2000, blank=True)
    # No source_data of its own: the entry it was imported from is kept, verbatim, in its article's
    # (`source_entry`; migration 0008).

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(fields=["article", "url"], name="related_link_unique_per_article"),
        ]
        indexes = [models.Index(fields=["url"], name="related_link_url")]

    def __str__(self):
        return self.title

    @property
    def link_out(self) -> str:
        return self.web_url or self.url

    @property
    def source_entry(self) -> dict | None:
        """The entry of the article's source document this link was imported from, as the source
        gave it, found by its URL: None for a link added by hand, or one whose URL an editor
        changed (its entry is still in the article's `source_data`, under `related`)."""
        return related_entry(self.article.source_data, self.url)

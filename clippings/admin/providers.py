"""Providers, related links and import runs: the desk's reference lists."""

import json

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count

from ..models import ImportRun, Provider, RelatedLink
from .mixins import DeskAdmin, may_change_beside


@admin.register(Provider)
class ProviderAdmin(DeskAdmin):
    list_display = ("name", "domain", "article_count", "created_at")
    search_fields = ("name", "domain")
    prepopulated_fields = {"slug": ("domain",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=Count("articles"))

    @admin.display(description="articles", ordering="article_total")
    def article_count(self, obj):
        return obj.article_total


@admin.register(RelatedLink)
class RelatedLinkAdmin(DeskAdmin):
    list_display = ("title", "provider", "published_at", "quality", "article")
    list_filter = ("published_at",)
    list_select_related = ("provider", "article")
    search_fields = ("title", "excerpt", "url", "provider__name")
    date_hierarchy = "published_at"
    autocomplete_fields = ("provider",)
    raw_id_fields = ("article", "target")
    readonly_fields = ("source_entry",)

    # A live article's related links are read-only here too for those who may not publish it.
    def has_change_permission(self, request, obj=None):
        return (obj is None or may_change_beside(request.user, obj.article)) and super().has_change_permission(
            request, obj)

    def has_delete_permission(self, request, obj=None):
        return (obj is None or may_change_beside(request.user, obj.article)) and super().has_delete_permission(
            request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        user = request.user

        class RelatedLinkForm(form):
            def clean_article(self):
                article = self.cleaned_data["article"]
                if not may_change_beside(user, article):
                    raise ValidationError("This article is published: only a Publisher can change its related "
                                          "coverage. Ask a Publisher, or link an article that is not live.")
                return article

        return RelatedLinkForm

    @admin.display(description="source data")
    def source_entry(self, obj):
        """The entry of the article's source document it was imported from (kept there, not here)."""
        entry = obj.source_entry if obj.pk else None
        return "-" if entry is None else json.dumps(entry, ensure_ascii=False)


@admin.register(ImportRun)
class ImportRunAdmin(DeskAdmin):
    list_display = ("started_at", "finished_at", "state", "summary", "failed")
    list_filter = ("status",)
    readonly_fields = ("started_at", "finished_at", "state", "heartbeat_at", "paths", "counts", "failures", "error")
    exclude = ("status",)  # shown as its state, which tells a running import from a killed one

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="state", ordering="status")
    def state(self, obj):
        return obj.state

    @admin.display(description="result")
    def summary(self, obj):
        return summarise_counts(obj.counts)


def summarise_counts(counts: dict) -> str:
    parts = []
    for kind, outcomes in sorted(counts.items()):
        described = ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items()) if n)
        parts.append(f"{kind}: {described}")
    return "; ".join(parts) or "nothing"

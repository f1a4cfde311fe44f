"""Press releases, and the coverage that followed them."""

import re
from datetime import timedelta

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.html import format_html, format_html_join

from ..models import Article, PressRelease
from .filters import ProposedChangesFilter
from .mixins import PROVENANCE_FIELDS, EditorialAdmin

# Capitalised words a release uses that say nothing about which story it is.
COMMON_WORDS = {
    "the", "this", "that", "these", "those", "new", "york", "state", "city", "civil", "liberties", "union",
    "nyclu", "aclu", "executive", "director", "said", "today", "department", "school", "schools", "district",
    "and", "for", "with", "from", "will", "they", "their", "there", "what", "when", "where", "which", "while",
    "after", "before", "about", "also", "back", "all", "press", "release", "law", "court", "office",
    "january", "february", "march", "april", "june", "july", "august", "september", "october", "november",
    "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
}
WINDOW = timedelta(days=14)


def distinctive_terms(release: PressRelease, limit: int = 6) -> list[str]:
    """Proper names the release repeats (e.g. "Lockport"): what coverage of it is likely to mention."""
    words = re.findall(r"\b[A-Z][a-zA-Z]{3,}\b", f"{release.title}\n{release.body}")
    counts: dict[str, int] = {}
    for word in words:
        if word.lower() not in COMMON_WORDS:
            counts[word] = counts.get(word, 0) + 1 + (word in release.title)
    return sorted(counts, key=lambda word: (-counts[word], word))[:limit]


def suggest_coverage(release: PressRelease, limit: int = 10) -> list[tuple[Article, list[str]]]:
    """Articles not yet linked that share its distinctive terms or appeared soon after it, best first."""
    terms = distinctive_terms(release)
    match = Q()
    for term in terms:
        match |= Q(title__icontains=term) | Q(excerpt__icontains=term)
    if release.date:
        match |= Q(published_at__date__gte=release.date - timedelta(days=2),
                   published_at__date__lte=release.date + WINDOW)
    if not match:
        return []
    candidates = (Article.objects.filter(match).exclude(press_releases=release).select_related("provider")
                  .order_by("-published_at")[:200])
    scored = []
    for article in candidates:
        text = f"{article.title} {article.excerpt}".lower()
        shared = [term for term in terms if term.lower() in text]
        near = bool(release.date and article.published_at
                    and -2 <= (article.published_at.date() - release.date).days <= WINDOW.days)
        scored.append((len(shared) * 2 + near, article, shared + (["near the date"] if near else [])))
    scored.sort(key=lambda item: -item[0])
    return [(article, why) for _, article, why in scored[:limit]]


@admin.register(PressRelease)
class PressReleaseAdmin(EditorialAdmin):
    preview_template = "clippings/pressrelease_detail.html"
    preview_context_name = "press_release"
    list_display = ("title", "date", "dateline", "status", "coverage_count", "featured")
    list_editable = ("status", "featured")
    list_filter = ("status", "featured", "date", ProposedChangesFilter)
    search_fields = ("title", "body", "dateline")
    date_hierarchy = "date"
    autocomplete_fields = ("coverage",)
    readonly_fields = ("links", "suggested_coverage", *PROVENANCE_FIELDS, "went_live_at", "created_at",
                       "updated_at", "edited_fields")
    fieldsets = (
        (None, {"fields": ("title", "slug", "dateline", "date", "body", "links")}),
        ("Coverage", {"fields": ("coverage", "suggested_coverage")}),
        ("Editorial", {"fields": ("status", "featured", "publish_at", "unpublish_at", "went_live_at",
                                  "editor_notes")}),
        ("Source", {"fields": ("organization", "copyright_year", "image_caption", "tagline")}),
        ("Provenance", {"classes": ("collapse",), "fields": (
            *PROVENANCE_FIELDS, "edited_fields", "created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(coverage_total=Count("coverage", distinct=True))

    @admin.display(description="coverage", ordering="coverage_total")
    def coverage_count(self, obj):
        return obj.coverage_total

    @admin.display(description="suggested coverage")
    def suggested_coverage(self, obj):
        if not obj.pk:
            return "Save the press release first."
        suggestions = suggest_coverage(obj)
        if not suggestions:
            return "No candidates found."
        rows = format_html_join("", (
            '<li><label><input type="checkbox" name="add_coverage" value="{}"> {} <small>({}, {}; {})</small>'
            "</label></li>"), [
            (article.pk, article.title, article.provider,
             article.published_at.date() if article.published_at else "undated", ", ".join(why))
            for article, why in suggestions
        ])
        return format_html("<p>Tick the articles that cover this release; they are added when you save.</p>"
                           "<ul class=\"coverage-suggestions\">{}</ul>", rows)

    def save_model(self, request, obj, form, change):
        # Ticked suggestions join the form's coverage (so, of a live release, an Editor's proposal).
        chosen = [pk for pk in request.POST.getlist("add_coverage") if pk.isdigit()]
        if chosen and "coverage" in form.cleaned_data:
            ticked = Article.objects.filter(pk__in=chosen)
            form.cleaned_data["coverage"] = list({*form.cleaned_data["coverage"], *ticked})
        super().save_model(request, obj, form, change)

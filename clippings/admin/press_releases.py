"""Press releases, and the coverage that followed them."""

import math
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.contrib import admin
from django.db.models import Count, Q
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from ..models import Article, PressRelease
from ..search import STOP_WORDS, matching_articles, singular
from .filters import ProposedChangesFilter
from .mixins import PROVENANCE_FIELDS, EditorialAdmin

# Words a release uses that say nothing about which story it is (beside the search's stop words).
COMMON_WORDS = {
    "the", "this", "that", "these", "those", "new", "york", "state", "city", "civil", "liberties", "union",
    "nyclu", "aclu", "executive", "director", "said", "today", "department", "school", "schools", "district",
    "and", "for", "with", "from", "will", "they", "their", "there", "what", "when", "where", "which", "while",
    "after", "before", "about", "also", "back", "all", "press", "release", "law", "court", "office",
    "january", "february", "march", "april", "june", "july", "august", "september", "october", "november",
    "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "would", "could", "should", "must", "more", "than", "such", "other", "many", "people", "year", "years",
}
TERMS = 12  # the release's words looked up in the article index, one count each
WINDOW = timedelta(days=14)  # coverage usually follows a release within two weeks
EARLY = timedelta(days=2)  # ... and sometimes runs the day before, from an embargoed copy
LATER = timedelta(days=180)  # an article that shares its rare words may still cite it months later
CANDIDATES_PER_TERM = 100
CANDIDATES = 1500  # scored in Python: the words' candidates and a busy fortnight's articles
# Articles counted per word, at most: a word in this many says little (its weight is at most log(total / 1,000)),
# and counting every article that uses a common word would read tens of thousands of them.
COMMON = 1000
DATE_WEIGHT, PROVIDER_WEIGHT = 2.0, 1.0  # beside a rare shared word's weight, about 2 to 10

_WORD = re.compile(r"[^\W\d_]{4,}")


def word_key(word: str) -> str:
    """A word as the desk compares it: lower case, without a plural -s (as the search index stems it)."""
    return singular(word.lower())


def words_of(text: str) -> set[str]:
    return {word_key(word) for word in _WORD.findall(text)} - COMMON_WORDS - STOP_WORDS


def distinctive_terms(release: PressRelease, limit: int = TERMS) -> dict[str, str]:
    """The words the release leans on (repeated, in its title, or names such as "Lockport"), most first:
    each as the desk compares it, and as the release first wrote it."""
    weights: dict[str, int] = {}
    written: dict[str, str] = {}
    for text, bonus in ((release.title, 2), (release.body, 0)):
        for word in _WORD.findall(text):
            key = word_key(word)
            if key in COMMON_WORDS or key in STOP_WORDS:
                continue
            weights[key] = weights.get(key, 0) + 1 + bonus + word[0].isupper()
            written.setdefault(key, word)
    return {key: written[key] for key in sorted(weights, key=lambda key: (-weights[key], key))[:limit]}


def article_frequency(word: str) -> int:
    """How many articles the search index finds `word` in (any form it stems to the same), up to COMMON."""
    return matching_articles(Article.objects.order_by(), word)[:COMMON].count()


def local_day(day, *, days: int = 0):
    """The start of a day in the newsroom's time zone, as a range on published_at can use its index."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=days), time()))


@dataclass
class Suggestion:
    """An article that may cover a release, and why: the rare words both use, the days between, the provider."""

    article: Article
    shared: list[tuple[str, int]]  # each word as the release wrote it, and how many articles use it
    total: int
    days_after: int | None
    provider_releases: int
    score: float

    @property
    def reasons(self) -> list[str]:
        words = ", ".join(f"“{word}” (in {'1,000 or more' if found >= COMMON else found} of {self.total:,} articles)"
                          for word, found in self.shared)
        reasons = [f"shares {words}"] if words else []
        if self.days_after is not None:
            when = "the same day" if self.days_after == 0 else (
                f"{abs(self.days_after)} day{pluralize(abs(self.days_after))} "
                f"{'after' if self.days_after > 0 else 'before'}")
            reasons.append(f"published {when}" + ("" if self.days_after == 0 else " the release"))
        if self.provider_releases:
            reasons.append(f"{self.article.provider} covered {self.provider_releases} other "
                           f"release{pluralize(self.provider_releases)}")
        return reasons


def suggest_coverage(release: PressRelease, limit: int = 10) -> list[Suggestion]:
    """Articles not yet linked to the release, best first: each shared word weighs its rarity among articles
    (inverse document frequency), an article published soon after the release weighs more the sooner it came,
    and a provider that covered other releases adds a little."""
    total = Article.objects.count()
    terms = distinctive_terms(release)
    frequency = {word: article_frequency(word) for word in terms}
    rarity = {word: math.log((total + 1) / found) for word, found in frequency.items() if found}
    # Candidates: the newest articles using each word that is not common (each found through the search
    # index), and every article published around the release.
    found_by_words: set[int] = set()
    for word, found in frequency.items():
        if 0 < found < COMMON:
            articles = Article.objects.order_by("-published_at")
            if release.date:
                articles = articles.filter(published_at__gte=local_day(release.date, days=-EARLY.days),
                                           published_at__lt=local_day(release.date, days=LATER.days))
            found_by_words.update(matching_articles(articles, word).values_list("pk", flat=True)
                                  [:CANDIDATES_PER_TERM])
    match = Q(pk__in=found_by_words)
    if release.date:
        match |= Q(published_at__gte=local_day(release.date, days=-EARLY.days),
                   published_at__lt=local_day(release.date, days=WINDOW.days + 1))
    if not found_by_words and not release.date:
        return []
    candidates = list(Article.objects.filter(match).exclude(press_releases=release).select_related("provider")
                      .only("title", "excerpt", "published_at", "provider__name").order_by("-published_at")
                      [:CANDIDATES])
    covering = dict(PressRelease.coverage.through.objects
                    .filter(article__provider__in={article.provider_id for article in candidates})
                    .exclude(pressrelease=release).values("article__provider")
                    .annotate(releases=Count("pressrelease", distinct=True))
                    .values_list("article__provider", "releases"))
    suggestions = []
    for article in candidates:
        found = words_of(f"{article.title} {article.excerpt}")
        shared = sorted((word for word in rarity if word in found), key=lambda word: -rarity[word])
        days = None
        if release.date and article.published_at:
            days = (timezone.localdate(article.published_at) - release.date).days
        soon = days is not None and -EARLY.days <= days <= WINDOW.days
        nearness = 1 - max(days, 0) / (WINDOW.days + 1) if soon else 0
        releases = covering.get(article.provider_id, 0)
        score = sum(rarity[word] for word in shared) + DATE_WEIGHT * nearness + PROVIDER_WEIGHT * min(releases, 3) / 3
        suggestions.append(Suggestion(article, [(terms[word], frequency[word]) for word in shared], total,
                                      days if soon else None, releases, score))
    suggestions.sort(key=lambda suggestion: (-suggestion.score, -suggestion.article.pk))
    return suggestions[:limit]


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
            '<li><label><input type="checkbox" name="add_coverage" value="{}"> {} <small>({}, {})</small></label>'
            '<br><small class="why">Suggested because it {}.</small></li>'), [
            (suggestion.article.pk, suggestion.article.title, suggestion.article.provider,
             suggestion.article.published_at.date() if suggestion.article.published_at else "undated",
             "; ".join(suggestion.reasons) or "is the closest match found")
            for suggestion in suggestions
        ])
        return format_html("<p>Tick the articles that cover this release; they are added when you save. Best "
                           "first: words rare among our articles count most, then how soon after the release "
                           "it appeared, then whether its provider covered our other releases.</p>"
                           "<ul class=\"coverage-suggestions\">{}</ul>", rows)

    def save_model(self, request, obj, form, change):
        # Ticked suggestions join the form's coverage (so, of a live release, an Editor's proposal).
        chosen = [pk for pk in request.POST.getlist("add_coverage") if pk.isdigit()]
        if chosen and "coverage" in form.cleaned_data:
            ticked = Article.objects.filter(pk__in=chosen)
            form.cleaned_data["coverage"] = list({*form.cleaned_data["coverage"], *ticked})
        super().save_model(request, obj, form, change)

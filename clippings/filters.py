"""The coverage list's facets: what a reader can narrow the published coverage down to."""

from datetime import UTC, date, datetime, time
from typing import NamedTuple

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from .cache import cached_data
from .models import Article, Provider, Topic
from .models.articles import QUALITY_RANK
from .search import matching_articles, search_articles


def day_bound(day: date, moment: time) -> datetime | None:
    """That moment of the day in the newsroom's time zone; None when it falls outside the calendar
    the database can store (9999-12-31's end in New York is year 10000 in UTC): no bound then."""
    try:
        return timezone.make_aware(datetime.combine(day, moment)).astimezone(UTC)
    except OverflowError:
        return None


def _published():
    return Article.objects.published()


def topic_choices():
    return cached_data("topic-choices", lambda: list(
        Topic.objects.with_published_coverage().values_list("slug", "name")
    ))


def provider_choices():
    return cached_data("provider-choices", lambda: list(
        Provider.objects.with_published_coverage().values_list("slug", "name")
    ))


def kind_choices():
    return cached_data("kind-choices", lambda: [
        (kind, kind.capitalize())
        for kind in _published().exclude(kind="").order_by("kind").values_list("kind", flat=True).distinct()
    ])


class Searched(NamedTuple):
    """What the text search looked in (after the other filters), for what, and within which topic."""

    queryset: QuerySet
    text: str
    topic: str | None


SORTS = {
    "date": ("-published_at", "-id"),
    "oldest": ("published_at", "id"),
    "quality": (QUALITY_RANK.desc(), "-published_at", "-id"),  # as the index article_quality_rank has it
}


class ArticleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search")
    topic = django_filters.ChoiceFilter(field_name="topics__slug", label="Topic", choices=topic_choices,
                                        empty_label="All topics")
    provider = django_filters.ChoiceFilter(field_name="provider__slug", label="Provider", choices=provider_choices,
                                           empty_label="All providers")
    type = django_filters.ChoiceFilter(field_name="kind", label="Type", choices=kind_choices,
                                       empty_label="All types")
    since = django_filters.DateFilter(label="From", method="published_since",
                                      widget=forms.DateInput(attrs={"type": "date"}))
    until = django_filters.DateFilter(label="To", method="published_until",
                                      widget=forms.DateInput(attrs={"type": "date"}))
    sort = django_filters.ChoiceFilter(
        label="Sort by", method="sort_by", empty_label="Newest first",
        choices=[("oldest", "Oldest first"), ("quality", "Best quality first")],
    )

    searched: Searched | None = None  # what the text search looked in, once it has run

    class Meta:
        model = Article
        fields = []

    def filter_queryset(self, queryset):
        # The text search last: it ranks the newest matches among what the other filters leave.
        data = self.form.cleaned_data
        for name in sorted(data, key=lambda name: name == "q"):
            queryset = self.filters[name].filter(queryset, data[name])
        return queryset

    def search(self, queryset, name, value):
        # The chosen topic's name, from the choices of this content version (a rename starts another),
        # lets the search find the topic's matches in the index rather than test each tagged article.
        topic = dict(topic_choices()).get(self.form.cleaned_data.get("topic"))
        self.searched = Searched(queryset, value, topic)
        if self.form.cleaned_data.get("sort"):  # the reader's own order: every match, unranked
            return matching_articles(queryset, value, topic=topic)
        return search_articles(queryset, value, topic=topic)

    def published_since(self, queryset, name, value):
        start = day_bound(value, time.min)
        return queryset if start is None else queryset.filter(published_at__gte=start)

    def published_until(self, queryset, name, value):
        end = day_bound(value, time.max)
        return queryset if end is None else queryset.filter(published_at__lte=end)

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*SORTS[value])

    def active_filters(self) -> list[dict]:
        """The filters the reader set: label, value shown, and the query string without it."""
        if not self.is_bound or not self.is_valid():
            return []
        active = []
        for name, field in self.form.fields.items():
            value = self.data.get(name)
            if not value:
                continue
            rest = self.data.copy()
            rest.pop(name, None)
            rest.pop("page", None)
            choices = dict(field.choices) if hasattr(field, "choices") else {}
            active.append({
                "label": field.label, "value": choices.get(value, value),
                "remove_query": f"?{rest.urlencode()}" if rest else "?",
            })
        return active

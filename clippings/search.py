"""Searching articles and press releases: the one way every page searches.

Interface used by the public site; the implementation is replaced by full-text search
(PostgreSQL tsvector / SQLite FTS5) in the production issue.
"""

from django.db.models import Q, QuerySet


def search_articles(queryset: QuerySet, query: str) -> QuerySet:
    """The articles of `queryset` matching the reader's query, best match first."""
    words = query.split()
    for word in words:
        queryset = queryset.filter(Q(title__icontains=word) | Q(excerpt__icontains=word))
    return queryset


def search_press_releases(queryset: QuerySet, query: str) -> QuerySet:
    words = query.split()
    for word in words:
        queryset = queryset.filter(Q(title__icontains=word) | Q(body__icontains=word))
    return queryset

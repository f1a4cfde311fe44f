"""What the public lists share: published coverage only, paged without counting."""

from clippings import search
from clippings.models import Article
from clippings.pagination import UncountedPaginator


def search_notes(queryset, text: str, page, *, topic: str | None = None) -> dict:
    """What a page of search results tells readers about the rules (see clippings.search): how
    many were ranked, whether that was "1,000 or more", whether exclusions shaped the results, and
    whether older matches may have been left out. `queryset` is what the search looked in."""
    ranked = getattr(page[0], "search_matches", 0) if page else 0
    return {
        "matches": ranked, "search_capped": ranked >= search.RANKED_MATCHES,
        "older_left_out": bool(text) and search.older_matches_left_out(queryset, text, page, topic=topic),
        "search_excludes": bool(search.parse_query(text).excluded),
        "ranked_matches": search.RANKED_MATCHES, "exclusion_window": search.EXCLUSION_WINDOW,
    }


class CoverageListMixin:
    """A page of published coverage, newest first, each with its provider and topics."""

    paginate_by = 20
    paginator_class = UncountedPaginator

    def get_queryset(self):
        return Article.objects.for_readers().for_listing()

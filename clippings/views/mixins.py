"""What the public lists share: published coverage only, paged without counting."""

from clippings.models import Article
from clippings.pagination import UncountedPaginator


class CoverageListMixin:
    """A page of published coverage, newest first, each with its provider and topics."""

    paginate_by = 20
    paginator_class = UncountedPaginator

    def get_queryset(self):
        return Article.objects.for_readers().for_listing()

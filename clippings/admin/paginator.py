"""A paginator for tables of a hundred thousand clippings: it never counts the whole table."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedCountPaginator(Paginator):
    """Counts at most `limit` rows, so a page view costs the same on 1,000 rows as on 1,000,000.

    Past the limit the admin says "10,000+" and offers the first pages; editors narrow the list with
    filters, search or the date hierarchy rather than paging to page 900.
    """

    limit = 10_000

    @cached_property
    def count(self) -> int:
        counted = self.object_list.order_by()[: self.limit + 1].count()
        self.capped = counted > self.limit
        return min(counted, self.limit)

    capped = False

"""Pages of a list without counting it: "newer" and "older" links instead of page numbers.

Counting 100,000 published articles on every page view costs more than showing them, so a page
fetches one row more than it shows to know whether another page follows.
"""

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator

# Databases take offsets up to a signed 64-bit integer; a page further than that holds nothing.
LARGEST_OFFSET = 2**63 - 1


class UncountedPage(Page):
    def __init__(self, object_list, number, paginator, *, has_next: bool):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self):
        return self._has_next

    def has_previous(self):
        return self.number > 1

    def has_other_pages(self):
        return self.has_next() or self.has_previous()

    def next_page_number(self):
        return self.number + 1

    def previous_page_number(self):
        return self.number - 1

    def start_index(self):
        return (self.number - 1) * self.paginator.per_page + 1 if self.object_list else 0

    def end_index(self):
        return (self.number - 1) * self.paginator.per_page + len(self.object_list)


class UncountedPaginator(Paginator):
    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger("That page number is not an integer") from error
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        if number * self.per_page + 1 > LARGEST_OFFSET:
            raise EmptyPage("That page contains no results")
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom:bottom + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage("That page contains no results")
        return UncountedPage(rows[:self.per_page], number, self, has_next=len(rows) > self.per_page)

"""A date hierarchy that costs two indexed queries, whatever the size of the table.

Django's own asks the database for the distinct years (then months, days) present: a scan of the
whole table, which on SQLite converts every row's time zone in Python (1.5 s at 100,000 articles).
This one offers the years between the first and the last date, the twelve months of a year and the
days of a month, some perhaps empty; the filtering itself is still Django's (indexed date ranges).
"""

import calendar

from django.contrib.admin.options import IncorrectLookupParameters
from django.db import models
from django.utils import timezone
from django.utils.http import urlencode

from ..documents import ACCEPTED_DATES


class DateHierarchyLinks:
    def __init__(self, model_admin, request):
        self.field = model_admin.date_hierarchy
        self.params = {key: value for key, value in request.GET.items() if key != "p"}
        self.model_admin, self.request = model_admin, request

    def _url(self, **parts) -> str:
        params = {k: v for k, v in self.params.items() if not k.startswith(f"{self.field}__")}
        params.update({f"{self.field}__{name}": value for name, value in parts.items()})
        return "?" + urlencode(params)

    def check(self) -> None:
        """Refuse, as Django refuses a bad filter, a year whose end Python cannot reckon (9999 ends
        in year 10000): the admin's own date filtering would fail on it."""
        year = self.params.get(f"{self.field}__year")
        if year and year.isdigit() and not 1 <= int(year) < 9999:
            raise IncorrectLookupParameters(f"the year {year} is out of range")

    def _bound(self, order: str):
        # Only the accepted dates: a stray year-1 date would otherwise list two thousand years.
        bounds = (ACCEPTED_DATES.earliest, ACCEPTED_DATES.latest())
        if not isinstance(self.model_admin.model._meta.get_field(self.field), models.DateTimeField):
            bounds = tuple(bound.date() for bound in bounds)
        value = (self.model_admin.model._default_manager.filter(**{f"{self.field}__range": bounds})
                 .order_by(order + self.field).values_list(self.field, flat=True).first())
        if value is not None and hasattr(value, "tzinfo"):
            value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value

    def links(self) -> dict:
        year = self.params.get(f"{self.field}__year")
        month = self.params.get(f"{self.field}__month")
        day = self.params.get(f"{self.field}__day")
        if not (year and year.isdigit()):
            first, last = self._bound(""), self._bound("-")
            if first is None:
                return {"choices": []}
            return {"choices": [(str(y), self._url(year=y)) for y in range(last.year, first.year - 1, -1)]}
        year = int(year)
        if not (month and month.isdigit() and 1 <= int(month) <= 12):
            return {"back": ("‹ All dates", self._url()),
                    "choices": [(f"{calendar.month_abbr[m]} {year}", self._url(year=year, month=m))
                                for m in range(1, 13)]}
        month = int(month)
        back = (f"‹ {year}", self._url(year=year))
        if day:
            return {"back": (f"‹ {calendar.month_name[month]} {year}", self._url(year=year, month=month)),
                    "choices": []}
        days = calendar.monthrange(year, month)[1]
        return {"back": back, "choices": [(str(d), self._url(year=year, month=month, day=d))
                                          for d in range(1, days + 1)]}

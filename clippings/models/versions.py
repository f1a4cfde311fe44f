"""The public content's version: one row, rewritten in the transaction of every change readers
could see, so that every process of every server finds out from the database itself."""

from django.db import models
from django.db.models import Q


class ContentVersion(models.Model):
    ROW = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=ROW)
    # Random, not a counter: a transaction rolled back must not leave its number to the next one.
    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="content_version_single_row")]

    def __str__(self):
        return self.token

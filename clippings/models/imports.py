"""A record of each import: what the desk overview shows of the last imports."""

from django.db import models


class ImportRun(models.Model):
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    paths = models.JSONField(default=list)
    counts = models.JSONField(default=dict, help_text="{kind: {created, updated, unchanged, failed}}")
    failures = models.JSONField(default=list, help_text="[{file, line, message}]")

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "started_at"

    def __str__(self):
        return f"Import of {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def failed(self) -> int:
        return len(self.failures)

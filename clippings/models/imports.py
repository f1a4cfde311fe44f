"""A record of each import: what the desk overview shows of the last imports.

A run is recorded when it starts and closed when it ends, so that an import killed half-way (its
committed batches are there) still shows. While it runs, the importer touches `heartbeat_at` after
its batches; a run still open whose heartbeat is older than `ImportRun.STALE_AFTER` was killed (or
its machine lost), and shows as unfinished.
"""

from datetime import timedelta

from django.db import models
from django.utils import timezone


class ImportRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"
        FAILED = "failed", "Failed"

    # A run writes a heartbeat after a batch at most this often, and is taken for dead once it
    # has written none for STALE_AFTER: long enough for a batch waiting behind another import.
    HEARTBEAT_EVERY = timedelta(seconds=15)
    STALE_AFTER = timedelta(minutes=10)

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    heartbeat_at = models.DateTimeField(null=True, blank=True, help_text="When the running import was last seen.")
    paths = models.JSONField(default=list)
    counts = models.JSONField(default=dict, help_text="{kind: {created, updated, unchanged, failed}}")
    failures = models.JSONField(default=list, help_text="[{file, line, message}]")
    error = models.TextField(blank=True, help_text="Why the import stopped, when it failed.")

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "started_at"

    def __str__(self):
        return f"Import of {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def failed(self) -> int:
        return len(self.failures)

    @property
    def state(self) -> str:
        """What the desk says of the run: running, finished, failed, or unfinished (killed)."""
        if self.status == self.Status.RUNNING and (
                self.heartbeat_at is None or self.heartbeat_at < timezone.now() - self.STALE_AFTER):
            return "unfinished"
        return self.get_status_display().lower()

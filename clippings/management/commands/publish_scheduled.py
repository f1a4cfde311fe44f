"""`manage.py publish_scheduled`: publish and withdraw what is due. Safe to run every minute from cron.

Runs under a database lock inside one transaction, so two runs at once do the work once: the
second waits, then finds nothing due. Publishing uses up the publish time, so a record unpublished
later by hand is not published again by the next run.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from clippings.locks import hold_lock
from clippings.models import Article, PressRelease, Status

LOCK = "newsroom.publish_scheduled"
REASON = "scheduled"


class Command(BaseCommand):
    help = "Publish what is due to be published and withdraw (archive) what is due to be unpublished."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say what is due; change nothing.")

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        now = timezone.now()
        with transaction.atomic():
            hold_lock(LOCK)
            for model in (Article, PressRelease):
                name = model._meta.verbose_name_plural
                due_in = model.objects.due_to_publish(now)
                due_out = model.objects.due_to_unpublish(now)
                if verbosity >= 2:
                    for record in due_in:
                        self.stdout.write(f"  publish {model._meta.verbose_name} {record.pk}: {record}")
                    for record in due_out:
                        self.stdout.write(f"  withdraw {model._meta.verbose_name} {record.pk}: {record}")
                if dry_run:
                    published, withdrawn = due_in.count(), due_out.count()
                else:
                    published = due_in.publish(reason=REASON)
                    withdrawn = due_out.unpublish(reason=REASON, to=Status.ARCHIVED)
                if verbosity >= 1:
                    verb = "Would publish" if dry_run else "Published"
                    self.stdout.write(self.style.SUCCESS(
                        f"{name.capitalize()}: {verb} {published}, "
                        f"{'would withdraw' if dry_run else 'withdrew'} {withdrawn}."))

"""`manage.py import_clippings PATH [PATH ...]`: load clippings and press releases from files."""

import os
import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from clippings.importer import CREATED, FAILED, PUBLISHED, UNCHANGED, UPDATED, Importer, iter_document_paths


class Command(BaseCommand):
    help = (
        "Import clippings (YAML front matter) and press releases (plain text) from files or "
        "directories. Safe to run again: unchanged documents are skipped and editors' corrections "
        "are kept. Exits with status 1 when any document failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Files, or directories to read recursively.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")
        parser.add_argument("--batch-size", type=int, default=500, help="Documents per transaction (500).")
        parser.add_argument(
            "--publish", action="store_true",
            help="Publish the articles and press releases this run creates, without review: for a trusted "
                 "source only. Updated records keep their status. The history says the import published them.")

    def handle(self, *args, paths, dry_run, batch_size, publish, verbosity, **options):
        missing = [path for path in paths if not os.path.exists(path)]
        if missing:
            raise CommandError(f"No such file or directory: {', '.join(missing)}")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        show_bar = verbosity >= 1 and self.stdout.isatty()
        total = sum(1 for _ in iter_document_paths(paths)) if show_bar else None
        importer = Importer(dry_run=dry_run, batch_size=batch_size, publish=publish)
        try:
            with tqdm(total=total, unit="doc", disable=not show_bar, file=sys.stderr, leave=False) as bar:
                importer.progress = bar.update
                importer.import_paths(paths)
        except Exception as error:
            # The documents' errors so far are still printed, and the run is recorded as failed.
            self.print_failures(importer.report)
            raise CommandError(f"The import stopped: {error}. Its run is recorded as failed; documents "
                               "written before it stopped are kept, and importing again completes it.") from error
        report = importer.report
        self.print_failures(report)
        if verbosity >= 1:
            heading = "Dry run, nothing written. Would have:" if dry_run else "Imported:"
            self.stdout.write(heading)
            for kind, counter in sorted(report.counts.items()):
                figures = ", ".join(f"{counter[o]} {o}" for o in (CREATED, PUBLISHED, UPDATED, UNCHANGED, FAILED)
                                    if counter[o])
                self.stdout.write(f"  {kind}: {figures}")
            if not report.counts:
                self.stdout.write("  no documents found")
        if not report.ok:
            count = len(report.failures)
            raise CommandError(f"{count} document{'s' if count != 1 else ''} failed; nothing of them was written.",
                               returncode=1)

    def print_failures(self, report):
        for failure in report.failures:
            self.stderr.write(self.style.ERROR(f"error: {failure}"))

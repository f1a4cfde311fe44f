"""Peak memory of a fresh import of many documents (issue 2: under 250 MB at 100,000).

    .venv/bin/python bench/import_memory.py --count 100000 [--seed 0]

Generates the documents (cached under var/bench/), prepares the scratch database as
bench/import_speed.py does (DATABASE_URL chooses it), then runs the import in a child process of
its own, so that the figure is the import's and not the generator's or this script's: the child
reports its peak resident set size (`resource.getrusage(RUSAGE_SELF).ru_maxrss`) after Django is
set up and again after the import, and that of the largest of the importer's parsing processes
(`RUSAGE_CHILDREN`). The exit status is 1 when the importing process's peak is 250 MB or more.
"""

import argparse
import json
import os
import subprocess
import sys
import time

from import_speed import ROOT, documents_dir, setup_database

TARGET_MB = 250


def child(folder: str) -> None:
    import resource

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False
    from clippings.importer import Importer

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    report = Importer().import_paths([folder])
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    workers_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest parsing process's
    print(json.dumps({
        "setup_kib": before, "peak_kib": peak, "workers_peak_kib": workers_peak, "seconds": seconds,
        "failures": len(report.failures),
        "counts": {kind: dict(counter) for kind, counter in report.counts.items()},
    }))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child)
        return 0

    folder = documents_dir(args.count, args.seed)
    database = setup_database("import-memory.sqlite3")  # also points DATABASE_URL there, for the child
    result = subprocess.run([sys.executable, __file__, "--child", str(folder)], env=os.environ,
                            capture_output=True, text=True, check=True)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    peak_mb = figures["peak_kib"] / 1024
    print(f"database:  {database}")
    print(f"documents: {args.count} (bench/generate.py --count {args.count} --seed {args.seed})")
    print(f"import:    {figures['seconds']:.1f} s; {figures['failures']} failed; {figures['counts']}")
    print(f"peak RSS:  {peak_mb:.0f} MB (of which {figures['setup_kib'] / 1024:.0f} MB after Django set-up, "
          f"before the import)  (target < {TARGET_MB} MB: {'met' if peak_mb < TARGET_MB else 'MISSED'})")
    if figures["workers_peak_kib"]:
        print(f"           each parsing process at most {figures['workers_peak_kib'] / 1024:.0f} MB (forked from the "
              "importing process, so most of it shared with it)")
    return 0 if peak_mb < TARGET_MB else 1


if __name__ == "__main__":
    sys.exit(main())

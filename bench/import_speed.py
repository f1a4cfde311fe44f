"""How fast the importer is, against merely parsing the same files with PyYAML's C loader.

    .venv/bin/python bench/import_speed.py --count 10000 [--seed 0] [--rounds 3] [--profile var/bench/import.prof]

In one run, on the same generated files (bench/generate.py, cached under var/bench/), after one
untimed pass that puts every file in the page cache (so that neither side pays for the disk),
--rounds rounds (3) of:

  a. baseline: read each file and `yaml.load` its front matter with `yaml.CSafeLoader` (a press
     release is only read);
  b. a fresh import of those files through `clippings.importer.Importer`, into empty tables
     (migrated again before each round);
  c. a re-import of the same, unchanged files.

Each is reported per round and as the median of the rounds; the targets (issue 2) are on the
ratios of the medians: b/a <= 2.0 and c/a <= 1.2. The exit status is 1 when one is missed. (Until
2026-11-30 the bench compared one fresh import with the best of three baselines: the noise of a
shared machine then only ever counted against the import. Rounds of all three compare like with
like, and a burst of other work falls on the neighbouring measurements of both sides.)

DATABASE_URL chooses the database. The benchmark owns what it writes to:
- SQLite (or no DATABASE_URL): a fresh file var/bench/import.sqlite3, deleted first
  (import_memory.py: var/bench/import-memory.sqlite3);
- PostgreSQL: the database named in the URL, whose name must contain "bench" (created if missing);
  its public schema is dropped and migrations are run again.
Django's query log is turned off (settings.DEBUG = False), as in production.

On PostgreSQL, when the server runs on this machine, the CPU time of the server process that
served the fresh import is shown too (read from /proc): so that the database's share of the work
can be followed from run to run. Reading it opens the connection before the import is timed.
"""

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_VAR = ROOT / "var" / "bench"
TARGETS = {"fresh": 2.0, "unchanged": 1.2}


def documents_dir(count: int, seed: int) -> Path:
    """The generated documents, written once per (count, seed) and reused by later runs."""
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import write

    out = BENCH_VAR / f"docs-{count}-seed{seed}"
    done = out / ".complete"  # iter_document_paths skips dot files
    if not done.exists():
        started = time.perf_counter()
        write(out, count, seed)
        done.write_text("")
        print(f"generated {count} documents in {out} ({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return out


def setup_database(sqlite_name: str = "import.sqlite3") -> str:
    """Point Django at a scratch database, empty it and migrate; return a description of it."""
    if "django.db" in sys.modules:  # a later round: let go of the database before emptying it
        import django.db

        django.db.connections.close_all()
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url or url.startswith("sqlite"):
        BENCH_VAR.mkdir(parents=True, exist_ok=True)
        path = BENCH_VAR / sqlite_name
        for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            stale.unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        _recreate_postgres_schema(url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")  # only so that no secret key is needed
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False  # no query log: it would cost time and memory the real command does not pay
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    import django.db

    settings_dict = connection.settings_dict
    version = ".".join(map(str, connection.Database.sqlite_version_info)) if connection.vendor == "sqlite" \
        else f"{connection.pg_version // 10000}"
    django.db.connections.close_all()
    return f"{connection.vendor} {version} ({settings_dict['NAME']})"


def _recreate_postgres_schema(url: str) -> None:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    name = config["NAME"]
    if "bench" not in name:
        sys.exit(f"refusing to empty the PostgreSQL database {name!r}: its name must contain 'bench'")
    params = {"host": config["HOST"] or None, "port": config["PORT"] or None, "user": config["USER"] or None,
              "password": config["PASSWORD"] or None}
    params = {k: v for k, v in params.items() if v}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(dbname=name, autocommit=True, **params) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def parse_only(paths: list[Path]) -> int:
    """The baseline: what merely reading and YAML-parsing the documents costs."""
    import yaml

    parsed = 0
    for path in paths:
        data = path.read_bytes()
        if data.startswith(b"---"):
            text = data.decode("utf-8")
            start = text.index("\n") + 1
            end = text.find("\n---", start)
            yaml.load(text[start:end], Loader=yaml.CSafeLoader)  # noqa: S506 - a safe loader
            parsed += 1
    return parsed


def timed(function, *args):
    """Wall-clock seconds, and CPU seconds (a check on a machine shared with others): of this
    process and of its children (the importer's parsing processes, counted once they have ended)."""
    started, own, children = time.perf_counter(), _cpu_seconds(resource.RUSAGE_SELF), _cpu_seconds(
        resource.RUSAGE_CHILDREN)
    result = function(*args)
    times = (time.perf_counter() - started, _cpu_seconds(resource.RUSAGE_SELF) - own,
             _cpu_seconds(resource.RUSAGE_CHILDREN) - children)
    return times, result


def _cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def server_cpu_seconds() -> float | None:
    """CPU seconds so far of the PostgreSQL backend serving this process's connection, read from
    /proc when the server runs on this machine; None on SQLite or when it cannot be read."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name, fields = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 1 :].split()
    if name != "postgres":  # a server in a container: the pid is its own, not this machine's
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def summary(report) -> str:
    counts = "; ".join(f"{kind}: " + ", ".join(f"{n} {outcome}" for outcome, n in sorted(counter.items()))
                       for kind, counter in sorted(report.counts.items()))
    return counts + (f"; {len(report.failures)} FAILED" if report.failures else "")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=3, choices=range(1, 100), metavar="N")
    parser.add_argument("--batch-size", type=int, default=None, help="Importer batch size (its default)")
    parser.add_argument("--workers", type=int, default=None, help="Importer parsing processes (its default)")
    parser.add_argument("--profile", metavar="FILE",
                        help="Write cProfile stats of the first fresh import to FILE (the importing process only)")
    args = parser.parse_args(argv)

    folder = documents_dir(args.count, args.seed)
    database = setup_database()
    from clippings.importer import Importer, iter_document_paths

    paths = list(iter_document_paths([folder]))
    parse_only(paths)  # untimed: warms the page cache for both sides
    options = {"batch_size": args.batch_size} if args.batch_size else {}
    if args.workers is not None:
        options["workers"] = args.workers
    # (baseline, fresh, unchanged), each (wall, own CPU, children's CPU), fresh also with the server's
    # CPU (or None); and the reports
    rounds = []
    for number in range(args.rounds):
        if number:
            setup_database()  # empty tables again
        baseline, _ = timed(parse_only, paths)
        server_before = server_cpu_seconds()
        if args.profile and not number:
            import cProfile

            profiler = cProfile.Profile()
            fresh, fresh_report = timed(profiler.runcall, Importer(**options).import_paths, [folder])
            profiler.dump_stats(args.profile)
        else:
            fresh, fresh_report = timed(Importer(**options).import_paths, [folder])
        server = server_cpu_seconds()
        server = server - server_before if server is not None and server_before is not None else None
        unchanged, unchanged_report = timed(Importer(**options).import_paths, [folder])
        rounds.append((baseline, (*fresh, server), unchanged, fresh_report, unchanged_report))

    print(f"database:   {database}")
    print(f"documents:  {len(paths)} (bench/generate.py --count {args.count} --seed {args.seed}), "
          f"{sum(p.stat().st_size for p in paths) / 1e6:.1f} MB")
    print(f"load average at the end: {', '.join(f'{n:.2f}' for n in os.getloadavg())} on {os.cpu_count()} CPUs")
    print("round   a: parse only   b: fresh import   b/a   c: re-import   c/a   "
          "CPU of b: importing + parsing (+ database server)")
    for number, (baseline, fresh, unchanged, _, _) in enumerate(rounds, 1):
        cpu = f"{fresh[1]:.2f} + {fresh[2]:.2f}" + (f" + {fresh[3]:.2f}" if fresh[3] is not None else "")
        print(f"{number:5d}   {baseline[0]:10.2f} s   {fresh[0]:13.2f} s  {fresh[0] / baseline[0]:5.2f}"
              f"   {unchanged[0]:10.2f} s  {unchanged[0] / baseline[0]:5.2f}   {cpu} s")
    median = {key: statistics.median(r[index][0] for r in rounds)
              for index, key in enumerate(("baseline", "fresh", "unchanged"))}
    print(f"median  {median['baseline']:10.2f} s   {median['fresh']:13.2f} s  "
          f"{median['fresh'] / median['baseline']:5.2f}   {median['unchanged']:10.2f} s  "
          f"{median['unchanged'] / median['baseline']:5.2f}")
    ok = True
    for label, key, reports in (("b fresh", "fresh", [r[3] for r in rounds]),
                                ("c re-import", "unchanged", [r[4] for r in rounds])):
        ratio, target = median[key] / median["baseline"], TARGETS[key]
        within = sum(r[("baseline", "fresh", "unchanged").index(key)][0] / r[0][0] <= target for r in rounds)
        met = ratio <= target and not any(report.failures for report in reports)
        ok &= met
        print(f"{label + ':':12s} median {ratio:.2f} × a  (target <= {target}: {'met' if met else 'MISSED'}; "
              f"{within} of {len(rounds)} rounds within it)  [{summary(reports[-1])}]")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

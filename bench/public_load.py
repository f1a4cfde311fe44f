"""Load benchmark of the public site at 100,000 published articles (see docs/benchmarks.md).

    python bench/public_load.py fill      # scratch PostgreSQL database bench_public, bulk-filled
    python bench/public_load.py run       # gunicorn + wrk: throughput as a ratio to a trivial view
                                          # (and to the floors of bench/public_urls.py, uncached)
    python bench/public_load.py search    # search latency in-process
    python bench/public_load.py publish   # how long a publish / unpublish takes to show (cache on, under load)
    python bench/public_load.py publish --serial   # the same, polling the pages one after the other

Everything stays on loopback: gunicorn binds 127.0.0.1, wrk runs bounded (-d). The database is
bench_public (never the test database); the cache is Redis db 5 so that gunicorn's workers share it.
"""

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_public")
ENV = {
    **os.environ, "DATABASE_URL": DATABASE_URL, "DJANGO_SETTINGS_MODULE": "bench.public_settings",
    "DJANGO_SECRET_KEY": "bench-only-not-a-secret-" + "x" * 30, "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "DJANGO_DEBUG": "", "DJANGO_SECURE_SSL_REDIRECT": "0",  # plain HTTP on loopback, as behind a TLS proxy
    "NEWSROOM_CACHE_URL": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/5"),
}
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
WORDS = [
    "facial", "recognition", "schools", "police", "drones", "surveillance", "privacy", "data", "court", "lawsuit",
    "city", "state", "camera", "ban", "students", "parents", "protest", "immigration", "voting", "rights",
    "housing", "biometrics", "study", "law",
]


def django_setup():
    os.environ.update(ENV)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def fill(count: int) -> None:
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", "bench_public"], check=False)
    django_setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from clippings.models import Article, PressRelease, Provider, RelatedLink, Status, Topic

    if Article.objects.count() >= count:
        print(f"already filled: {Article.objects.count()} articles")
        return
    rng = random.Random(4)
    topics = Topic.objects.bulk_create([Topic(name=f"Topic {n}", slug=f"topic-{n}") for n in range(13)])
    providers = Provider.objects.bulk_create(
        [Provider(name=f"Provider {n}", domain=f"provider{n}.example", slug=f"provider-{n}") for n in range(300)]
    )
    start = datetime(2015, 1, 1, tzinfo=UTC)
    articles = []
    for n in range(count):
        title = " ".join(rng.choice(WORDS) for _ in range(8)).capitalize() + f" {n}"
        articles.append(Article(
            title=title, slug=f"story-{n}", excerpt=" ".join(rng.choice(WORDS) for _ in range(40)),
            url=f"https://provider{n % 300}.example/story-{n}", published_at=start + timedelta(minutes=50 * n),
            kind=rng.choice(["article", "article", "article", "video", "blog"]), quality=rng.randint(1, 60),
            provider=providers[rng.randrange(300)], status=Status.PUBLISHED if n % 20 else Status.DRAFT,
            featured=n % 997 == 0,
        ))
    Article.objects.bulk_create(articles, batch_size=5000)
    ids = list(Article.objects.values_list("pk", flat=True))
    through = Article.topics.through
    through.objects.bulk_create(
        [through(article_id=pk, topic_id=topic.pk) for pk in ids for topic in rng.sample(topics, 2)],
        batch_size=10000,
    )
    RelatedLink.objects.bulk_create([
        RelatedLink(article_id=pk, position=i, url=f"https://elsewhere.example/{pk}/{i}", title=f"Related {pk} {i}",
                    target_id=rng.choice(ids) if i == 0 else None, provider=providers[i])
        for pk in ids[::10] for i in range(3)
    ], batch_size=10000)
    releases = PressRelease.objects.bulk_create([
        PressRelease(title=f"Press release {n}", slug=f"press-release-{n}", title_key=f"press release {n}",
                     body="First.\n\nSecond.", status=Status.PUBLISHED, date=start.date() + timedelta(days=30 * n))
        for n in range(50)
    ])
    PressRelease.coverage.through.objects.bulk_create([
        PressRelease.coverage.through(pressrelease_id=release.pk, article_id=pk)
        for release in releases for pk in rng.sample(ids, 5)
    ])
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "bench_public", "-qc", "ANALYZE"], check=True)
    print(f"filled: {Article.objects.count()} articles, {Article.objects.published().count()} published")


def targets() -> dict[str, str]:
    django_setup()
    from clippings.models import Article

    article = Article.objects.published().filter(related_links__isnull=False).order_by("-published_at").first()
    return {
        "trivial": "/bench/trivial/",
        "floor: queries": "/bench/floor/queries/",  # see bench/public_urls.py
        "floor: page": "/bench/floor/page/",
        "coverage list": "/coverage/",
        "article": article.get_absolute_url(),
        "search": "/search/?q=facial+recognition",
    }


def wrk(path: str, seconds: int, connections: int) -> float:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", BASE + path], capture_output=True, text=True, check=True,
    ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise SystemExit(f"{path}: {non_2xx.group(1)} error responses\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def serve(cache_on: bool, workers: int) -> subprocess.Popen:
    env = {**ENV, "BENCH_PUBLIC_CACHE": "1" if cache_on else "0"}
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "newsroom.wsgi:application", "--bind", f"127.0.0.1:{PORT}",
         "--workers", str(workers), "--pythonpath", str(ROOT), "--log-level", "warning"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL,  # the access log: a line a request
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(BASE + "/bench/trivial/", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def collect_static() -> None:
    """The served pages need the static files' manifest (DEBUG is off)."""
    subprocess.run([str(ROOT / ".venv/bin/python"), "manage.py", "collectstatic", "--noinput", "-v0"],
                   env=ENV, cwd=ROOT, check=True)


def run(seconds: int, connections: int, workers: int) -> None:
    collect_static()
    paths = targets()
    for cache_on in (False, True):
        server = serve(cache_on, workers)
        # The floors are never cached: measured once, with the uncached pages.
        measured = {name: path for name, path in paths.items() if not (cache_on and name.startswith("floor"))}
        try:
            for path in measured.values():  # warm up: connections, query plans, the cache
                wrk(path, 2, connections)
            rates = {name: wrk(path, seconds, connections) for name, path in measured.items()}
        finally:
            server.terminate()
            server.wait()
        label = "cached for anonymous readers" if cache_on else "uncached"
        print(f"\n{label}: wrk -t1 -c{connections} -d{seconds}s, gunicorn --workers {workers}")
        for name, rate in rates.items():
            print(f"  {name:16} {rate:9.1f} req/s   ratio {rate / rates['trivial']:.2f}")


def search(runs: int) -> None:
    django_setup()
    from clippings.models import Article, PressRelease
    from clippings.search import search_articles, search_press_releases

    print(f"{Article.objects.published().count()} published articles")
    for query in ("facial recognition", "drones", "lawsuit court students", "nomatchword"):
        timings = []
        for _ in range(runs):
            began = time.perf_counter()
            list(search_articles(Article.objects.published().for_listing(), query)[:21])
            list(search_press_releases(PressRelease.objects.published(), query)[:5])
            timings.append((time.perf_counter() - began) * 1000)
        print(f"  {query!r:26} median {statistics.median(timings):6.1f} ms   max {max(timings):6.1f} ms")


def publish(workers: int, rounds: int, load_connections: int, serial: bool = False) -> None:
    """Publish and unpublish an article `rounds` times while wrk keeps the server busy with cached
    pages, and report how long each change took to show on every page it affects.

    Each page is polled by a reader of its own, all at once, from the moment the save commits, with
    10 ms between a response and the next request: a page's delay, counted from the start of the
    save, is when its reader first sees the change. With `serial`, one reader
    polls the pages one after the other, each once the page before it shows the change (the
    method before 2026-11-30): a page is then first asked for only after the pages before it
    show the change, so its delay includes their rendering too."""
    django_setup()
    from concurrent.futures import ThreadPoolExecutor

    from django.db import transaction

    from clippings.models import Article, Status

    article = Article.objects.filter(status=Status.DRAFT).order_by("-published_at").first()
    article.published_at = datetime.now(UTC)
    article.save()
    collect_static()
    server = serve(True, workers)
    load = None
    try:
        pages = ["/coverage/", "/", article.provider.get_absolute_url()]

        def shown(path):
            return article.title in urllib.request.urlopen(BASE + path, timeout=5).read().decode()

        def seen_after(path, visible, began):
            while shown(path) != visible:
                if time.perf_counter() - began > 5:
                    raise SystemExit(f"{'publish' if visible else 'unpublish'} not shown on {path} after 5 s")
                time.sleep(0.01)
            return (time.perf_counter() - began) * 1000

        for path in pages:  # cached now, without the article
            assert not shown(path) and not shown(path)
        if load_connections:
            seconds = rounds * 2 * 6 + 10
            load = subprocess.Popen(["wrk", "-t1", f"-c{load_connections}", f"-d{seconds}s", BASE + "/coverage/"],
                                    stdout=subprocess.DEVNULL)
            time.sleep(1)
        print(f"publish to visible on {', '.join(pages)} ({'one after the other' if serial else 'all at once'}); "
              f"background load: wrk -c{load_connections} on /coverage/")
        delays = []
        with ThreadPoolExecutor(len(pages)) as readers:
            for _ in range(rounds):
                for action, status in (("publish", Status.PUBLISHED), ("unpublish", Status.DRAFT)):
                    article.status = status
                    began = time.perf_counter()
                    with transaction.atomic():  # as the admin's change form saves: the version moves on at commit
                        article.save()  # post_save -> content_changed -> a new content version in the database
                    saved = (time.perf_counter() - began) * 1000
                    visible = status == Status.PUBLISHED
                    if serial:
                        seen = [seen_after(path, visible, began) for path in pages]
                    else:
                        seen = list(readers.map(seen_after, pages, [visible] * len(pages), [began] * len(pages)))
                    delays.append(max(seen))
                    print(f"  {action}: shown everywhere after {delays[-1]:.0f} ms (saved at {saved:.0f} ms, "
                          f"shown on each page at {' / '.join(f'{ms:.0f}' for ms in seen)} ms)")
                    time.sleep(1)
        print(f"  worst of {len(delays)}: {max(delays):.0f} ms   median {statistics.median(delays):.0f} ms")
    finally:
        if load:
            load.terminate()
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=["fill", "run", "search", "publish"])
    parser.add_argument("--count", type=int, default=105_300, help="articles to create (every 20th a draft)")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5, help="publish/unpublish rounds")
    parser.add_argument("--load-connections", type=int, default=4, help="wrk connections kept busy during publish")
    parser.add_argument("--serial", action="store_true", help="publish: poll the pages one after the other")
    args = parser.parse_args()
    if args.step == "fill":
        fill(args.count)
    elif args.step == "run":
        run(args.seconds, args.connections, args.workers)
    elif args.step == "search":
        search(args.runs)
    else:
        publish(args.workers, args.rounds, args.load_connections, args.serial)


if __name__ == "__main__":
    main()

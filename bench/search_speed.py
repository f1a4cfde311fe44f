"""Search speed at 100,000 published articles (figures in docs/benchmarks.md, section "Search").

    python bench/search_speed.py fill [--count 100000]   # scratch database bench_search, bulk-filled
    python bench/search_speed.py run [--repeat 30]       # time the queries a search page makes

The database is BENCH_SEARCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bench_search,
created if missing; never the test database). Articles come from bench/generate.py's corpus (its
small vocabulary makes common words match tens of thousands of articles: a hard case for ranking),
written with bulk_create so that the database triggers, not Python, build the index, as on import.

A "search page" here is what the public search view asks: the count of matches, and the first 20,
ranked, with their provider and topics. Each query is timed end to end in this process (ORM,
driver, database), repeated, and reported as median and 95th percentile.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
DATABASE_URL = os.environ.get("BENCH_SEARCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_search")
os.environ.update({
    "DATABASE_URL": DATABASE_URL, "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    "DJANGO_SECRET_KEY": "bench-only-not-a-secret-" + "x" * 30, "DJANGO_DEBUG": "",
})

QUERIES = [
    ("common word (topic of ~1/4)", "privacy"),
    ("two common words", "police surveillance"),
    ("word + exclusion", "facial recognition -schools"),
    ("phrase", '"facial recognition"'),
    ("place name, phrase", '"new york"'),
    ("rarer word", "backlash"),
    ("three words", "records show drones"),
    ("no match", "zyzzogeton"),
    ("hostile input", '"NEAR( -* AND OR NOT'),
]


def create_database() -> None:
    name = DATABASE_URL.rsplit("/", 1)[1]
    server = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    exists = subprocess.run(["psql", server, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
                            capture_output=True, text=True, check=True).stdout.strip()
    if not exists:
        subprocess.run(["psql", server, "-qc", f'CREATE DATABASE "{name}"'], check=True)


def fill(count: int, seed: int) -> None:
    create_database()
    import django
    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils.text import slugify
    from generate import Corpus

    from clippings.models import Article, PressRelease, Provider, Status, Topic

    call_command("migrate", verbosity=0)
    if Article.objects.exists():
        sys.exit(f"{DATABASE_URL} already holds articles; drop it first (dropdb bench_search).")
    corpus = Corpus(count * 21 // 20, seed)  # ~2% of its numbers are press releases: skip those
    started = time.perf_counter()
    providers = {domain: Provider(name=name, domain=domain, slug=slugify(domain)) for name, domain in corpus.providers}
    Provider.objects.bulk_create(providers.values())
    topics = {}
    Link = Article.topics.through
    batch: list = []
    created = 0

    def flush():
        nonlocal batch, created
        with transaction.atomic():
            Article.objects.bulk_create([article for article, _ in batch])
            for name in {name for _, names in batch for name in names} - topics.keys():
                topics[name] = Topic.objects.create(name=name, slug=slugify(name))
            Link.objects.bulk_create([Link(article_id=article.pk, topic_id=topics[name].pk)
                                      for article, names in batch for name in names])
        created += len(batch)
        batch = []
        print(f"\r{created:,} articles", end="", flush=True)

    for number in range(corpus.count):
        if created + len(batch) == count:
            break
        if corpus.is_press_release(number):
            continue
        item = corpus.article(number)
        article = Article(
            title=item.title, slug=slugify(item.title)[:200], excerpt=item.excerpt, url=item.url,
            web_url=item.url, published_at=item.published_at, kind="article", quality=item.quality,
            provider=providers[item.provider[1]], status=Status.PUBLISHED, went_live_at=item.published_at,
        )
        batch.append((article, tuple(dict.fromkeys(item.story.topics))))
        if len(batch) == 5000:
            flush()
    if batch:
        flush()
    releases = [
        PressRelease(title=f"{item.story.title} ({number})", slug=f"release-{number}", title_key=f"release-{number}",
                     body=f"{item.story.excerpt}\n\n{item.excerpt}", organization="New York Civil Liberties Union",
                     dateline="NEW YORK", date=item.published_at.date(), status=Status.PUBLISHED)
        for number in range(0, count, 50) for item in [corpus.article(number)]
    ]
    PressRelease.objects.bulk_create(releases, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"\nfilled {created:,} articles, {len(releases):,} press releases in {time.perf_counter() - started:.0f} s")


def run(repeat: int) -> None:
    import django
    django.setup()
    from django.db import connection

    from clippings.models import Article, PressRelease
    from clippings.search import search_articles, search_press_releases

    total = Article.objects.published().count()
    print(f"{connection.vendor}, {total:,} published articles, {PressRelease.objects.count():,} press releases")
    print(f"{'query':<30} {'matches':>8} {'median ms':>10} {'p95 ms':>8}")
    worst = 0.0
    for label, text in QUERIES:
        timings = []
        for attempt in range(repeat + 2):
            started = time.perf_counter()
            found = search_articles(Article.objects.published().for_listing(), text)
            matches = found.count()
            page = list(found[:20])
            releases = list(search_press_releases(PressRelease.objects.published(), text)[:5])
            if attempt >= 2:  # the first two warm the caches
                timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        median, p95 = statistics.median(timings), timings[int(len(timings) * 0.95) - 1]
        worst = max(worst, p95)
        assert len(page) == min(20, matches) and len(releases) <= 5
        print(f"{label:<30} {matches:>8,} {median:>10.1f} {p95:>8.1f}")
    print(f"worst p95: {worst:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["fill", "run"])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    if args.action == "fill":
        fill(args.count, args.seed)
    else:
        run(args.repeat)


if __name__ == "__main__":
    main()

"""How long the article changelist takes with 100,000 articles, against a trivial admin page.

    .venv/bin/python bench/admin_changelist.py [--articles 100000] [--runs 15]

DATABASE_URL chooses the database. The benchmark owns what it writes to:
- SQLite (or no DATABASE_URL): a fresh file var/bench/admin.sqlite3, deleted first;
- PostgreSQL: the database named in the URL, whose name must contain "bench" (e.g. .../bench_admin;
  created if missing); its public schema is dropped and migrations are run again.

It fills the database with bulk_create (a few hundred providers, a dozen topics, 1–3 topics per
article, related links on one article in ten), then times each page with Django's test client as
a logged-in superuser: the median of --runs (the pages taking turns) after two untimed warm-up
requests each, with the number of queries and what the list says of its length (past 10,000
rows, an estimate: "about"). The baseline is the admin's password-change page (a form and no
list) measured in the same run; the ratio is page time / baseline time. Last, page 1 and page 1800
with Django's own Paginator against the desk's, taking turns. Django's query log is off (DEBUG = False).
"""

import argparse
import random
import re
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from import_speed import setup_database  # noqa: E402

PAGES = {
    "changelist": "",
    "changelist, filtered by status and topic": "?status__exact=published&topics__id__exact={topic}",
    "changelist, sorted by quality": "?o=4",
    "changelist, search": "?q=surveillance",
    "changelist, page 50": "?p=50",
    "changelist, page 1800 (rows 89,951-90,000)": "?p=1800",
    "changelist, last page (2000)": "?p=2000",
    "changelist, search, page 1000": "?q=surveillance&p=1000",
    "changelist, one month (date hierarchy)": "?published_at__year=2024&published_at__month=3",
}


def fill(articles: int, seed: int = 0) -> None:
    from django.utils import timezone

    from clippings.models import Article, Provider, RelatedLink, Status, Topic

    rng = random.Random(seed)
    providers = Provider.objects.bulk_create(
        [Provider(name=f"Provider {i}", domain=f"provider{i}.example", slug=f"provider{i}") for i in range(300)])
    names = ["AI", "Computer Vision", "Surveillance", "Policing", "Schools", "Privacy", "Immigration",
             "Voting Rights", "Free Speech", "Prisons", "Housing", "Health"]
    topics = Topic.objects.bulk_create([Topic(name=name, slug=name.lower().replace(" ", "-")) for name in names])
    words = ["facial", "recognition", "surveillance", "schools", "privacy", "police", "court", "lawsuit", "state"]
    statuses = [Status.DRAFT] * 5 + [Status.REVIEW] * 2 + [Status.PUBLISHED] * 8 + [Status.ARCHIVED]
    start, now = timezone.now() - timedelta(days=5 * 365), timezone.now()
    batch = 5000
    through = Article.topics.through
    for offset in range(0, articles, batch):
        rows = []
        for i in range(offset, min(offset + batch, articles)):
            title = " ".join(rng.choice(words) for _ in range(8)).capitalize() + f" {i}"
            rows.append(Article(
                title=title, slug=f"story-{i}", excerpt=" ".join(rng.choice(words) for _ in range(30)),
                url=f"https://news.example/story-{i}", published_at=start + (now - start) * rng.random(),
                kind=rng.choice(["article", "article", "video", "opinion"]), quality=rng.randint(0, 100),
                provider=rng.choice(providers), status=rng.choice(statuses), source_hash=f"{i:064x}",
                source_data={"title": title, "published": False},
            ))
        created = Article.objects.bulk_create(rows)
        through.objects.bulk_create([
            through(article_id=article.pk, topic_id=topic.pk)
            for article in created for topic in rng.sample(topics, rng.randint(1, 3))])
        RelatedLink.objects.bulk_create([
            RelatedLink(article=article, url=f"https://other.example/{article.pk}", title=article.title[:80])
            for article in created[::10]])


def measure(client, urls: list[str], runs: int) -> list[tuple[float, int]]:
    """(median ms, queries) of each URL. The URLs take turns, run after run, so that a burst of
    other work on the machine slows them alike rather than whichever was being measured."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url in urls:
        for _ in range(2):
            assert client.get(url, HTTP_HOST="localhost").status_code == 200, url
    times = {url: [] for url in urls}
    for _ in range(runs):
        for url in urls:
            started = time.perf_counter()
            client.get(url, HTTP_HOST="localhost")
            times[url].append(time.perf_counter() - started)
    results = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            client.get(url, HTTP_HOST="localhost")
        results.append((statistics.median(times[url]) * 1000, len(queries)))
    return results


def compare_paginators(client, changelist: str, runs: int) -> None:
    """Page 1 and page 1800 with Django's own Paginator (a full count, OFFSET over whole rows) and with
    the desk's, the four requests taking turns: what reading a page by its keys saves."""
    from django.contrib import admin
    from django.core.paginator import Paginator

    from clippings.models import Article

    class DjangoPaginator(Paginator):
        shown_page = None  # what DeskAdmin reads from the desk's paginator

    model_admin = admin.site._registry[Article]
    cases = [(paginator, query) for paginator in (DjangoPaginator, model_admin.paginator) for query in ("", "?p=1800")]
    times = {case: [] for case in cases}
    for run in range(runs + 2):  # two warm-up rounds
        for case in cases:
            model_admin.paginator = case[0]
            started = time.perf_counter()
            assert client.get(changelist + case[1], HTTP_HOST="localhost").status_code == 200
            if run >= 2:
                times[case].append(time.perf_counter() - started)
    model_admin.paginator = cases[-1][0]
    for paginator, label in ((DjangoPaginator, "Django's Paginator"), (model_admin.paginator, "desk paginator")):
        first, deep = (statistics.median(times[(paginator, query)]) * 1000 for query in ("", "?p=1800"))
        print(f"{label + ': page 1, page 1800':45} {first:8.1f} ms {deep:8.1f} ms  (x{deep / first:.2f})")


def shown(client, url: str) -> str:
    """What the list says of its length, and the page it shows."""
    page = client.get(url, HTTP_HOST="localhost").content.decode()
    length = re.search(r"((?:about )?[\d,]+\+?) articles", page.split('class="paginator"')[-1])
    number = re.search(r'class="this-page">(\d+)<', page)
    return f"{length[1] if length else '?'} articles, page {number[1] if number else 1}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)

    database = setup_database("admin.sqlite3")
    started = time.perf_counter()
    fill(args.articles)
    print(f"{database}: filled {args.articles} articles in {time.perf_counter() - started:.1f} s")

    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from clippings.models import Topic

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # statistics and visibility map, as autovacuum leaves a table at rest
    client = Client()
    client.force_login(User.objects.create_superuser("bench", "", "bench-password-not-used"))
    changelist = reverse("admin:clippings_article_changelist")
    topic = Topic.objects.get(name="Surveillance").pk
    pages = {"baseline: password change page": reverse("admin:password_change"),
             **{name: changelist + query.format(topic=topic) for name, query in PAGES.items()}}
    results = dict(zip(pages, measure(client, list(pages.values()), args.runs), strict=True))
    baseline = results.pop("baseline: password change page")[0]
    print(f"{'baseline: password change page':45} {baseline:8.1f} ms")
    for name, (ms, queries) in results.items():
        print(f"{name:45} {ms:8.1f} ms  {ms / baseline:5.1f}x  {queries:2d} queries  [{shown(client, pages[name])}]")
    compare_paginators(client, changelist, args.runs)
    # Past 10,000 rows, a count the database cannot estimate is counted, then kept 5 minutes: without
    # keeping it, every request counts (as the first view of a search does).
    from django.core.cache import cache

    from clippings.admin import paginator

    paginator.COUNT_SECONDS = 0
    cache.clear()  # the counts kept so far (the type filter's choices are kept again at the warm-up)
    name, url = "changelist, search, page 1000, count not kept", changelist + "?q=surveillance&p=1000"
    (base, _), (ms, queries) = measure(client, [pages["baseline: password change page"], url], args.runs)
    print(f"{name:45} {ms:8.1f} ms  {ms / base:5.1f}x  {queries:2d} queries")
    return 0


if __name__ == "__main__":
    sys.exit(main())

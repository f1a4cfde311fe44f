"""Search speed at 100,000 published articles (figures in docs/benchmarks.md, section "Search").

    .venv/bin/python bench/search_speed.py fill [--count 100000]   # empties the database, then bulk-fills it
    .venv/bin/python bench/search_speed.py run [--repeat 20]       # times the queries of the search pages

DATABASE_URL chooses the database, as for bench/import_speed.py: SQLite (or no DATABASE_URL) is the
file var/bench/search.sqlite3; a PostgreSQL database's name must contain "bench" (created if
missing; `fill` drops its public schema and migrates again). `run` only reads.

Articles come from bench/generate.py's corpus, written with bulk_create so that the database
triggers, not Python, build the search index, as on import. Each excerpt ends with "(NYCLU
clipping)": the organization's own name, the likeliest query on its site, is then in every article
(and in the titles of a few), the worst case for a ranking that looked at every match. The
corpus's small vocabulary does the rest: ordinary words match a third of the articles.

A query is timed as the reader waits for it: the database queries a page makes, through the view
itself (not its cache, not the template). The search page: the count of matches (up to 1,001),
the first 20 articles ranked with provider and topics, the first 5 press releases. Rounds run every
query once in turn, so that the machine's noise falls on all alike; each is reported as median and
95th percentile, and as the ratio of its median to the baseline's, the coverage list's first page
(newest 20 articles with provider and topics) measured in the same rounds.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
BASELINE = ("baseline: coverage list, page 1", "coverage", {})
QUERIES = [
    ("a word in every article", "search", {"q": "NYCLU"}),
    ("a phrase in every article", "search", {"q": '"NYCLU clipping"'}),
    ("the most frequent corpus word", "search", {"q": "letter"}),
    ("a topic name", "search", {"q": "privacy"}),
    ("a word in many titles", "search", {"q": "backlash"}),
    ("two common words", "search", {"q": "police surveillance"}),
    ("two common words, rarely together", "search", {"q": "privacy housing"}),
    ("two common words, never adjacent", "search", {"q": '"letter matter"'}),
    ("words + exclusion", "search", {"q": "facial recognition -schools"}),
    ("phrase", "search", {"q": '"facial recognition"'}),
    ("place name, phrase", "search", {"q": '"new york"'}),
    ("three words", "search", {"q": "records show drones"}),
    ("a word in ~2% (provider names)", "search", {"q": "security"}),
    ("a word in ~1%", "search", {"q": "radio"}),
    ("a rare word", "search", {"q": "yonk"}),
    ("no match", "search", {"q": "zyzzogeton"}),
    ("hostile input", "search", {"q": '"NEAR( -* AND OR NOT'}),
    ("worst: a word minus itself", "search", {"q": "privacy -privacy"}),
    ("worst: all, minus a phrase in all", "search", {"q": 'NYCLU -"NYCLU clipping"'}),
    ("coverage list: word + topic filter", "coverage", {"q": "privacy", "topic": "housing"}),
    ("coverage list: word, oldest first", "coverage", {"q": "backlash", "sort": "oldest"}),
    ("coverage list: all minus all, oldest", "coverage", {"q": 'NYCLU -"NYCLU clipping"', "sort": "oldest"}),
]


def connect() -> str:
    """Point Django at the benchmark's database, as it is; return a description of it."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url or url.startswith("sqlite"):
        os.environ["DATABASE_URL"] = f"sqlite:///{ROOT / 'var' / 'bench' / 'search.sqlite3'}"
    elif "bench" not in url.rsplit("/", 1)[-1]:
        sys.exit("the PostgreSQL database's name must contain 'bench'")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")  # only so that no secret key is needed
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False  # no query log
    from django.db import connection

    version = ".".join(map(str, connection.Database.sqlite_version_info)) if connection.vendor == "sqlite" \
        else str(connection.pg_version // 10000)
    return f"{connection.vendor} {version} ({connection.settings_dict['NAME']})"


def fill(count: int, seed: int) -> None:
    from import_speed import setup_database

    print(setup_database("search.sqlite3"))
    from django.db import connection, transaction
    from django.utils.text import slugify
    from generate import Corpus

    from clippings.models import Article, PressRelease, Provider, Status, Topic

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
            title=item.title, slug=slugify(item.title)[:200], excerpt=f"{item.excerpt} (NYCLU clipping)",
            url=item.url, web_url=item.url, published_at=item.published_at, kind="article", quality=item.quality,
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
        # Without statistics the planners pick nested loops over 100,000 rows. VACUUM FULL: bulk
        # inserts write each article twice (insert, then the topic links' trigger), which leaves the
        # table twice its size until a live site's autovacuum reuses the space.
        cursor.execute("VACUUM FULL ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    print(f"\nfilled {created:,} articles, {len(releases):,} press releases in {time.perf_counter() - started:.0f} s")


def run(repeat: int) -> None:
    print(connect())
    from django.test import RequestFactory

    from clippings import views
    from clippings.models import Article, PressRelease
    from clippings.search import matching_articles

    factory = RequestFactory()
    page_views = {"search": views.SearchView.as_view(), "coverage": views.ArticleListView.as_view()}
    paths = {"search": "/search/", "coverage": "/coverage/"}

    def page(kind: str, params: dict) -> int:
        """The view's queries, all of them run; how many articles the page lists."""
        response = page_views[kind](factory.get(paths[kind], params))
        assert response.status_code == 200, (kind, params)
        context = response.context_data
        list(context.get("press_releases", []))
        context.get("matches")
        return len(context["page_obj"].object_list)

    cases = [BASELINE, *QUERIES]
    timings: dict[str, list[float]] = {label: [] for label, _, _ in cases}
    for attempt in range(repeat + 2):  # the first two rounds warm the caches
        for label, kind, params in cases:
            started = time.perf_counter()
            page(kind, params)
            if attempt >= 2:
                timings[label].append((time.perf_counter() - started) * 1000)

    published = Article.objects.published()
    print(f"{published.count():,} published articles, {PressRelease.objects.published().count():,} press releases; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'query':<36} {'text':<32} {'matches':>8} {'p50 ms':>8} {'p95 ms':>8} {'ratio':>6}")
    base = statistics.median(timings[BASELINE[0]])
    worst = 0.0
    for label, _, params in cases:
        times = sorted(timings[label])
        median, p95 = statistics.median(times), times[max(0, round(len(times) * 0.95) - 1)]
        text = params.get("q", "")
        within = published.filter(topics__slug=params["topic"]) if "topic" in params else published
        matches = matching_articles(within, text).count() if text else within.count()
        if label != BASELINE[0]:
            worst = max(worst, p95)
        shown = " ".join(f"{key}={value}" for key, value in params.items() if key != "q")
        print(f"{label:<36} {(text + ' ' + shown).strip():<32} {matches:>8,} {median:>8.1f} {p95:>8.1f} "
              f"{median / base:>6.1f}")
    print(f"worst p95 of a search: {worst:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["fill", "run"])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    if args.action == "fill":
        fill(args.count, args.seed)
    else:
        run(args.repeat)


if __name__ == "__main__":
    main()

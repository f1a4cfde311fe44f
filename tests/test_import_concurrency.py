"""Crash consistency: two imports at the same time make no duplicates and no errors; an import
killed (SIGKILL) half-way, then run again, leaves the database as one uninterrupted import does.

Real processes against a real database of their own (a subprocess cannot see the test database):
a migrated SQLite file always, and scratch PostgreSQL databases when the suite runs on PostgreSQL.
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import dj_database_url
import pytest

from bench.generate import write as generate_documents
from clippings.documents import Clipping, read_document

ROOT = Path(__file__).resolve().parent.parent
COUNT_SCRIPT = """
import json
from django.db.models import Count
from django.db.models.functions import Lower
from clippings.models import Article, Image, PressRelease, Provider, RelatedLink, Topic
print(json.dumps({
    "articles": Article.objects.count(),
    "article_urls": Article.objects.values("url").distinct().count(),
    "press_releases": PressRelease.objects.count(),
    "providers": sorted(Provider.objects.values_list("domain", flat=True)),
    "topics": sorted(Topic.objects.annotate(folded=Lower("name")).values_list("folded", flat=True)),
    "related_links": RelatedLink.objects.count(),
    "duplicate_images": Image.objects.values("article", "related_link", "url").annotate(n=Count("id"))
                        .filter(n__gt=1).count(),
}))
"""


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    """Some hundreds of documents sharing providers, topics and stories, as a real feed does."""
    folder = tmp_path_factory.mktemp("documents")
    generate_documents(folder, 80, seed=11)
    expected = {"articles": set(), "press_releases": set(), "providers": set(), "topics": set(), "related": 0}
    for path in folder.iterdir():
        doc = read_document(path.read_bytes())
        if isinstance(doc, Clipping):
            expected["articles"].add(doc.url)
            expected["providers"] |= {doc.provider.domain} | {r.provider.domain for r in doc.related if r.provider}
            expected["topics"] |= {name.lower() for name in doc.topics}
        else:
            expected["press_releases"].add((doc.title_key, path.name))  # how a press release is known
    return folder, expected


def manage(env, *args):
    return subprocess.Popen([sys.executable, "manage.py", *map(str, args)], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def import_twice_at_once(env, folder, expected):
    migrate = subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=300)
    assert migrate.returncode == 0, migrate.stderr
    # Small batches, so that the two runs interleave many times.
    runs = [manage(env, "import_clippings", folder, "--batch-size", "10") for _ in range(2)]
    outputs = [run.communicate(timeout=300) for run in runs]
    for run, (_, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, err
        assert err == ""
    created = sum(int(line.split(":")[1].split(" created")[0]) for out, _ in outputs
                  for line in out.splitlines() if line.startswith("  articles:") and "created" in line)
    assert created == len(expected["articles"])  # each article created once, by one of the two

    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", COUNT_SCRIPT], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout.strip().splitlines()[-1])  # after the shell's own notes
    assert counts["articles"] == counts["article_urls"] == len(expected["articles"])
    assert counts["press_releases"] == len(expected["press_releases"])
    assert counts["providers"] == sorted(expected["providers"])
    assert counts["topics"] == sorted(expected["topics"])
    assert counts["duplicate_images"] == 0

    again = subprocess.run([sys.executable, "manage.py", "import_clippings", str(folder)], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert "created" not in again.stdout and "updated" not in again.stdout


ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgres")
DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not ON_POSTGRESQL, reason="runs when the suite runs on PostgreSQL (DATABASE_URL=postgres://...)"))]


@contextmanager
def scratch_database(vendor: str, folder: Path):
    """The environment of a process using a new, empty database of `vendor`, dropped afterwards."""
    base = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.test_settings"}
    if vendor == "sqlite":
        yield {**base, "DATABASE_URL": f"sqlite:///{folder / f'{uuid.uuid4().hex[:8]}.sqlite3'}"}
        return
    import psycopg

    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    name = f"newsroom_crash_{uuid.uuid4().hex[:12]}"
    server = {"host": config["HOST"] or "127.0.0.1", "port": config["PORT"] or 5432, "user": config["USER"],
              "password": config["PASSWORD"] or None, "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**server) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        url = (f"postgres://{config['USER']}{':' + config['PASSWORD'] if config['PASSWORD'] else ''}"
               f"@{server['host']}:{server['port']}/{name}")
        yield {**base, "DATABASE_URL": url}
    finally:
        with psycopg.connect(**server) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate(env):
    result = subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("vendor", DATABASES)
def test_two_imports_at_once(documents, tmp_path, vendor):
    folder, expected = documents
    with scratch_database(vendor, tmp_path) as env:
        import_twice_at_once(env, folder, expected)


# Killed half-way ----------------------------------------------------------------------------------

# Everything an import writes, without ids or times (which differ from one database to the next).
STATE_SCRIPT = """
import json
from clippings.models import Article, Image, ImportRun, PressRelease, Provider, RelatedLink, Topic
def iso(moment):
    return moment.isoformat() if moment else None
print(json.dumps({
    "articles": [[a.url, a.slug, a.title, a.excerpt, iso(a.published_at), a.category, a.kind, a.quality, a.heat,
                  a.web_url, a.original_url, a.amp_url, a.cdn_amp_url, a.provider.domain, a.source_published,
                  a.secured, a.source_name, a.source_hash, a.source_data, a.status,
                  sorted(a.topics.values_list("name", flat=True))]
                 for a in Article.objects.select_related("provider").order_by("url")],
    "press_releases": [[r.title_key, r.slug, r.title, r.dateline, r.body, r.quotes, r.organization,
                        r.copyright_year, r.image_caption, r.tagline, r.source_name, r.source_hash, r.source_data,
                        r.history.count()]
                       for r in PressRelease.objects.order_by("title_key")],
    "topics": list(Topic.objects.order_by("slug").values_list("name", "slug")),
    "providers": list(Provider.objects.order_by("domain").values_list("domain", "name", "slug")),
    "related_links": sorted(([l.article.url, l.position, l.url, l.web_url, l.title, l.excerpt,
                             iso(l.published_at), l.kind, l.quality, l.amp_url, l.cdn_amp_url,
                             l.provider.domain if l.provider else None, l.target.url if l.target else None]
                             for l in RelatedLink.objects.select_related("article", "provider", "target")),
                            key=json.dumps),
    "images": sorted(([i.article.url if i.article else None, i.related_link.url if i.related_link else None,
                      i.related_link.article.url if i.related_link else None, i.url, i.width, i.height,
                      i.cached_at_source]
                      for i in Image.objects.select_related("article", "related_link__article")), key=json.dumps),
    "runs": [[run.status, run.finished_at is None] for run in ImportRun.objects.order_by("started_at")],
}))
"""


def database_state(env) -> dict:
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", STATE_SCRIPT], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def articles_written(env) -> int:
    """The articles committed so far, asked of the database directly (the import is running)."""
    url = env["DATABASE_URL"]
    try:
        if url.startswith("sqlite"):
            with sqlite3.connect(f"file:{url.removeprefix('sqlite:///')}?mode=ro", uri=True, timeout=1) as db:
                return db.execute("SELECT count(*) FROM clippings_article").fetchone()[0]
        import psycopg

        with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as db:
            return db.execute("SELECT count(*) FROM clippings_article").fetchone()[0]
    except (sqlite3.Error, OSError):
        return 0  # not written yet, or locked for a moment by the writer


@pytest.mark.parametrize("vendor", DATABASES)
def test_an_import_killed_half_way_then_run_again_ends_as_one_uninterrupted_import(documents, tmp_path, vendor):
    folder, expected = documents
    total = len(expected["articles"])
    with scratch_database(vendor, tmp_path) as whole, scratch_database(vendor, tmp_path) as killed:
        migrate(whole)
        once = subprocess.run([sys.executable, "manage.py", "import_clippings", str(folder), "--batch-size", "10"],
                              cwd=ROOT, env=whole, capture_output=True, text=True, timeout=300)
        assert once.returncode == 0, once.stderr

        migrate(killed)
        # In a session of its own, so that its parsing processes are killed with it.
        run = subprocess.Popen([sys.executable, "manage.py", "import_clippings", str(folder), "--batch-size", "10"],
                               cwd=ROOT, env=killed, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
        try:
            deadline = time.monotonic() + 120
            while (written := articles_written(killed)) < 20 and run.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)
        finally:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait(timeout=30)
        assert run.returncode == -signal.SIGKILL
        assert 0 < written < total  # killed half-way, some batches committed
        half = database_state(killed)
        assert half["runs"] == [["running", True]]  # recorded at its start, never closed: shows as unfinished
        assert 0 < len(half["articles"]) < total

        again = subprocess.run([sys.executable, "manage.py", "import_clippings", str(folder), "--batch-size", "10"],
                               cwd=ROOT, env=killed, capture_output=True, text=True, timeout=300)
        assert again.returncode == 0, again.stderr
        after, uninterrupted = database_state(killed), database_state(whole)
        assert after.pop("runs") == [["running", True], ["finished", False]]
        assert uninterrupted.pop("runs") == [["finished", False]]
        assert len(after["articles"]) == total
        for table in uninterrupted:
            assert after[table] == uninterrupted[table], table

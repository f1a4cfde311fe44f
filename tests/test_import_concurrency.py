"""Two imports at the same time: no duplicates, no errors.

Real processes against a real database of their own (a subprocess cannot see the test database):
a migrated SQLite file always, and a scratch PostgreSQL database when the suite runs on PostgreSQL.
"""

import json
import os
import subprocess
import sys
import uuid
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


def test_two_imports_at_once_on_sqlite(documents, tmp_path):
    folder, expected = documents
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.test_settings",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'concurrent.sqlite3'}"}
    import_twice_at_once(env, folder, expected)


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="runs when the suite runs on PostgreSQL (DATABASE_URL=postgres://...)")
def test_two_imports_at_once_on_postgresql(documents):
    import psycopg

    folder, expected = documents
    config = dj_database_url.parse(os.environ["DATABASE_URL"])
    name = f"newsroom_concurrency_{uuid.uuid4().hex[:12]}"
    server = {"host": config["HOST"] or "127.0.0.1", "port": config["PORT"] or 5432, "user": config["USER"],
              "password": config["PASSWORD"] or None, "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**server) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        url = (f"postgres://{config['USER']}{':' + config['PASSWORD'] if config['PASSWORD'] else ''}"
               f"@{server['host']}:{server['port']}/{name}")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.test_settings", "DATABASE_URL": url}
        import_twice_at_once(env, folder, expected)
    finally:
        with psycopg.connect(**server) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

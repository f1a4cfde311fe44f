"""Two server processes, each with its own in-process cache (no Redis), and a third process that
changes content: both servers serve the change within a second.

The servers are gunicorn, as production runs it, on free ports of 127.0.0.1, against a database
of their own: a SQLite file, or under DATABASE_URL=postgres://... that database itself (not the
test database, which the servers could not see: its transactions never commit).
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "000_8dc8e1a7f07cb3bb.txt"
FIXTURE_TITLE = "State of New York Makes Moratorium on Facial Recognition Technology in Schools Permanent"
VISIBLE_WITHIN = 1.0  # seconds, from the end of the process that made the change


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


class Site:
    def __init__(self, environment: dict, servers: list[str]):
        self.environment = environment
        self.servers = servers

    def manage(self, *args: str) -> str:
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.environment,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def orm(self, code: str) -> str:
        return self.manage("shell", "-c", "from clippings.models import *\nfrom django.utils import timezone\n"
                           "from datetime import datetime, timedelta\n" + code)

    def pages(self, path: str) -> list[tuple[int, str]]:
        return [get(server + path) for server in self.servers]

    def warm(self, path: str) -> None:
        """Each server renders the page and keeps it (the second request is served from its cache)."""
        for _ in range(2):
            self.pages(path)

    def seconds_until(self, path: str, shows, *, limit: float = 10.0) -> float:
        """How long until every server's answer for `path` satisfies `shows(status, html)`."""
        started = time.monotonic()
        while time.monotonic() - started < limit:
            if all(shows(status, html) for status, html in self.pages(path)):
                return time.monotonic() - started
            time.sleep(0.05)
        return float("inf")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    directory = tmp_path_factory.mktemp("site")
    database = os.environ.get("DATABASE_URL", "")
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("DJANGO_", "NEWSROOM_", "GUNICORN_")) and key != "REDIS_URL"}
    environment.update({
        "DJANGO_SETTINGS_MODULE": "newsroom.settings", "DJANGO_SECRET_KEY": "tests-only-" + "x" * 50,
        # Debug for plain HTTP and static files without collectstatic; the page cache is as in production.
        "DJANGO_DEBUG": "1", "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "NEWSROOM_LOG_LEVEL": "WARNING",
        "DATABASE_URL": database if database.startswith("postgres") else f"sqlite:///{directory / 'site.sqlite3'}",
    })
    site = Site(environment, [])
    site.manage("migrate", "--noinput")
    site.manage("flush", "--noinput")  # this database is the test's own: start from nothing
    site.orm("ContentVersion.objects.create(token='first', changed_at=timezone.now())")  # as migrated
    servers = []
    try:
        for _ in range(2):
            port = free_port()
            servers.append(subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
                 "--workers", "1", "--threads", "2", "--access-logfile", "/dev/null"],
                cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            ))
            site.servers.append(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 60
        while not all(_answers(server) for server in site.servers):
            assert time.monotonic() < deadline, "the servers did not start"
            time.sleep(0.2)
        yield site
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)


def _answers(server: str) -> bool:
    try:
        return get(server + "/robots.txt")[0] == 200
    except OSError:
        return False


def showing(text):
    return lambda status, html: status == 200 and text in html


def not_showing(text):
    return lambda status, html: status == 200 and text not in html


def test_an_unpublish_by_another_process_shows_in_every_server_at_once(site):
    # Regression (issue 14, defect 10): with the default cache and two workers, the other processes
    # kept serving the withdrawn article.
    site.orm("Article.objects.create(title='Withdrawn by the desk', url='https://news.example/desk', "
             "published_at=timezone.now(), status=Status.PUBLISHED, went_live_at=timezone.now(), "
             "provider=Provider.objects.create(name='Gazette', domain='gazette.example', slug='gazette'))")
    site.warm("/coverage/")
    assert all(showing("Withdrawn by the desk")(*page) for page in site.pages("/coverage/"))
    site.orm("Article.objects.get(title='Withdrawn by the desk').unpublish()")
    assert site.seconds_until("/coverage/", not_showing("Withdrawn by the desk")) < VISIBLE_WITHIN
    assert site.seconds_until("/feeds/coverage.rss", not_showing("Withdrawn by the desk")) < VISIBLE_WITHIN


def test_publish_scheduled_from_cron_shows_in_every_server_at_once(site):
    site.orm("Article.objects.create(title='Published by cron', url='https://news.example/cron', "
             "published_at=timezone.now(), status=Status.DRAFT, publish_at=timezone.now() - timedelta(seconds=1), "
             "provider=Provider.objects.create(name='Courier', domain='courier.example', slug='courier'))")
    site.warm("/")
    assert all(not_showing("Published by cron")(*page) for page in site.pages("/"))
    site.manage("publish_scheduled")
    assert site.seconds_until("/", showing("Published by cron")) < VISIBLE_WITHIN


def test_an_import_shows_in_every_server_at_once(site, tmp_path):
    document = tmp_path / "clipping.txt"
    shutil.copy(FIXTURE, document)
    site.manage("import_clippings", "--publish", str(tmp_path))
    site.warm("/coverage/")
    assert all(showing("Makes Moratorium")(*page) for page in site.pages("/coverage/"))
    # A new story from a trusted source, published by the import (a published one's changes would
    # wait for a Publisher as proposed changes).
    another = tmp_path / "another.txt"
    another.write_text(document.read_text().replace("Makes Moratorium", "Makes Its Moratorium")
                       .replace("/data-privacy/", "/data-privacy/another-"))
    site.manage("import_clippings", "--publish", str(tmp_path))
    assert site.seconds_until("/coverage/", showing("Makes Its Moratorium")) < VISIBLE_WITHIN


def test_an_unpublish_time_passing_shows_in_every_server_at_once(site):
    # Regression: an article past its unpublish_at was served for as long as it was watched.
    withdrawn_at = datetime.now(UTC) + timedelta(seconds=10)  # time for the command and the warming
    site.orm("Article.objects.create(title='Withdrawn at its time', url='https://news.example/timed', "
             "published_at=timezone.now(), status=Status.PUBLISHED, went_live_at=timezone.now(), "
             f"unpublish_at=datetime.fromisoformat({withdrawn_at.isoformat()!r}), "
             "provider=Provider.objects.create(name='Herald', domain='herald.example', slug='herald'))")
    site.warm("/coverage/")
    assert all(showing("Withdrawn at its time")(*page) for page in site.pages("/coverage/"))
    time.sleep(max(0.0, (withdrawn_at - datetime.now(UTC)).total_seconds()))
    assert site.seconds_until("/coverage/", not_showing("Withdrawn at its time")) < VISIBLE_WITHIN

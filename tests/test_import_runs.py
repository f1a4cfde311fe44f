"""Import runs: recorded when they start, closed when they end, and shown to the desk as they are;
and files whose names are not UTF-8 reported by a readable name, the run's report kept."""

import os
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from clippings.importer import ARTICLE, CREATED, PRESS_RELEASE, Importer
from clippings.models import Article, ImportRun
from clippings.signals import content_changed

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CLIPPING = "---\ntitle: Good\nwebUrl: https://news.example/good\n---\n"


def run_command(*args):
    out, err = StringIO(), StringIO()
    call_command("import_clippings", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def desk_imports(client, user) -> str:
    client.force_login(user)
    page = client.get("/admin/").content.decode()
    return page.split('id="desk-imports"')[1].split("</ul>")[0]


def test_a_run_is_recorded_when_it_starts_and_closed_when_it_ends(db):
    seen = []
    Importer(batch_size=1, progress=lambda done: seen.append(ImportRun.objects.get())).import_paths([FIXTURES])
    # While it ran, its record was there, open, with what it had done.
    assert {run.state for run in seen} == {"running"}
    assert {run.finished_at for run in seen} == {None}
    run = ImportRun.objects.get()
    assert run.state == "finished" and run.finished_at >= run.started_at
    assert run.counts[ARTICLE] == {CREATED: 4} and run.error == ""


def test_the_heartbeat_says_how_far_a_run_got(db, monkeypatch):
    monkeypatch.setattr(ImportRun, "HEARTBEAT_EVERY", timedelta(0))  # a heartbeat after every batch
    seen = []
    Importer(batch_size=1, progress=lambda done: seen.append(ImportRun.objects.get())).import_paths(
        sorted(FIXTURES.glob("00[0-2]_*")))
    # Seen at each batch's end, before its own heartbeat: what the batches before it had done.
    assert [sum(run.counts.get(kind, {}).get(CREATED, 0) for kind in (ARTICLE, PRESS_RELEASE))
            for run in seen] == [0, 1, 2]
    assert seen[0].heartbeat_at < seen[1].heartbeat_at < seen[2].heartbeat_at


def test_a_run_that_stops_on_an_error_is_closed_as_failed(db, tmp_path):
    (tmp_path / "broken.txt").write_text("---\ntitle: x\n")
    (tmp_path / "good.txt").write_text(CLIPPING)

    def shared_cache_down(**kwargs):
        raise ConnectionError("the shared cache does not answer")

    content_changed.connect(shared_cache_down)
    try:
        err = StringIO()
        with pytest.raises(CommandError) as stopped:
            call_command("import_clippings", str(tmp_path), stdout=StringIO(), stderr=err)
    finally:
        content_changed.disconnect(shared_cache_down)
    assert str(stopped.value).startswith("The import stopped: the shared cache does not answer. Its run is recorded")
    # The documents' own errors are printed all the same.
    assert err.getvalue() == (f"error: {tmp_path / 'broken.txt'}:1: the front matter is not closed: "
                              "no line --- after the opening one\n")
    run = ImportRun.objects.get()
    assert run.state == "failed" and run.finished_at is not None
    assert run.error == "the import stopped on an unexpected error: the shared cache does not answer"
    assert run.failures == [{"file": str(tmp_path / "broken.txt"), "line": 1,
                             "message": "the front matter is not closed: no line --- after the opening one"}]
    assert Article.objects.get().title == "Good"  # what was written before it stopped is kept


def test_an_interrupted_run_is_closed_as_failed(db):
    def interrupt(done):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        Importer(batch_size=1, progress=interrupt).import_paths([FIXTURES])
    run = ImportRun.objects.get()
    assert run.state == "failed"
    assert run.error == "the import was interrupted (Ctrl-C or a stop signal)"


def test_a_dry_run_records_no_run(db):
    Importer(dry_run=True).import_paths([FIXTURES])
    assert not ImportRun.objects.exists()


def killed_run(minutes_ago: int) -> ImportRun:
    """A run as a killed import leaves it: open, its heartbeat as old as its last batch."""
    beat = timezone.now() - timedelta(minutes=minutes_ago)
    return ImportRun.objects.create(started_at=beat - timedelta(minutes=1), heartbeat_at=beat,
                                    paths=["/srv/feed"], counts={ARTICLE: {CREATED: 3}})


def test_the_desk_tells_a_running_import_from_a_killed_one(client, editor):
    running, killed = killed_run(minutes_ago=1), killed_run(minutes_ago=30)
    assert (running.state, killed.state) == ("running", "unfinished")
    listed = desk_imports(client, editor)
    assert listed.count("(running)") == 1 and listed.count("(unfinished)") == 1
    assert "articles: 3 created" in listed  # what the killed run had done by its last heartbeat


def test_the_import_run_admin_shows_each_runs_state(client, superuser, django_assert_max_num_queries):
    killed_run(minutes_ago=30)
    call_command("import_clippings", str(FIXTURES), stdout=StringIO())
    client.force_login(superuser)
    with django_assert_max_num_queries(10):
        page = client.get("/admin/clippings/importrun/").content.decode()
    assert '<td class="field-state">unfinished</td>' in page
    assert '<td class="field-state">finished</td>' in page
    killed = ImportRun.objects.earliest()
    detail = client.get(f"/admin/clippings/importrun/{killed.pk}/change/").content.decode()
    assert "unfinished" in detail


# File names that are not UTF-8 ------------------------------------------------------------------

@pytest.fixture
def folder_with_a_latin1_name(tmp_path):
    """good.txt, and a clipping whose name has the byte 0xff (as a Latin-1 system writes ÿ)."""
    (tmp_path / "good.txt").write_text(CLIPPING)
    bad = os.path.join(os.fsencode(tmp_path), b"caf\xff.txt")
    try:
        with open(bad, "wb") as file:
            file.write(CLIPPING.replace("good", "other").encode())
    except OSError:  # a file system that stores only UTF-8 names
        pytest.skip("this file system refuses names that are not UTF-8")
    return tmp_path


def test_a_file_name_that_is_not_utf8_is_a_failure_named_readably(db, folder_with_a_latin1_name):
    # Regression: on PostgreSQL, the run's record could not be written (DataError), a traceback was
    # printed instead of the run's errors, and no run was recorded.
    folder = folder_with_a_latin1_name
    err = StringIO()
    with pytest.raises(CommandError, match="1 document failed"):
        call_command("import_clippings", str(folder), stdout=StringIO(), stderr=err)
    readable = f"{folder}/caf\\xff.txt"
    assert err.getvalue() == (f"error: {readable}: the file's name is not UTF-8 text (shown here with \\x and "
                              "the byte's number): rename the file, then import it again\n")
    assert list(Article.objects.values_list("title", flat=True)) == ["Good"]
    run = ImportRun.objects.get()
    assert run.state == "finished"
    assert run.failures == [{"file": readable, "line": None, "message": run.failures[0]["message"]}]


def test_a_path_given_that_is_not_utf8_is_recorded_readably(db, folder_with_a_latin1_name):
    bad = os.path.join(os.fsdecode(os.fsencode(folder_with_a_latin1_name)), os.fsdecode(b"caf\xff.txt"))
    report = Importer().import_paths([bad])
    assert [failure.source for failure in report.failures] == [f"{folder_with_a_latin1_name}/caf\\xff.txt"]
    assert ImportRun.objects.get().paths == [f"{folder_with_a_latin1_name}/caf\\xff.txt"]

"""The import_clippings command: arguments, summary, progress bar and exit status."""

import os
import pty
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from clippings.models import Article, ImportRun

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def run_command(*args, verbosity=1):
    out, err = StringIO(), StringIO()
    call_command("import_clippings", *map(str, args), verbosity=verbosity, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_summary_per_kind(db):
    out, err = run_command(FIXTURES)
    assert out.splitlines() == [
        "Imported:",
        "  articles: 4 created",
        "  press releases: 1 created",
        "  providers: 9 created",
        "  topics: 2 created",
    ]
    assert err == ""


def test_summary_of_a_mixed_run(seeds, tmp_path):
    (tmp_path / "000.txt").write_text(next(FIXTURES.glob("000_*")).read_text().replace("quality: 10", "quality: 11"))
    (tmp_path / "new.txt").write_text("---\ntitle: New\nwebUrl: https://news.example/new\n---\n")
    (tmp_path / "broken.txt").write_text("---\ntitle: x\n")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_clippings", *[str(p) for p in sorted(FIXTURES.iterdir())[1:]], str(tmp_path),
                     stdout=out, stderr=StringIO())
    assert out.getvalue().splitlines() == [
        "Imported:",
        "  articles: 1 created, 1 updated, 3 unchanged",
        "  documents: 1 failed",
        "  press releases: 1 unchanged",
        "  providers: 1 created",
    ]


def test_dry_run_says_so(db):
    out, _ = run_command(FIXTURES, "--dry-run")
    assert out.splitlines()[0] == "Dry run, nothing written. Would have:"
    assert "  articles: 4 created" in out.splitlines()
    assert not Article.objects.exists()
    assert not ImportRun.objects.exists()


def test_verbosity_0_prints_no_summary_but_still_the_errors(db, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("import_clippings", str(tmp_path), verbosity=0, stdout=out, stderr=err)
    assert out.getvalue() == ""
    assert err.getvalue() == f"error: {tmp_path / 'empty.txt'}: the file is empty\n"


def test_an_empty_directory(db, tmp_path):
    out, _ = run_command(tmp_path)
    assert out.splitlines() == ["Imported:", "  no documents found"]


def test_hidden_files_in_a_directory_are_skipped(db, tmp_path):
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x01binary")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    nested = tmp_path / "2023" / "10"
    nested.mkdir(parents=True)
    (nested / "001.txt").write_bytes(next(FIXTURES.glob("001_*")).read_bytes())
    out, err = run_command(tmp_path)
    assert "  articles: 1 created" in out.splitlines()
    assert err == ""


def test_a_missing_path_is_the_callers_mistake(db, tmp_path):
    with pytest.raises(CommandError, match="No such file or directory: .*nowhere"):
        run_command(tmp_path / "nowhere")
    assert not ImportRun.objects.exists()


def test_batch_size_must_be_positive(db):
    with pytest.raises(CommandError, match="--batch-size must be at least 1"):
        run_command(FIXTURES, "--batch-size", "0")


def test_a_failed_document_makes_the_command_fail_with_status_1(db, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("---\ntitle: x\nwebUrl: https://news.example/a\nquality: high\n---\n")
    err = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_clippings", str(FIXTURES), str(bad), stdout=StringIO(), stderr=err)
    assert caught.value.returncode == 1
    assert str(caught.value) == "1 document failed; nothing of them was written."
    assert err.getvalue() == f"error: {bad}:4: quality: expected a whole number, got 'high'\n"
    assert Article.objects.count() == 4


# The command as an operator runs it: a real process, against a database of its own ---------------


@pytest.fixture(scope="module")
def scratch_sqlite(tmp_path_factory):
    """A migrated SQLite file: a subprocess cannot see the test database."""
    path = tmp_path_factory.mktemp("db") / "newsroom.sqlite3"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "newsroom.test_settings", "DATABASE_URL": f"sqlite:///{path}"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    return env


def manage(env, *args, **kwargs):
    return subprocess.run([sys.executable, "manage.py", *map(str, args)], cwd=ROOT, env=env, text=True,
                          capture_output=True, timeout=120, **kwargs)


def test_exit_status_of_the_process(scratch_sqlite, tmp_path):
    good = manage(scratch_sqlite, "import_clippings", FIXTURES)
    assert (good.returncode, good.stderr) == (0, "")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02")
    bad = manage(scratch_sqlite, "import_clippings", FIXTURES, tmp_path)
    assert bad.returncode == 1
    assert f"error: {tmp_path / 'binary.txt'}: this is a binary file, not a text document" in bad.stderr
    assert "CommandError: 1 document failed; nothing of them was written." in bad.stderr
    assert "  articles: 4 unchanged" in bad.stdout


def test_no_progress_bar_when_output_is_not_a_terminal(scratch_sqlite):
    result = manage(scratch_sqlite, "import_clippings", FIXTURES, "--dry-run")
    assert result.returncode == 0
    assert result.stderr == ""
    assert "\r" not in result.stdout


def test_a_progress_bar_on_a_terminal(scratch_sqlite):
    leader, follower = pty.openpty()
    try:
        result = subprocess.run([sys.executable, "manage.py", "import_clippings", str(FIXTURES), "--dry-run"],
                                cwd=ROOT, env=scratch_sqlite, stdout=follower, stderr=subprocess.PIPE, text=True,
                                timeout=120)
    finally:
        os.close(follower)
        os.close(leader)
    assert result.returncode == 0
    assert "0/5" in result.stderr and "doc/s" in result.stderr  # tqdm's bar, counting documents
    quiet = subprocess.run([sys.executable, "manage.py", "import_clippings", str(FIXTURES), "--dry-run", "-v0"],
                           cwd=ROOT, env=scratch_sqlite, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True, timeout=120)
    assert quiet.stderr == ""

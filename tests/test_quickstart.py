"""The quick start's scripts: what a newcomer's first `bash scripts/serve.sh` leaves behind."""

import os
import shutil
import stat
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def local_env(project: Path) -> subprocess.CompletedProcess:
    """scripts/local_env.sh, run in a copy of the project's scripts (it writes where it lives)."""
    (project / "scripts").mkdir(exist_ok=True)
    shutil.copy(ROOT / "scripts" / "local_env.sh", project / "scripts")
    return subprocess.run(["bash", str(project / "scripts" / "local_env.sh")], capture_output=True, text=True,
                          timeout=60, check=True, env={**os.environ, "PYTHON": shutil.which("python3") or "python3"})


def test_the_quick_start_writes_a_private_env_file_for_a_development_site(tmp_path):
    result = local_env(tmp_path)
    assert "Wrote .env" in result.stdout
    env_file = tmp_path / ".env"
    values = dict(line.split("=", 1) for line in env_file.read_text().splitlines() if line and line[0] != "#")
    assert values["DJANGO_DEBUG"] == "1"
    assert len(values["DJANGO_SECRET_KEY"]) >= 50
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600


def test_the_quick_start_keeps_an_existing_env_file(tmp_path):
    local_env(tmp_path)
    first = (tmp_path / ".env").read_text()
    assert local_env(tmp_path).stdout == ""
    assert (tmp_path / ".env").read_text() == first


def test_the_env_file_is_never_committed():
    assert ".env" in (ROOT / ".gitignore").read_text().splitlines()

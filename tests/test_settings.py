"""The production settings, read in a fresh process from a production-like environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    "DJANGO_SECRET_KEY": "x7Qp2vLrT9mWc4ZsN8kYbJ3hF6gD1aVeR5uHtPq0oMiXnKlB_-cEwSzyAjGfUdIo",
    "DJANGO_ALLOWED_HOSTS": "news.example.org",
    "DATABASE_URL": os.environ.get("DATABASE_URL", ""),
    "NEWSROOM_ENV_FILE": "",  # never the developer's .env
}
SHOW = """
import json, django
from django.conf import settings
django.setup()
from django.urls import reverse
names = [
    "DEBUG", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_HTTPONLY", "SECURE_HSTS_SECONDS", "SECURE_PROXY_SSL_HEADER", "AXES_ENABLED", "TIME_ZONE",
    "SECRET_KEY",
]
values = {name: getattr(settings, name, None) for name in names}
values["admin"] = reverse("admin:index")
values["cache"] = settings.CACHES["default"]["BACKEND"]
values["databases"] = {
    alias: [db["HOST"], db["NAME"], db.get("TEST", {}).get("MIRROR")] for alias, db in settings.DATABASES.items()
}
values["replicas"] = settings.NEWSROOM_READ_REPLICAS
print(json.dumps(values))
"""


def run(args: list[str], **environment) -> subprocess.CompletedProcess:
    """Python in a fresh process with a production-like environment; a variable given as None is unset."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "NEWSROOM_"))}
    env.pop("REDIS_URL", None)
    env.update(PRODUCTION, **environment)
    env = {key: value for key, value in env.items() if value is not None}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def production_settings(**environment) -> dict:
    result = run(["-c", SHOW], **environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean_with_production_settings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_is_clean_with_read_replicas():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                 DATABASE_REPLICA_URL="postgres://newsroom@replica-1.internal/newsroom")
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_is_https_only_with_secure_http_only_cookies():
    values = production_settings()
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_HTTPONLY"] and values["CSRF_COOKIE_HTTPONLY"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["AXES_ENABLED"] is True
    assert values["admin"] == "/admin/"
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"


def test_behind_a_tls_terminating_proxy():
    values = production_settings(DJANGO_SECURE_PROXY_SSL_HEADER="1")
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_the_admin_path_is_a_setting():
    assert production_settings(DJANGO_ADMIN_PATH="/desk-7f3a/")["admin"] == "/desk-7f3a/"


def test_cache_url_selects_redis():
    values = production_settings(NEWSROOM_CACHE_URL="redis://127.0.0.1:6379/3")
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"


def test_replica_urls_add_read_replicas():
    assert production_settings()["replicas"] == []
    values = production_settings(
        DATABASE_URL="postgres://newsroom@primary.internal/newsroom",
        DATABASE_REPLICA_URL="postgres://newsroom@replica-1.internal/newsroom, postgres://newsroom@replica-2.internal/newsroom",
    )
    assert values["replicas"] == ["replica_1", "replica_2"]
    assert values["databases"] == {
        "default": ["primary.internal", "newsroom", None],
        "replica_1": ["replica-1.internal", "newsroom", "default"],
        "replica_2": ["replica-2.internal", "newsroom", "default"],
    }


def test_debug_on_a_development_machine_keeps_plain_http():
    values = production_settings(DJANGO_DEBUG="1", DJANGO_SECRET_KEY="")
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SESSION_COOKIE_SECURE"] is False


def test_production_refuses_to_start_without_a_secret_key():
    result = run(["-c", SHOW], DJANGO_SECRET_KEY="")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_logs_are_json_lines_on_stdout():
    code = "import django, logging; django.setup(); logging.getLogger('newsroom').warning('hello %s', 'desk')"
    result = run(["-c", code])
    entry = json.loads(result.stdout.strip().splitlines()[-1])
    assert entry["level"] == "WARNING"
    assert entry["message"] == "hello desk"
    assert entry["logger"] == "newsroom"


def test_a_development_machine_reads_its_env_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("# written by the quick start\n\nDJANGO_DEBUG=1\nexport DJANGO_SECRET_KEY='from-the-file'\n"
                        "NEWSROOM_TIME_ZONE = Europe/Paris\n")
    values = production_settings(NEWSROOM_ENV_FILE=str(env_file), DJANGO_SECRET_KEY=None)
    assert values["DEBUG"] is True
    assert values["SECRET_KEY"] == "from-the-file"
    assert values["TIME_ZONE"] == "Europe/Paris"
    result = run(["manage.py", "check"], NEWSROOM_ENV_FILE=str(env_file), DJANGO_SECRET_KEY=None)
    assert result.returncode == 0, result.stderr


def test_the_real_environment_wins_over_the_env_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("NEWSROOM_TIME_ZONE=Europe/Paris\nDJANGO_SECRET_KEY=from-the-file\n")
    values = production_settings(NEWSROOM_ENV_FILE=str(env_file), NEWSROOM_TIME_ZONE="UTC")
    assert values["TIME_ZONE"] == "UTC"
    assert values["SECRET_KEY"] == PRODUCTION["DJANGO_SECRET_KEY"]


def test_production_without_a_secret_key_refuses_to_start_whatever_the_env_file_holds(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("NEWSROOM_TIME_ZONE=Europe/Paris\n")
    result = run(["-c", SHOW], NEWSROOM_ENV_FILE=str(env_file), DJANGO_SECRET_KEY=None)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_a_bad_line_of_the_env_file_is_named(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DJANGO_DEBUG=1\nthis is not a setting\n")
    result = run(["manage.py", "check"], NEWSROOM_ENV_FILE=str(env_file))
    assert result.returncode != 0
    assert f"{env_file}, line 2: expected NAME=value, got 'this is not a setting'" in result.stderr


def test_the_test_settings_never_read_an_env_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("NEWSROOM_TIME_ZONE=Europe/Paris\n")
    values = production_settings(NEWSROOM_ENV_FILE=str(env_file), DJANGO_SETTINGS_MODULE="newsroom.test_settings")
    assert values["TIME_ZONE"] == "America/New_York"

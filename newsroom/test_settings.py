"""Settings for the test suite: the real ones, made fast and independent of the machine."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-a-secret")
# Never a developer's .env: the suite runs the same on every machine (its subprocesses inherit this).
os.environ["NEWSROOM_ENV_FILE"] = ""

from newsroom.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The test client and the browser tests speak plain HTTP to the test server. tests/test_settings.py
# checks the production values of these in a separate process.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
# Throttling needs the request at every authenticate(), which client.login() does not pass; the
# throttling test turns it on for itself.
AXES_ENABLED = False
ADMIN_PATH = "admin/"
# Tests serve static files through the finders, as runserver does; whitenoise wants STATIC_ROOT to exist.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
# A read replica that is the test database itself, unused unless a test lists it in
# NEWSROOM_READ_REPLICAS (tests/test_replicas.py): routing is tested without a real replica.
DATABASES = {**DATABASES, "replica_1": {**DATABASES["default"], "TEST": {"MIRROR": "default"}}}  # noqa: F405
NEWSROOM_READ_REPLICAS = []

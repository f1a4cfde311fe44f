"""Settings for the Newsroom project.

Every value that differs between machines is read from the environment here, in one place, with
a default that is safe: debug is off unless DJANGO_DEBUG is set, and a site without debug refuses
to start without DJANGO_SECRET_KEY. A development machine may keep its values in a git-ignored
`.env` file (the quick start writes one); variables of the real environment win over it. See
`.env.example` for the full list.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def read_env_file(path: Path) -> None:
    """Add the `NAME=value` lines of a .env file to the environment, below the real environment:
    a variable set there already keeps its value. Blank lines and `#` comments are skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, equals, value = line.removeprefix("export ").partition("=")
        name, value = name.strip(), value.strip()
        if not equals or not name.isidentifier():
            raise ImproperlyConfigured(f"{path}, line {number}: expected NAME=value, got {line!r}")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        os.environ.setdefault(name, value)


# NEWSROOM_ENV_FILE names another file, or none when empty (the test settings read none).
if _env_file := os.environ.get("NEWSROOM_ENV_FILE", str(BASE_DIR / ".env")).strip():
    read_env_file(Path(_env_file))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


DEBUG = env_bool("DJANGO_DEBUG")


def _secret_key() -> str:
    key = os.environ.get("DJANGO_SECRET_KEY", "").strip()
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string in the environment "
            "(or set DJANGO_DEBUG=1 on a development machine)."
        )
    # A development machine gets a random key kept under var/, so logins survive restarts
    # without any key ever being committed.
    key_file = VAR_DIR / "dev-secret-key"
    if not key_file.exists():
        VAR_DIR.mkdir(exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.syndication",
    "django_filters",
    "simple_history",
    "axes",
    "clippings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "newsroom.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "newsroom.replicas.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into a 429 response. It sets no cookie.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database(url: str) -> dict:
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # IMMEDIATE transactions take the write lock up front, so two concurrent imports wait for
        # each other instead of failing with "database is locked"; WAL lets readers go on meanwhile.
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # PostgreSQL's JIT compiles any query it estimates as costly, which at 100,000 articles
        # spends 100-300 ms compiling a facet query that runs in 10: wrong for short web queries.
        options = config.setdefault("OPTIONS", {})
        options["options"] = (options.get("options", "") + " -c jit=off").strip()
    return config


def _primary_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        VAR_DIR.mkdir(exist_ok=True)
        url = f"sqlite:///{VAR_DIR / 'newsroom.sqlite3'}"
    return url


# Read replicas (DATABASE_REPLICA_URL, comma-separated): streaming replicas of the primary, named
# replica_1, replica_2, ... Only anonymous readers' public pages read from them (newsroom/replicas.py);
# in tests each is the test database itself (a TEST MIRROR).
_REPLICAS = {
    f"replica_{number}": {**_database(url), "TEST": {"MIRROR": "default"}}
    for number, url in enumerate(env_list("DATABASE_REPLICA_URL"), start=1)
}
DATABASES = {"default": _database(_primary_url()), **_REPLICAS}
DATABASE_ROUTERS = ["newsroom.replicas.ReadReplicaRouter"]
NEWSROOM_READ_REPLICAS = list(_REPLICAS)
# After a change readers could see, pages read from the primary for this long: a replica must
# have replayed the change by then, or a page older than its cache version would be cached.
NEWSROOM_REPLICA_LAG_SECONDS = env_int("NEWSROOM_REPLICA_LAG_SECONDS", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The largest document the importer accepts (clippings/documents.py). An editor must be able to
# save whatever it became through the admin's change form, which a browser posts URL-encoded with
# CR LF line breaks: a line of one character ("!\n", 2 bytes) is a paragraph of a press release
# there ("%21%0D%0A%0D%0A", 15 bytes), the most any document grows. Then a megabyte for the rest.
NEWSROOM_MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = NEWSROOM_MAX_DOCUMENT_BYTES * 15 // 2 + 1024 * 1024
# And as many fields as the change form of the largest clipping the importer accepts sends (its
# topics, images and related stories at their bounds in clippings/documents.py), with room to spare:
# tests/test_admin_text.py saves one.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
# Django 6's default today: a URL typed without a scheme in a form means https.
FORMS_URLFIELD_ASSUME_HTTPS = True

# django-axes first: it refuses a login from a locked-out address or username before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
USE_I18N = True
USE_TZ = True
# The newsroom's own time zone: the admin shows and takes times in it.
TIME_ZONE = os.environ.get("NEWSROOM_TIME_ZONE", "America/New_York")

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

NEWSROOM_ORGANIZATION = os.environ.get("NEWSROOM_ORGANIZATION", "New York Civil Liberties Union")

# Where the admin lives (DJANGO_ADMIN_PATH, e.g. "desk-7f3a/"): moving it off /admin/ spares it
# most of the internet's password-guessing robots.
ADMIN_PATH = os.environ.get("DJANGO_ADMIN_PATH", "admin/").strip().strip("/") + "/"

# HTTPS. Without debug the site is HTTPS-only: plain HTTP is redirected, cookies travel only over
# HTTPS, and browsers are told (HSTS) to use nothing else. Behind a proxy that terminates TLS, set
# DJANGO_SECURE_PROXY_SSL_HEADER=1 so that its X-Forwarded-Proto tells Django the request was HTTPS
# (the proxy must overwrite that header, never pass on a client's). DJANGO_SECURE_SSL_REDIRECT=0 is
# for a proxy that redirects by itself. HSTS is only ever sent over HTTPS, so runserver is unaffected.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# How many proxies in front of the app append to X-Forwarded-For (0: none); see newsroom.middleware.client_ip.
NEWSROOM_PROXY_COUNT = env_int("NEWSROOM_PROXY_COUNT", 0)

# Admin login throttling (django-axes, newsroom/login_throttle.py). Five failures for one user name
# from one address lock that user name at that address for 30 minutes, and 20 failures from one
# address, whatever the user names, lock the address; a user name is never locked everywhere, or
# anyone could lock the real user out. Failures are kept in the database, so every app server sees
# them. `manage.py axes_reset` lifts all lockouts.
AXES_ENABLED = env_bool("NEWSROOM_LOGIN_THROTTLING", default=True)
AXES_HANDLER = "newsroom.login_throttle.LoginThrottle"
AXES_FAILURE_LIMIT = env_int("NEWSROOM_LOGIN_FAILURE_LIMIT", 5)
NEWSROOM_LOGIN_ADDRESS_FAILURE_LIMIT = env_int("NEWSROOM_LOGIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("NEWSROOM_LOGIN_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "newsroom.middleware.client_ip"

# Cache: Redis when NEWSROOM_CACHE_URL (or REDIS_URL) is set, shared by every app server;
# otherwise each process keeps its own in memory. Should Redis not answer, pages are served
# uncached (clippings/cache.py): the timeouts bound how long a request waits to find that out.
_CACHE_URL = os.environ.get("NEWSROOM_CACHE_URL", "").strip() or os.environ.get("REDIS_URL", "").strip()
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL,
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
    if _CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Logging: JSON lines on stdout (gunicorn's access log goes there too). Errors are logged with
# their traceback here; readers only ever see templates/500.html (DEBUG is off in production).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "newsroom.logs.JSONFormatter"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"}},
    "root": {"handlers": ["stdout"], "level": os.environ.get("NEWSROOM_LOG_LEVEL", "INFO").upper()},
    "loggers": {
        # Propagated to the root logger instead of Django's own console and mail handlers.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
        "axes.apps": {"level": "WARNING"},  # not its banner on every command
    },
}

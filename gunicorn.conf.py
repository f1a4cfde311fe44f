"""Gunicorn, as production runs it: `.venv/bin/gunicorn` in the repository picks this file up.

Every value can be changed from the environment (GUNICORN_*); see docs/deploy.md.
"""

import multiprocessing
import os

wsgi_app = "newsroom.wsgi:application"

# Behind a reverse proxy or load balancer on the same network; never 0.0.0.0 unless it is firewalled.
bind = os.environ.get("GUNICORN_BIND", "").strip() or "127.0.0.1:8000"
# Threads make keep-alive possible and overlap database waits; each thread holds one DB connection.
worker_class = "gthread"


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 4)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so that a slow leak never becomes an outage.
max_requests = 2000
max_requests_jitter = 200
# No control socket (gunicorn 25.1+; older versions ignore the name): nothing here uses
# gunicornc, and the socket would land in the home directory of the user gunicorn runs as.
control_socket_disable = True
# X-Forwarded-* are believed only from these addresses (the proxy); Django reads X-Forwarded-Proto
# itself when DJANGO_SECURE_PROXY_SSL_HEADER is set.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "").strip() or "127.0.0.1"

# Logs: JSON lines on stdout, like Django's. The access log leaves out readers' addresses, user
# agents and query strings (searches): a civil-liberties newsroom keeps no record of who read what.
accesslog = "-"
errorlog = "-"
access_log_format = 'method=%(m)s path="%(U)s" status=%(s)s bytes=%(B)s duration_ms=%(M)s'
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "newsroom.logs.JSONFormatter"}},
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json"},
    },
    "root": {"handlers": ["stdout"], "level": "INFO"},
    "loggers": {
        "gunicorn.error": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
    },
}

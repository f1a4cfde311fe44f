#!/usr/bin/env bash
# Quick start: create the environment and .env, migrate, import fixtures/ and serve on
# 127.0.0.1:PORT (the first argument, else $PORT, else 8000). On a fresh database the seeds are
# published as they are imported, so that the public site shows them.
source "$(dirname "$0")/bootstrap.sh"
source scripts/local_env.sh
port=${1:-${PORT:-8000}}
.venv/bin/python manage.py migrate --verbosity 0
if .venv/bin/python manage.py shell --no-imports -c \
    "from clippings.models import ImportRun; raise SystemExit(ImportRun.objects.exists())"; then
  .venv/bin/python manage.py import_clippings fixtures --publish
else
  .venv/bin/python manage.py import_clippings fixtures
fi
.venv/bin/python manage.py create_first_admin --url "http://127.0.0.1:$port"
exec .venv/bin/python manage.py runserver "127.0.0.1:$port"

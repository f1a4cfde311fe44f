#!/usr/bin/env bash
# Quick start: create the environment, migrate, import fixtures/ and serve on 127.0.0.1:8000.
source "$(dirname "$0")/bootstrap.sh"
export DJANGO_DEBUG=${DJANGO_DEBUG:-1}
.venv/bin/python manage.py migrate --verbosity 0
.venv/bin/python manage.py import_clippings fixtures
.venv/bin/python manage.py ensure_editor
exec .venv/bin/python manage.py runserver 127.0.0.1:8000

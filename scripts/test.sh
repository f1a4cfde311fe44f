#!/usr/bin/env bash
# The whole test suite (SQLite unless DATABASE_URL says otherwise). Extra arguments go to pytest.
source "$(dirname "$0")/bootstrap.sh"
exec .venv/bin/python -m pytest "$@"

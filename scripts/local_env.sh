#!/usr/bin/env bash
# This machine's .env (git-ignored), written once: a development site's DJANGO_DEBUG=1 and a secret
# key made up here, which newsroom/settings.py reads, so every manage.py command of a new shell works.
# Sourced by serve.sh; safe to run again (an existing .env is left as it is).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ ! -f .env ]; then
  key=$("${PYTHON:-python3}" -c 'import secrets; print(secrets.token_urlsafe(50))')
  (
    umask 077  # the secret key is for this machine's user only
    cat > .env <<ENV
# This machine's settings, written by scripts/serve.sh; never committed (see .env.example for
# every variable). Variables set in the environment win over these.
DJANGO_DEBUG=1
DJANGO_SECRET_KEY=$key
ENV
  )
  echo "Wrote .env (a development site: DJANGO_DEBUG=1 and a secret key of its own)."
fi

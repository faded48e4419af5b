#!/usr/bin/env bash
# Creates test/clients/.venv with the Python drivers the client tests use, offline from the
# local wheel mirror. Idempotent: a venv that already imports every driver is left alone.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
wheels="${NODEDB_WHEELS:-/opt/pypi/files}"
python="${PYTHON:-python3}"

if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import psycopg2, psycopg, asyncpg, sqlalchemy' 2>/dev/null; then
  echo "test/clients/.venv: ready"
  exit 0
fi
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-index --find-links "$wheels" \
  psycopg2_binary psycopg psycopg_binary asyncpg sqlalchemy
"$venv/bin/python" -c 'import psycopg2, psycopg, asyncpg, sqlalchemy; print("test/clients/.venv: psycopg2", psycopg2.__version__.split()[0], "psycopg", psycopg.__version__, "asyncpg", asyncpg.__version__, "sqlalchemy", sqlalchemy.__version__)'

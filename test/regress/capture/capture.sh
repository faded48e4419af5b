#!/usr/bin/env bash
# Captures what real clients send: starts a scratch PostgreSQL 15 with log_statement=all, runs
# the workloads of this folder (SQLAlchemy, psycopg2/psycopg 3/asyncpg, node-postgres/postgres.js,
# JDBC, psql's \d family, pgbench), then extract.py splits the log by application_name into
# raw/<client>.sql (distinct statements, parameters substituted). See README.md.
# Usage: test/regress/capture/capture.sh [PORT]   (default 46850)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
port="${1:-46850}"
pgbin=/usr/lib/postgresql/15/bin
work="$(mktemp -d /tmp/nodedb-capture.XXXXXX)"
chown postgres "$work"
run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
run_pg "$pgbin/initdb" -D "$work/pg" -A trust -U postgres >/dev/null
cat >> "$work/pg/postgresql.conf" <<CONF
log_statement = 'all'
log_line_prefix = '@@@%m [%p] %a|'
log_min_error_statement = panic
CONF
run_pg "$pgbin/pg_ctl" -D "$work/pg" -o "-p $port -k $work/pg" -l "$work/pg/log" -w start >/dev/null
trap 'run_pg "$pgbin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null; rm -rf "$work"' EXIT
export PGHOST=127.0.0.1 PGPORT="$port" PGUSER=postgres PGDATABASE=postgres

"$root/test/clients/.venv/bin/python" "$here/sqlalchemy_app.py"
"$root/test/clients/.venv/bin/python" "$here/drivers_app.py"
(cd "$root" && node "$here/node_app.mjs")
bash "$here/psql_app.sh" >/dev/null
pgbench -i -s 1 -q >/dev/null 2>&1
pgbench -t 5 -c 1 -M prepared >/dev/null 2>&1
psql -X -q -c 'DROP TABLE pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers'
jar="${NODEDB_PGJDBC_JAR:-$HOME/.m2/repository/org/postgresql/postgresql/42.7.13/postgresql-42.7.13.jar}"
if command -v javac >/dev/null && [ -f "$jar" ]; then
  javac -d "$work/java" -cp "$jar" "$root/test/clients/java/JdbcSession.java" "$root/test/clients/java/JdbcMetadata.java"
  java -cp "$work/java:$jar" JdbcSession >/dev/null 2>&1 || true
  java -cp "$work/java:$jar" JdbcMetadata >/dev/null 2>&1 || true
fi

mkdir -p "$here/raw"
python3 "$here/extract.py" "$work/pg/log" "$here/raw"

#!/usr/bin/env bash
# psql's describe family over a small schema (the queries psql sends are captured by the log).
set -euo pipefail
psql -X -q <<'SQL'
CREATE TABLE cap_psql (id int PRIMARY KEY, name varchar(20) NOT NULL DEFAULT 'x', n numeric(5,1) CHECK (n > 0), UNIQUE (name));
CREATE INDEX cap_psql_n_idx ON cap_psql (n DESC);
CREATE SEQUENCE cap_psql_seq;
CREATE VIEW cap_psql_v AS SELECT id, name FROM cap_psql;
COMMENT ON TABLE cap_psql IS 'captured';
\d
\dt
\d cap_psql
\d+ cap_psql
\di
\ds
\dv
\d cap_psql_v
\df upper
\dT int4
\du
\x on
SELECT 1 AS a, 'b' AS b;
\x off
DROP VIEW cap_psql_v;
DROP SEQUENCE cap_psql_seq;
DROP TABLE cap_psql;
SQL

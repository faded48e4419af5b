-- psql's describe family over a small schema (test/regress/capture/psql_app.sh; the catalog queries psql sends for these are in capture/raw/psql.sql)
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
\df lpad
\du
\x on
SELECT 1 AS a, 'b' AS b;
\x off
DROP VIEW cap_psql_v;
DROP SEQUENCE cap_psql_seq;
DROP TABLE cap_psql;

-- pg_catalog facts PostgreSQL 15 has after initdb and that nodedb fills from real state:
-- template databases, predefined roles, schema ACLs, view rules, sequence state, reg* casts of
-- values known only at run time.
SELECT oid, datname, datistemplate, datallowconn, datacl, shobj_description(oid, 'pg_database') FROM pg_database ORDER BY oid;
SELECT has_database_privilege('template1', 'CONNECT'), has_database_privilege(4, 'CONNECT');
SELECT pg_database_size('nope');
SELECT pg_database_size(12345);
SELECT oid, rolname, rolsuper, rolinherit, rolcanlogin FROM pg_roles WHERE rolname LIKE 'pg\_%' ORDER BY oid;
SELECT roleid::regrole, member::regrole, admin_option FROM pg_auth_members ORDER BY 1;
SELECT nspname, nspowner::regrole, nspacl FROM pg_namespace WHERE nspname IN ('public', 'pg_catalog', 'information_schema') ORDER BY 1;
CREATE SCHEMA ce_s;
SELECT nspname, nspacl FROM pg_namespace WHERE nspname = 'ce_s';
DROP SCHEMA ce_s;
CREATE TABLE ce_t (a int, b text);
CREATE VIEW ce_v AS SELECT a FROM ce_t;
SELECT rulename, ev_class::regclass, ev_type, ev_enabled, is_instead FROM pg_rewrite WHERE ev_class = 'ce_v'::regclass;
SELECT c.relname, c.relhasrules FROM pg_class c WHERE c.relname IN ('ce_t', 'ce_v') ORDER BY 1;
DROP VIEW ce_v;
DROP TABLE ce_t;
-- pg_sequences.last_value: NULL until the sequence hands out a value (nextval is not rolled back)
CREATE SEQUENCE ce_s1;
CREATE SEQUENCE ce_s2;
CREATE SEQUENCE ce_s3;
SELECT nextval('ce_s1'), nextval('ce_s1');
SELECT setval('ce_s3', 10, false);
BEGIN;
SELECT nextval('ce_s2');
ROLLBACK;
SELECT sequencename, last_value FROM pg_sequences WHERE sequencename LIKE 'ce\_s_' ORDER BY 1;
DROP SEQUENCE ce_s1, ce_s2, ce_s3;
-- pg_class.reltuples: -1 until ANALYZE counts the rows (table and its full indexes)
CREATE TABLE ce_rows (id int PRIMARY KEY, v text);
INSERT INTO ce_rows SELECT g, 'v' || g FROM generate_series(1, 25) g;
SELECT relname, reltuples FROM pg_class WHERE relname IN ('ce_rows', 'ce_rows_pkey') ORDER BY 1;
ANALYZE ce_rows;
SELECT relname, reltuples FROM pg_class WHERE relname IN ('ce_rows', 'ce_rows_pkey') ORDER BY 1;
DROP TABLE ce_rows;
-- text -> reg* casts of column values resolve at run time
CREATE TABLE ce_names (n text, v varchar);
INSERT INTO ce_names VALUES ('pg_class', 'int4'), ('pg_type', 'text');
SELECT n::regclass, n::regclass::oid, v::regtype, v::regtype::oid FROM ce_names ORDER BY 2;
SELECT relname::regclass FROM pg_class WHERE relname = 'pg_am';
INSERT INTO ce_names VALUES ('nope', 'nope');
SELECT n::regclass FROM ce_names;
SELECT v::regtype FROM ce_names;
DROP TABLE ce_names;

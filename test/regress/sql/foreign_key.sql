--
-- FOREIGN KEY constraints: DDL, enforcement, actions, catalog, transactional DDL
--
CREATE TABLE fk_p (id int PRIMARY KEY, u int UNIQUE, v text);
CREATE TABLE fk_c (a int REFERENCES fk_p, b int REFERENCES fk_p(u) ON DELETE CASCADE ON UPDATE CASCADE, x int);
INSERT INTO fk_p VALUES (1, 10, 'a'), (2, 20, 'b'), (3, 30, 'c');
INSERT INTO fk_c VALUES (1, 10, 0), (2, NULL, 1);
-- missing keys
INSERT INTO fk_c VALUES (5, NULL, 2);
INSERT INTO fk_c VALUES (NULL, 40, 3);
UPDATE fk_c SET a = 9 WHERE x = 0;
-- NULLs are not checked (MATCH SIMPLE)
INSERT INTO fk_c VALUES (NULL, NULL, 4);
-- referenced side: NO ACTION
DELETE FROM fk_p WHERE id = 1;
UPDATE fk_p SET id = 11 WHERE id = 1;
-- a statement that puts the key back is fine for NO ACTION
UPDATE fk_p SET id = CASE id WHEN 1 THEN 2 WHEN 2 THEN 1 ELSE id END WHERE id IN (1, 2);
-- CASCADE on update and delete
UPDATE fk_p SET u = 100 WHERE u = 10;
SELECT * FROM fk_c ORDER BY x;
DELETE FROM fk_p WHERE u = 100;
SELECT * FROM fk_c ORDER BY x;
DELETE FROM fk_p WHERE id = 3;
SELECT * FROM fk_p ORDER BY id;
\d fk_c
\d fk_p
SELECT conname, contype, conkey, confkey, confrelid::regclass, confupdtype, confdeltype, confmatchtype,
       conindid::regclass, confdelsetcols, condeferrable, convalidated
  FROM pg_constraint WHERE conrelid = 'fk_c'::regclass ORDER BY conname;
SELECT conname, pg_get_constraintdef(oid), pg_get_constraintdef(oid, true)
  FROM pg_constraint WHERE contype = 'f' ORDER BY conname;
SELECT relname, relhastriggers FROM pg_class WHERE relname IN ('fk_p', 'fk_c') ORDER BY 1;
-- information_schema
SELECT constraint_name, unique_constraint_name, match_option, update_rule, delete_rule
  FROM information_schema.referential_constraints WHERE constraint_schema = 'public' ORDER BY 1;
SELECT constraint_name, table_name, column_name, ordinal_position, position_in_unique_constraint
  FROM information_schema.key_column_usage WHERE table_name IN ('fk_p', 'fk_c') ORDER BY 1, 4;
SELECT constraint_name, table_name, column_name
  FROM information_schema.constraint_column_usage WHERE constraint_name LIKE 'fk_c%' ORDER BY 1, 3;
SELECT constraint_name, table_name, constraint_type
  FROM information_schema.table_constraints WHERE table_name IN ('fk_p', 'fk_c') AND constraint_type <> 'CHECK' ORDER BY 1;
-- dropping what a foreign key needs
DROP TABLE fk_p;
ALTER TABLE fk_p DROP COLUMN id;
ALTER TABLE fk_p DROP COLUMN u;
ALTER TABLE fk_p DROP CONSTRAINT fk_p_u_key;
DROP INDEX fk_p_u_key;
TRUNCATE fk_p;
TRUNCATE fk_p, fk_c;
BEGIN;
TRUNCATE fk_p CASCADE;
SELECT count(*) FROM fk_c;
ROLLBACK;
BEGIN;
ALTER TABLE fk_p DROP COLUMN u CASCADE;
\d fk_c
ROLLBACK;
BEGIN;
DROP TABLE fk_p CASCADE;
\d fk_c
ROLLBACK;
-- dropping the referencing column drops the constraint
ALTER TABLE fk_c DROP COLUMN b;
\d fk_c
ALTER TABLE fk_c DROP CONSTRAINT fk_c_a_fkey;
ALTER TABLE fk_c DROP CONSTRAINT fk_c_a_fkey;
INSERT INTO fk_c VALUES (99, 5);
-- ALTER TABLE ADD FOREIGN KEY validates existing rows
ALTER TABLE fk_c ADD FOREIGN KEY (a) REFERENCES fk_p;
DELETE FROM fk_c WHERE a = 99;
ALTER TABLE fk_c ADD CONSTRAINT fk_c_named FOREIGN KEY (a) REFERENCES fk_p ON DELETE SET NULL;
ALTER TABLE fk_c ADD CONSTRAINT fk_c_named FOREIGN KEY (a) REFERENCES fk_p;
SELECT * FROM fk_c ORDER BY x;
DELETE FROM fk_p WHERE id = 2;
SELECT * FROM fk_c ORDER BY x;
DROP TABLE fk_c, fk_p;
-- DDL errors
CREATE TABLE fk_p (id int PRIMARY KEY, u int UNIQUE, v int, t text);
CREATE TABLE fk_e (a int REFERENCES fk_nope);
CREATE TABLE fk_e (a int REFERENCES fk_p(zz));
CREATE TABLE fk_e (zz int, FOREIGN KEY (a) REFERENCES fk_p);
CREATE TABLE fk_e (a int REFERENCES fk_p(v));
CREATE TABLE fk_e (a int, b int, FOREIGN KEY (a, b) REFERENCES fk_p(id));
CREATE TABLE fk_e (a text REFERENCES fk_p);
CREATE TABLE fk_e (a int REFERENCES fk_p MATCH PARTIAL);
CREATE TABLE fk_e (a int, b int, FOREIGN KEY (a) REFERENCES fk_p(id) ON DELETE SET NULL (b));
CREATE TABLE fk_nopk (x int);
CREATE TABLE fk_e (a int REFERENCES fk_nopk);
CREATE VIEW fk_view AS SELECT 1 AS id;
CREATE TABLE fk_e (a int REFERENCES fk_view(id));
CREATE TABLE fk_e (a int CONSTRAINT fk_same REFERENCES fk_p, b int CONSTRAINT fk_same REFERENCES fk_p);
CREATE TABLE fk_e (a int, b int, FOREIGN KEY (a, a) REFERENCES fk_p(id, u));
-- compatible key types
CREATE TABLE fk_e (a bigint REFERENCES fk_p, b smallint REFERENCES fk_p(u), c varchar REFERENCES fk_p(t));
CREATE UNIQUE INDEX fk_p_t ON fk_p (t);
CREATE TABLE fk_e (a bigint REFERENCES fk_p, b smallint REFERENCES fk_p(u), c varchar REFERENCES fk_p(t));
INSERT INTO fk_p VALUES (1, 1, 1, 'one');
INSERT INTO fk_e VALUES (1, 1, 'one');
INSERT INTO fk_e VALUES (4294967296, NULL, NULL);
INSERT INTO fk_e VALUES (NULL, NULL, 'two');
DROP INDEX fk_p_t;
DROP INDEX fk_p_t CASCADE;
DROP VIEW fk_view;
DROP TABLE fk_e, fk_nopk, fk_p;
-- multi-column keys, MATCH SIMPLE and MATCH FULL
CREATE TABLE fk_mp (a int, b int, c text, PRIMARY KEY (a, b));
CREATE TABLE fk_ms (x int, y int, FOREIGN KEY (x, y) REFERENCES fk_mp);
CREATE TABLE fk_mf (x int, y int, FOREIGN KEY (y, x) REFERENCES fk_mp (b, a) MATCH FULL ON UPDATE CASCADE);
INSERT INTO fk_mp VALUES (1, 1, 'a'), (1, 2, 'b');
INSERT INTO fk_ms VALUES (1, 1), (1, NULL), (NULL, 7);
INSERT INTO fk_ms VALUES (2, 1);
INSERT INTO fk_mf VALUES (1, 2), (NULL, NULL);
INSERT INTO fk_mf VALUES (1, NULL);
INSERT INTO fk_mf VALUES (2, 1);
UPDATE fk_mp SET b = 3 WHERE b = 2;
SELECT * FROM fk_mf ORDER BY 1, 2;
DELETE FROM fk_mp WHERE b = 1;
\d fk_mf
DROP TABLE fk_ms, fk_mf, fk_mp;
-- SET NULL and SET DEFAULT, with PostgreSQL 15 column lists
CREATE TABLE fk_sp (id int PRIMARY KEY);
INSERT INTO fk_sp VALUES (0), (1), (2), (3);
CREATE TABLE fk_sn (t int, id int DEFAULT 0, FOREIGN KEY (id) REFERENCES fk_sp ON DELETE SET NULL ON UPDATE SET DEFAULT);
CREATE TABLE fk_sd (t int, id int DEFAULT 0 REFERENCES fk_sp ON DELETE SET DEFAULT ON UPDATE SET NULL);
CREATE TABLE fk_sm (t int, tenant int NOT NULL, id int, FOREIGN KEY (tenant, id) REFERENCES fk_sp2 (t, id));
CREATE TABLE fk_sp2 (t int, id int, PRIMARY KEY (t, id));
CREATE TABLE fk_sm (tenant int NOT NULL, id int, FOREIGN KEY (tenant, id) REFERENCES fk_sp2 ON DELETE SET NULL (id));
INSERT INTO fk_sn VALUES (1, 1), (2, 2), (3, 3);
INSERT INTO fk_sd VALUES (1, 1), (2, 2), (3, 3);
INSERT INTO fk_sp2 VALUES (1, 1), (1, 2);
INSERT INTO fk_sm VALUES (1, 1), (1, 2);
DELETE FROM fk_sp WHERE id = 1;
UPDATE fk_sp SET id = 20 WHERE id = 2;
SELECT * FROM fk_sn ORDER BY t;
SELECT * FROM fk_sd ORDER BY t;
DELETE FROM fk_sp2 WHERE id = 1;
SELECT * FROM fk_sm ORDER BY 1, 2;
SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'fk_sm_tenant_id_fkey';
SELECT confdelsetcols FROM pg_constraint WHERE conname = 'fk_sm_tenant_id_fkey';
-- SET DEFAULT to a key that does not exist fails
DELETE FROM fk_sp WHERE id = 0;
DELETE FROM fk_sp WHERE id = 3;
-- SET NULL into a NOT NULL column fails
CREATE TABLE fk_nn (id int NOT NULL REFERENCES fk_sp ON DELETE SET NULL);
INSERT INTO fk_nn VALUES (20);
\set SHOW_CONTEXT never
DELETE FROM fk_sp WHERE id = 20;
\set SHOW_CONTEXT errors
DROP TABLE fk_nn, fk_sn, fk_sd, fk_sm, fk_sp2, fk_sp;
-- RESTRICT
CREATE TABLE fk_rp (id int PRIMARY KEY);
CREATE TABLE fk_rc (id int REFERENCES fk_rp ON DELETE RESTRICT ON UPDATE RESTRICT);
INSERT INTO fk_rp VALUES (1), (2);
INSERT INTO fk_rc VALUES (1);
UPDATE fk_rp SET id = CASE id WHEN 1 THEN 2 ELSE 1 END;
DELETE FROM fk_rp WHERE id = 1;
DELETE FROM fk_rp WHERE id = 2;
\d fk_rp
DROP TABLE fk_rc, fk_rp;
-- cascades through two levels
CREATE TABLE fk_l1 (id int PRIMARY KEY);
CREATE TABLE fk_l2 (id int PRIMARY KEY, l1 int NOT NULL REFERENCES fk_l1 ON DELETE CASCADE ON UPDATE CASCADE);
CREATE TABLE fk_l3 (id int PRIMARY KEY, l2 int REFERENCES fk_l2 ON DELETE CASCADE);
CREATE TABLE fk_l3r (l2 int REFERENCES fk_l2);
INSERT INTO fk_l1 VALUES (1), (2);
INSERT INTO fk_l2 VALUES (10, 1), (20, 2), (21, 2);
INSERT INTO fk_l3 VALUES (100, 10), (200, 20), (210, 21), (211, 21);
UPDATE fk_l1 SET id = 3 WHERE id = 2;
SELECT * FROM fk_l2 ORDER BY id;
DELETE FROM fk_l1 WHERE id = 3;
SELECT * FROM fk_l2 ORDER BY id;
SELECT * FROM fk_l3 ORDER BY id;
-- a cascade stopped by a NO ACTION key further down
INSERT INTO fk_l3r VALUES (10);
DELETE FROM fk_l1 WHERE id = 1;
SELECT count(*) FROM fk_l3;
DROP TABLE fk_l3r, fk_l3, fk_l2, fk_l1;
-- self-reference
CREATE TABLE fk_tree (id int PRIMARY KEY, parent int REFERENCES fk_tree ON DELETE CASCADE, name text);
INSERT INTO fk_tree VALUES (1, NULL, 'root'), (2, 1, 'a'), (3, 2, 'b');
-- rows of one statement may reference each other (checked at its end)
INSERT INTO fk_tree VALUES (5, 4, 'd'), (4, 1, 'c');
INSERT INTO fk_tree VALUES (6, 7, 'x');
INSERT INTO fk_tree VALUES (8, 8, 'own');
DELETE FROM fk_tree WHERE id = 2;
SELECT * FROM fk_tree ORDER BY id;
TRUNCATE fk_tree;
DROP TABLE fk_tree;
-- transactional DDL: parent, child and rows in one transaction
BEGIN;
CREATE TABLE fk_tp (id int PRIMARY KEY);
CREATE TABLE fk_tc (id int REFERENCES fk_tp);
INSERT INTO fk_tp VALUES (1);
INSERT INTO fk_tc VALUES (1);
INSERT INTO fk_tc VALUES (2);
ROLLBACK;
BEGIN;
CREATE TABLE fk_tp (id int PRIMARY KEY);
CREATE TABLE fk_tc (id int REFERENCES fk_tp);
INSERT INTO fk_tp VALUES (1);
INSERT INTO fk_tc VALUES (1);
COMMIT;
\d fk_tc
BEGIN;
ALTER TABLE fk_tc DROP CONSTRAINT fk_tc_id_fkey;
INSERT INTO fk_tc VALUES (2);
ROLLBACK;
INSERT INTO fk_tc VALUES (2);
-- ON CONFLICT and COPY go through the same checks
INSERT INTO fk_tc VALUES (3) ON CONFLICT DO NOTHING;
COPY fk_tc FROM stdin;
1
3
\.
SELECT * FROM fk_tc;
DROP TABLE fk_tp;
DROP TABLE fk_tp CASCADE;
INSERT INTO fk_tc VALUES (3);
DROP TABLE fk_tc;
-- the schema of the referenced table
CREATE SCHEMA fk_s;
CREATE TABLE fk_s.q (id int PRIMARY KEY);
CREATE TABLE fk_r (q int REFERENCES fk_s.q);
\d fk_r
DROP SCHEMA fk_s;
DROP SCHEMA fk_s CASCADE;
\d fk_r
DROP TABLE fk_r;
-- DROP TABLE of referencing and referenced tables together needs no CASCADE
CREATE TABLE fk_p (id int PRIMARY KEY);
CREATE TABLE fk_c (a int REFERENCES fk_p);
DROP TABLE fk_p, fk_c;
-- ALTER COLUMN TYPE keeps the key types comparable
CREATE TABLE fk_p (id int PRIMARY KEY);
CREATE TABLE fk_c (a int REFERENCES fk_p);
ALTER TABLE fk_c ALTER COLUMN a TYPE bigint;
ALTER TABLE fk_c ALTER COLUMN a TYPE text;
ALTER TABLE fk_p ALTER COLUMN id TYPE bigint;
INSERT INTO fk_p VALUES (1);
INSERT INTO fk_c VALUES (1);
INSERT INTO fk_c VALUES (2);
\d fk_c
DROP TABLE fk_c, fk_p;
-- NOT VALID and VALIDATE CONSTRAINT
CREATE TABLE fk_p (id int PRIMARY KEY);
CREATE TABLE fk_c (a int, FOREIGN KEY (a) REFERENCES fk_p NOT VALID);
SELECT convalidated FROM pg_constraint WHERE conname = 'fk_c_a_fkey';
DROP TABLE fk_c;
CREATE TABLE fk_c (a int);
INSERT INTO fk_p VALUES (1);
INSERT INTO fk_c VALUES (1), (2);
ALTER TABLE fk_c ADD CONSTRAINT fk_c_a_fkey FOREIGN KEY (a) REFERENCES fk_p NOT VALID;
INSERT INTO fk_c VALUES (3);
\d fk_c
SELECT convalidated, pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'fk_c_a_fkey';
ALTER TABLE fk_c VALIDATE CONSTRAINT fk_c_a_fkey;
ALTER TABLE fk_c VALIDATE CONSTRAINT fk_nope;
DELETE FROM fk_c WHERE a = 2;
ALTER TABLE fk_c VALIDATE CONSTRAINT fk_c_a_fkey;
ALTER TABLE fk_c VALIDATE CONSTRAINT fk_c_a_fkey;
SELECT convalidated FROM pg_constraint WHERE conname = 'fk_c_a_fkey';
ALTER TABLE fk_p VALIDATE CONSTRAINT fk_p_pkey;
DROP TABLE fk_c, fk_p;
-- DEFERRABLE: INITIALLY DEFERRED keys are checked at COMMIT (the NO ACTION check only)
CREATE TABLE fk_p (id int PRIMARY KEY);
CREATE TABLE fk_c (a int REFERENCES fk_p DEFERRABLE INITIALLY DEFERRED, b int);
CREATE TABLE fk_c2 (a int REFERENCES fk_p DEFERRABLE, FOREIGN KEY (a) REFERENCES fk_p DEFERRABLE INITIALLY IMMEDIATE);
CREATE TABLE fk_c3 (a int, FOREIGN KEY (a) REFERENCES fk_p INITIALLY DEFERRED);
CREATE TABLE fk_c4 (a int DEFERRABLE REFERENCES fk_p);
CREATE TABLE fk_c5 (a int REFERENCES fk_p NOT DEFERRABLE);
\d fk_c
\d fk_c2
SELECT conname, condeferrable, condeferred, pg_get_constraintdef(oid) FROM pg_constraint
  WHERE contype = 'f' AND conrelid::regclass::text LIKE 'fk_c%' ORDER BY 1;
SELECT constraint_name, is_deferrable, initially_deferred FROM information_schema.table_constraints
  WHERE constraint_type = 'FOREIGN KEY' AND table_name LIKE 'fk_c%' ORDER BY 1;
BEGIN;
INSERT INTO fk_c VALUES (1, 1);
INSERT INTO fk_p VALUES (1);
COMMIT;
BEGIN;
INSERT INTO fk_c VALUES (2, 2);
COMMIT;
BEGIN;
INSERT INTO fk_c VALUES (3, 3);
DELETE FROM fk_c WHERE a = 3;
COMMIT;
BEGIN;
DELETE FROM fk_p WHERE id = 1;
INSERT INTO fk_p VALUES (1);
COMMIT;
BEGIN;
DELETE FROM fk_p WHERE id = 1;
COMMIT;
BEGIN;
INSERT INTO fk_c VALUES (4, 4);
SAVEPOINT s;
INSERT INTO fk_c VALUES (5, 5);
ROLLBACK TO SAVEPOINT s;
INSERT INTO fk_p VALUES (4);
COMMIT;
SELECT * FROM fk_c ORDER BY a;
BEGIN;
INSERT INTO fk_c2 VALUES (7);
ROLLBACK;
-- referential actions are never deferred
CREATE TABLE fk_c6 (a int REFERENCES fk_p ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED);
INSERT INTO fk_c6 VALUES (4);
BEGIN;
DELETE FROM fk_p WHERE id = 4;
SELECT count(*) FROM fk_c6;
ROLLBACK;
DROP TABLE fk_c, fk_c2, fk_c3, fk_c5, fk_c6, fk_p;
-- cascaded and SET NULL actions recompute the child's stored generated columns
CREATE TABLE fk_gp (id int PRIMARY KEY);
CREATE TABLE fk_gc (id int PRIMARY KEY, pid int REFERENCES fk_gp ON UPDATE CASCADE ON DELETE SET NULL,
  g int GENERATED ALWAYS AS (pid * 10) STORED);
INSERT INTO fk_gp VALUES (1), (2);
INSERT INTO fk_gc (id, pid) VALUES (1, 1), (2, 2);
UPDATE fk_gp SET id = 3 WHERE id = 1;
DELETE FROM fk_gp WHERE id = 2;
SELECT * FROM fk_gc ORDER BY id;
DROP TABLE fk_gc, fk_gp;

-- ALTER TABLE: ALTER COLUMN TYPE and the other forms nodedb supports
CREATE TABLE at1 (a int PRIMARY KEY, b text, c numeric(10,2) NOT NULL CHECK (c > 0), d varchar(10) UNIQUE);
INSERT INTO at1 VALUES (1, '10', 1.5, 'x'), (2, '20', 2.25, 'yy'), (3, NULL, 3, NULL);
-- no assignment cast text -> integer: USING is needed
ALTER TABLE at1 ALTER COLUMN b TYPE int;
ALTER TABLE at1 ALTER COLUMN b TYPE int USING b::int;
SELECT * FROM at1 ORDER BY a;
-- several subcommands in one statement; SET DATA TYPE spelling
ALTER TABLE at1 ALTER b SET DATA TYPE bigint, ALTER COLUMN c TYPE numeric(12,3);
SELECT * FROM at1 ORDER BY a;
\d at1
-- the primary key changes its encoding: text keys sort as text
ALTER TABLE at1 ALTER COLUMN a TYPE text;
INSERT INTO at1 VALUES ('10', 5, 5, 'z');
SELECT * FROM at1 ORDER BY a;
SELECT * FROM at1 WHERE a = '2';
INSERT INTO at1 VALUES ('1', 5, 5, 'w');
-- and back, with USING
ALTER TABLE at1 ALTER COLUMN a TYPE int USING a::int;
SELECT * FROM at1 ORDER BY a;
SELECT * FROM at1 WHERE a = 10;
-- the unique index on d is rebuilt
ALTER TABLE at1 ALTER COLUMN d TYPE int USING length(d);
SELECT * FROM at1 ORDER BY a;
INSERT INTO at1 VALUES (11, 1, 1, 2);
ALTER TABLE at1 ALTER COLUMN d TYPE int USING 7;
-- constraints are re-checked over the rewritten rows
ALTER TABLE at1 ALTER COLUMN c TYPE int USING c - 5;
ALTER TABLE at1 ALTER COLUMN c TYPE int USING NULL;
ALTER TABLE at1 ALTER COLUMN a TYPE int USING 1;
ALTER TABLE at1 ALTER COLUMN c TYPE int;
SELECT * FROM at1 ORDER BY a;
-- USING errors
ALTER TABLE at1 ALTER COLUMN a TYPE bool USING a::text;
ALTER TABLE at1 ALTER COLUMN a TYPE int USING zz;
ALTER TABLE at1 ALTER COLUMN b TYPE date;
ALTER TABLE at1 ALTER COLUMN zz TYPE int;
ALTER TABLE at1 ALTER COLUMN b TYPE int USING (SELECT 1);
ALTER TABLE at1 ALTER COLUMN b TYPE int USING sum(b);
-- COLLATE
ALTER TABLE at1 ALTER COLUMN d TYPE varchar(3) COLLATE "C";
ALTER TABLE at1 ALTER COLUMN c TYPE int COLLATE "C";
SELECT attname, format_type(atttypid, atttypmod), attcollation <> 0 AS collatable, attnotnull FROM pg_attribute
 WHERE attrelid = 'at1'::regclass AND attnum > 0 ORDER BY attnum;
\d at1_d_key
-- values that do not fit the new type
ALTER TABLE at1 ALTER COLUMN d TYPE varchar(1);
ALTER TABLE at1 ALTER COLUMN b TYPE smallint USING b * 10000;
-- defaults are kept when they can be cast
CREATE TABLE at3 (a int, b int DEFAULT 42, c text DEFAULT 'abc');
INSERT INTO at3 (a) VALUES (1);
ALTER TABLE at3 ALTER COLUMN b TYPE bigint;
ALTER TABLE at3 ALTER COLUMN b TYPE text;
INSERT INTO at3 (a) VALUES (2);
ALTER TABLE at3 ALTER COLUMN c TYPE int USING 0;
ALTER TABLE at3 ALTER COLUMN b TYPE int USING b::int;
SELECT * FROM at3 ORDER BY a;
\d at3
-- columns used by generated columns and views
CREATE TABLE at2 (a int, b int GENERATED ALWAYS AS (a * 2) STORED);
INSERT INTO at2 VALUES (1), (2);
ALTER TABLE at2 ALTER COLUMN a TYPE bigint;
ALTER TABLE at2 ALTER COLUMN b TYPE bigint USING b + 1;
ALTER TABLE at2 ALTER COLUMN b TYPE numeric;
SELECT * FROM at2 ORDER BY a;
CREATE VIEW at_v AS SELECT a FROM at3;
ALTER TABLE at3 ALTER COLUMN a TYPE bigint;
DROP VIEW at_v;
ALTER TABLE at3 ALTER COLUMN a TYPE bigint;
-- transactional: ROLLBACK restores the rows and the type
BEGIN;
ALTER TABLE at3 ALTER COLUMN a TYPE text USING 'x' || a;
SELECT * FROM at3 ORDER BY a;
ROLLBACK;
SELECT * FROM at3 ORDER BY a;
\d at3
BEGIN;
ALTER TABLE at3 ALTER COLUMN a TYPE numeric;
SAVEPOINT s1;
ALTER TABLE at3 ALTER COLUMN a TYPE text;
ROLLBACK TO SAVEPOINT s1;
UPDATE at3 SET a = a / 4;
COMMIT;
SELECT * FROM at3 ORDER BY a;
-- several ALTER TYPE subcommands: every USING reads the row as it was before the statement
CREATE TABLE at6 (a int PRIMARY KEY, b text);
INSERT INTO at6 VALUES (1, 'one'), (2, 'two');
ALTER TABLE at6 ALTER COLUMN a TYPE text USING a || '-' || b, ALTER COLUMN b TYPE int USING a * 10;
SELECT * FROM at6 ORDER BY a;
ALTER TABLE at6 ALTER COLUMN b TYPE bigint, ALTER COLUMN b TYPE text;
DROP TABLE at6;
-- a table without a primary key
CREATE TABLE at4 (a numeric, b text);
INSERT INTO at4 VALUES (1.4, 'p'), (2.6, 'q'), (NULL, 'r');
CREATE INDEX at4_a ON at4 (a);
ALTER TABLE at4 ALTER COLUMN a TYPE int;
SELECT * FROM at4 WHERE a = 3;
SELECT * FROM at4 ORDER BY a;
-- SET/DROP DEFAULT, SET/DROP NOT NULL
ALTER TABLE at4 ALTER COLUMN b SET DEFAULT 'dflt';
INSERT INTO at4 (a) VALUES (9);
ALTER TABLE at4 ALTER COLUMN b DROP DEFAULT;
INSERT INTO at4 (a) VALUES (10);
ALTER TABLE at4 ALTER COLUMN b SET NOT NULL;
DELETE FROM at4 WHERE b IS NULL;
ALTER TABLE at4 ALTER COLUMN b SET NOT NULL;
INSERT INTO at4 (a) VALUES (11);
ALTER TABLE at4 ALTER COLUMN b DROP NOT NULL;
INSERT INTO at4 (a) VALUES (11);
ALTER TABLE at4 ALTER COLUMN zz SET NOT NULL;
-- ADD/DROP COLUMN, RENAME, constraints
ALTER TABLE at4 ADD COLUMN c int DEFAULT 5 CHECK (c > 0);
ALTER TABLE at4 ADD COLUMN IF NOT EXISTS c int;
ALTER TABLE at4 ADD COLUMN c int;
ALTER TABLE at4 RENAME COLUMN c TO c2;
ALTER TABLE at4 RENAME TO at5;
ALTER TABLE at5 ADD CONSTRAINT at5_a_pos CHECK (a > 0);
ALTER TABLE at5 ADD CONSTRAINT at5_a_big CHECK (a > 5);
ALTER TABLE at5 RENAME CONSTRAINT at5_a_pos TO at5_a_positive;
ALTER TABLE at5 ADD PRIMARY KEY (a);
DELETE FROM at5 WHERE a IS NULL OR a = 11;
ALTER TABLE at5 ADD PRIMARY KEY (a);
ALTER TABLE at5 ADD UNIQUE (b);
ALTER TABLE at5 DROP CONSTRAINT at5_a_positive;
ALTER TABLE at5 DROP CONSTRAINT IF EXISTS at5_a_positive;
ALTER TABLE at5 DROP COLUMN c2;
ALTER TABLE at5 DROP COLUMN IF EXISTS c2;
ALTER TABLE IF EXISTS at_missing ADD COLUMN x int;
\d at5
SELECT * FROM at5 ORDER BY a;
-- RENAME COLUMN: CHECK constraints and generation expressions follow the new name
CREATE TABLE at7 (a int CONSTRAINT a_pos CHECK (a > 0), b int GENERATED ALWAYS AS (a * 2) STORED, c int, CHECK (c > a));
COMMENT ON CONSTRAINT a_pos ON at7 IS 'positive';
INSERT INTO at7 VALUES (1, DEFAULT, 2);
ALTER TABLE at7 RENAME COLUMN a TO z;
INSERT INTO at7 VALUES (2, DEFAULT, 3);
INSERT INTO at7 VALUES (0, DEFAULT, 3);
INSERT INTO at7 VALUES (5, DEFAULT, 3);
SELECT * FROM at7 ORDER BY z;
\d at7
SELECT conname, obj_description(oid, 'pg_constraint') FROM pg_constraint WHERE conrelid = 'at7'::regclass ORDER BY conname;
DROP TABLE at7;
DROP TABLE at1, at2, at3, at5;

-- Stored generated columns: GENERATED ALWAYS AS (expr) STORED
CREATE TABLE gtest1 (a int PRIMARY KEY, b int GENERATED ALWAYS AS (a * 2) STORED);
INSERT INTO gtest1 VALUES (1);
INSERT INTO gtest1 VALUES (2, DEFAULT);
INSERT INTO gtest1 (a) VALUES (3) RETURNING *;
SELECT * FROM gtest1 ORDER BY a;
-- explicit values are rejected
INSERT INTO gtest1 VALUES (4, 8);
INSERT INTO gtest1 (a, b) VALUES (4, 8);
INSERT INTO gtest1 (a, b) SELECT 4, 8;
INSERT INTO gtest1 (b, a) VALUES (DEFAULT, 4);
UPDATE gtest1 SET b = 11 WHERE a = 1;
UPDATE gtest1 SET b = DEFAULT WHERE a = 1;
-- recomputed on every update
UPDATE gtest1 SET a = 10 WHERE a = 1 RETURNING *;
UPDATE gtest1 SET a = a + 100, b = DEFAULT WHERE a = 2 RETURNING a, b;
INSERT INTO gtest1 VALUES (3) ON CONFLICT (a) DO UPDATE SET a = 30 RETURNING *;
INSERT INTO gtest1 VALUES (5) ON CONFLICT (a) DO UPDATE SET a = excluded.b RETURNING *;
INSERT INTO gtest1 VALUES (4) ON CONFLICT (a) DO NOTHING;
SELECT * FROM gtest1 ORDER BY a;
-- the expression is checked at CREATE TABLE
CREATE TABLE gtest_err_1 (a int PRIMARY KEY, b int GENERATED ALWAYS AS (b * 2) STORED);
CREATE TABLE gtest_err_2 (a int PRIMARY KEY, b int GENERATED ALWAYS AS (a * 2) STORED, c int GENERATED ALWAYS AS (b * 3) STORED);
CREATE TABLE gtest_err_3 (a int PRIMARY KEY, b int GENERATED ALWAYS AS (c * 2) STORED);
CREATE TABLE gtest_err_4 (a int PRIMARY KEY, b float8 GENERATED ALWAYS AS (random()) STORED);
CREATE TABLE gtest_err_5 (a int PRIMARY KEY, b timestamptz GENERATED ALWAYS AS (now()) STORED);
CREATE TABLE gtest_err_6 (a int PRIMARY KEY, b int GENERATED ALWAYS AS (avg(a)) STORED);
CREATE TABLE gtest_err_7 (a int PRIMARY KEY, b int GENERATED ALWAYS AS ((SELECT a)) STORED);
CREATE TABLE gtest_err_8 (a int PRIMARY KEY, b int DEFAULT 5 GENERATED ALWAYS AS (a * 2) STORED);
CREATE TABLE gtest_err_9 (a int PRIMARY KEY, b int GENERATED ALWAYS AS IDENTITY GENERATED ALWAYS AS (a * 2) STORED);
CREATE TABLE gtest_err_10 (a int PRIMARY KEY, b int GENERATED ALWAYS AS (xmin) STORED);
CREATE TABLE gtest_err_11 (a int, b int GENERATED ALWAYS AS ('x' || a) STORED);
-- an assignment cast to the column type is fine
CREATE TABLE gtest4 (a int, b text GENERATED ALWAYS AS (a) STORED, c numeric GENERATED ALWAYS AS (a / 2) STORED);
INSERT INTO gtest4 VALUES (7), (NULL);
SELECT * FROM gtest4 ORDER BY a;
-- catalog
SELECT attname, attgenerated, atthasdef FROM pg_attribute WHERE attrelid = 'gtest1'::regclass AND attnum > 0 ORDER BY attnum;
SELECT pg_get_expr(adbin, adrelid), pg_get_expr(adbin, adrelid, true) FROM pg_attrdef WHERE adrelid = 'gtest1'::regclass;
SELECT column_name, is_generated, generation_expression, column_default FROM information_schema.columns WHERE table_name = 'gtest1' ORDER BY ordinal_position;
\d gtest1
-- ALTER TABLE
ALTER TABLE gtest1 DROP COLUMN a;
ALTER TABLE gtest1 ALTER COLUMN b SET DEFAULT 1;
ALTER TABLE gtest1 ALTER COLUMN b DROP DEFAULT;
ALTER TABLE gtest1 ALTER COLUMN a DROP EXPRESSION;
ALTER TABLE gtest1 ALTER COLUMN a DROP EXPRESSION IF EXISTS;
ALTER TABLE gtest1 ADD COLUMN c int GENERATED ALWAYS AS (a + 100) STORED NOT NULL;
SELECT * FROM gtest1 ORDER BY a;
ALTER TABLE gtest1 ADD COLUMN d int GENERATED ALWAYS AS (CASE WHEN a > 10 THEN NULL ELSE a END) STORED NOT NULL;
ALTER TABLE gtest1 ADD COLUMN d int GENERATED ALWAYS AS (a + 1) STORED CHECK (d < 20);
ALTER TABLE gtest1 ADD COLUMN d int GENERATED ALWAYS AS (c * 2) STORED;
ALTER TABLE gtest1 ALTER COLUMN c DROP EXPRESSION;
INSERT INTO gtest1 VALUES (7, DEFAULT, 1);
SELECT * FROM gtest1 ORDER BY a;
\d gtest1
-- NOT NULL, CHECK, UNIQUE and indexes on generated columns
CREATE TABLE gtest2 (a int, b int, c int GENERATED ALWAYS AS (a + b) STORED UNIQUE CHECK (c < 100));
INSERT INTO gtest2 VALUES (1, 2), (3, 4);
INSERT INTO gtest2 VALUES (2, 1);
INSERT INTO gtest2 VALUES (50, 60);
CREATE INDEX gtest2_c ON gtest2 (c);
SELECT * FROM gtest2 WHERE c = 7;
UPDATE gtest2 SET b = 5 WHERE a = 3;
UPDATE gtest2 SET b = 500 WHERE a = 3;
SELECT * FROM gtest2 ORDER BY a;
UPDATE gtest2 t SET a = s.x FROM (VALUES (1, 10)) s(y, x) WHERE t.a = s.y;
SELECT * FROM gtest2 ORDER BY a;
COPY gtest2 FROM stdin;
5	6
\.
COPY gtest2 (b, a) FROM stdin;
1	40
\.
COPY gtest2 (a, c) FROM stdin;
SELECT * FROM gtest2 ORDER BY a;
CREATE TABLE gtest3 (a int, b int GENERATED ALWAYS AS (a * 2) STORED NOT NULL);
INSERT INTO gtest3 VALUES (1);
INSERT INTO gtest3 VALUES (NULL);
SELECT * FROM gtest3;
-- DROP COLUMN of a referenced column needs CASCADE
ALTER TABLE gtest2 DROP COLUMN b;
ALTER TABLE gtest2 DROP COLUMN b CASCADE;
\d gtest2
SELECT * FROM gtest2 ORDER BY a;
-- transactional: ROLLBACK leaves no trace
CREATE TABLE gtest5 (a int);
INSERT INTO gtest5 VALUES (1), (2);
BEGIN;
ALTER TABLE gtest5 ADD COLUMN b int GENERATED ALWAYS AS (a * 10) STORED;
SELECT * FROM gtest5 ORDER BY a;
ROLLBACK;
SELECT * FROM gtest5 ORDER BY a;
-- RENAME COLUMN keeps generation expressions working; COPY TO leaves generated columns out
CREATE TABLE gtest6 (a int, b int GENERATED ALWAYS AS (a * 2 + gtest6.a) STORED, c int);
INSERT INTO gtest6 VALUES (1);
ALTER TABLE gtest6 RENAME COLUMN a TO z;
INSERT INTO gtest6 VALUES (2);
SELECT * FROM gtest6 ORDER BY z;
\d gtest6
COPY gtest6 TO stdout;
COPY gtest6 (z, c) TO stdout;
COPY gtest6 (z, b) TO stdout;
COPY (SELECT * FROM gtest6) TO stdout;
ALTER TABLE gtest6 DROP COLUMN z CASCADE;
DROP TABLE gtest1, gtest2, gtest3, gtest4, gtest5, gtest6;

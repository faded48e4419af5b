--
-- errors: syntax errors with positions, unknown objects, constraint violations, the session survives
--
\set VERBOSITY default
SELEC 1;
SELECT 1 +;
SELECT * FROM;
CREATE TABLE (id int);
SELECT 1;

CREATE TABLE err_t (id int PRIMARY KEY, n int NOT NULL, c int CHECK (c > 0), u text UNIQUE);
INSERT INTO err_t VALUES (1, 1, 1, 'a');

-- undefined objects
SELECT * FROM err_nosuch;
SELECT nosuch FROM err_t;
SELECT err_t.nosuch FROM err_t;
SELECT nosuchfunc(1);
DROP TABLE err_nosuch;
ALTER TABLE err_nosuch ADD COLUMN x int;
INSERT INTO err_t (nosuch) VALUES (1);

-- constraint violations with details
INSERT INTO err_t VALUES (1, 2, 2, 'b');
INSERT INTO err_t VALUES (2, NULL, 2, 'b');
INSERT INTO err_t VALUES (2, 2, 0, 'b');
INSERT INTO err_t VALUES (2, 2, 2, 'a');
UPDATE err_t SET n = NULL;
UPDATE err_t SET c = -5 WHERE id = 1;

-- data errors
SELECT 'abc'::int;
SELECT 99999999999::int4;
SELECT 1 / 0;
SELECT 1.5 / 0;
SELECT 'x'::uuid;
SELECT '2024-13-01'::date;
SELECT 'abcdef'::varchar(2) || 'x';
INSERT INTO err_t VALUES (3, 3, 3, NULL), (4, 'four', 4, NULL);

-- type errors
SELECT 1 + 'a'::text;
SELECT true + 1;
SELECT id FROM err_t WHERE n;

-- ambiguity and grouping
SELECT id FROM err_t a, err_t b;
SELECT n, count(*) FROM err_t GROUP BY c;

-- duplicate objects
CREATE TABLE err_t (id int);
ALTER TABLE err_t ADD COLUMN n int;
CREATE TABLE err_dup (a int, a text);

-- the session still works after all of that, and nothing was half applied
SELECT * FROM err_t ORDER BY id;

-- terse and sqlstate verbosity
\set VERBOSITY terse
SELECT * FROM err_nosuch;
\set VERBOSITY sqlstate
SELECT * FROM err_nosuch;
INSERT INTO err_t VALUES (1, 1, 1, 'z');
\set VERBOSITY default

DROP TABLE err_t;

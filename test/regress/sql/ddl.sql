--
-- ddl: CREATE/DROP/ALTER TABLE, constraints, indexes, schemas, TRUNCATE
--
CREATE TABLE ddl_t (id int PRIMARY KEY, name text NOT NULL, qty int DEFAULT 0);
CREATE TABLE ddl_t (id int);
CREATE TABLE IF NOT EXISTS ddl_t (id int);
INSERT INTO ddl_t (id, name) VALUES (1, 'one'), (2, 'two');
SELECT * FROM ddl_t ORDER BY id;

-- ADD / DROP / RENAME COLUMN
ALTER TABLE ddl_t ADD COLUMN note text;
ALTER TABLE ddl_t ADD COLUMN flag bool DEFAULT true;
SELECT * FROM ddl_t ORDER BY id;
ALTER TABLE ddl_t RENAME COLUMN note TO remark;
UPDATE ddl_t SET remark = 'r' || id;
SELECT id, remark, flag FROM ddl_t ORDER BY id;
ALTER TABLE ddl_t DROP COLUMN remark;
SELECT * FROM ddl_t ORDER BY id;
ALTER TABLE ddl_t DROP COLUMN nosuch;
ALTER TABLE ddl_t ADD COLUMN name text;

-- RENAME TABLE
ALTER TABLE ddl_t RENAME TO ddl_renamed;
SELECT count(*) FROM ddl_t;
SELECT count(*) FROM ddl_renamed;
ALTER TABLE ddl_renamed RENAME TO ddl_t;

-- UNIQUE, CHECK, NOT NULL, named constraints
CREATE TABLE ddl_c (
  id int PRIMARY KEY,
  email text UNIQUE,
  age int CHECK (age >= 0),
  code text NOT NULL,
  CONSTRAINT code_len CHECK (length(code) = 3)
);
INSERT INTO ddl_c VALUES (1, 'a@x', 30, 'abc');
INSERT INTO ddl_c VALUES (2, 'a@x', 31, 'abd');
INSERT INTO ddl_c VALUES (3, 'b@x', -1, 'abe');
INSERT INTO ddl_c VALUES (4, 'c@x', 1, 'abcd');
INSERT INTO ddl_c VALUES (5, 'd@x', 1, NULL);
INSERT INTO ddl_c VALUES (1, 'e@x', 1, 'xyz');
INSERT INTO ddl_c VALUES (6, NULL, NULL, 'nul'), (7, NULL, NULL, 'nu2');
SELECT * FROM ddl_c ORDER BY id;

-- ADD PRIMARY KEY / ADD CONSTRAINT on an existing table
CREATE TABLE ddl_nopk (a int, b text);
INSERT INTO ddl_nopk VALUES (1, 'x'), (2, 'y');
ALTER TABLE ddl_nopk ADD PRIMARY KEY (a);
INSERT INTO ddl_nopk VALUES (1, 'dup');
ALTER TABLE ddl_nopk ADD CONSTRAINT b_short CHECK (length(b) < 5);
INSERT INTO ddl_nopk VALUES (3, 'too long');
ALTER TABLE ddl_nopk ADD CONSTRAINT b_uniq UNIQUE (b);
INSERT INTO ddl_nopk VALUES (4, 'x');
SELECT * FROM ddl_nopk ORDER BY a;

-- indexes: plain, unique, multi-column, backfilled over existing rows
CREATE TABLE ddl_i (id int PRIMARY KEY, a int, b text);
INSERT INTO ddl_i VALUES
  (1, 1, 'v1'),
  (2, 2, 'v2'),
  (3, 3, 'v3'),
  (4, 4, 'v4'),
  (5, 5, 'v5'),
  (6, 6, 'v6'),
  (7, 7, 'v7'),
  (8, 8, 'v8'),
  (9, 9, 'v9'),
  (10, 0, 'v10'),
  (11, 1, 'v11'),
  (12, 2, 'v12'),
  (13, 3, 'v13'),
  (14, 4, 'v14'),
  (15, 5, 'v15'),
  (16, 6, 'v16'),
  (17, 7, 'v17'),
  (18, 8, 'v18'),
  (19, 9, 'v19'),
  (20, 0, 'v20'),
  (21, 1, 'v21'),
  (22, 2, 'v22'),
  (23, 3, 'v23'),
  (24, 4, 'v24'),
  (25, 5, 'v25'),
  (26, 6, 'v26'),
  (27, 7, 'v27'),
  (28, 8, 'v28'),
  (29, 9, 'v29'),
  (30, 0, 'v30'),
  (31, 1, 'v31'),
  (32, 2, 'v32'),
  (33, 3, 'v33'),
  (34, 4, 'v34'),
  (35, 5, 'v35'),
  (36, 6, 'v36'),
  (37, 7, 'v37'),
  (38, 8, 'v38'),
  (39, 9, 'v39'),
  (40, 0, 'v40'),
  (41, 1, 'v41'),
  (42, 2, 'v42'),
  (43, 3, 'v43'),
  (44, 4, 'v44'),
  (45, 5, 'v45'),
  (46, 6, 'v46'),
  (47, 7, 'v47'),
  (48, 8, 'v48'),
  (49, 9, 'v49'),
  (50, 0, 'v50'),
  (51, 1, 'v51'),
  (52, 2, 'v52'),
  (53, 3, 'v53'),
  (54, 4, 'v54'),
  (55, 5, 'v55'),
  (56, 6, 'v56'),
  (57, 7, 'v57'),
  (58, 8, 'v58'),
  (59, 9, 'v59'),
  (60, 0, 'v60');
CREATE INDEX ddl_i_a ON ddl_i (a);
CREATE UNIQUE INDEX ddl_i_b ON ddl_i (b);
CREATE INDEX ddl_i_ab ON ddl_i (a, b);
SELECT id, b FROM ddl_i WHERE a = 3 ORDER BY id;
SELECT id FROM ddl_i WHERE b = 'v42';
INSERT INTO ddl_i VALUES (101, 1, 'v42');
-- a unique index over existing duplicates fails (one duplicated key, so the reported key is defined)
CREATE TABLE ddl_dup (id int PRIMARY KEY, k int);
INSERT INTO ddl_dup VALUES (1, 10), (2, 20), (3, 10);
CREATE UNIQUE INDEX ddl_dup_k ON ddl_dup (k);
INSERT INTO ddl_dup VALUES (4, 20);
DROP TABLE ddl_dup;
CREATE INDEX ddl_i_a ON ddl_i (b);
CREATE INDEX IF NOT EXISTS ddl_i_a ON ddl_i (b);
DROP INDEX ddl_i_ab;
DROP INDEX ddl_i_ab;
DROP INDEX IF EXISTS ddl_i_ab;
SELECT count(*) FROM ddl_i WHERE a = 3 AND b >= 'v5';

-- schemas
CREATE SCHEMA ddl_s;
CREATE TABLE ddl_s.t (id int PRIMARY KEY, v text);
INSERT INTO ddl_s.t VALUES (1, 'in schema');
SELECT * FROM ddl_s.t;
SELECT * FROM t;
CREATE SCHEMA ddl_s;
DROP TABLE ddl_s.t;
DROP SCHEMA ddl_s;

-- TRUNCATE
TRUNCATE ddl_i;
SELECT count(*) FROM ddl_i;
INSERT INTO ddl_i VALUES (1, 1, 'again');
SELECT * FROM ddl_i;

-- VACUUM and ANALYZE
VACUUM ddl_i;
ANALYZE ddl_i;
VACUUM;
ANALYZE;

-- DROP TABLE
DROP TABLE ddl_t, ddl_c;
DROP TABLE ddl_nopk;
DROP TABLE ddl_i;
DROP TABLE ddl_i;
DROP TABLE IF EXISTS ddl_i;
SELECT * FROM ddl_t;

--
-- transactional_ddl: DDL inside BEGIN is visible to later statements of the same transaction,
-- applied on COMMIT, discarded on ROLLBACK or an aborting error
--
BEGIN;
CREATE TABLE tddl_a (id int PRIMARY KEY, v text);
INSERT INTO tddl_a VALUES (1, 'created and filled in one transaction');
SELECT * FROM tddl_a;
COMMIT;
SELECT * FROM tddl_a;

-- ROLLBACK discards both the DDL and the data
BEGIN;
CREATE TABLE tddl_b (id int PRIMARY KEY);
INSERT INTO tddl_b VALUES (1);
ALTER TABLE tddl_a ADD COLUMN extra int DEFAULT 7;
SELECT * FROM tddl_a;
ROLLBACK;
SELECT * FROM tddl_b;
SELECT * FROM tddl_a;

-- an error discards the DDL too
BEGIN;
CREATE TABLE tddl_c (id int PRIMARY KEY);
INSERT INTO tddl_c VALUES (1), (1);
COMMIT;
SELECT * FROM tddl_c;

-- several DDL statements and data writes commit together
BEGIN;
CREATE TABLE tddl_d (id int PRIMARY KEY, n int);
CREATE INDEX tddl_d_n ON tddl_d (n);
INSERT INTO tddl_d VALUES (1, 10), (2, 20);
ALTER TABLE tddl_d ADD COLUMN label text;
UPDATE tddl_d SET label = 'n=' || n;
ALTER TABLE tddl_a RENAME COLUMN v TO val;
COMMIT;
SELECT * FROM tddl_d ORDER BY id;
SELECT id FROM tddl_d WHERE n = 20;
SELECT id, val FROM tddl_a;

-- DROP inside a transaction, rolled back
BEGIN;
DROP TABLE tddl_d;
SELECT * FROM tddl_d;
ROLLBACK;
SELECT count(*) FROM tddl_d;

-- DROP and re-create under the same name in one transaction
BEGIN;
DROP TABLE tddl_d;
CREATE TABLE tddl_d (id int PRIMARY KEY, other text);
INSERT INTO tddl_d VALUES (5, 'new shape');
COMMIT;
SELECT * FROM tddl_d;

-- savepoint around DDL
BEGIN;
CREATE TABLE tddl_e (id int);
SAVEPOINT s1;
CREATE TABLE tddl_f (id int);
ROLLBACK TO s1;
SELECT * FROM tddl_f;
ROLLBACK TO s1;
INSERT INTO tddl_e VALUES (1);
COMMIT;
SELECT * FROM tddl_e;
SELECT * FROM tddl_f;

-- a DDL error inside a transaction aborts it
BEGIN;
CREATE TABLE tddl_a (id int);
CREATE TABLE tddl_g (id int);
ROLLBACK;
SELECT * FROM tddl_g;

DROP TABLE tddl_a;
DROP TABLE tddl_d;
DROP TABLE tddl_e;

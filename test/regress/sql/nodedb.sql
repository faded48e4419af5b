--
-- nodedb: statements of our own. The expected output is written by hand (see DIFFERENCES.md):
-- PostgreSQL accepts any value for a custom "nodedb.*" setting and has no SHOW SCHEMA VERSION.
-- Errors print only their SQLSTATE, so the test pins behaviour, not message wording.
--
\set VERBOSITY sqlstate
SHOW nodedb.read_consistency;
SET nodedb.read_consistency = 'eventual';
SHOW nodedb.read_consistency;
SET nodedb.read_consistency TO 'bounded_staleness:5';
SHOW nodedb.read_consistency;
SET nodedb.read_consistency = strong;
SHOW nodedb.read_consistency;
RESET nodedb.read_consistency;
SHOW nodedb.read_consistency;

-- rejected values: 22023, and the session keeps its previous level
SET nodedb.read_consistency TO 'eventual';
SET nodedb.read_consistency = 'bogus';
SET nodedb.read_consistency = 'bounded_staleness:0';
SET nodedb.read_consistency = 'bounded_staleness:-3';
SET nodedb.read_consistency = 'bounded_staleness:abc';
SET nodedb.read_consistency = 'bounded_staleness';
SET nodedb.read_consistency = '';
SHOW nodedb.read_consistency;

-- a rejected SET inside a transaction aborts it, and ROLLBACK leaves the level unchanged
BEGIN;
SET nodedb.read_consistency = 'strong';
SET nodedb.read_consistency = 'sometimes';
ROLLBACK;
SHOW nodedb.read_consistency;
RESET nodedb.read_consistency;

-- reads answer at every level (one node: the only replica)
CREATE TABLE nodedb_t (id int PRIMARY KEY, v text);
INSERT INTO nodedb_t VALUES (1, 'one'), (2, 'two');
SET nodedb.read_consistency = 'eventual';
SELECT * FROM nodedb_t ORDER BY id;
SET nodedb.read_consistency = 'bounded_staleness:10';
SELECT v FROM nodedb_t WHERE id = 2;
RESET nodedb.read_consistency;
SELECT count(*) FROM nodedb_t;

-- at connect time through options=-c
\c "options='-c nodedb.read_consistency=eventual'"
\set VERBOSITY sqlstate
SHOW nodedb.read_consistency;
\c "options='-c nodedb.read_consistency=bounded_staleness:30'"
\set VERBOSITY sqlstate
SHOW nodedb.read_consistency;

-- SHOW SCHEMA VERSION: one bump per committed DDL transaction, none for ROLLBACK or a failed DDL
SHOW SCHEMA VERSION \gset v0_
BEGIN;
CREATE TABLE nodedb_a (id int PRIMARY KEY);
CREATE INDEX nodedb_a_idx ON nodedb_a (id);
COMMIT;
SHOW SCHEMA VERSION \gset v1_
BEGIN;
CREATE TABLE nodedb_b (id int);
ROLLBACK;
CREATE TABLE nodedb_a (id int);
SHOW SCHEMA VERSION \gset v2_
SELECT (:v1_schema_version)::int8 - (:v0_schema_version)::int8 AS bumps_after_commit,
       (:v2_schema_version)::int8 - (:v1_schema_version)::int8 AS bumps_after_rollback_and_error;

DROP TABLE nodedb_a;
DROP TABLE nodedb_t;

--
-- updatable_views: INSERT/UPDATE/DELETE through automatically updatable views
-- (a subset of PostgreSQL's updatable_views.sql)
--
CREATE TABLE base_tbl (a int PRIMARY KEY, b text DEFAULT 'Unspecified');
INSERT INTO base_tbl SELECT i, 'Row ' || i FROM generate_series(-2, 2) g(i);

CREATE VIEW ro_view1 AS SELECT DISTINCT a, b FROM base_tbl; -- DISTINCT not supported
CREATE VIEW ro_view2 AS SELECT a, b FROM base_tbl GROUP BY a, b; -- GROUP BY not supported
CREATE VIEW ro_view3 AS SELECT 1 FROM base_tbl HAVING max(a) > 0; -- HAVING not supported
CREATE VIEW ro_view4 AS SELECT count(*) FROM base_tbl; -- Aggregate functions not supported
CREATE VIEW ro_view5 AS SELECT a, rank() OVER() FROM base_tbl; -- Window functions not supported
CREATE VIEW ro_view6 AS SELECT a, b FROM base_tbl UNION SELECT -a, b FROM base_tbl; -- Set ops not supported
CREATE VIEW ro_view7 AS WITH t AS (SELECT a, b FROM base_tbl) SELECT * FROM t; -- WITH not supported
CREATE VIEW ro_view8 AS SELECT a, b FROM base_tbl ORDER BY a OFFSET 1; -- OFFSET not supported
CREATE VIEW ro_view9 AS SELECT a, b FROM base_tbl ORDER BY a LIMIT 1; -- LIMIT not supported
CREATE VIEW ro_view10 AS SELECT 1 AS a; -- No base relations
CREATE VIEW ro_view11 AS SELECT b1.a, b2.b FROM base_tbl b1, base_tbl b2; -- Multiple base relations
CREATE VIEW ro_view12 AS SELECT * FROM generate_series(1, 10) AS g(a); -- SRF in rangetable
CREATE VIEW ro_view13 AS SELECT a, b FROM (SELECT * FROM base_tbl) AS t; -- Subselect in rangetable
CREATE VIEW rw_view14 AS SELECT a, b, a + 1 AS c FROM base_tbl; -- Some updatable columns
CREATE VIEW rw_view15 AS SELECT a, upper(b) FROM base_tbl; -- Expression/function may be part of an updatable view
CREATE VIEW rw_view16 AS SELECT a, b, a AS aa FROM base_tbl; -- Repeated column may be part of an updatable view
CREATE VIEW ro_view17 AS SELECT * FROM ro_view1; -- Base relation not updatable
CREATE VIEW ro_view20 AS SELECT a + 1 AS x, b || '!' AS y FROM base_tbl; -- No updatable columns

SELECT table_name, is_insertable_into
  FROM information_schema.tables
 WHERE table_name LIKE E'r_\\_view%'
 ORDER BY table_name;

SELECT table_name, is_updatable, is_insertable_into
  FROM information_schema.views
 WHERE table_name LIKE E'r_\\_view%'
 ORDER BY table_name;

SELECT table_name, column_name, is_updatable
  FROM information_schema.columns
 WHERE table_name LIKE E'r_\\_view%'
 ORDER BY table_name, ordinal_position;

-- Read-only views
DELETE FROM ro_view1;
DELETE FROM ro_view2;
DELETE FROM ro_view3;
DELETE FROM ro_view4;
DELETE FROM ro_view5;
DELETE FROM ro_view6;
UPDATE ro_view7 SET a = a + 1;
UPDATE ro_view8 SET a = a + 1;
UPDATE ro_view9 SET a = a + 1;
UPDATE ro_view10 SET a = a + 1;
UPDATE ro_view11 SET a = a + 1;
UPDATE ro_view12 SET a = a + 1;
INSERT INTO ro_view13 VALUES (3, 'Row 3');
INSERT INTO ro_view17 VALUES (3, 'ROW 3');
INSERT INTO ro_view20 VALUES (3, 'ROW 3');
UPDATE ro_view20 SET x = 3;

-- Partially updatable view
INSERT INTO rw_view14 VALUES (3, 'ROW 3', 4); -- should fail
INSERT INTO rw_view14 (a, b) VALUES (3, 'Row 3'); -- should be OK
UPDATE rw_view14 SET c = 1000 WHERE a = 3; -- should fail
UPDATE rw_view14 SET b = 'ROW 3' WHERE a = 3; -- should be OK
SELECT * FROM base_tbl ORDER BY a;
DELETE FROM rw_view14 WHERE c = 4; -- should be OK
SELECT * FROM base_tbl ORDER BY a;

-- Partially updatable view with an expression column
INSERT INTO rw_view15 VALUES (3, 'ROW 3'); -- should fail
INSERT INTO rw_view15 (a) VALUES (3); -- should be OK
UPDATE rw_view15 SET upper = 'ROW 3' WHERE a = 3; -- should fail
UPDATE rw_view15 SET a = 4 WHERE a = 3 RETURNING *; -- should be OK
SELECT * FROM rw_view15 ORDER BY a;
DELETE FROM rw_view15 WHERE a = 4 RETURNING *;

-- Partially updatable view with repeated column
INSERT INTO rw_view16 VALUES (3, 'Row 3', 3); -- should fail
INSERT INTO rw_view16 (a, b) VALUES (3, 'Row 3'); -- should be OK
UPDATE rw_view16 SET a = 3, aa = -3 WHERE a = 3; -- should fail
UPDATE rw_view16 SET aa = -3 WHERE a = 3; -- should be OK
SELECT * FROM base_tbl ORDER BY a;
DELETE FROM rw_view16 WHERE a = -3; -- should be OK
SELECT * FROM base_tbl ORDER BY a;

DROP VIEW ro_view17, ro_view1, ro_view2, ro_view3, ro_view4, ro_view5, ro_view6, ro_view7,
  ro_view8, ro_view9, ro_view10, ro_view11, ro_view12, ro_view13, rw_view14, rw_view15,
  rw_view16, ro_view20;

-- simple updatable view
CREATE VIEW rw_view1 AS SELECT * FROM base_tbl WHERE a > 0;

SELECT table_name, is_insertable_into
  FROM information_schema.tables
 WHERE table_name = 'rw_view1';

SELECT table_name, is_updatable, is_insertable_into
  FROM information_schema.views
 WHERE table_name = 'rw_view1';

SELECT table_name, column_name, is_updatable
  FROM information_schema.columns
 WHERE table_name = 'rw_view1'
 ORDER BY ordinal_position;

INSERT INTO rw_view1 VALUES (3, 'Row 3');
INSERT INTO rw_view1 (a) VALUES (4);
UPDATE rw_view1 SET a=5 WHERE a=4;
DELETE FROM rw_view1 WHERE b='Row 2';
SELECT * FROM base_tbl ORDER BY a;
UPDATE rw_view1 SET b = 'hidden' WHERE a = -1; -- not visible through the view: 0 rows
DELETE FROM rw_view1 WHERE a < 0; -- 0 rows
INSERT INTO rw_view1 VALUES (-5, 'invisible') RETURNING *; -- no check option: allowed
SELECT * FROM rw_view1 ORDER BY a;
SELECT * FROM base_tbl ORDER BY a;

-- views over views, renamed columns, RETURNING
CREATE VIEW rw_view2 (aa, bb) AS SELECT b, a FROM rw_view1 WHERE a < 10;
INSERT INTO rw_view2 (bb, aa) VALUES (7, 'Seven') RETURNING *;
UPDATE rw_view2 SET aa = 'SEVEN' WHERE bb = 7 RETURNING bb, aa, upper(aa);
UPDATE rw_view2 SET bb = bb + 100 WHERE bb = 7; -- moves it out of rw_view2
SELECT * FROM rw_view2 ORDER BY bb;
SELECT * FROM base_tbl ORDER BY a;
DELETE FROM rw_view2 RETURNING bb;
SELECT * FROM base_tbl ORDER BY a;
DROP VIEW rw_view2;
DROP VIEW rw_view1;

-- WITH CHECK OPTION
CREATE VIEW rw_view1 AS SELECT * FROM base_tbl WHERE a < 10 WITH CHECK OPTION;
INSERT INTO rw_view1 VALUES (5, 'ok');
INSERT INTO rw_view1 VALUES (15, 'bad'); -- should fail
UPDATE rw_view1 SET a = a + 20 WHERE a = 5; -- should fail
UPDATE rw_view1 SET b = NULL WHERE a = 5;
SELECT * FROM base_tbl ORDER BY a;
CREATE VIEW rw_view2 AS SELECT * FROM rw_view1 WHERE a > 0; -- no check option of its own
INSERT INTO rw_view2 VALUES (-7, 'below'); -- allowed: rw_view2 has no check option
INSERT INTO rw_view2 VALUES (17, 'above'); -- fails rw_view1's check
CREATE OR REPLACE VIEW rw_view2 AS SELECT * FROM rw_view1 WHERE a > 0 WITH LOCAL CHECK OPTION;
INSERT INTO rw_view2 VALUES (-8, 'below'); -- fails rw_view2's own check
INSERT INTO rw_view2 VALUES (8, 'inside');
SELECT * FROM base_tbl ORDER BY a;
DROP VIEW rw_view2;
DROP VIEW rw_view1;

CREATE VIEW rw_view1 AS SELECT * FROM base_tbl WHERE a > 0;
CREATE VIEW rw_view2 AS SELECT * FROM rw_view1 WHERE a < 100 WITH CASCADED CHECK OPTION;
INSERT INTO rw_view2 VALUES (-9, 'no'); -- fails rw_view1's condition (cascaded)
INSERT INTO rw_view2 VALUES (109, 'no'); -- fails rw_view2's condition
INSERT INTO rw_view2 VALUES (9, 'yes');
DROP VIEW rw_view2;
DROP VIEW rw_view1;

CREATE VIEW ro_view1 AS SELECT DISTINCT a FROM base_tbl WITH CHECK OPTION; -- should fail

-- UPDATE ... FROM and DELETE ... USING through a view
CREATE TABLE other_tbl (k int, note text);
INSERT INTO other_tbl VALUES (1, 'one'), (2, 'two'), (5, 'five');
CREATE VIEW rw_view1 AS SELECT a AS aa, b AS bb FROM base_tbl WHERE a > 0;
UPDATE rw_view1 v SET bb = o.note FROM other_tbl o WHERE o.k = v.aa RETURNING v.aa, v.bb, o.note;
DELETE FROM rw_view1 USING other_tbl o WHERE o.k = rw_view1.aa AND o.note = 'five' RETURNING *;
UPDATE rw_view1 SET bb = 'x' FROM other_tbl rw_view1 WHERE true; -- should fail
SELECT * FROM base_tbl ORDER BY a;
DROP VIEW rw_view1;
DROP TABLE other_tbl;

-- view column defaults
CREATE VIEW rw_view1 AS SELECT a, b FROM base_tbl;
ALTER VIEW rw_view1 ALTER COLUMN b SET DEFAULT 'View default';
ALTER VIEW rw_view1 ALTER COLUMN zz SET DEFAULT 'x'; -- should fail
ALTER VIEW base_tbl ALTER COLUMN b SET DEFAULT 'x'; -- should fail
CREATE OR REPLACE VIEW rw_view1 AS SELECT a, b FROM base_tbl WHERE a > -100; -- keeps the default
INSERT INTO rw_view1 (a) VALUES (40) RETURNING *;
INSERT INTO rw_view1 VALUES (41, DEFAULT), (42, 'given') RETURNING *;
INSERT INTO base_tbl (a) VALUES (43) RETURNING *;
UPDATE rw_view1 SET b = DEFAULT WHERE a = 43 RETURNING *;
CREATE VIEW rw_view2 AS SELECT b AS bb, a AS aa FROM rw_view1;
INSERT INTO rw_view2 (aa) VALUES (44) RETURNING *;
ALTER TABLE rw_view1 ALTER COLUMN b DROP DEFAULT;
INSERT INTO rw_view1 (a) VALUES (45) RETURNING *;
DELETE FROM rw_view1 WHERE a >= 40;
DROP VIEW rw_view2;
DROP VIEW rw_view1;

DROP TABLE base_tbl;

-- Partial indexes and expression indexes (PostgreSQL 15 behaviour).
CREATE TABLE ipe (id int PRIMARY KEY, email text, a int, b int, active bool, n numeric);
CREATE INDEX ON ipe (lower(email));
CREATE UNIQUE INDEX ON ipe ((a + b));
CREATE INDEX ON ipe (a, lower(email) DESC NULLS LAST) WHERE active;
CREATE INDEX ipe_pi ON ipe (a) WHERE (a > 10 AND email IS NOT NULL);
CREATE INDEX ON ipe ((a::text));
CREATE INDEX ON ipe (n) WHERE n > 0;
CREATE INDEX ON ipe (a) WHERE email = 'x';
CREATE INDEX ON ipe (upper(email), (a * 2));
CREATE INDEX ipe_col ON ipe ((b));
SELECT indexrelid::regclass AS index, indkey, pg_get_indexdef(indexrelid)
  FROM pg_index WHERE indrelid = 'ipe'::regclass ORDER BY 1;
SELECT indexrelid::regclass AS index, pg_get_expr(indpred, indrelid) AS pred, pg_get_expr(indexprs, indrelid) AS exprs,
       pg_get_expr(indpred, indrelid, true) AS pretty_pred
  FROM pg_index WHERE indrelid = 'ipe'::regclass ORDER BY 1;
SELECT indexrelid::regclass AS index, pg_get_indexdef(indexrelid, 0, true), pg_get_indexdef(indexrelid, 1, true),
       pg_get_indexdef(indexrelid, 2, false) AS col2, pg_get_indexdef(indexrelid, 2, true) AS col2_pretty
  FROM pg_index WHERE indrelid = 'ipe'::regclass ORDER BY 1;
SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'ipe' ORDER BY 1;
\d ipe
-- unique expression index
INSERT INTO ipe VALUES (1, 'A', 1, 2, true, 1), (2, 'a', 0, 0, true, 1);
INSERT INTO ipe VALUES (3, 'b', 2, 1, true, 1);
CREATE UNIQUE INDEX ipe_ue ON ipe (lower(email));
CREATE UNIQUE INDEX ipe_ue2 ON ipe (lower(email), a);
INSERT INTO ipe VALUES (4, 'b', 2, 5, true, 1);
INSERT INTO ipe VALUES (5, 'B', 2, 6, true, 1);
UPDATE ipe SET b = 10 WHERE id = 4;
SELECT id, email FROM ipe WHERE lower(email) = 'a' ORDER BY id;
SELECT id FROM ipe WHERE a + b = 3;
SELECT id, a + b FROM ipe ORDER BY a + b DESC LIMIT 2;
-- invalid index definitions
CREATE INDEX ON ipe (now());
CREATE INDEX ON ipe (a) WHERE now() > '2020-01-01';
CREATE INDEX ON ipe (random());
CREATE INDEX ON ipe (count(a));
CREATE INDEX ON ipe (a) WHERE a;
CREATE INDEX ON ipe (a) WHERE sum(a) > 1;
CREATE INDEX ON ipe (nosuch(a));
CREATE INDEX ON ipe ((nosuch + 1));
-- DROP COLUMN drops the indexes whose expressions or predicate read it
ALTER TABLE ipe DROP COLUMN active;
SELECT indexrelid::regclass AS index FROM pg_index WHERE indrelid = 'ipe'::regclass ORDER BY 1;
DROP TABLE ipe;

-- partial unique index: uniqueness only among matching rows
CREATE TABLE ipu (id int PRIMARY KEY, k text, v int, deleted bool NOT NULL DEFAULT false);
CREATE UNIQUE INDEX ipu_k_live ON ipu (k) WHERE NOT deleted;
INSERT INTO ipu VALUES (1, 'a', 1, false), (2, 'a', 2, true), (3, 'b', 3, true);
INSERT INTO ipu VALUES (4, 'a', 4, false);
UPDATE ipu SET deleted = false WHERE id = 2;
UPDATE ipu SET deleted = true WHERE id = 1;
UPDATE ipu SET deleted = false WHERE id = 2;
UPDATE ipu SET deleted = false WHERE id = 1;
DELETE FROM ipu WHERE id = 2;
UPDATE ipu SET deleted = false WHERE id = 1;
SELECT * FROM ipu ORDER BY id;
SELECT id FROM ipu WHERE k = 'a' AND NOT deleted;
-- ON CONFLICT infers the partial index only with a WHERE that implies its predicate
INSERT INTO ipu VALUES (5, 'a', 5, false) ON CONFLICT (k) DO NOTHING;
INSERT INTO ipu VALUES (5, 'a', 5, false) ON CONFLICT (k) WHERE NOT deleted DO NOTHING;
INSERT INTO ipu VALUES (5, 'a', 5, false) ON CONFLICT (k) WHERE NOT deleted DO UPDATE SET v = excluded.v RETURNING *;
INSERT INTO ipu VALUES (6, 'c', 6, false) ON CONFLICT (k) WHERE NOT deleted DO UPDATE SET v = excluded.v RETURNING *;
INSERT INTO ipu VALUES (7, 'z', 7, false) ON CONFLICT (k) WHERE deleted DO NOTHING;
-- backfill honours the predicate
CREATE UNIQUE INDEX ipu_k_deleted ON ipu (k) WHERE deleted;
INSERT INTO ipu VALUES (8, 'b', 8, true);
CREATE UNIQUE INDEX ipu_v ON ipu (v) WHERE v > 100;
INSERT INTO ipu VALUES (9, 'q', 150, true), (10, 'r', 150, false);
INSERT INTO ipu VALUES (11, 'r', 50, false), (12, 's', 50, false);
SELECT * FROM ipu ORDER BY id;
SELECT id FROM ipu WHERE v > 120 ORDER BY id;
SELECT id FROM ipu WHERE v = 150;
DROP TABLE ipu;

-- ON CONFLICT on index expressions; DO NOTHING without a target covers partial unique indexes
CREATE TABLE ipo (id int PRIMARY KEY, k text, live bool);
CREATE UNIQUE INDEX ipo_k ON ipo (k) WHERE live;
CREATE UNIQUE INDEX ipo_l ON ipo (lower(k));
INSERT INTO ipo VALUES (1, 'a', true);
INSERT INTO ipo VALUES (2, 'a', true) ON CONFLICT DO NOTHING;
INSERT INTO ipo VALUES (2, 'A', false) ON CONFLICT DO NOTHING;
INSERT INTO ipo VALUES (2, 'A', false) ON CONFLICT (lower(k)) DO UPDATE SET live = false RETURNING *;
INSERT INTO ipo VALUES (3, 'b', true) ON CONFLICT ((lower(k))) DO NOTHING;
INSERT INTO ipo VALUES (4, 'c', true) ON CONFLICT (lower(k), id) DO NOTHING;
INSERT INTO ipo VALUES (4, 'c', true) ON CONFLICT (upper(k)) DO NOTHING;
INSERT INTO ipo VALUES (4, 'B', true) ON CONFLICT (lower(k)) DO UPDATE SET k = excluded.k || '!' RETURNING *;
SELECT * FROM ipo ORDER BY id;
DROP TABLE ipo;

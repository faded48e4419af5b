--
-- upsert: INSERT ... ON CONFLICT DO NOTHING / DO UPDATE (EXCLUDED, WHERE, ON CONSTRAINT), RETURNING
--
CREATE TABLE ups (id int PRIMARY KEY, name text NOT NULL, qty int DEFAULT 0, email text UNIQUE, CHECK (qty >= 0));
INSERT INTO ups VALUES (1, 'apple', 5, 'a@x'), (2, 'bread', 1, 'b@x');

-- DO NOTHING, with and without a target
INSERT INTO ups VALUES (1, 'again', 9, 'z@x') ON CONFLICT DO NOTHING;
INSERT INTO ups VALUES (3, 'cheese', 2, 'a@x') ON CONFLICT DO NOTHING RETURNING *;
INSERT INTO ups VALUES (1, 'again', 9, 'z@x') ON CONFLICT (id) DO NOTHING RETURNING *;
INSERT INTO ups VALUES (3, 'cheese', 2, 'c@x'), (3, 'dup', 1, 'd@x') ON CONFLICT DO NOTHING RETURNING id, name;
INSERT INTO ups VALUES (4, 'dates', 1, 'b@x') ON CONFLICT (id) DO NOTHING;
SELECT * FROM ups ORDER BY id;

-- DO UPDATE with EXCLUDED
INSERT INTO ups VALUES (1, 'apple2', 3, 'a@x') ON CONFLICT (id) DO UPDATE SET qty = ups.qty + EXCLUDED.qty, name = excluded.name RETURNING *;
INSERT INTO ups (id, name, qty) VALUES (2, 'bread', 4), (5, 'eggs', 6)
  ON CONFLICT (id) DO UPDATE SET qty = EXCLUDED.qty * 10 RETURNING id, name, qty;
INSERT INTO ups AS u (id, name) VALUES (5, 'eggs') ON CONFLICT (id) DO UPDATE SET qty = u.qty + 1, email = 'e@x' RETURNING u.*;
-- conflict on a unique secondary index, and ON CONSTRAINT
INSERT INTO ups VALUES (9, 'other', 1, 'e@x') ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name || ' via email' RETURNING *;
INSERT INTO ups VALUES (1, 'x', 1, NULL) ON CONFLICT ON CONSTRAINT ups_pkey DO UPDATE SET qty = 100 RETURNING id, qty;
INSERT INTO ups VALUES (1, 'x', 1, 'q@x') ON CONFLICT ON CONSTRAINT ups_email_key DO NOTHING RETURNING id;
-- WHERE on DO UPDATE: the row is left alone when false
INSERT INTO ups VALUES (1, 'x', 7) ON CONFLICT (id) DO UPDATE SET qty = EXCLUDED.qty WHERE ups.qty < 50 RETURNING *;
INSERT INTO ups VALUES (2, 'x', 7) ON CONFLICT (id) DO UPDATE SET qty = EXCLUDED.qty WHERE ups.qty < 50 RETURNING *;
INSERT INTO ups VALUES (2, 'x', 8) ON CONFLICT (id) DO UPDATE SET qty = EXCLUDED.qty WHERE EXCLUDED.name = 'nope';
-- DEFAULT in SET, and a multi-column SET
INSERT INTO ups VALUES (2, 'x', 8) ON CONFLICT (id) DO UPDATE SET (qty, name) = (DEFAULT, 'reset') RETURNING *;
-- INSERT ... SELECT with ON CONFLICT
INSERT INTO ups (id, name, qty) SELECT id + 4, name || '!', qty FROM ups WHERE id <= 2
  ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name RETURNING id, name;
SELECT * FROM ups ORDER BY id;

-- errors
INSERT INTO ups VALUES (1, 'a'), (1, 'b') ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name;
INSERT INTO ups VALUES (10, 'a'), (10, 'b') ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name;
INSERT INTO ups VALUES (1, 'a') ON CONFLICT (name) DO NOTHING;
INSERT INTO ups VALUES (1, 'a') ON CONFLICT (id, email) DO NOTHING;
INSERT INTO ups VALUES (1, 'a') ON CONFLICT DO UPDATE SET name = 'b';
INSERT INTO ups VALUES (1, 'a') ON CONFLICT ON CONSTRAINT nosuch DO NOTHING;
INSERT INTO ups VALUES (1, 'a') ON CONFLICT ON CONSTRAINT ups_qty_check DO NOTHING;
INSERT INTO ups VALUES (1, 'a') ON CONFLICT (id) DO UPDATE SET qty = -1;
INSERT INTO ups VALUES (1, 'a') ON CONFLICT (id) DO UPDATE SET email = 'b@x';
INSERT INTO ups VALUES (1, 'a') ON CONFLICT (id) DO UPDATE SET name = NULL;
INSERT INTO ups VALUES (1, 'a') ON CONFLICT (id) DO UPDATE SET nosuch = 1;
INSERT INTO ups VALUES (1, 'a') ON CONFLICT (id) DO UPDATE SET name = excluded.nosuch;
INSERT INTO ups VALUES (11, 'a', 1, 'a@x') ON CONFLICT (id) DO NOTHING;
INSERT INTO ups AS u VALUES (1, 'a') ON CONFLICT (id) DO UPDATE SET qty = ups.qty;
INSERT INTO ups VALUES (1, 'a') ON CONFLICT (nosuch) DO NOTHING;
INSERT INTO ups VALUES (1, 'a') ON CONFLICT (id) WHERE qty > 0 DO UPDATE SET qty = 1 WHERE 1;
INSERT INTO ups VALUES (12, 'a', 1) ON CONFLICT (id) WHERE qty > 0 DO NOTHING RETURNING id;
SELECT count(*), sum(qty) FROM ups;

-- composite key, NULLs never conflict
CREATE TABLE ups2 (a int, b text, v int, UNIQUE (a, b));
INSERT INTO ups2 VALUES (1, 'x', 1), (1, NULL, 1);
INSERT INTO ups2 VALUES (1, 'x', 5), (1, NULL, 5) ON CONFLICT (b, a) DO UPDATE SET v = ups2.v + EXCLUDED.v RETURNING *;
INSERT INTO ups2 VALUES (2, 'y', 1) ON CONFLICT (a, b) DO UPDATE SET v = 0 RETURNING *;
SELECT * FROM ups2 ORDER BY a, b NULLS LAST, v;

-- in a transaction with a savepoint
BEGIN;
INSERT INTO ups VALUES (20, 't', 1) ON CONFLICT (id) DO UPDATE SET qty = ups.qty + 1;
SAVEPOINT s;
INSERT INTO ups VALUES (20, 't', 1) ON CONFLICT (id) DO UPDATE SET qty = ups.qty + 1;
ROLLBACK TO SAVEPOINT s;
INSERT INTO ups VALUES (20, 't', 1) ON CONFLICT (id) DO UPDATE SET qty = ups.qty + 10 RETURNING *;
COMMIT;

EXPLAIN (COSTS OFF) INSERT INTO ups VALUES (1, 'x') ON CONFLICT DO NOTHING;
EXPLAIN (COSTS OFF) INSERT INTO ups VALUES (1, 'x') ON CONFLICT (id) DO UPDATE SET qty = EXCLUDED.qty WHERE ups.qty < 50;

DROP TABLE ups;
DROP TABLE ups2;

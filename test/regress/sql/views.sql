-- Views: CREATE [OR REPLACE] VIEW, DROP VIEW, reading views, dependencies.
CREATE TABLE vw_items (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2), qty int);
INSERT INTO vw_items VALUES (1, 'apple', 1.50, 10), (2, 'pear', 2.25, 0), (3, 'plum', NULL, 7), (4, 'fig', 3.00, 2);
CREATE TABLE vw_orders (item_id int, amount int);
INSERT INTO vw_orders VALUES (1, 3), (1, 4), (3, 1), (4, 2), (9, 9);

-- a simple view, and SELECT * expands to its columns
CREATE VIEW vw_in_stock AS SELECT id, name, qty FROM vw_items WHERE qty > 0;
SELECT * FROM vw_in_stock ORDER BY id;
SELECT name FROM vw_in_stock WHERE qty > 5 ORDER BY name;
SELECT s.id, s.qty * 2 AS double FROM vw_in_stock s ORDER BY 1;
SELECT vw_in_stock.name FROM vw_in_stock ORDER BY 1;
SELECT * FROM vw_in_stock AS s (a, b) ORDER BY a;

-- column list, expressions, aggregates
CREATE VIEW vw_totals (item, total, n) AS
  SELECT i.name, sum(o.amount), count(*) FROM vw_items i JOIN vw_orders o ON o.item_id = i.id GROUP BY i.name;
SELECT * FROM vw_totals ORDER BY item;
SELECT item, total FROM vw_totals WHERE n > 1;
-- unnamed expression columns and literals
CREATE VIEW vw_exprs AS SELECT id + 1, 'x' AS lit, price * qty AS value FROM vw_items;
SELECT * FROM vw_exprs ORDER BY 1;
-- views over views, joins with tables, subqueries
CREATE VIEW vw_big AS SELECT * FROM vw_in_stock WHERE qty >= 7;
SELECT * FROM vw_big ORDER BY id;
SELECT b.name, o.amount FROM vw_big b JOIN vw_orders o ON o.item_id = b.id ORDER BY 1, 2;
SELECT name FROM vw_items WHERE id IN (SELECT id FROM vw_big) ORDER BY 1;
SELECT (SELECT count(*) FROM vw_in_stock) AS c;
-- a CTE of the outer query does not hide the view's tables
WITH vw_items AS (SELECT 1 AS id) SELECT count(*) FROM vw_in_stock;
-- views see later changes to their tables
UPDATE vw_items SET qty = 5 WHERE id = 2;
SELECT * FROM vw_in_stock ORDER BY id;
-- names in a view resolve with the search_path of CREATE VIEW
CREATE SCHEMA vw_other;
CREATE TABLE vw_other.vw_items (id int, name text, qty int);
INSERT INTO vw_other.vw_items VALUES (100, 'shadow', 100);
SET search_path = vw_other, public;
SELECT * FROM vw_in_stock ORDER BY id;
SELECT count(*) FROM vw_items;
RESET search_path;
DROP SCHEMA vw_other CASCADE;
-- VALUES and set operations
CREATE VIEW vw_vals AS VALUES (1, 'one'), (2, 'two');
SELECT * FROM vw_vals ORDER BY 1;
CREATE VIEW vw_union AS SELECT id FROM vw_items UNION SELECT item_id FROM vw_orders;
SELECT * FROM vw_union ORDER BY 1;

-- errors
CREATE VIEW vw_in_stock AS SELECT 1;
CREATE VIEW vw_dup AS SELECT id, id FROM vw_items;
CREATE VIEW vw_dup (a, a) AS SELECT id, name FROM vw_items;
CREATE VIEW vw_many (a, b, c) AS SELECT id, name FROM vw_items;
CREATE VIEW vw_bad AS SELECT nosuch FROM vw_items;
CREATE VIEW vw_bad AS SELECT * FROM vw_nosuch;
CREATE OR REPLACE VIEW vw_items AS SELECT 1;

-- CREATE OR REPLACE VIEW: same columns, added columns, and what it refuses
CREATE OR REPLACE VIEW vw_in_stock AS SELECT id, name, qty FROM vw_items WHERE qty > 2;
SELECT * FROM vw_in_stock ORDER BY id;
CREATE OR REPLACE VIEW vw_in_stock AS SELECT id, name, qty, price FROM vw_items WHERE qty > 2;
SELECT * FROM vw_in_stock ORDER BY id;
SELECT * FROM vw_big ORDER BY id;
CREATE OR REPLACE VIEW vw_in_stock AS SELECT id, name FROM vw_items;
CREATE OR REPLACE VIEW vw_in_stock AS SELECT id, name AS label, qty, price FROM vw_items;
CREATE OR REPLACE VIEW vw_in_stock AS SELECT id, name, qty::text, price FROM vw_items;
CREATE OR REPLACE VIEW vw_new AS SELECT 1 AS one;
SELECT * FROM vw_new;

-- views are not tables
CREATE INDEX ON vw_new (one);
DROP TABLE vw_new;
DROP VIEW vw_items;

-- dependencies: DROP needs CASCADE
DROP TABLE vw_items;
DROP VIEW vw_in_stock;
DROP VIEW vw_big;
DROP VIEW vw_in_stock;
DROP VIEW IF EXISTS vw_nosuch;
DROP VIEW vw_nosuch;
DROP VIEW vw_new, vw_vals;
SELECT * FROM vw_new;

-- transactional: a view created in a rolled-back transaction is gone
BEGIN;
CREATE VIEW vw_tx AS SELECT count(*) AS n FROM vw_orders;
SELECT * FROM vw_tx;
ROLLBACK;
SELECT * FROM vw_tx;
BEGIN;
CREATE TABLE vw_t2 (a int);
INSERT INTO vw_t2 VALUES (1), (2);
CREATE VIEW vw_tx AS SELECT sum(a) AS s FROM vw_t2;
SELECT * FROM vw_tx;
COMMIT;
SELECT * FROM vw_tx;

DROP TABLE vw_t2 CASCADE;
DROP TABLE vw_orders CASCADE;
DROP TABLE vw_items CASCADE;

--
-- dml_joins: UPDATE ... FROM, DELETE ... USING, RETURNING over the joined tables
--
CREATE TABLE dj_items (id int PRIMARY KEY, sku text UNIQUE, qty int NOT NULL, price numeric(8,2));
CREATE TABLE dj_changes (sku text, delta int, note text);
CREATE TABLE dj_prices (sku text PRIMARY KEY, price numeric(8,2));
INSERT INTO dj_items VALUES (1, 'a', 10, 1.00), (2, 'b', 20, 2.00), (3, 'c', 30, 3.00), (4, 'd', 40, NULL);
INSERT INTO dj_changes VALUES ('a', 5, 'restock'), ('b', -3, 'sale'), ('zz', 1, 'unknown sku'), ('c', NULL, 'no delta');
INSERT INTO dj_prices VALUES ('a', 1.50), ('d', 4.25);

-- UPDATE ... FROM with a join condition in WHERE
UPDATE dj_items SET qty = qty + c.delta FROM dj_changes c WHERE c.sku = dj_items.sku AND c.delta IS NOT NULL;
SELECT * FROM dj_items ORDER BY id;
UPDATE dj_items i SET price = p.price FROM dj_prices p WHERE p.sku = i.sku RETURNING i.id, i.sku, i.price, p.price AS new_price;
-- several FROM items, a subquery in FROM, RETURNING *
UPDATE dj_items SET qty = s.total
  FROM (SELECT sku, sum(delta) AS total FROM dj_changes GROUP BY sku) s, dj_prices p
  WHERE s.sku = dj_items.sku AND p.sku = s.sku
  RETURNING *;
-- a target row matching several FROM rows is updated once
INSERT INTO dj_changes VALUES ('b', 100, 'second b');
UPDATE dj_items SET qty = qty + 1 FROM dj_changes c WHERE c.sku = dj_items.sku AND dj_items.sku = 'b';
SELECT id, qty FROM dj_items WHERE sku = 'b';
-- FROM without a join condition (cross join) and no matching row
UPDATE dj_items SET qty = 0 FROM dj_prices WHERE dj_items.id > 100;
UPDATE dj_items SET qty = qty FROM dj_prices p WHERE p.sku = 'nope' RETURNING dj_items.id;

-- DELETE ... USING
DELETE FROM dj_items USING dj_changes c WHERE c.sku = dj_items.sku AND c.note = 'sale' RETURNING dj_items.*, c.note;
DELETE FROM dj_items i USING dj_prices p, dj_changes c WHERE p.sku = i.sku AND c.sku = i.sku RETURNING i.id, p.price, c.delta;
SELECT * FROM dj_items ORDER BY id;
DELETE FROM dj_changes USING dj_items WHERE dj_changes.sku = dj_items.sku;
SELECT * FROM dj_changes ORDER BY sku, note;

-- errors
UPDATE dj_items SET qty = 1 FROM dj_items;
UPDATE dj_items SET qty = 1 FROM dj_prices WHERE sku = 'a';
UPDATE dj_items SET qty = nosuch FROM dj_prices;
UPDATE dj_items SET qty = 1 FROM dj_nosuch;
UPDATE dj_items i SET qty = 1 WHERE dj_items.id = 1;
DELETE FROM dj_items i USING dj_prices p WHERE p.sku = dj_items.sku;
UPDATE dj_items SET qty = 1 FROM dj_prices p JOIN dj_changes c ON c.sku = dj_items.sku;
DELETE FROM dj_items USING dj_items;
DELETE FROM dj_items USING dj_prices p WHERE p.nosuch = 1;
UPDATE dj_items SET qty = NULL FROM dj_prices p WHERE p.sku = dj_items.sku;
UPDATE dj_items SET sku = 'c' FROM dj_prices p WHERE p.sku = dj_items.sku;

-- inside a transaction, rolled back
BEGIN;
UPDATE dj_items SET qty = -1 FROM dj_prices p WHERE p.sku = dj_items.sku;
DELETE FROM dj_prices USING dj_items WHERE dj_items.sku = dj_prices.sku RETURNING dj_prices.sku;
ROLLBACK;
SELECT * FROM dj_items ORDER BY id;
SELECT * FROM dj_prices ORDER BY sku;

DROP TABLE dj_items;
DROP TABLE dj_changes;
DROP TABLE dj_prices;

--
-- dml: INSERT (multi-row, DEFAULT, RETURNING), UPDATE, DELETE (RETURNING)
--
CREATE TABLE dml_t (
  id int PRIMARY KEY,
  name text NOT NULL,
  qty int DEFAULT 10,
  price numeric(8,2),
  tags text[]
);
INSERT INTO dml_t VALUES (1, 'apple', 5, 1.20, '{fruit,red}');
INSERT INTO dml_t (id, name) VALUES (2, 'bread');
INSERT INTO dml_t (id, name, qty) VALUES (3, 'cheese', DEFAULT);
INSERT INTO dml_t VALUES (4, 'dates', DEFAULT, 3.5, NULL), (5, 'eggs', 12, 0.25, '{}');
INSERT INTO dml_t DEFAULT VALUES;
INSERT INTO dml_t (id, name, price) VALUES (6, 'flour', 2.00) RETURNING *;
INSERT INTO dml_t (id, name) VALUES (7, 'grapes'), (8, 'honey') RETURNING id, upper(name) AS shout, qty;
SELECT * FROM dml_t ORDER BY id;

-- errors leave the table untouched
INSERT INTO dml_t VALUES (1, 'dup');
INSERT INTO dml_t VALUES (9, NULL);
INSERT INTO dml_t (id, name, qty) VALUES (9, 'x', 'many');
INSERT INTO dml_t (id, nosuch) VALUES (9, 'x');
INSERT INTO dml_nosuch VALUES (1);
INSERT INTO dml_t (id, name) VALUES (9, 'ok'), (1, 'dup in same statement');
SELECT count(*) FROM dml_t;

-- UPDATE
UPDATE dml_t SET qty = qty + 1 WHERE id <= 3;
UPDATE dml_t SET price = 9.99, name = name || '!' WHERE id = 2 RETURNING id, name, price;
UPDATE dml_t SET qty = 0 WHERE id = 100;
-- (RETURNING of several rows comes back in no defined order: keep those to one row)
UPDATE dml_t SET qty = NULL WHERE price IS NULL AND id = 3 RETURNING id;
UPDATE dml_t SET qty = NULL WHERE price IS NULL;
UPDATE dml_t SET name = NULL WHERE id = 1;
UPDATE dml_t SET id = 2 WHERE id = 1;
UPDATE dml_t SET id = id + 100 WHERE id = 8 RETURNING *;
SELECT id, name, qty, price FROM dml_t ORDER BY id;

-- DELETE
DELETE FROM dml_t WHERE id = 108 RETURNING id, name;
DELETE FROM dml_t WHERE qty IS NULL;
DELETE FROM dml_t WHERE id = 12345;
SELECT id, name FROM dml_t ORDER BY id;
DELETE FROM dml_t WHERE id = 4 RETURNING id, name, qty;
DELETE FROM dml_t;
SELECT count(*) FROM dml_t;

-- re-insert after delete of the same keys
INSERT INTO dml_t (id, name) VALUES (1, 'again'), (2, 'again too');
SELECT id, name, qty FROM dml_t ORDER BY id;

-- serial keys and RETURNING of generated values
CREATE TABLE dml_s (id serial PRIMARY KEY, v text);
INSERT INTO dml_s (v) VALUES ('a'), ('b') RETURNING id, v;
INSERT INTO dml_s (v) VALUES ('c') RETURNING id;
UPDATE dml_s SET v = v || v RETURNING *;
SELECT * FROM dml_s ORDER BY id;

-- INSERT ... SELECT
CREATE TABLE dml_copy (id int PRIMARY KEY, v text);
INSERT INTO dml_copy SELECT id, v FROM dml_s WHERE id > 1;
SELECT * FROM dml_copy ORDER BY id;

DROP TABLE dml_t;
DROP TABLE dml_s;
DROP TABLE dml_copy;

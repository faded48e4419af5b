-- Multi-way joins over ANALYZEd tables: nodedb reorders runs of inner joins by cost
-- (sql/plan/join-order.ts); the results (and column order) must stay PostgreSQL's.
CREATE TABLE jo_customer (id int PRIMARY KEY, region int, name text, vip boolean);
CREATE TABLE jo_orders (id int PRIMARY KEY, customer_id int, product_id int, qty int, note text);
CREATE TABLE jo_product (id int PRIMARY KEY, category text, price int);
CREATE TABLE jo_region (id int PRIMARY KEY, rname text);
CREATE TABLE jo_tag (product_id int, tag text);
CREATE INDEX jo_orders_customer ON jo_orders (customer_id);
INSERT INTO jo_region SELECT g, 'region' || g FROM generate_series(1, 5) g;
INSERT INTO jo_customer SELECT g, g % 5 + 1, 'c' || g, g % 17 = 0 FROM generate_series(1, 400) g;
INSERT INTO jo_product SELECT g, CASE WHEN g % 10 = 0 THEN 'rare' ELSE 'common' END, g * 3 % 101 FROM generate_series(1, 200) g;
INSERT INTO jo_orders SELECT g, g * 7 % 400 + 1, CASE WHEN g % 9 = 0 THEN NULL ELSE g * 11 % 200 + 1 END, g % 6, CASE WHEN g % 4 = 0 THEN NULL ELSE 'n' || g END FROM generate_series(1, 3000) g;
INSERT INTO jo_tag SELECT g % 200 + 1, 't' || (g % 3) FROM generate_series(1, 300) g;
ANALYZE jo_customer;
ANALYZE jo_orders;
ANALYZE jo_product;
ANALYZE jo_region;
ANALYZE jo_tag;

-- a bad FROM order: the big table first, the selective condition on the last one
SELECT o.id, c.name, p.category
FROM jo_orders o, jo_customer c, jo_product p
WHERE o.customer_id = c.id AND o.product_id = p.id AND p.category = 'rare' AND c.vip
ORDER BY o.id;

SELECT count(*), sum(o.qty), min(c.name), max(p.price)
FROM jo_orders o JOIN jo_customer c ON c.id = o.customer_id JOIN jo_product p ON p.id = o.product_id;

-- four and five tables, explicit and comma joins mixed
SELECT r.rname, p.category, count(*) AS n, sum(o.qty * p.price) AS revenue
FROM jo_region r
JOIN jo_customer c ON c.region = r.id
JOIN jo_orders o ON o.customer_id = c.id
JOIN jo_product p ON p.id = o.product_id
GROUP BY r.rname, p.category
ORDER BY r.rname, p.category;

SELECT r.rname, t.tag, count(*)
FROM jo_tag t, jo_orders o, jo_product p, jo_customer c, jo_region r
WHERE t.product_id = p.id AND o.product_id = p.id AND o.customer_id = c.id AND c.region = r.id
  AND p.price BETWEEN 10 AND 20 AND r.id IN (2, 4)
GROUP BY r.rname, t.tag
ORDER BY 1, 2;

-- SELECT * keeps the FROM items' column order
SELECT * FROM jo_product p, jo_region r, jo_orders o
WHERE o.product_id = p.id AND r.id = o.qty AND o.id < 40
ORDER BY o.id;

-- NULL join keys, IS NULL / IS NOT NULL, ranges
SELECT count(*) FROM jo_orders o JOIN jo_product p ON o.product_id = p.id WHERE o.note IS NULL;
SELECT count(*) FROM jo_orders o, jo_orders o2 WHERE o.product_id = o2.product_id AND o.id < 100 AND o2.id > 2900;
SELECT o.id, o2.id FROM jo_orders o JOIN jo_orders o2 ON o.customer_id = o2.customer_id AND o.id < o2.id
WHERE o.customer_id = 8 ORDER BY 1, 2;

-- outer joins keep their place around reordered inner joins
SELECT c.id, count(o.id)
FROM jo_region r JOIN jo_customer c ON c.region = r.id LEFT JOIN jo_orders o ON o.customer_id = c.id AND o.qty = 5
WHERE r.rname = 'region3' AND c.id < 60
GROUP BY c.id ORDER BY c.id;

SELECT p.id, t.tag, o.id
FROM jo_product p LEFT JOIN jo_tag t ON t.product_id = p.id JOIN jo_orders o ON o.product_id = p.id
WHERE p.id % 50 = 0 AND o.id < 1200
ORDER BY 1, 2, 3;

-- a subquery in FROM and a cross join with a small table
SELECT s.customer_id, s.total, c.name, r.rname
FROM (SELECT customer_id, sum(qty) AS total FROM jo_orders GROUP BY customer_id) s
JOIN jo_customer c ON c.id = s.customer_id
CROSS JOIN jo_region r
WHERE s.total > 48 AND r.id = c.region
ORDER BY s.customer_id;

-- USING and NATURAL-style joins
SELECT count(*) FROM jo_tag JOIN jo_product ON jo_product.id = jo_tag.product_id JOIN jo_orders USING (product_id);

-- statistics ANALYZE collected (the parts computed as PostgreSQL does on a fully sampled table)
SELECT tablename, attname, null_frac, avg_width, n_distinct, round(correlation::numeric, 3) AS correlation
FROM pg_stats WHERE tablename IN ('jo_orders', 'jo_region', 'jo_customer') ORDER BY 1, 2;
SELECT most_common_vals::text, most_common_freqs FROM pg_stats WHERE tablename = 'jo_product' AND attname = 'category';

-- statistics: pg_class row estimate after ANALYZE
SELECT relname, reltuples FROM pg_class WHERE relname LIKE 'jo\_%' AND relkind = 'r' ORDER BY relname;

DROP TABLE jo_tag, jo_orders, jo_product, jo_customer, jo_region;

-- Joins on primary keys (merge joins in nodedb when both sides are ordered on the keys), hash
-- joins that spill under a small work_mem, and work_mem itself: results as PostgreSQL 15.
CREATE TABLE mj_a (id int PRIMARY KEY, v text);
CREATE TABLE mj_b (id int PRIMARY KEY, w text);
CREATE TABLE mj_c (k int, id int, x int, PRIMARY KEY (k, id));
INSERT INTO mj_a SELECT x, 'a' || x FROM generate_series(1, 1000) x;
INSERT INTO mj_b SELECT x * 2, 'b' || x FROM generate_series(1, 1000) x;
INSERT INTO mj_c SELECT x % 3, x, x * 10 FROM generate_series(1, 600) x;
SELECT count(*), sum(a.id) FROM mj_a a JOIN mj_b b ON a.id = b.id;
SELECT count(*), count(b.id), sum(b.id) FROM mj_a a LEFT JOIN mj_b b ON a.id = b.id;
SELECT count(*), count(a.id), count(b.id) FROM mj_a a RIGHT JOIN mj_b b ON a.id = b.id;
SELECT count(*), count(a.id), count(b.id) FROM mj_a a FULL JOIN mj_b b ON a.id = b.id;
SELECT count(*), count(a.id), count(b.id) FROM mj_a a FULL JOIN mj_b b ON a.id = b.id AND b.w LIKE 'b1%';
SELECT a.id, a.v, b.w FROM mj_a a FULL JOIN mj_b b ON a.id = b.id WHERE a.id > 990 OR b.id > 1990 ORDER BY a.id, b.id;
SELECT a.id, b.w FROM mj_a a LEFT JOIN mj_b b ON b.id = a.id AND b.id % 4 = 0 WHERE a.id BETWEEN 10 AND 16 ORDER BY 1;
SELECT c.k, count(*), sum(c.x), count(a.id) FROM mj_c c LEFT JOIN mj_a a ON a.id = c.id WHERE c.k = 1 GROUP BY c.k;
SELECT count(*) FROM mj_c c FULL JOIN mj_b b ON b.id = c.id WHERE c.k = 2 OR c.k IS NULL;
-- work_mem: PostgreSQL's units, rounding, bounds and SHOW format.
SHOW work_mem;
SET work_mem = '64kB';
SHOW work_mem;
SET work_mem = 100;
SHOW work_mem;
SET work_mem = '1.5MB';
SHOW work_mem;
SET work_mem = '1GB';
SHOW work_mem;
SET work_mem = '10kB';
SET work_mem = 'lots';
SET work_mem = '64 kb';
SET work_mem = '3000000MB';
RESET work_mem;
SHOW work_mem;
-- Sorts, hash joins, aggregates, DISTINCT and set operations past work_mem give the same answers.
SET work_mem = '64kB';
SELECT count(*), sum(x) FROM (SELECT x FROM generate_series(1, 50000) x ORDER BY x DESC) s;
SELECT x FROM (SELECT x FROM generate_series(1, 50000) x ORDER BY (x * 7919) % 50021 DESC) s LIMIT 3;
SELECT count(*), sum(c), max(c) FROM (SELECT x % 20000 AS g, count(*) AS c FROM generate_series(1, 50000) x GROUP BY 1) s;
SELECT count(*) FROM (SELECT DISTINCT x % 17000 FROM generate_series(1, 50000) x) s;
SELECT count(*), sum(a.x) FROM generate_series(1, 40000) a(x) JOIN generate_series(1, 30000) b(y) ON a.x = b.y * 2;
SELECT count(*), count(b.y) FROM generate_series(1, 40000) a(x) LEFT JOIN generate_series(1, 30000) b(y) ON a.x = b.y * 2;
SELECT count(*) FROM (SELECT x % 9000 FROM generate_series(1, 30000) x INTERSECT SELECT x % 6000 + 3000 FROM generate_series(1, 20000) x) s;
SELECT count(*) FROM (SELECT x % 9000 FROM generate_series(1, 30000) x EXCEPT ALL SELECT x % 6000 + 3000 FROM generate_series(1, 20000) x) s;
SELECT count(*) FROM (SELECT x % 9000 FROM generate_series(1, 30000) x UNION SELECT x % 6000 + 3000 FROM generate_series(1, 20000) x) s;
RESET work_mem;
DROP TABLE mj_a, mj_b, mj_c;

--
-- cte: WITH, WITH RECURSIVE (UNION and UNION ALL), column aliases, nesting and scoping
--
CREATE TABLE cte_emp (id int PRIMARY KEY, name text NOT NULL, boss int);
INSERT INTO cte_emp VALUES (1, 'root', NULL), (2, 'ann', 1), (3, 'bob', 1), (4, 'cat', 2), (5, 'dan', 4), (6, 'eve', 3);

WITH t AS (SELECT id, name FROM cte_emp WHERE boss = 1) SELECT * FROM t ORDER BY id;
WITH t(a, b) AS (SELECT id, name FROM cte_emp) SELECT b FROM t WHERE a > 4 ORDER BY a;
WITH t(a) AS (SELECT id, name FROM cte_emp) SELECT a, name FROM t ORDER BY a LIMIT 2;
-- several WITH queries, later ones reading earlier ones; one query read twice
WITH a AS (SELECT id FROM cte_emp WHERE id <= 3),
     b AS (SELECT id * 10 AS id FROM a)
SELECT a.id, b.id FROM a JOIN b ON b.id = a.id * 10 ORDER BY 1;
WITH t AS (SELECT id FROM cte_emp) SELECT count(*) FROM t t1, t t2;
-- visible in subqueries, shadowing a table name
WITH t AS (SELECT 5 AS v) SELECT (SELECT v FROM t) AS s, * FROM (SELECT v + 1 AS w FROM t) sub;
WITH cte_emp AS (SELECT 42 AS id) SELECT * FROM cte_emp;
SELECT * FROM (WITH x AS (SELECT 1 AS k) SELECT k FROM x) s;
WITH t AS (SELECT id FROM cte_emp) SELECT name FROM cte_emp WHERE id IN (SELECT id FROM t WHERE id > 4) ORDER BY 1;
-- WITH around set operations, and set operations inside WITH
WITH t AS (SELECT 1 AS n UNION SELECT 2) SELECT n FROM t UNION ALL SELECT 3 ORDER BY n;
-- WITH RECURSIVE: counting, UNION ALL and UNION (cycle stops at duplicates)
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT * FROM r;
WITH RECURSIVE r(n) AS (SELECT 1 UNION SELECT n % 3 + 1 FROM r) SELECT n FROM r ORDER BY n;
-- an endless recursion read only as far as LIMIT asks
WITH RECURSIVE t(n) AS (VALUES (1) UNION ALL SELECT n + 1 FROM t) SELECT n FROM t LIMIT 5;
WITH RECURSIVE t(n) AS (VALUES (1) UNION ALL SELECT n + 1 FROM t WHERE n < 6) SELECT a.n, b.n FROM t a JOIN t b ON b.n = a.n * 2 ORDER BY 1;
WITH RECURSIVE fib(a, b) AS (SELECT 0::bigint, 1::bigint UNION ALL SELECT b, a + b FROM fib WHERE b < 100) SELECT a FROM fib;
-- a tree walk with a path and a depth
WITH RECURSIVE tree AS (
  SELECT id, name, 0 AS depth, name AS path FROM cte_emp WHERE boss IS NULL
  UNION ALL
  SELECT e.id, e.name, t.depth + 1, t.path || '/' || e.name FROM cte_emp e JOIN tree t ON e.boss = t.id
)
SELECT depth, path FROM tree ORDER BY path;
-- subordinates of ann (recursive term joined to a table, aggregated outside)
WITH RECURSIVE sub AS (
  SELECT id FROM cte_emp WHERE name = 'ann'
  UNION
  SELECT e.id FROM cte_emp e, sub WHERE e.boss = sub.id
)
SELECT count(*), sum(id) FROM sub;
-- a recursive WITH query that does not read itself is an ordinary one
WITH RECURSIVE t AS (SELECT 1 AS x UNION SELECT 2) SELECT * FROM t ORDER BY x;
-- both terms may use the same aliases; a WITH RECURSIVE query with FROM that does not read itself
WITH RECURSIVE t AS (SELECT c.id FROM cte_emp c WHERE c.id = 1 UNION SELECT c.id FROM cte_emp c WHERE c.id < 3) SELECT id FROM t ORDER BY id;
-- a WITH query inside a correlated subquery reads the outer row (drivers' type introspection does this)
SELECT e.name,
  (WITH RECURSIVE up(id, depth) AS (
     SELECT e.boss, 1
     UNION ALL
     SELECT c.boss, up.depth + 1 FROM cte_emp c, up WHERE c.id = up.id AND c.boss IS NOT NULL)
   SELECT max(depth) FROM up) AS levels
FROM cte_emp e ORDER BY e.id;
SELECT e.id, (WITH x AS (SELECT e.id * 2 AS d) SELECT d FROM x) FROM cte_emp e WHERE e.id < 3 ORDER BY 1;
-- WITH on INSERT / UPDATE / DELETE, and inside INSERT's query
CREATE TABLE cte_log (id int, note text);
WITH src AS (SELECT id, name FROM cte_emp WHERE boss = 1) INSERT INTO cte_log SELECT id, name FROM src;
WITH big AS (SELECT id FROM cte_emp WHERE id > 2) UPDATE cte_log SET note = note || '!' WHERE id IN (SELECT id FROM big) RETURNING *;
WITH gone AS (SELECT 2 AS id) DELETE FROM cte_log WHERE id IN (SELECT id FROM gone) RETURNING *;
INSERT INTO cte_log WITH x AS (SELECT 9 AS id) SELECT id, 'nine' FROM x;
WITH RECURSIVE n(i) AS (SELECT 20 UNION ALL SELECT i + 1 FROM n WHERE i < 22) INSERT INTO cte_log SELECT i, 'n' || i FROM n;
SELECT * FROM cte_log ORDER BY id;
DROP TABLE cte_log;
-- data-modifying statements in WITH: run once, to completion, before the main query
CREATE TABLE cte_src (k int);
CREATE TABLE cte_dst (k int);
INSERT INTO cte_src VALUES (1), (2), (3);
WITH moved AS (DELETE FROM cte_src WHERE k < 3 RETURNING k) INSERT INTO cte_dst SELECT k * 10 FROM moved RETURNING k;
WITH i AS (INSERT INTO cte_src VALUES (7) RETURNING k), u AS (UPDATE cte_dst SET k = k + 1 RETURNING k)
SELECT (SELECT count(*) FROM i) AS inserted, (SELECT sum(k) FROM u) AS updated_sum;
WITH d AS (DELETE FROM cte_dst) SELECT 1 AS one;
SELECT (SELECT count(*) FROM cte_dst) AS dst, (SELECT count(*) FROM cte_src) AS src;
SELECT * FROM (WITH d AS (DELETE FROM cte_src RETURNING *) SELECT * FROM d) s;
WITH d AS (DELETE FROM cte_src) SELECT * FROM d;
SELECT k FROM cte_src ORDER BY k;
DROP TABLE cte_src;
DROP TABLE cte_dst;
-- errors
WITH t AS (SELECT 1), t AS (SELECT 2) SELECT * FROM t;
WITH t(a, b) AS (SELECT 1) SELECT * FROM t;
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1.5 FROM r WHERE n < 3) SELECT * FROM r;
WITH RECURSIVE r(n) AS (SELECT 1, 2 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r;
SELECT * FROM t_not_a_cte;
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM (SELECT n FROM r) s WHERE n < 3) SELECT * FROM r;
WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT 2 WHERE EXISTS (SELECT 1 FROM r)) SELECT * FROM r;
DROP TABLE cte_emp;

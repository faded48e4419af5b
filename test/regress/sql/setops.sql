--
-- setops: UNION / INTERSECT / EXCEPT [ALL], type resolution, ORDER BY / LIMIT on the result,
-- VALUES as a query and as a FROM item
--
CREATE TABLE so_a (x int, y text);
CREATE TABLE so_b (x bigint, z text);
INSERT INTO so_a VALUES (1, 'one'), (2, 'two'), (2, 'two'), (3, NULL), (NULL, NULL);
INSERT INTO so_b VALUES (2, 'two'), (2, 'deux'), (2, 'zwei'), (3, 'three'), (4, 'four'), (NULL, 'null');

-- UNION removes duplicates (NULLs compare equal), UNION ALL keeps them
SELECT x FROM so_a UNION SELECT x FROM so_b ORDER BY 1;
SELECT x FROM so_a UNION ALL SELECT x FROM so_b ORDER BY 1;
SELECT x, y FROM so_a UNION SELECT x, z FROM so_b ORDER BY x, y;
-- INTERSECT / EXCEPT and their ALL forms
SELECT x FROM so_a INTERSECT SELECT x FROM so_b ORDER BY 1;
SELECT x FROM so_a INTERSECT ALL SELECT x FROM so_b ORDER BY 1;
SELECT x FROM so_b EXCEPT SELECT x FROM so_a ORDER BY 1;
SELECT x FROM so_b EXCEPT ALL SELECT x FROM so_a ORDER BY 1;
SELECT x FROM so_a EXCEPT ALL SELECT x FROM so_b ORDER BY 1;
-- chains and parentheses: INTERSECT binds tighter than UNION
SELECT 1 AS n UNION SELECT 2 INTERSECT SELECT 2 ORDER BY n;
(SELECT 1 AS n UNION SELECT 2) INTERSECT SELECT 2;
SELECT 1 AS n UNION ALL SELECT 1 UNION SELECT 2 ORDER BY n;
SELECT 1 AS n UNION ALL (SELECT 1 UNION SELECT 2) ORDER BY n;
-- column names come from the first branch; types are resolved across branches
SELECT 1 AS a, 'x' AS b UNION SELECT 2, 'y' ORDER BY a DESC;
SELECT 1 UNION SELECT 2.5 ORDER BY 1;
SELECT 1 AS n UNION SELECT '2' ORDER BY n;
SELECT 'a' AS s UNION SELECT 'b' ORDER BY s;
SELECT NULL AS n UNION SELECT 3 ORDER BY n;
SELECT pg_typeof(u) FROM (SELECT 1::int2 AS u UNION SELECT 2::int8) s LIMIT 1;
-- ORDER BY / LIMIT / OFFSET on the result, and inside parenthesized branches
SELECT x FROM so_b UNION SELECT x FROM so_a ORDER BY x DESC NULLS LAST LIMIT 3;
SELECT x FROM so_b UNION SELECT x FROM so_a ORDER BY 1 LIMIT 2 OFFSET 1;
(SELECT x FROM so_a ORDER BY x LIMIT 1) UNION ALL (SELECT x FROM so_b ORDER BY x DESC LIMIT 1);
-- set operations in subqueries and IN
SELECT count(*) FROM (SELECT x FROM so_a UNION SELECT x FROM so_b) s;
SELECT y FROM so_a WHERE x IN (SELECT x FROM so_b EXCEPT SELECT 3) ORDER BY y;
SELECT x, (SELECT max(v) FROM (SELECT so_a.x AS v UNION SELECT 10) t) FROM so_a ORDER BY x;
-- VALUES as a query and as a FROM item
VALUES (1, 'a'), (2, 'b') UNION ALL VALUES (3, 'c') ORDER BY 1 DESC;
SELECT * FROM (VALUES (1, 'one'), (2, 'two')) AS v(n, name) ORDER BY n;
SELECT v.* FROM (VALUES (1), (NULL), (3)) v(n) WHERE n IS NOT NULL;
SELECT a.y, v.label FROM so_a a JOIN (VALUES (1, 'first'), (2, 'second')) v(k, label) ON v.k = a.x ORDER BY 1, 2;
-- errors
SELECT 1, 2 UNION SELECT 1;
SELECT 1 UNION SELECT 'x'::text;
SELECT 1 AS a UNION SELECT 2 ORDER BY a + 1;
SELECT 1 AS a UNION SELECT 2 ORDER BY b;
DROP TABLE so_a;
DROP TABLE so_b;

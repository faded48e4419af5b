-- Window functions: ranking, offsets, value functions, aggregates over frames, named windows.
CREATE TABLE emp (id int PRIMARY KEY, dept text, salary int, hired date);
INSERT INTO emp VALUES
  (1, 'eng', 100, '2020-01-10'), (2, 'eng', 120, '2020-03-01'), (3, 'eng', 120, '2021-06-15'),
  (4, 'eng', 90, '2022-02-01'), (5, 'ops', 80, '2019-05-05'), (6, 'ops', 80, '2020-07-07'),
  (7, 'ops', NULL, '2023-01-01'), (8, 'sales', 70, '2018-11-11');

SELECT id, dept, salary,
       row_number() OVER (PARTITION BY dept ORDER BY salary DESC, id) AS rn,
       rank() OVER (PARTITION BY dept ORDER BY salary DESC) AS rnk,
       dense_rank() OVER (PARTITION BY dept ORDER BY salary DESC) AS drnk
FROM emp ORDER BY dept, rn;

SELECT id, salary,
       percent_rank() OVER (ORDER BY salary) AS pr,
       cume_dist() OVER (ORDER BY salary) AS cd,
       ntile(3) OVER (ORDER BY id) AS nt
FROM emp ORDER BY id;

SELECT id, lag(salary) OVER w, lead(salary) OVER w, lag(salary, 2, -1) OVER w, lead(id, 3) OVER w
FROM emp WINDOW w AS (ORDER BY id) ORDER BY id;

SELECT id, dept,
       first_value(id) OVER w AS fv, last_value(id) OVER w AS lv, nth_value(id, 2) OVER w AS nv
FROM emp WINDOW w AS (PARTITION BY dept ORDER BY id) ORDER BY id;

SELECT id, dept,
       last_value(id) OVER (PARTITION BY dept ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS lv,
       nth_value(id, 3) OVER (PARTITION BY dept ORDER BY id RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS n3
FROM emp ORDER BY id;

-- aggregates: default frame (running, peers included), whole partition, sliding ROWS
SELECT id, salary,
       sum(salary) OVER (ORDER BY salary) AS running,
       sum(salary) OVER () AS total,
       count(*) OVER (PARTITION BY dept) AS n,
       avg(salary) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS moving,
       max(salary) OVER (ORDER BY id ROWS 2 PRECEDING) AS max3
FROM emp ORDER BY id;

-- RANGE with offsets, GROUPS, EXCLUDE
SELECT id, salary,
       sum(salary) OVER (ORDER BY salary RANGE BETWEEN 10 PRECEDING AND 10 FOLLOWING) AS near,
       count(*) OVER (ORDER BY salary DESC RANGE BETWEEN CURRENT ROW AND 20 FOLLOWING) AS below20,
       sum(id) OVER (ORDER BY salary GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW) AS g
FROM emp ORDER BY id;

SELECT id, salary,
       sum(id) OVER (ORDER BY salary ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE CURRENT ROW) AS ex_cur,
       sum(id) OVER (ORDER BY salary ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE GROUP) AS ex_grp,
       sum(id) OVER (ORDER BY salary ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE TIES) AS ex_ties,
       array_agg(id) OVER (ORDER BY salary ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS pair
FROM emp ORDER BY id;

SELECT id, hired,
       count(*) OVER (ORDER BY hired RANGE BETWEEN '1 year' PRECEDING AND CURRENT ROW) AS within_year
FROM emp ORDER BY id;

-- FILTER, aggregates inside window functions, window over a grouped query
SELECT id, count(*) FILTER (WHERE salary > 85) OVER (ORDER BY id) AS big_so_far FROM emp ORDER BY id;
SELECT dept, sum(salary) AS s, rank() OVER (ORDER BY sum(salary) DESC) AS r,
       sum(sum(salary)) OVER () AS grand
FROM emp GROUP BY dept ORDER BY dept;

-- window functions in ORDER BY and in subqueries
SELECT id FROM emp ORDER BY row_number() OVER (ORDER BY salary DESC NULLS LAST, id DESC) LIMIT 3;
SELECT * FROM (SELECT id, dept, row_number() OVER (PARTITION BY dept ORDER BY id DESC) AS rn FROM emp) s
WHERE rn = 1 ORDER BY dept;

-- named windows inheriting ORDER BY
SELECT id, sum(salary) OVER (w ORDER BY id) AS s, count(*) OVER w AS c
FROM emp WINDOW w AS (PARTITION BY dept) ORDER BY id;

-- combined with DISTINCT, DISTINCT ON, LIMIT and GROUPING SETS
SELECT DISTINCT dept, count(*) OVER (PARTITION BY dept) AS n FROM emp ORDER BY dept;
SELECT DISTINCT ON (dept) dept, id, rank() OVER (PARTITION BY dept ORDER BY salary DESC NULLS LAST) AS r
FROM emp ORDER BY dept, r, id;
SELECT id, sum(salary) OVER (ORDER BY id) AS s FROM emp ORDER BY s DESC NULLS LAST, id LIMIT 2;
SELECT dept, sum(salary) AS s, sum(sum(salary)) OVER (ORDER BY dept NULLS FIRST) AS running
FROM emp GROUP BY ROLLUP (dept) ORDER BY dept NULLS FIRST;
SELECT id, lag(id) OVER (ORDER BY id) + lead(id) OVER (ORDER BY id) AS around,
       CASE WHEN row_number() OVER (ORDER BY id) % 2 = 0 THEN 'even' ELSE 'odd' END AS parity
FROM emp ORDER BY id;

-- empty input, NULL arguments
SELECT row_number() OVER () FROM emp WHERE false;
SELECT id, ntile(NULL) OVER (ORDER BY id), lag(id, NULL) OVER (ORDER BY id) FROM emp WHERE id < 3 ORDER BY id;

-- errors
SELECT id FROM emp WHERE row_number() OVER () > 1;
SELECT dept FROM emp GROUP BY dept HAVING rank() OVER () > 1;
SELECT sum(row_number() OVER ()) FROM emp;
SELECT row_number() OVER (ORDER BY rank() OVER ()) FROM emp;
SELECT lower(dept) OVER () FROM emp;
SELECT count(DISTINCT id) OVER () FROM emp;
SELECT row_number() OVER w FROM emp;
SELECT ntile(0) OVER () FROM emp;
SELECT nth_value(id, 0) OVER () FROM emp;
SELECT sum(id) OVER (ORDER BY id ROWS -1 PRECEDING) FROM emp;
SELECT sum(id) OVER (ORDER BY id, dept RANGE 1 PRECEDING) FROM emp;
SELECT sum(id) OVER (GROUPS 1 PRECEDING) FROM emp;
SELECT id, sum(id) OVER (w ORDER BY id) FROM emp WINDOW w AS (ORDER BY salary);
SELECT sum(id) OVER (w) FROM emp WINDOW w AS (ORDER BY id ROWS 1 PRECEDING);
SELECT sum(id) OVER (w ORDER BY id) FROM emp WINDOW w AS (ROWS 1 PRECEDING);
SELECT id, sum(id) OVER w FROM emp WINDOW w AS (ORDER BY id ROWS 1 PRECEDING) ORDER BY id;
SELECT row_number() OVER () FROM emp GROUP BY 1;
SELECT dept FROM emp GROUP BY dept, rank() OVER (ORDER BY dept);
SELECT count(*) FILTER (WHERE row_number() OVER () > 1) FROM emp;
SELECT id, row_number() OVER w FROM emp WINDOW w AS (ORDER BY id), w AS (ORDER BY dept);

DROP TABLE emp;

-- other order types for RANGE offsets, float / numeric / timestamp / interval
CREATE TABLE m (id int PRIMARY KEY, f float8, n numeric, ts timestamp, iv interval);
INSERT INTO m VALUES (1, 1.5, 1.25, '2024-01-01 10:00', '1 hour'), (2, 2.0, 2.5, '2024-01-01 11:30', '2 hours'),
  (3, 3.25, 2.75, '2024-01-02 09:00', '90 minutes'), (4, NULL, NULL, NULL, NULL), (5, 7.0, 10, '2024-01-05 00:00', '1 day');
SELECT id,
       count(*) OVER (ORDER BY f RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS cf,
       sum(n) OVER (ORDER BY n DESC RANGE BETWEEN 0.5 PRECEDING AND CURRENT ROW) AS sn,
       count(*) OVER (ORDER BY ts RANGE BETWEEN '2 hours' PRECEDING AND '1 day' FOLLOWING) AS cts,
       count(*) OVER (ORDER BY iv RANGE BETWEEN CURRENT ROW AND '30 minutes' FOLLOWING) AS civ
FROM m ORDER BY id;
SELECT id, string_agg(id::text, ',') OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND 2 FOLLOWING EXCLUDE CURRENT ROW) AS nxt,
       min(f) OVER (ORDER BY id GROUPS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS min_after
FROM m ORDER BY id;
SELECT DISTINCT count(*) OVER (PARTITION BY f IS NULL) AS c FROM m ORDER BY c;
SELECT id, row_number() OVER (ORDER BY f DESC NULLS FIRST) AS r, lag(ts, 1, '2000-01-01') OVER (ORDER BY id) AS prev_ts FROM m ORDER BY id;
EXPLAIN (COSTS OFF) SELECT id, row_number() OVER () FROM m;
SELECT sum(id) OVER (ORDER BY id ROWS BETWEEN 1 FOLLOWING AND 1 PRECEDING) FROM m;
SELECT sum(id) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND 1 PRECEDING) FROM m;
SELECT sum(id) OVER (ORDER BY ts RANGE 1 PRECEDING) FROM m;
DROP TABLE m;

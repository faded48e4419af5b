--
-- select: WHERE, ORDER BY, LIMIT/OFFSET, DISTINCT, GROUP BY/HAVING, joins, subqueries
--
CREATE TABLE sel_dept (id int PRIMARY KEY, name text NOT NULL);
CREATE TABLE sel_emp (
  id int PRIMARY KEY,
  name text NOT NULL,
  dept_id int,
  salary numeric(10,2),
  hired date
);
CREATE INDEX sel_emp_dept ON sel_emp (dept_id);
INSERT INTO sel_dept VALUES (1, 'eng'), (2, 'sales'), (3, 'ops'), (4, 'empty');
INSERT INTO sel_emp VALUES
  (1, 'ann', 1, 120000, '2020-01-15'),
  (2, 'bob', 1, 95000, '2021-06-01'),
  (3, 'cat', 2, 70000, '2019-03-20'),
  (4, 'dan', 2, 72000.50, '2022-11-11'),
  (5, 'eve', 3, 88000, '2018-07-07'),
  (6, 'fay', NULL, 50000, '2023-02-02'),
  (7, 'gus', 1, NULL, '2024-01-01');

-- constants and expressions without tables
SELECT 1 AS one, 'two' AS two, 1 + 2 * 3 AS arith, NULL AS nothing;
SELECT 1 WHERE false;

-- WHERE with comparisons, AND/OR, IN, BETWEEN, LIKE, IS NULL
SELECT id, name FROM sel_emp WHERE id = 3;
SELECT id, name FROM sel_emp WHERE salary > 80000 AND dept_id = 1 ORDER BY id;
SELECT id, name FROM sel_emp WHERE dept_id IN (2, 3) OR salary IS NULL ORDER BY id;
SELECT id, name FROM sel_emp WHERE id BETWEEN 2 AND 4 ORDER BY id;
SELECT id, name FROM sel_emp WHERE name LIKE '_a%' ORDER BY id;
SELECT id, name FROM sel_emp WHERE dept_id IS NULL;
SELECT id, name FROM sel_emp WHERE dept_id <> 1 ORDER BY id;
SELECT id FROM sel_emp WHERE NOT (salary >= 90000) ORDER BY id;

-- ORDER BY, LIMIT, OFFSET
SELECT name, salary FROM sel_emp ORDER BY salary DESC NULLS LAST, name;
SELECT name, salary FROM sel_emp ORDER BY salary NULLS FIRST LIMIT 3;
SELECT name FROM sel_emp ORDER BY name LIMIT 2 OFFSET 2;
SELECT name FROM sel_emp ORDER BY 1 DESC LIMIT 1;
SELECT id FROM sel_emp ORDER BY id OFFSET 5;
SELECT id FROM sel_emp ORDER BY id LIMIT 0;

-- DISTINCT
SELECT DISTINCT dept_id FROM sel_emp ORDER BY dept_id;
SELECT count(DISTINCT dept_id) AS depts FROM sel_emp;

-- aggregates, GROUP BY, HAVING
SELECT count(*) AS n, count(salary) AS with_salary, sum(salary) AS total, min(salary) AS lo, max(salary) AS hi FROM sel_emp;
SELECT round(avg(salary), 2) AS avg_salary FROM sel_emp;
SELECT dept_id, count(*) AS n, sum(salary) AS total FROM sel_emp GROUP BY dept_id ORDER BY dept_id;
SELECT dept_id, max(hired) AS latest FROM sel_emp GROUP BY dept_id HAVING count(*) > 1 ORDER BY dept_id;
SELECT count(*) FROM sel_emp WHERE false;
SELECT sum(salary) FROM sel_emp WHERE false;
SELECT name, count(*) FROM sel_emp;

-- joins
SELECT e.name, d.name AS dept FROM sel_emp e JOIN sel_dept d ON d.id = e.dept_id ORDER BY e.name;
SELECT e.name, d.name AS dept FROM sel_emp e LEFT JOIN sel_dept d ON d.id = e.dept_id ORDER BY e.name;
SELECT d.name, count(e.id) AS headcount FROM sel_dept d LEFT JOIN sel_emp e ON e.dept_id = d.id GROUP BY d.name ORDER BY d.name;
SELECT e.name FROM sel_emp e, sel_dept d WHERE e.dept_id = d.id AND d.name = 'sales' ORDER BY 1;
SELECT a.name, b.name FROM sel_emp a JOIN sel_emp b ON a.dept_id = b.dept_id AND a.id < b.id ORDER BY a.id, b.id;

-- subqueries
SELECT name FROM sel_emp WHERE salary > (SELECT avg(salary) FROM sel_emp) ORDER BY name;
SELECT name FROM sel_dept WHERE id IN (SELECT dept_id FROM sel_emp WHERE salary > 80000) ORDER BY name;
SELECT name FROM sel_dept d WHERE NOT EXISTS (SELECT 1 FROM sel_emp e WHERE e.dept_id = d.id);
SELECT t.dept_id, t.n FROM (SELECT dept_id, count(*) AS n FROM sel_emp GROUP BY dept_id) t WHERE t.n >= 2 ORDER BY t.dept_id;
SELECT name, (SELECT d.name FROM sel_dept d WHERE d.id = e.dept_id) AS dept FROM sel_emp e ORDER BY id LIMIT 3;

-- everyday functions and expressions
SELECT name, coalesce(salary, 0) AS salary, CASE WHEN salary >= 90000 THEN 'high' WHEN salary IS NULL THEN 'unknown' ELSE 'normal' END AS band FROM sel_emp ORDER BY id;
SELECT upper(name) || '-' || length(name) AS label, abs(-id) AS pos, nullif(dept_id, 1) AS not_eng FROM sel_emp ORDER BY id;
SELECT extract(year FROM hired) AS y, count(*) FROM sel_emp GROUP BY 1 ORDER BY 1;
SELECT id, salary::int AS whole, cast(id AS text) || 'x' AS t FROM sel_emp WHERE id < 3 ORDER BY id;
SELECT greatest(1, 5, 3) AS g, least('b', 'a') AS l, round(2.567, 1) AS r, trunc(2.567) AS tr, mod(17, 5) AS m;

-- errors
SELECT nosuch FROM sel_emp;
SELECT * FROM sel_nosuch;
SELECT id FROM sel_emp e JOIN sel_dept d ON d.id = e.dept_id;
SELECT name FROM sel_emp WHERE id = 'abc';
SELECT (SELECT id FROM sel_emp);

DROP TABLE sel_emp;
DROP TABLE sel_dept;

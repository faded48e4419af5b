-- GROUPING SETS, ROLLUP, CUBE and GROUPING()
CREATE TABLE sales (region text, product text, year int, amount int);
INSERT INTO sales VALUES
  ('north', 'apple', 2022, 10), ('north', 'apple', 2023, 15), ('north', 'pear', 2023, 7),
  ('south', 'apple', 2022, 20), ('south', 'pear', 2022, 5), ('south', 'pear', 2023, 8),
  ('west', NULL, 2023, 3);

SELECT region, product, sum(amount), grouping(region, product) AS g
FROM sales GROUP BY ROLLUP (region, product) ORDER BY region, product, g;

SELECT region, year, count(*), grouping(region) AS gr, grouping(year) AS gy
FROM sales GROUP BY CUBE (region, year) ORDER BY gr, gy, region, year;

SELECT region, product, year, sum(amount)
FROM sales GROUP BY GROUPING SETS ((region, product), (year), ()) ORDER BY region, product, year;

SELECT region, product, sum(amount) FROM sales
GROUP BY region, ROLLUP (product) ORDER BY region, product;

SELECT region, year, sum(amount) FROM sales
GROUP BY GROUPING SETS (region, ROLLUP (year)) ORDER BY region, year;

SELECT region, product, year, sum(amount) FROM sales
GROUP BY ROLLUP ((region, product), year) ORDER BY 1, 2, 3;

-- HAVING and ORDER BY with GROUPING()
SELECT region, sum(amount) FROM sales GROUP BY ROLLUP (region)
HAVING grouping(region) = 1 OR sum(amount) > 20 ORDER BY grouping(region), region;

SELECT CASE WHEN grouping(product) = 1 THEN 'all' ELSE product END AS p, sum(amount)
FROM sales GROUP BY ROLLUP (product) ORDER BY 1;

-- GROUP BY DISTINCT removes duplicate sets
SELECT region, year, count(*) FROM sales GROUP BY ROLLUP (region), ROLLUP (region, year) ORDER BY 1, 2, 3;
SELECT region, year, count(*) FROM sales GROUP BY DISTINCT ROLLUP (region), ROLLUP (region, year) ORDER BY 1, 2, 3;

-- empty grouping set on empty input gives one row
SELECT region, count(*), sum(amount) FROM sales WHERE false GROUP BY ROLLUP (region);
SELECT count(*) FROM sales WHERE false GROUP BY GROUPING SETS ((), ());
SELECT grouping(region) FROM sales GROUP BY region ORDER BY 1;

-- window functions over grouping sets
SELECT region, sum(amount) AS s, rank() OVER (PARTITION BY grouping(region) ORDER BY sum(amount) DESC) AS r
FROM sales GROUP BY ROLLUP (region) ORDER BY grouping(region), r;

-- errors
SELECT grouping(amount) FROM sales GROUP BY region;
SELECT region FROM sales WHERE grouping(region) = 0 GROUP BY region;
SELECT region, product FROM sales GROUP BY ROLLUP (region);
SELECT grouping(region) FROM sales;

DROP TABLE sales;

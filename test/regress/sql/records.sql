-- Record values and field selection: ROW(...), (expr).field, whole-row references (t).col,
-- information_schema._pg_expandarray (what pgjdbc's getPrimaryKeys / getIndexInfo send),
-- the 0-based int2vector / oidvector catalog columns, and the integer bitwise operators.
SELECT (ROW(1, 'a'::text)).f2, (ROW(1, NULL::int)).f1;
SELECT (ROW(1, 'a')).f3;
SELECT (1).x;
CREATE TABLE rec_t (a int, b text);
INSERT INTO rec_t VALUES (1, 'x'), (2, 'y');
SELECT (t).b, (t).a FROM rec_t t ORDER BY 2;
SELECT * FROM information_schema._pg_expandarray(ARRAY[10, 20]);
SELECT x, n FROM information_schema._pg_expandarray(ARRAY['p', 'q r']) AS e ORDER BY n DESC;
SELECT information_schema._pg_expandarray(ARRAY['a', 'b c', NULL]);
SELECT (information_schema._pg_expandarray(ARRAY[5, 6])).n, information_schema._pg_expandarray(ARRAY[5, 6]) AS k;
SELECT (s.k).x, (s.k).n FROM (SELECT information_schema._pg_expandarray(ARRAY['p', 'q']) AS k) s WHERE (s.k).n = 2;
SELECT (s.k).z FROM (SELECT information_schema._pg_expandarray(ARRAY['p', 'q']) AS k) s;
SELECT information_schema._pg_expandarray(NULL::int[]);
-- pgjdbc's getPrimaryKeys shape over pg_constraint.conkey
CREATE TABLE rec_pk (a int, b int, c text, PRIMARY KEY (b, a));
CREATE INDEX rec_pk_c ON rec_pk (c DESC, a);
SELECT result.column_name, result.key_seq FROM (
  SELECT a.attname AS column_name, (information_schema._pg_expandarray(con.conkey)).n AS key_seq,
         information_schema._pg_expandarray(con.conkey) AS keys, a.attnum AS a_attnum
  FROM pg_catalog.pg_constraint con JOIN pg_catalog.pg_class ct ON con.conrelid = ct.oid
  JOIN pg_catalog.pg_attribute a ON a.attrelid = ct.oid
  WHERE con.contype = 'p' AND ct.relname = 'rec_pk') result
WHERE result.a_attnum = (result.keys).x ORDER BY result.key_seq;
-- pgjdbc's getIndexInfo shape over pg_index.indkey / indoption (0-based vectors)
SELECT ci.relname, (information_schema._pg_expandarray(i.indkey)).n AS ord, i.indoption AS opt
FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ci ON ci.oid = i.indexrelid
WHERE i.indrelid = 'rec_pk'::regclass ORDER BY 1, 2;
SELECT ci.relname, i.indkey, i.indkey[0] AS first, array_lower(i.indkey, 1) AS lower, i.indkey::int2[] AS arr,
       CASE i.indoption[0] & 1::smallint WHEN 1 THEN 'D' ELSE 'A' END AS dir
FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ci ON ci.oid = i.indexrelid
WHERE i.indrelid = 'rec_pk'::regclass ORDER BY 1;
DROP TABLE rec_pk;
DROP TABLE rec_t;
-- bitwise operators
SELECT 5::int2 & 3::int2, 5 | 2, 5::int8 # 1, ~5::int2, 1::int2 << 3, -16 >> 2, 7::int2 & 3;
SELECT pg_typeof(7::int2 & 3), pg_typeof(7::int2 & 3::int2), pg_typeof(1::int8 << 2);

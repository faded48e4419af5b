--
-- srf: set-returning functions in FROM (generate_series, unnest, ROWS FROM, WITH ORDINALITY),
-- plain functions in FROM, LATERAL subqueries and functions
--
SELECT * FROM generate_series(1, 5);
SELECT * FROM generate_series(5, 1);
SELECT * FROM generate_series(10, 1, -3);
SELECT g FROM generate_series(1, 10, 4) AS g;
SELECT s.x FROM generate_series(1, 3) AS s(x);
SELECT * FROM generate_series(1, 3) WITH ORDINALITY;
SELECT * FROM generate_series(4000000000, 4000000002);
SELECT * FROM generate_series(1::bigint, 3);
SELECT pg_typeof(g) FROM generate_series(1::int2, 2) g;
SELECT * FROM generate_series(0.5, 2.0, 0.5);
SELECT * FROM generate_series(1, 2.5);
SELECT * FROM generate_series('2024-01-30'::timestamp, '2024-04-01', '1 month');
SELECT * FROM generate_series('2024-03-01 00:00'::timestamp, '2024-03-01 02:00', '45 minutes');
SET TIME ZONE 'UTC';
SELECT * FROM generate_series('2024-01-01'::timestamptz, '2024-01-03', '1 day');
SELECT pg_typeof(d) FROM generate_series('2024-01-01'::date, '2024-01-02'::date, '1 day') d LIMIT 1;
SELECT * FROM generate_series('2024-01-01', '2024-01-02', '12 hours'::interval);
RESET TIME ZONE;
SELECT count(*), sum(g), min(g), max(g) FROM generate_series(1, 10000) g;
SELECT * FROM generate_series(1, NULL);
SELECT * FROM generate_series(1, 3, 0);
-- unnest, several arrays, ordinality
SELECT * FROM unnest(ARRAY[1, 2, 3]);
SELECT * FROM unnest(ARRAY['a', NULL, 'c']) WITH ORDINALITY AS u(v, i);
SELECT * FROM unnest(ARRAY[1, 2, 3], ARRAY['x', 'y']);
SELECT * FROM unnest('{}'::int[]);
SELECT * FROM unnest(NULL::text[]);
SELECT * FROM ROWS FROM (generate_series(1, 2), unnest(ARRAY['a', 'b', 'c'])) WITH ORDINALITY AS r(n, s, o);
SELECT * FROM generate_subscripts(ARRAY[10, 20, 30], 1) AS s;
SELECT * FROM generate_subscripts(ARRAY[10, 20, 30], 1, true) AS s;
SELECT * FROM generate_subscripts('[0:1]={5,6}'::int[], 1);
SELECT * FROM generate_subscripts('{{1,2,3},{4,5,6}}'::int[], 2);
SELECT * FROM generate_subscripts(ARRAY[1], 2);
SELECT a, generate_subscripts(a, 1) AS i, unnest(a) AS v FROM (SELECT ARRAY['x', 'y'] AS a) s;
-- json set-returning functions
SELECT * FROM jsonb_array_elements('[1, "a", {"b": [2]}, null]');
SELECT * FROM jsonb_array_elements_text('[1, "a", {"b": [2]}, null]') WITH ORDINALITY AS e(v, i);
SELECT * FROM json_array_elements('[1,  "a" , {"b":[2]}]');
SELECT json_array_elements_text('["x", 2]') AS v;
SELECT * FROM jsonb_object_keys('{"z": 1, "a": 2, "a": 3}');
SELECT * FROM json_object_keys('{"z": 1, "a": 2, "a": 3}');
SELECT k, count(*) OVER () FROM (SELECT jsonb_object_keys('{"p": 1, "q": 2}') AS k) s ORDER BY k;
SELECT * FROM jsonb_array_elements('{"a": 1}');
SELECT * FROM jsonb_array_elements('3');
SELECT * FROM json_array_elements('{"a": 1}');
SELECT * FROM jsonb_object_keys('[1]');
SELECT * FROM json_object_keys('"s"');
SELECT * FROM jsonb_array_elements(NULL);
-- plain functions in FROM
SELECT * FROM upper('abc');
SELECT x FROM abs(-4) AS x;
SELECT * FROM lower('ABC') AS l(v);
-- joins with functions and LATERAL (functions in FROM may read earlier FROM items)
CREATE TABLE srf_t (id int PRIMARY KEY, n int, tags text[]);
INSERT INTO srf_t VALUES (1, 2, ARRAY['red', 'blue']), (2, 0, ARRAY['green']), (3, 3, NULL);
SELECT t.id, g FROM srf_t t, generate_series(1, t.n) g ORDER BY 1, 2;
SELECT t.id, g FROM srf_t t CROSS JOIN LATERAL generate_series(1, t.n) g ORDER BY 1, 2;
SELECT t.id, g FROM srf_t t LEFT JOIN LATERAL generate_series(1, t.n) g ON true ORDER BY 1, 2;
SELECT t.id, tag, i FROM srf_t t, unnest(t.tags) WITH ORDINALITY AS u(tag, i) ORDER BY 1, 3;
SELECT t.id, s.total FROM srf_t t, LATERAL (SELECT sum(g) AS total FROM generate_series(1, t.n) g) s ORDER BY 1;
SELECT t.id, s.g FROM srf_t t LEFT JOIN LATERAL (SELECT g FROM generate_series(1, t.n) g WHERE g > 1) s ON true ORDER BY 1, 2;
SELECT t.id, x.m FROM srf_t t JOIN LATERAL (SELECT max(u.id) AS m FROM srf_t u WHERE u.id < t.id) x ON x.m IS NOT NULL ORDER BY 1;
SELECT g, t.id FROM generate_series(1, 3) g JOIN srf_t t ON t.id = g ORDER BY 1;
SELECT (SELECT count(*) FROM generate_series(1, t.n)) AS c FROM srf_t t ORDER BY t.id;
-- set-returning functions in the select list: lockstep, padded with NULLs, rows without output vanish
SELECT generate_series(1, 3);
SELECT generate_series(1, 3) AS n, 'x' AS c;
SELECT unnest(ARRAY[10, 20]) AS a, generate_series(1, 3) AS b;
SELECT id, unnest(tags) AS tag FROM srf_t ORDER BY id, tag;
SELECT id, generate_series(1, n) FROM srf_t ORDER BY 1, 2;
SELECT *, unnest(tags) FROM srf_t WHERE id = 1 ORDER BY 4;
SELECT DISTINCT generate_series(1, n) AS g FROM srf_t ORDER BY g;
SELECT generate_series(1, 10)::text AS s LIMIT 3;
SELECT generate_series(1, 3) + 1;
SELECT generate_series(1, 2) * 10 AS ten, upper(unnest(ARRAY['a', 'b'])) AS u;
-- errors
SELECT * FROM generate_series(1, 2, 3, 4);
SELECT * FROM generate_series('a'::text, 'b');
SELECT * FROM unnest(1);
SELECT * FROM srf_t t, (SELECT t.n) s;
DROP TABLE srf_t;

--
-- types: input, output, casts and range errors of the foundation types
--
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, MDY';
SET IntervalStyle = 'postgres';

-- booleans
SELECT true AS t, false AS f, 't'::bool AS t2, 'no'::boolean AS f2, NULL::bool AS n;
SELECT 'maybe'::bool;
SELECT true AND NULL AS and_null, false AND NULL AS and_false, true OR NULL AS or_true;

-- integers
SELECT 32767::int2 AS i2, 2147483647::int4 AS i4, 9223372036854775807::int8 AS i8;
SELECT (-32768)::int2 AS i2min, (-2147483648)::int4 AS i4min;
SELECT 32768::int2;
SELECT 2147483648::int4;
SELECT '12x'::int4;
SELECT ' 42 '::int4 AS trimmed;
SELECT 2147483647::int4 + 1;
SELECT 7 / 2 AS int_div, 7 % 3 AS int_mod, -7 / 2 AS neg_div, 2 ^ 10 AS pow;
SELECT 1 / 0;
SELECT 5 % 0;

-- floating point
SELECT 1.5::float4 AS f4, 0.1::float8 AS f8, 1e300::float8 * 10 AS big;
SELECT 'NaN'::float8 AS nan, 'Infinity'::float8 AS inf, '-Infinity'::float4 AS ninf;
SELECT 1.0::float8 / 3 AS third, 2.5::float8 * 2 AS five;
SELECT '1e39'::float4;
SELECT 'abc'::float8;

-- numeric
SELECT 1.23::numeric(5,2) AS n1, 123.456::numeric(6,2) AS rounded, 0.1 + 0.2 AS exact;
SELECT 12345.678::numeric(10,3) * 2 AS doubled, 10::numeric / 3 AS div3;
SELECT 1000::numeric(4,1);
SELECT '1.5e3'::numeric AS sci, (-0.005)::numeric(4,2) AS neg_round;
SELECT 1::numeric / 0;

-- text and character types
SELECT 'hello'::text AS t, 'abc'::varchar(5) AS v, 'ab'::char(4) AS c, length('ab'::char(4)) AS clen;
SELECT 'abcdef'::varchar(3) AS truncated_by_cast;
SELECT 'it''s' AS quoted, E'tab\there' AS escaped, 'a' || 'b' || 'c' AS concat;
SELECT upper('MiXeD') AS up, lower('MiXeD') AS low, length('héllo') AS len, substr('database', 1, 4) AS sub;

-- bytea
SELECT '\x deadbeef'::bytea AS hex_in, 'abc'::bytea AS esc_in, length('\x0001ff'::bytea) AS blen;
SELECT '\xzz'::bytea;

-- date and time
SELECT '2024-02-29'::date AS leap, '2024-03-01'::date - '2024-02-01'::date AS days;
SELECT '2023-02-29'::date;
SELECT '2024-01-15 10:30:00'::timestamp AS ts, '2024-01-15 10:30:00.123456'::timestamp AS ts_us;
SELECT '2024-01-15 10:30:00+02'::timestamptz AS tstz;
SELECT '2024-01-15'::date + 1 AS next_day, '2024-01-15 10:00'::timestamp + '90 minutes'::interval AS later;
SELECT '1 day 2 hours'::interval AS i1, '3 months'::interval + '40 days'::interval AS i2, '-1 year'::interval AS i3;
SELECT '2024-01-15 10:00:00'::timestamp - '2024-01-14 08:30:00'::timestamp AS diff;
SELECT 'not a date'::date;

-- uuid
SELECT 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'::uuid AS u;
SELECT 'a0eebc99-9c0b-4ef8-bb6d'::uuid;

-- json and jsonb
SELECT '{"b": 1, "a": [1, 2, {"c": null}]}'::json AS j;
SELECT '{"b": 1,   "a": [1, 2, {"c": null}]}'::jsonb AS jb;
SELECT '{"a": 1}'::jsonb -> 'a' AS arrow, '{"a": "x"}'::jsonb ->> 'a' AS arrow_text;
SELECT '{bad json'::jsonb;

-- arrays
SELECT ARRAY[1, 2, 3] AS ints, ARRAY['a', NULL, 'c'] AS texts, '{4,5,6}'::int4[] AS lit;
SELECT (ARRAY[10, 20, 30])[2] AS second, array_length(ARRAY[1, 2, 3], 1) AS len;
SELECT '{1,2,x}'::int4[];

-- a table with every type, round trip through storage
CREATE TABLE types_all (
  id int4 PRIMARY KEY,
  b bool, i2 int2, i8 int8, f4 float4, f8 float8, n numeric(10,2),
  t text, v varchar(10), c char(3), by bytea, d date, ts timestamp, tz timestamptz,
  iv interval, u uuid, j json, jb jsonb, arr int4[], tarr text[]
);
INSERT INTO types_all VALUES
  (1, true, 1, 10000000000, 1.25, 2.5, 12.345, 'text', 'varchar', 'ch', '\x00ff', '2024-01-01',
   '2024-01-01 00:00:01', '2024-01-01 12:00:00+00', '1 day', '11111111-2222-3333-4444-555555555555',
   '{"k": 1}', '{"k": [1, 2]}', '{1,2,3}', '{"a b",c}'),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
SELECT * FROM types_all ORDER BY id;
SELECT id, c || '|' AS c_padded, n * 2 AS n2, arr[1] AS first FROM types_all ORDER BY id;
INSERT INTO types_all (id, v) VALUES (3, 'much too long for it');
INSERT INTO types_all (id, i2) VALUES (3, 40000);
INSERT INTO types_all (id, n) VALUES (3, 123456789.5);
DROP TABLE types_all;

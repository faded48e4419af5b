-- What psycopg2, psycopg 3, asyncpg, node-postgres and postgres.js send for typical application
-- code (test/regress/capture/drivers_app.py and node_app.mjs), captured from PostgreSQL 15 by
-- test/regress/capture/capture.sh and made replayable by capture/curate_drivers.py;
-- extended-protocol parameters appear as the literals the drivers bound. COPY data is inline
-- (the log does not show it); asyncpg's binary COPY is replayed in text format.

-- ── psycopg2
BEGIN;
CREATE TABLE cap_p2 (id int PRIMARY KEY, name text NOT NULL, amount numeric(8,2), at date, tags text[], doc jsonb);
INSERT INTO cap_p2 (id, name, amount, at, tags) VALUES (1, 'one', 1.25, '2021-05-06'::date, ARRAY['a','b']);
INSERT INTO cap_p2 (id, name, amount, at, tags) VALUES (2, 'two''s', NULL, NULL, '{}');
INSERT INTO cap_p2 (id, name) VALUES (3,'three'),(4,'four');
UPDATE cap_p2 SET doc = '{"k": 1}' WHERE id = 1;
SELECT id, name, amount, at, tags, doc FROM cap_p2 WHERE id = ANY(ARRAY[1,2,3]) ORDER BY id;
SELECT name FROM cap_p2 WHERE name LIKE 't%' ORDER BY name;
COPY cap_p2 (id, name) FROM STDIN WITH (FORMAT csv);
5,five
6,"si,x"
\.
COPY (SELECT id, name FROM cap_p2 ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER);
COMMIT;
BEGIN;
INSERT INTO cap_p2 (id, name) VALUES (1, 'dup');
ROLLBACK;
BEGIN;
DECLARE "cap_named" CURSOR WITHOUT HOLD FOR SELECT id, name FROM cap_p2 WHERE id > 1 ORDER BY id;
FETCH FORWARD 2 FROM "cap_named";
FETCH FORWARD 2 FROM "cap_named";
FETCH FORWARD 2 FROM "cap_named";
FETCH FORWARD 2 FROM "cap_named";
CLOSE "cap_named";
COMMIT;
DELETE FROM cap_p2 WHERE id > 4 RETURNING id;
DROP TABLE cap_p2;

-- ── psycopg3
BEGIN;
CREATE TABLE cap_p3 (id bigint PRIMARY KEY, name text, at timestamptz, ok boolean);
INSERT INTO cap_p3 (id, name, at, ok) VALUES ('1', 'a', '2021-01-01 00:00:00+00', 't');
INSERT INTO cap_p3 (id, name, at, ok) VALUES ('2', 'b', NULL, 'f');
COPY cap_p3 (id, name) FROM STDIN;
3	c
4	\N
\.
SELECT id, name, ok FROM cap_p3 WHERE id >= '2' ORDER BY id;
SELECT count(*), max(id) FROM cap_p3;
COMMIT;
BEGIN;
DECLARE "cap_p3_named" CURSOR FOR SELECT id, name FROM cap_p3 ORDER BY id;
FETCH FORWARD 2 FROM "cap_p3_named";
FETCH FORWARD ALL FROM "cap_p3_named";
CLOSE "cap_p3_named";
COMMIT;
BEGIN;
UPDATE cap_p3 SET ok = NOT ok WHERE id = '1';
COMMIT;
BEGIN;
DROP TABLE cap_p3;
DEALLOCATE ALL;
COMMIT;

-- ── asyncpg
CREATE TABLE cap_ap (id int PRIMARY KEY, name text, score float8, vals int[]);
-- (nodedb has no JIT: jit is off there, on in PostgreSQL; only the new value is compared)
SELECT new FROM (SELECT
                        current_setting('jit') AS cur,
                        set_config('jit', 'off', false) AS new) AS q;
WITH RECURSIVE typeinfo_tree(
    oid, ns, name, kind, basetype, elemtype, elemdelim,
    range_subtype, attrtypoids, attrnames, depth)
AS (
    SELECT
        ti.oid, ti.ns, ti.name, ti.kind, ti.basetype,
        ti.elemtype, ti.elemdelim, ti.range_subtype,
        ti.attrtypoids, ti.attrnames, 0
    FROM
            (
        SELECT
            t.oid                           AS oid,
            ns.nspname                      AS ns,
            t.typname                       AS name,
            t.typtype                       AS kind,
            (CASE WHEN t.typtype = 'd' THEN
                (WITH RECURSIVE typebases(oid, depth) AS (
                    SELECT
                        t2.typbasetype      AS oid,
                        0                   AS depth
                    FROM
                        pg_type t2
                    WHERE
                        t2.oid = t.oid

                    UNION ALL

                    SELECT
                        t2.typbasetype      AS oid,
                        tb.depth + 1        AS depth
                    FROM
                        pg_type t2,
                        typebases tb
                    WHERE
                       tb.oid = t2.oid
                       AND t2.typbasetype != 0
               ) SELECT oid FROM typebases ORDER BY depth DESC LIMIT 1)

               ELSE NULL
            END)                            AS basetype,
            t.typelem                       AS elemtype,
            elem_t.typdelim                 AS elemdelim,
            COALESCE(
                range_t.rngsubtype,
                multirange_t.rngsubtype)    AS range_subtype,
            (CASE WHEN t.typtype = 'c' THEN
                (SELECT
                    array_agg(ia.atttypid ORDER BY ia.attnum)
                FROM
                    pg_attribute ia
                    INNER JOIN pg_class c
                        ON (ia.attrelid = c.oid)
                WHERE
                    ia.attnum > 0 AND NOT ia.attisdropped
                    AND c.reltype = t.oid)

                ELSE NULL
            END)                            AS attrtypoids,
            (CASE WHEN t.typtype = 'c' THEN
                (SELECT
                    array_agg(ia.attname::text ORDER BY ia.attnum)
                FROM
                    pg_attribute ia
                    INNER JOIN pg_class c
                        ON (ia.attrelid = c.oid)
                WHERE
                    ia.attnum > 0 AND NOT ia.attisdropped
                    AND c.reltype = t.oid)

                ELSE NULL
            END)                            AS attrnames
        FROM
            pg_catalog.pg_type AS t
            INNER JOIN pg_catalog.pg_namespace ns ON (
                ns.oid = t.typnamespace)
            LEFT JOIN pg_type elem_t ON (
                t.typlen = -1 AND
                t.typelem != 0 AND
                t.typelem = elem_t.oid
            )
            LEFT JOIN pg_range range_t ON (
                t.oid = range_t.rngtypid
            )
            LEFT JOIN pg_range multirange_t ON (
                t.oid = multirange_t.rngmultitypid
            )
    )
 AS ti
    WHERE
        ti.oid = any('{1007}'::oid[])

    UNION ALL

    SELECT
        ti.oid, ti.ns, ti.name, ti.kind, ti.basetype,
        ti.elemtype, ti.elemdelim, ti.range_subtype,
        ti.attrtypoids, ti.attrnames, tt.depth + 1
    FROM
            (
        SELECT
            t.oid                           AS oid,
            ns.nspname                      AS ns,
            t.typname                       AS name,
            t.typtype                       AS kind,
            (CASE WHEN t.typtype = 'd' THEN
                (WITH RECURSIVE typebases(oid, depth) AS (
                    SELECT
                        t2.typbasetype      AS oid,
                        0                   AS depth
                    FROM
                        pg_type t2
                    WHERE
                        t2.oid = t.oid

                    UNION ALL

                    SELECT
                        t2.typbasetype      AS oid,
                        tb.depth + 1        AS depth
                    FROM
                        pg_type t2,
                        typebases tb
                    WHERE
                       tb.oid = t2.oid
                       AND t2.typbasetype != 0
               ) SELECT oid FROM typebases ORDER BY depth DESC LIMIT 1)

               ELSE NULL
            END)                            AS basetype,
            t.typelem                       AS elemtype,
            elem_t.typdelim                 AS elemdelim,
            COALESCE(
                range_t.rngsubtype,
                multirange_t.rngsubtype)    AS range_subtype,
            (CASE WHEN t.typtype = 'c' THEN
                (SELECT
                    array_agg(ia.atttypid ORDER BY ia.attnum)
                FROM
                    pg_attribute ia
                    INNER JOIN pg_class c
                        ON (ia.attrelid = c.oid)
                WHERE
                    ia.attnum > 0 AND NOT ia.attisdropped
                    AND c.reltype = t.oid)

                ELSE NULL
            END)                            AS attrtypoids,
            (CASE WHEN t.typtype = 'c' THEN
                (SELECT
                    array_agg(ia.attname::text ORDER BY ia.attnum)
                FROM
                    pg_attribute ia
                    INNER JOIN pg_class c
                        ON (ia.attrelid = c.oid)
                WHERE
                    ia.attnum > 0 AND NOT ia.attisdropped
                    AND c.reltype = t.oid)

                ELSE NULL
            END)                            AS attrnames
        FROM
            pg_catalog.pg_type AS t
            INNER JOIN pg_catalog.pg_namespace ns ON (
                ns.oid = t.typnamespace)
            LEFT JOIN pg_type elem_t ON (
                t.typlen = -1 AND
                t.typelem != 0 AND
                t.typelem = elem_t.oid
            )
            LEFT JOIN pg_range range_t ON (
                t.oid = range_t.rngtypid
            )
            LEFT JOIN pg_range multirange_t ON (
                t.oid = multirange_t.rngmultitypid
            )
    )
 ti,
        typeinfo_tree tt
    WHERE
        (tt.elemtype IS NOT NULL AND ti.oid = tt.elemtype)
        OR (tt.attrtypoids IS NOT NULL AND ti.oid = any(tt.attrtypoids))
        OR (tt.range_subtype IS NOT NULL AND ti.oid = tt.range_subtype)
        OR (tt.basetype IS NOT NULL AND ti.oid = tt.basetype)
)

SELECT DISTINCT
    *,
    basetype::regtype::text AS basetype_name,
    elemtype::regtype::text AS elemtype_name,
    range_subtype::regtype::text AS range_subtype_name
FROM
    typeinfo_tree
ORDER BY
    depth DESC;
SELECT
                    set_config('jit', 'on', false);
INSERT INTO cap_ap (id, name, score, vals) VALUES ('1', 'a', '1.5', '{1,2}');
INSERT INTO cap_ap (id, name, score, vals) VALUES ('2', 'b', NULL, NULL);
COPY "cap_ap"("id", "name", "score", "vals") FROM STDIN;
3	c	2.5	{3}
\.
SELECT id, name, score, vals FROM cap_ap WHERE id > '0' ORDER BY id;
SELECT count(*) FROM cap_ap;
BEGIN;
UPDATE cap_ap SET score = score + 1 WHERE id = '1';
SELECT id FROM cap_ap ORDER BY id;
COMMIT;
DROP TABLE cap_ap;

-- ── node-postgres
CREATE TABLE cap_np (id serial PRIMARY KEY, name text NOT NULL, n int, at timestamptz DEFAULT now(), doc jsonb);
INSERT INTO cap_np (name, n, doc) VALUES ('a', '1', '{"k": 1}') RETURNING id;
INSERT INTO cap_np (name, n) VALUES ('b', '2');
INSERT INTO cap_np (name, n) VALUES ('c', NULL);
SELECT id, name, n, doc FROM cap_np WHERE n IS NOT NULL AND name = ANY('{a,b}') ORDER BY id;
BEGIN;
UPDATE cap_np SET n = n + 1 WHERE id = '1';
COMMIT;
SELECT name, n FROM cap_np ORDER BY id;
DROP TABLE cap_np;

-- ── postgres.js
SELECT oid, typarray FROM (
select b.oid, b.typarray
      from pg_catalog.pg_type a
      left join pg_catalog.pg_type b on b.oid = a.typelem
      where a.typcategory = 'A'
      group by b.oid, b.typarray
      order by b.oid
) AS q WHERE oid IN (16, 20, 21, 23, 25, 114, 700, 701, 1043, 1082, 1114, 1184, 1700, 2950, 3802) ORDER BY oid;
CREATE TABLE cap_pj (id int PRIMARY KEY, name text, tags text[], at date);
INSERT INTO cap_pj ("id","name","tags","at")values('1','a','{x}','2020-01-01'),('2','b','{}',NULL);
SELECT id, name, tags FROM cap_pj WHERE id IN ('1','2') ORDER BY id;
begin;
UPDATE cap_pj SET name = 'z' WHERE id = '1';
commit;
SELECT count(*)::int AS n FROM cap_pj;
DROP TABLE cap_pj;

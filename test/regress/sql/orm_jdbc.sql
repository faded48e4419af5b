-- What pgjdbc 42.7 sends: an app session (test/clients/java/JdbcSession.java: RETURNING, batch
-- insert, transactions, savepoints) and DatabaseMetaData calls (JdbcMetadata.java: getSchemas,
-- getTables, getColumns, getPrimaryKeys, getImportedKeys, getIndexInfo), captured from
-- PostgreSQL 15 by test/regress/capture/capture.sh (raw/jdbc-*.sql), unchanged.
DROP TABLE IF EXISTS jdbc_products;
CREATE TABLE jdbc_products (id serial PRIMARY KEY, sku varchar(20) NOT NULL UNIQUE, name text, price numeric(10,2), stock int4, weight float8, rating float4, big int8, small int2, active bool, launched date, updated timestamptz, local_ts timestamp, ref uuid, image bytea, tags text[], meta jsonb);
INSERT INTO jdbc_products (sku, name, price, stock, weight, rating, big, small, active, launched, updated, local_ts, ref, image, tags, meta) VALUES ('SKU-1', 'Kettle élégant', '49.90', '12', '1.75', '4.5', '9007199254740993', '-7', 't', '2024-02-29', '2024-03-01 10:15:30.5+00', '2024-03-01 10:15:30', '6ba7b810-9dad-11d1-80b4-00c04fd430c8', '\x0001feff', '{kitchen,"sale item",NULL}', '{"watts": 2000, "colors": ["red"]}'::jsonb)
RETURNING *;
SELECT * FROM jdbc_products WHERE sku = 'SKU-1';
INSERT INTO jdbc_products (sku, price, stock, active, launched, image, tags) VALUES ('SKU-NULL', NULL, NULL, NULL, NULL, NULL, NULL);
SELECT price, stock, active, launched, image, tags, name FROM jdbc_products WHERE sku = 'SKU-NULL';
INSERT INTO jdbc_products (sku, name, price, stock) VALUES ('B-0', 'batch item 0', '0.99', '0');
INSERT INTO jdbc_products (sku, name, price, stock) VALUES ('B-1', 'batch item 1', '1.99', '1');
INSERT INTO jdbc_products (sku, name, price, stock) VALUES ('B-2', 'batch item 2', '2.99', '2');
INSERT INTO jdbc_products (sku, name, price, stock) VALUES ('B-3', 'batch item 3', '3.99', '3');
INSERT INTO jdbc_products (sku, name, price, stock) VALUES ('B-4', 'batch item 4', '4.99', '4');
INSERT INTO jdbc_products (sku, name, price, stock) VALUES ('B-5', 'batch item 5', '5.99', '0');
INSERT INTO jdbc_products (sku, name, price, stock) VALUES ('B-6', 'batch item 6', '6.99', '1');
INSERT INTO jdbc_products (sku, name, price, stock) VALUES ('B-7', 'batch item 7', '7.99', '2');
INSERT INTO jdbc_products (sku, name, price, stock) VALUES ('B-8', 'batch item 8', '8.99', '3');
INSERT INTO jdbc_products (sku, name, price, stock) VALUES ('B-9', 'batch item 9', '9.99', '4');
INSERT INTO jdbc_products (sku, name, price, stock) VALUES ('B-10', 'batch item 10', '10.99', '0');
INSERT INTO jdbc_products (sku, name, price, stock) VALUES ('B-11', 'batch item 11', '11.99', '1');
INSERT INTO jdbc_products (sku, name, price, stock) VALUES ('B-12', 'batch item 12', '12.99', '2');
INSERT INTO jdbc_products (sku, name, price, stock) VALUES ('B-13', 'batch item 13', '13.99', '3');
INSERT INTO jdbc_products (sku, name, price, stock) VALUES ('B-14', 'batch item 14', '14.99', '4');
INSERT INTO jdbc_products (sku, name, price, stock) VALUES ('B-15', 'batch item 15', '15.99', '0');
INSERT INTO jdbc_products (sku, name, price, stock) VALUES ('B-16', 'batch item 16', '16.99', '1');
INSERT INTO jdbc_products (sku, name, price, stock) VALUES ('B-17', 'batch item 17', '17.99', '2');
INSERT INTO jdbc_products (sku, name, price, stock) VALUES ('B-18', 'batch item 18', '18.99', '3');
INSERT INTO jdbc_products (sku, name, price, stock) VALUES ('B-19', 'batch item 19', '19.99', '4');
INSERT INTO jdbc_products (sku, name, price, stock) VALUES ('B-20', 'batch item 20', '20.99', '0');
INSERT INTO jdbc_products (sku, name, price, stock) VALUES ('B-21', 'batch item 21', '21.99', '1');
INSERT INTO jdbc_products (sku, name, price, stock) VALUES ('B-22', 'batch item 22', '22.99', '2');
INSERT INTO jdbc_products (sku, name, price, stock) VALUES ('B-23', 'batch item 23', '23.99', '3');
INSERT INTO jdbc_products (sku, name, price, stock) VALUES ('B-24', 'batch item 24', '24.99', '4');
SELECT stock, count(*), sum(price) FROM jdbc_products WHERE sku LIKE 'B-%' GROUP BY stock ORDER BY stock;
BEGIN;
INSERT INTO jdbc_products (sku) VALUES ('C-1');
INSERT INTO jdbc_products (sku) VALUES ('B-3');
ROLLBACK;
SELECT count(*) FROM jdbc_products WHERE sku LIKE 'C-%';
SELECT name, price FROM jdbc_products WHERE sku = 'B-0';
SELECT name, price FROM jdbc_products WHERE sku = 'B-1';
SELECT name, price FROM jdbc_products WHERE sku = 'B-2';
SELECT name, price FROM jdbc_products WHERE sku = 'B-3';
SELECT name, price FROM jdbc_products WHERE sku = 'B-4';
SELECT name, price FROM jdbc_products WHERE sku = 'B-5';
SELECT name, price FROM jdbc_products WHERE sku = 'B-6';
SELECT name, price FROM jdbc_products WHERE sku = 'B-7';
BEGIN;
SELECT sku FROM jdbc_products WHERE sku LIKE 'B-%' ORDER BY id;
COMMIT;
SELECT id, sku, price, stock AS qty, active, updated FROM jdbc_products LIMIT 1;
SELECT 1::int4 AS a, 'x'::text AS b, 2.5::numeric(6,2) AS c, true AS d, '2024-01-01'::date AS e, 1::int8 AS f;
BEGIN;
UPDATE jdbc_products SET stock = stock + 100 WHERE sku = 'SKU-1';
COMMIT;
BEGIN;
UPDATE jdbc_products SET stock = 0;
ROLLBACK;
BEGIN;
UPDATE jdbc_products SET stock = stock + 1 WHERE sku = 'SKU-1';
SAVEPOINT "before_dup";
INSERT INTO jdbc_products (sku) VALUES ('SKU-1');
ROLLBACK TO SAVEPOINT "before_dup";
COMMIT;
SELECT stock FROM jdbc_products WHERE sku = 'SKU-1';
INSERT INTO jdbc_products (sku) VALUES (NULL);
SELECT 'alive';
DROP TABLE jdbc_products;
DROP TABLE IF EXISTS jm_lines;
DROP TABLE IF EXISTS jm_orders;
CREATE TABLE jm_orders (id serial PRIMARY KEY, ref varchar(12) NOT NULL UNIQUE, total numeric(10,2) DEFAULT 0, placed timestamptz);
CREATE TABLE jm_lines (order_id int NOT NULL, line int NOT NULL, sku text, qty int CHECK (qty > 0), PRIMARY KEY (order_id, line));
CREATE INDEX jm_lines_sku ON jm_lines (sku DESC);
COMMENT ON TABLE jm_orders IS 'customer orders';
ALTER TABLE jm_lines ADD CONSTRAINT jm_lines_order_fk FOREIGN KEY (order_id) REFERENCES jm_orders (id) ON DELETE CASCADE;
SELECT nspname AS "TABLE_SCHEM", current_database() AS "TABLE_CATALOG" FROM pg_catalog.pg_namespace  WHERE nspname <> 'pg_toast' AND (nspname !~ '^pg_temp_'  OR nspname = (pg_catalog.current_schemas(true))[1]) AND (nspname !~ '^pg_toast_temp_'  OR nspname = replace((pg_catalog.current_schemas(true))[1], 'pg_temp_', 'pg_toast_temp_'))  ORDER BY "TABLE_SCHEM";
SELECT current_database() AS "TABLE_CAT", n.nspname AS "TABLE_SCHEM", c.relname AS "TABLE_NAME",  CASE n.nspname ~ '^pg_' OR n.nspname = 'information_schema'  WHEN true THEN CASE  WHEN n.nspname = 'pg_catalog' OR n.nspname = 'information_schema' THEN CASE c.relkind   WHEN 'r' THEN 'SYSTEM TABLE'   WHEN 'v' THEN 'SYSTEM VIEW'   WHEN 'i' THEN 'SYSTEM INDEX'   ELSE NULL   END  WHEN n.nspname = 'pg_toast' THEN CASE c.relkind   WHEN 'r' THEN 'SYSTEM TOAST TABLE'   WHEN 'i' THEN 'SYSTEM TOAST INDEX'   ELSE NULL   END  ELSE CASE c.relkind   WHEN 'r' THEN 'TEMPORARY TABLE'   WHEN 'p' THEN 'TEMPORARY TABLE'   WHEN 'i' THEN 'TEMPORARY INDEX'   WHEN 'S' THEN 'TEMPORARY SEQUENCE'   WHEN 'v' THEN 'TEMPORARY VIEW'   ELSE NULL   END  END  WHEN false THEN CASE c.relkind  WHEN 'r' THEN 'TABLE'  WHEN 'p' THEN 'PARTITIONED TABLE'  WHEN 'i' THEN 'INDEX'  WHEN 'P' then 'PARTITIONED INDEX'  WHEN 'S' THEN 'SEQUENCE'  WHEN 'v' THEN 'VIEW'  WHEN 'c' THEN 'TYPE'  WHEN 'f' THEN 'FOREIGN TABLE'  WHEN 'm' THEN 'MATERIALIZED VIEW'  ELSE NULL  END  ELSE NULL  END  AS "TABLE_TYPE", d.description AS "REMARKS",  '' as "TYPE_CAT", '' as "TYPE_SCHEM", '' as "TYPE_NAME", '' AS "SELF_REFERENCING_COL_NAME", '' AS "REF_GENERATION"  FROM pg_catalog.pg_namespace n, pg_catalog.pg_class c  LEFT JOIN pg_catalog.pg_description d ON (c.oid = d.objoid AND d.objsubid = 0  and d.classoid = 'pg_class'::regclass)  WHERE c.relnamespace = n.oid  AND n.nspname LIKE 'public' AND c.relname LIKE 'jm_%' AND (false  OR ( c.relkind = 'r' AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' ) )  ORDER BY "TABLE_TYPE","TABLE_SCHEM","TABLE_NAME";
SELECT current_database() AS "TABLE_CAT", n.nspname AS "TABLE_SCHEM", c.relname AS "TABLE_NAME",  CASE n.nspname ~ '^pg_' OR n.nspname = 'information_schema'  WHEN true THEN CASE  WHEN n.nspname = 'pg_catalog' OR n.nspname = 'information_schema' THEN CASE c.relkind   WHEN 'r' THEN 'SYSTEM TABLE'   WHEN 'v' THEN 'SYSTEM VIEW'   WHEN 'i' THEN 'SYSTEM INDEX'   ELSE NULL   END  WHEN n.nspname = 'pg_toast' THEN CASE c.relkind   WHEN 'r' THEN 'SYSTEM TOAST TABLE'   WHEN 'i' THEN 'SYSTEM TOAST INDEX'   ELSE NULL   END  ELSE CASE c.relkind   WHEN 'r' THEN 'TEMPORARY TABLE'   WHEN 'p' THEN 'TEMPORARY TABLE'   WHEN 'i' THEN 'TEMPORARY INDEX'   WHEN 'S' THEN 'TEMPORARY SEQUENCE'   WHEN 'v' THEN 'TEMPORARY VIEW'   ELSE NULL   END  END  WHEN false THEN CASE c.relkind  WHEN 'r' THEN 'TABLE'  WHEN 'p' THEN 'PARTITIONED TABLE'  WHEN 'i' THEN 'INDEX'  WHEN 'P' then 'PARTITIONED INDEX'  WHEN 'S' THEN 'SEQUENCE'  WHEN 'v' THEN 'VIEW'  WHEN 'c' THEN 'TYPE'  WHEN 'f' THEN 'FOREIGN TABLE'  WHEN 'm' THEN 'MATERIALIZED VIEW'  ELSE NULL  END  ELSE NULL  END  AS "TABLE_TYPE", d.description AS "REMARKS",  '' as "TYPE_CAT", '' as "TYPE_SCHEM", '' as "TYPE_NAME", '' AS "SELF_REFERENCING_COL_NAME", '' AS "REF_GENERATION"  FROM pg_catalog.pg_namespace n, pg_catalog.pg_class c  LEFT JOIN pg_catalog.pg_description d ON (c.oid = d.objoid AND d.objsubid = 0  and d.classoid = 'pg_class'::regclass)  WHERE c.relnamespace = n.oid  AND n.nspname LIKE 'public' AND c.relname LIKE 'jm_%' AND (false  OR ( c.relkind = 'S' ) )  ORDER BY "TABLE_TYPE","TABLE_SCHEM","TABLE_NAME";
select current_catalog;
SELECT * FROM (SELECT current_database() AS current_database, n.nspname,c.relname,a.attname,a.atttypid,a.attnotnull  OR (t.typtype = 'd' AND t.typnotnull) AS attnotnull,a.atttypmod,a.attlen,t.typtypmod,row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum) AS attnum, nullif(a.attidentity, '') as attidentity,nullif(a.attgenerated, '') as attgenerated,pg_catalog.pg_get_expr(def.adbin, def.adrelid) AS adsrc,dsc.description,t.typbasetype,t.typtype  FROM pg_catalog.pg_namespace n  JOIN pg_catalog.pg_class c ON (c.relnamespace = n.oid)  JOIN pg_catalog.pg_attribute a ON (a.attrelid=c.oid)  JOIN pg_catalog.pg_type t ON (a.atttypid = t.oid)  LEFT JOIN pg_catalog.pg_attrdef def ON (a.attrelid=def.adrelid AND a.attnum = def.adnum)  LEFT JOIN pg_catalog.pg_description dsc ON (c.oid=dsc.objoid AND a.attnum = dsc.objsubid)  LEFT JOIN pg_catalog.pg_class dc ON (dc.oid=dsc.classoid AND dc.relname='pg_class')  LEFT JOIN pg_catalog.pg_namespace dn ON (dc.relnamespace=dn.oid AND dn.nspname='pg_catalog')  WHERE c.relkind in ('r','p','v','f','m') and a.attnum > 0 AND NOT a.attisdropped  AND n.nspname LIKE 'public' AND c.relname LIKE 'jm_orders') c WHERE true  AND attname LIKE '%' ORDER BY nspname,c.relname,attnum;
SELECT        result.TABLE_CAT AS "TABLE_CAT",        result.TABLE_SCHEM AS "TABLE_SCHEM",        result.TABLE_NAME AS "TABLE_NAME",        result.COLUMN_NAME AS "COLUMN_NAME",        result.KEY_SEQ AS "KEY_SEQ",        result.PK_NAME AS "PK_NAME"FROM      (SELECT current_database() AS TABLE_CAT, n.nspname AS TABLE_SCHEM,   ct.relname AS TABLE_NAME, a.attname AS COLUMN_NAME,   (information_schema._pg_expandarray(con.conkey)).n AS KEY_SEQ, con.conname AS PK_NAME,   information_schema._pg_expandarray(con.conkey) AS KEYS, a.attnum AS A_ATTNUM FROM pg_catalog.pg_constraint con   JOIN pg_catalog.pg_class ct ON (con.conrelid = ct.oid)   JOIN pg_catalog.pg_namespace n ON (ct.relnamespace = n.oid)   JOIN pg_catalog.pg_attribute a ON (a.attrelid = ct.oid) WHERE con.contype = 'p'  AND n.nspname = 'public' AND ct.relname = 'jm_lines' ) result where  result.A_ATTNUM = (result.KEYS).x  ORDER BY result.table_name, result.pk_name, result.key_seq;
SELECT setting FROM pg_catalog.pg_settings WHERE name='max_index_keys';
SELECT current_database() AS "PKTABLE_CAT", pkn.nspname AS "PKTABLE_SCHEM", pkc.relname AS "PKTABLE_NAME", pka.attname AS "PKCOLUMN_NAME", current_database() AS "FKTABLE_CAT", fkn.nspname AS "FKTABLE_SCHEM", fkc.relname AS "FKTABLE_NAME", fka.attname AS "FKCOLUMN_NAME", pos.n AS "KEY_SEQ", CASE con.confupdtype  WHEN 'c' THEN 0 WHEN 'n' THEN 2 WHEN 'd' THEN 4 WHEN 'r' THEN 1 WHEN 'p' THEN 1 WHEN 'a' THEN 3 ELSE NULL END AS "UPDATE_RULE", CASE con.confdeltype  WHEN 'c' THEN 0 WHEN 'n' THEN 2 WHEN 'd' THEN 4 WHEN 'r' THEN 1 WHEN 'p' THEN 1 WHEN 'a' THEN 3 ELSE NULL END AS "DELETE_RULE", con.conname AS "FK_NAME", pkic.relname AS "PK_NAME", CASE  WHEN con.condeferrable AND con.condeferred THEN 5 WHEN con.condeferrable THEN 6 ELSE 7 END AS "DEFERRABILITY"  FROM  pg_catalog.pg_namespace pkn, pg_catalog.pg_class pkc, pg_catalog.pg_attribute pka,  pg_catalog.pg_namespace fkn, pg_catalog.pg_class fkc, pg_catalog.pg_attribute fka,  pg_catalog.pg_constraint con,  pg_catalog.generate_series(1, 32) pos(n),  pg_catalog.pg_class pkic WHERE pkn.oid = pkc.relnamespace AND pkc.oid = pka.attrelid AND pka.attnum = con.confkey[pos.n] AND con.confrelid = pkc.oid  AND fkn.oid = fkc.relnamespace AND fkc.oid = fka.attrelid AND fka.attnum = con.conkey[pos.n] AND con.conrelid = fkc.oid  AND con.contype = 'f' AND (pkic.relkind = 'i' OR pkic.relkind = 'I') AND pkic.oid = con.conindid  AND fkn.nspname = 'public' AND fkc.relname = 'jm_lines' ORDER BY pkn.nspname,pkc.relname, con.conname,pos.n;
-- (CARDINALITY and PAGES are index statistics nodedb does not keep: left out)
SELECT "TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "NON_UNIQUE", "INDEX_QUALIFIER", "INDEX_NAME", "TYPE", "ORDINAL_POSITION", "COLUMN_NAME", "ASC_OR_DESC", "FILTER_CONDITION" FROM (
SELECT     tmp.TABLE_CAT AS "TABLE_CAT",     tmp.TABLE_SCHEM AS "TABLE_SCHEM",     tmp.TABLE_NAME AS "TABLE_NAME",     tmp.NON_UNIQUE AS "NON_UNIQUE",     tmp.INDEX_QUALIFIER AS "INDEX_QUALIFIER",     tmp.INDEX_NAME AS "INDEX_NAME",     tmp.TYPE AS "TYPE",     tmp.ORDINAL_POSITION AS "ORDINAL_POSITION",     trim(both '"' from pg_catalog.pg_get_indexdef(tmp.CI_OID, tmp.ORDINAL_POSITION, false)) AS "COLUMN_NAME",   CASE tmp.AM_NAME     WHEN 'btree' THEN CASE tmp.I_INDOPTION[tmp.ORDINAL_POSITION - 1] & 1::smallint       WHEN 1 THEN 'D'       ELSE 'A'     END     ELSE NULL   END AS "ASC_OR_DESC",     tmp.CARDINALITY AS "CARDINALITY",     tmp.PAGES AS "PAGES",     tmp.FILTER_CONDITION AS "FILTER_CONDITION",     tmp.REMARKS AS "REMARKS"FROM (SELECT current_database() AS TABLE_CAT,  n.nspname AS TABLE_SCHEM,   ct.relname AS TABLE_NAME, NOT i.indisunique AS NON_UNIQUE,   NULL AS INDEX_QUALIFIER, ci.relname AS INDEX_NAME,   CASE i.indisclustered     WHEN true THEN 1    ELSE CASE am.amname       WHEN 'hash' THEN 2      ELSE 3    END   END AS TYPE,   (information_schema._pg_expandarray(i.indkey)).n AS ORDINAL_POSITION,   ci.reltuples AS CARDINALITY,   ci.relpages AS PAGES,   pg_catalog.pg_get_expr(i.indpred, i.indrelid) AS FILTER_CONDITION,   ci.oid AS CI_OID,   i.indoption AS I_INDOPTION,   am.amname AS AM_NAME,   d.description AS REMARKS FROM pg_catalog.pg_class ct   JOIN pg_catalog.pg_namespace n ON (ct.relnamespace = n.oid)   JOIN pg_catalog.pg_index i ON (ct.oid = i.indrelid)   JOIN pg_catalog.pg_class ci ON (ci.oid = i.indexrelid)   JOIN pg_catalog.pg_am am ON (ci.relam = am.oid)   LEFT JOIN pg_catalog.pg_description d ON (ci.oid = d.objoid) WHERE true  AND n.nspname = 'public' AND ct.relname = 'jm_lines') AS tmp ORDER BY "NON_UNIQUE", "TYPE", "INDEX_NAME", "ORDINAL_POSITION"
) AS q ORDER BY "NON_UNIQUE", "TYPE", "INDEX_NAME", "ORDINAL_POSITION";
-- (CARDINALITY and PAGES are index statistics nodedb does not keep: left out)
SELECT "TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "NON_UNIQUE", "INDEX_QUALIFIER", "INDEX_NAME", "TYPE", "ORDINAL_POSITION", "COLUMN_NAME", "ASC_OR_DESC", "FILTER_CONDITION" FROM (
SELECT     tmp.TABLE_CAT AS "TABLE_CAT",     tmp.TABLE_SCHEM AS "TABLE_SCHEM",     tmp.TABLE_NAME AS "TABLE_NAME",     tmp.NON_UNIQUE AS "NON_UNIQUE",     tmp.INDEX_QUALIFIER AS "INDEX_QUALIFIER",     tmp.INDEX_NAME AS "INDEX_NAME",     tmp.TYPE AS "TYPE",     tmp.ORDINAL_POSITION AS "ORDINAL_POSITION",     trim(both '"' from pg_catalog.pg_get_indexdef(tmp.CI_OID, tmp.ORDINAL_POSITION, false)) AS "COLUMN_NAME",   CASE tmp.AM_NAME     WHEN 'btree' THEN CASE tmp.I_INDOPTION[tmp.ORDINAL_POSITION - 1] & 1::smallint       WHEN 1 THEN 'D'       ELSE 'A'     END     ELSE NULL   END AS "ASC_OR_DESC",     tmp.CARDINALITY AS "CARDINALITY",     tmp.PAGES AS "PAGES",     tmp.FILTER_CONDITION AS "FILTER_CONDITION",     tmp.REMARKS AS "REMARKS"FROM (SELECT current_database() AS TABLE_CAT,  n.nspname AS TABLE_SCHEM,   ct.relname AS TABLE_NAME, NOT i.indisunique AS NON_UNIQUE,   NULL AS INDEX_QUALIFIER, ci.relname AS INDEX_NAME,   CASE i.indisclustered     WHEN true THEN 1    ELSE CASE am.amname       WHEN 'hash' THEN 2      ELSE 3    END   END AS TYPE,   (information_schema._pg_expandarray(i.indkey)).n AS ORDINAL_POSITION,   ci.reltuples AS CARDINALITY,   ci.relpages AS PAGES,   pg_catalog.pg_get_expr(i.indpred, i.indrelid) AS FILTER_CONDITION,   ci.oid AS CI_OID,   i.indoption AS I_INDOPTION,   am.amname AS AM_NAME,   d.description AS REMARKS FROM pg_catalog.pg_class ct   JOIN pg_catalog.pg_namespace n ON (ct.relnamespace = n.oid)   JOIN pg_catalog.pg_index i ON (ct.oid = i.indrelid)   JOIN pg_catalog.pg_class ci ON (ci.oid = i.indexrelid)   JOIN pg_catalog.pg_am am ON (ci.relam = am.oid)   LEFT JOIN pg_catalog.pg_description d ON (ci.oid = d.objoid) WHERE true  AND n.nspname = 'public' AND ct.relname = 'jm_orders' AND i.indisunique ) AS tmp ORDER BY "NON_UNIQUE", "TYPE", "INDEX_NAME", "ORDINAL_POSITION"
) AS q ORDER BY "NON_UNIQUE", "TYPE", "INDEX_NAME", "ORDINAL_POSITION";
DROP TABLE jm_lines, jm_orders;

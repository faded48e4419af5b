-- pg_get_viewdef / pg_views.definition / information_schema.views.view_definition print the
-- view's query as PostgreSQL's ruleutils does: qualified columns, * expanded, AS for renamed
-- output columns, implicit operand casts, PostgreSQL's line layout (plain and pretty).
CREATE TABLE vd_t (id serial PRIMARY KEY, v varchar(10) NOT NULL, n numeric(10,2) DEFAULT 1.5);
CREATE TABLE vd_r (a int, b text);
CREATE VIEW vd_1 (ident, val) AS SELECT id, v FROM vd_t WHERE n > 1;
CREATE VIEW vd_2 AS SELECT vd_t.id, vd_r.b, 'x' AS lit, n + 1 AS m FROM vd_t JOIN vd_r ON vd_r.a = vd_t.id WHERE vd_r.b LIKE 'a%' ORDER BY vd_t.id;
CREATE VIEW vd_3 AS SELECT a, count(*) AS c FROM vd_r GROUP BY a HAVING count(*) > 1;
CREATE VIEW vd_4 AS SELECT * FROM vd_r;
CREATE VIEW vd_5 AS SELECT x.a, y.v FROM vd_r x LEFT JOIN vd_t y ON x.a = y.id AND y.v <> 'q' WHERE x.b IS NOT NULL;
CREATE VIEW vd_6 AS SELECT vd_t.id FROM vd_t JOIN vd_r ON vd_t.id = vd_r.a LEFT JOIN vd_r r2 ON r2.a = vd_t.id, vd_r r3 WHERE r3.b = vd_t.v;
SELECT pg_get_viewdef('vd_1'::regclass), pg_get_viewdef('vd_1'::regclass, true);
SELECT pg_get_viewdef('vd_2'::regclass);
SELECT pg_get_viewdef('vd_2'::regclass, true);
SELECT pg_get_viewdef('vd_3'::regclass);
SELECT pg_get_viewdef('vd_4'::regclass, true);
SELECT pg_get_viewdef('vd_5'::regclass);
SELECT pg_get_viewdef('vd_5'::regclass, true);
SELECT pg_get_viewdef('vd_6'::regclass);
SELECT pg_get_viewdef('vd_6'::regclass, true);
SELECT viewname, definition FROM pg_views WHERE viewname IN ('vd_1', 'vd_4') ORDER BY 1;
SELECT table_name, view_definition FROM information_schema.views WHERE table_name IN ('vd_1', 'vd_3') ORDER BY 1;
SELECT pg_get_ruledef(r.oid), pg_get_ruledef(r.oid, true) FROM pg_rewrite r WHERE r.ev_class = 'vd_4'::regclass;
SELECT pg_get_ruledef(0) IS NULL AS none, pg_get_viewdef(0) IS NULL AS no_view;
DROP VIEW vd_1, vd_2, vd_3, vd_4, vd_5, vd_6;
DROP TABLE vd_t, vd_r;

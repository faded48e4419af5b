-- Set-returning functions with several columns or a column definition list, and the
-- text-splitting ones: in FROM, ROWS FROM, LATERAL and (where PostgreSQL allows) the select list.
CREATE TABLE srf_docs (id int PRIMARY KEY, doc jsonb, j json, csv text);
INSERT INTO srf_docs VALUES
  (1, '{"b": 2, "a": "x", "c": null}', '{"b":2,"a":"x","a":"y"}', 'p,q,,r'),
  (2, '{"n": [1, 2], "o": {"k": true}}', '{"n":[1,2]}', ''),
  (3, '{}', '{}', NULL);

-- json[b]_each[_text]: columns key and value
SELECT * FROM json_each('{"a":1,"b":[true,null],"c":"s"}');
SELECT * FROM jsonb_each('{"b":null,"a":{"x": 1}}');
SELECT * FROM json_each_text('{"a":"x","b":null,"c":[1]}');
SELECT * FROM jsonb_each_text('{"b":1.50,"a":"q"}') AS t(k, v);
SELECT key, value FROM jsonb_each('{"x":1}') WITH ORDINALITY;
SELECT * FROM jsonb_each('{"x":1,"y":2}') WITH ORDINALITY AS e(k, v, n);
SELECT d.id, e.key, e.value FROM srf_docs d, jsonb_each(d.doc) e ORDER BY d.id, e.key;
SELECT d.id, e.* FROM srf_docs d CROSS JOIN LATERAL json_each_text(d.j) AS e ORDER BY 1, 2, 3;
SELECT d.id, e.k FROM srf_docs d LEFT JOIN LATERAL jsonb_each(d.doc) AS e(k, v) ON true ORDER BY 1, 2;
SELECT * FROM json_each(NULL);
SELECT count(*) FROM jsonb_each('{"a":1,"b":2,"c":3}');
SELECT * FROM json_each('[1]');
SELECT * FROM jsonb_each('[1]');
SELECT * FROM json_each_text('"x"');
SELECT * FROM jsonb_each_text('null');
SELECT * FROM json_each('{"a":1}') AS t(a int, b int);

-- json[b]_to_record[set] with a column definition list
SELECT * FROM json_to_record('{"a":"x","b":[1,2],"c":{"q":1},"d":1.50,"e":true,"f":null}')
  AS t(a json, b int[], c text, d numeric, e bool, f int, g text);
SELECT * FROM jsonb_to_record('{"a":"x","b":[1,2],"c":{"q":1},"d":1.50,"e":true}')
  AS t(a text, b jsonb, c jsonb, d text, e text);
SELECT * FROM json_to_record('{"a":1,"a":2}') AS t(a int);
SELECT * FROM json_to_record('{"a":"2020-01-02","b":"{1,2}"}') AS t(a date, b int[]);
SELECT * FROM json_to_record(NULL) AS t(a int, b text);
SELECT * FROM jsonb_to_recordset('[{"a":1},{"a":2,"b":"x"}]') AS t(a int, b text);
SELECT * FROM json_to_recordset('[{"a":1,"b":"one"},{"b":"two"}]') WITH ORDINALITY AS t(a int, b text);
SELECT * FROM json_to_recordset(NULL) AS t(a int);
SELECT d.id, r.* FROM srf_docs d, jsonb_to_record(d.doc) AS r(a text, b int, n int[]) ORDER BY d.id;
SELECT * FROM json_to_record('{"a":"x"}');
SELECT * FROM json_to_record('[1]') AS t(a int);
SELECT * FROM jsonb_to_record('1') AS t(a int);
SELECT * FROM json_to_recordset('{"a":1}') AS t(a int);
SELECT * FROM jsonb_to_recordset('{"a":1}') AS t(a int);
SELECT * FROM jsonb_to_recordset('[1]') AS t(a int);
SELECT * FROM json_to_recordset('[{"a":1},null]') AS t(a int);
SELECT * FROM json_to_record('{"a":"zz"}') AS t(a int);
SELECT * FROM json_to_record('{"a":"abc"}') AS t(a varchar(2));
SELECT * FROM json_to_record('{"a":1}') AS t(a nosuchtype);
SELECT * FROM generate_series(1, 2) AS t(a int);

-- json[b]_populate_record[set] with NULL::table as the base record
CREATE TABLE srf_pop (a int, b text, c numeric(4,1));
SELECT * FROM json_populate_record(NULL::srf_pop, '{"a":1,"c":2.25,"x":0}');
SELECT * FROM jsonb_populate_record(NULL::srf_pop, '{"b":"q"}') AS t(x, y);
SELECT * FROM json_populate_recordset(NULL::srf_pop, '[{"a":1},{"b":"x"}]');
SELECT p.* FROM srf_docs d, jsonb_populate_recordset(NULL::srf_pop, d.doc->'n') AS p ORDER BY 1;
SELECT * FROM jsonb_populate_recordset(NULL::public.srf_pop, '[{"a":2}]') WITH ORDINALITY;
SELECT * FROM json_populate_record(NULL::srf_pop, '{"a":1}') AS t(a int, b text, c numeric);
SELECT * FROM json_populate_record(NULL::int, '{}');
SELECT * FROM json_populate_record(NULL::srf_nosuch, '{}');
SELECT * FROM jsonb_populate_recordset(NULL::srf_pop, '{}');
SELECT * FROM json_populate_record(NULL::srf_pop, '[1]');
DROP TABLE srf_pop;

-- ROWS FROM with multi-column members
SELECT * FROM ROWS FROM (json_each('{"a":1,"b":2}'), generate_series(1, 3)) AS r(k, v, g);
SELECT * FROM ROWS FROM (jsonb_to_recordset('[{"x":1},{"x":2}]') AS (x int), unnest(ARRAY['p'])) WITH ORDINALITY;
SELECT * FROM ROWS FROM (generate_series(1, 2), jsonb_each_text('{"k":"v"}')) AS r(g, k, v);

-- unnest of several arrays
SELECT * FROM unnest(ARRAY[1,2], ARRAY['a','b','c']) AS u(x, y);
SELECT * FROM unnest(ARRAY[1,2], ARRAY['a','b']) WITH ORDINALITY AS u(x, y, n);

-- regexp_matches, regexp_split_to_table, string_to_table
SELECT * FROM regexp_matches('abcabc', '(b)(c)', 'g');
SELECT * FROM regexp_matches('abcabc', 'b');
SELECT regexp_matches('abcABC', 'b', 'gi');
SELECT regexp_matches('xx', 'y');
SELECT * FROM regexp_matches('aaa', 'a*', 'g');
SELECT * FROM regexp_matches('abc', '', 'g');
SELECT regexp_matches('abcabc', '(b)(c)', 'g') AS m, generate_series(1, 3) AS g;
SELECT * FROM regexp_matches('abc', 'b', 'z');
SELECT * FROM regexp_split_to_table('hello world', '\s*');
SELECT * FROM regexp_split_to_table('a,b,,c', ',') WITH ORDINALITY AS x(p, n);
SELECT regexp_split_to_table('one  two   three', '\s+');
SELECT * FROM regexp_split_to_table('aXbxc', 'x', 'i');
SELECT * FROM regexp_split_to_table('abc', 'b', 'g');
SELECT string_to_table('a|b||c', '|', ''), string_to_table('ab', NULL);
SELECT * FROM string_to_table('1,2,3', ',') AS s(v);
SELECT string_to_table(NULL, ',');
SELECT d.id, s FROM srf_docs d, string_to_table(d.csv, ',') AS s ORDER BY 1, 2;
SELECT id, regexp_split_to_table(csv, ',') AS part FROM srf_docs ORDER BY 1, 2;

-- json_object_keys and generate_subscripts
SELECT json_object_keys('{"b":1,"a":2}');
SELECT * FROM jsonb_object_keys('{"b":1,"a":2}') AS k;
SELECT generate_subscripts(ARRAY['a','b','c'], 1) AS i;
SELECT a[i] FROM (SELECT ARRAY[10,20,30] AS a) s, generate_subscripts(a, 1, true) AS i;

-- column definition list on a function that does not return record
SELECT * FROM regexp_split_to_table('a', ',') AS t(x text);
SELECT * FROM upper('x') AS t(x text);

DROP TABLE srf_docs;

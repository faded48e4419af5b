--
-- copy: COPY FROM STDIN / TO STDOUT in text and CSV formats, NULLs, escapes, errors
--
CREATE TABLE copy_t (id int PRIMARY KEY, name text, amount numeric(8,2), tags text[], d date);

COPY copy_t FROM STDIN;
1	alpha	1.50	{a,b}	2024-01-01
2	beta\twith tab	\N	{}	\N
3	gamma\\backslash	-3.25	{"x y"}	2024-12-31
4	line\nbreak	0	\N	2000-02-29
\.
SELECT * FROM copy_t ORDER BY id;

COPY copy_t (id, name) FROM STDIN;
5	only two columns
\.
SELECT id, name, amount FROM copy_t WHERE id = 5;

COPY copy_t FROM STDIN WITH (FORMAT csv);
6,"quoted, comma",2.00,"{q}",2024-06-30
7,,,,
8,"say ""hi""",8.88,{},2024-07-01
\.
SELECT id, name, amount IS NULL AS amount_null, tags, d FROM copy_t WHERE id >= 6 ORDER BY id;

COPY copy_t (id, name) FROM STDIN WITH (FORMAT csv, HEADER true, NULL 'NULL');
id,name
9,NULL
10,ten
\.
SELECT id, name IS NULL AS name_null FROM copy_t WHERE id >= 9 ORDER BY id;

-- TO STDOUT
COPY copy_t TO STDOUT;
COPY (SELECT id, name FROM copy_t WHERE id < 4 ORDER BY id) TO STDOUT;
COPY copy_t (id, amount) TO STDOUT WITH (FORMAT csv, HEADER true);
COPY (SELECT id, name FROM copy_t WHERE id IN (2, 6, 8) ORDER BY id) TO STDOUT WITH (FORMAT csv);

-- errors: the whole COPY is rejected
COPY copy_t (id, name) FROM STDIN;
11	ok
1	duplicate key
\.
COPY copy_t (id, amount) FROM STDIN;
12	not a number
\.
COPY copy_t (id, name) FROM STDIN;
13	too	many	columns
\.
SELECT count(*) FROM copy_t WHERE id > 10;
COPY copy_nosuch FROM STDIN;
COPY copy_t (nosuch) FROM STDIN;

-- psql's \copy goes through the same protocol
\copy copy_t (id, name) from stdin
20	via backslash copy
\.
\copy (SELECT id, name FROM copy_t WHERE id = 20) to stdout
\copy copy_t (id, name) to stdout with (format csv)

-- COPY inside a transaction rolls back with it
BEGIN;
COPY copy_t (id, name) FROM STDIN;
30	in transaction
\.
SELECT count(*) FROM copy_t WHERE id = 30;
ROLLBACK;
SELECT count(*) FROM copy_t WHERE id = 30;

DROP TABLE copy_t;

-- captured from application_name "psycopg2": 16 distinct statements
BEGIN;
CREATE TABLE cap_p2 (id int PRIMARY KEY, name text NOT NULL, amount numeric(8,2), at date, tags text[], doc jsonb);
INSERT INTO cap_p2 (id, name, amount, at, tags) VALUES (1, 'one', 1.25, '2021-05-06'::date, ARRAY['a','b']);
INSERT INTO cap_p2 (id, name, amount, at, tags) VALUES (2, 'two''s', NULL, NULL, '{}');
INSERT INTO cap_p2 (id, name) VALUES (3,'three'),(4,'four');
UPDATE cap_p2 SET doc = '{"k": 1}' WHERE id = 1;
SELECT id, name, amount, at, tags, doc FROM cap_p2 WHERE id = ANY(ARRAY[1,2,3]) ORDER BY id;
SELECT name FROM cap_p2 WHERE name LIKE 't%' ORDER BY name;
COPY cap_p2 (id, name) FROM STDIN WITH (FORMAT csv);
COPY (SELECT id, name FROM cap_p2 ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER);
COMMIT;
BEGIN;
INSERT INTO cap_p2 (id, name) VALUES (1, 'dup');
ROLLBACK;
DELETE FROM cap_p2 WHERE id > 4 RETURNING id;
DROP TABLE cap_p2;

-- captured from application_name "psycopg3": 15 distinct statements
BEGIN;
CREATE TABLE cap_p3 (id bigint PRIMARY KEY, name text, at timestamptz, ok boolean);
INSERT INTO cap_p3 (id, name, at, ok) VALUES ('1', 'a', '2021-01-01 00:00:00+00', 't');
INSERT INTO cap_p3 (id, name, at, ok) VALUES ('2', 'b', NULL, 'f');
COPY cap_p3 (id, name) FROM STDIN;
SELECT id, name, ok FROM cap_p3 WHERE id >= '2' ORDER BY id;
SELECT count(*), max(id) FROM cap_p3;
COMMIT;
BEGIN;
UPDATE cap_p3 SET ok = NOT ok WHERE id = '1';
COMMIT;
BEGIN;
DROP TABLE cap_p3;
DEALLOCATE ALL;
COMMIT;

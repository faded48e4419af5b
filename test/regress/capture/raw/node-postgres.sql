-- captured from application_name "node-postgres": 10 distinct statements
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

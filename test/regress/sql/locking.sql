--
-- locking: SELECT ... FOR UPDATE / NO KEY UPDATE / SHARE / KEY SHARE [OF] [NOWAIT | SKIP LOCKED]
-- (single session; waits between sessions are tested in sql/exec/locking.test.ts)
--
CREATE TABLE lk_jobs (id int PRIMARY KEY, state text NOT NULL, prio int);
CREATE TABLE lk_owner (job_id int PRIMARY KEY, owner text);
INSERT INTO lk_jobs VALUES (1, 'new', 3), (2, 'new', 1), (3, 'done', 2), (4, 'new', 5);
INSERT INTO lk_owner VALUES (1, 'ann'), (2, 'bob');

SELECT * FROM lk_jobs WHERE id = 1 FOR UPDATE;
SELECT id FROM lk_jobs WHERE state = 'new' ORDER BY prio FOR UPDATE;
SELECT id, prio FROM lk_jobs WHERE state = 'new' ORDER BY prio DESC LIMIT 2 FOR NO KEY UPDATE;
SELECT id FROM lk_jobs ORDER BY id LIMIT 1 OFFSET 1 FOR SHARE;
SELECT id FROM lk_jobs WHERE id > 2 ORDER BY id FOR KEY SHARE NOWAIT;
SELECT id FROM lk_jobs WHERE state = 'new' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED;
SELECT j.id, o.owner FROM lk_jobs j JOIN lk_owner o ON o.job_id = j.id ORDER BY j.id FOR UPDATE OF j;
SELECT j.id, o.owner FROM lk_jobs j, lk_owner o WHERE o.job_id = j.id ORDER BY j.id FOR SHARE OF o FOR UPDATE OF j NOWAIT;
SELECT j.id, o.owner FROM lk_jobs j LEFT JOIN lk_owner o ON o.job_id = j.id ORDER BY j.id FOR UPDATE OF j;
SELECT 1 AS one FOR UPDATE;
SELECT (SELECT max(id) FROM lk_jobs) AS m, id FROM lk_jobs WHERE id = (SELECT min(id) FROM lk_jobs) FOR UPDATE;

-- inside a transaction: the locks do not block the same transaction's writes
BEGIN;
SELECT id, state FROM lk_jobs WHERE state = 'new' ORDER BY prio LIMIT 1 FOR UPDATE SKIP LOCKED;
UPDATE lk_jobs SET state = 'running' WHERE id = 2;
SELECT id, state FROM lk_jobs WHERE id = 2 FOR UPDATE NOWAIT;
COMMIT;
SELECT * FROM lk_jobs ORDER BY id;

-- what PostgreSQL refuses
SELECT DISTINCT state FROM lk_jobs FOR UPDATE;
SELECT state, count(*) FROM lk_jobs GROUP BY state FOR UPDATE;
SELECT count(*) FROM lk_jobs FOR SHARE;
SELECT count(*) FROM lk_jobs HAVING count(*) > 0 FOR UPDATE;
SELECT id FROM lk_jobs UNION SELECT job_id FROM lk_owner FOR UPDATE;
VALUES (1) FOR UPDATE;
SELECT j.id FROM lk_jobs j LEFT JOIN lk_owner o ON o.job_id = j.id FOR UPDATE;
SELECT j.id FROM lk_jobs j LEFT JOIN lk_owner o ON o.job_id = j.id FOR UPDATE OF o;
SELECT id FROM lk_jobs FOR UPDATE OF nosuch;

EXPLAIN (COSTS OFF) SELECT id FROM lk_jobs WHERE id = 1 FOR UPDATE;

DROP TABLE lk_jobs;
DROP TABLE lk_owner;

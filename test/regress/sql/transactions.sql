--
-- transactions: BEGIN/COMMIT/ROLLBACK, savepoints, aborted state, isolation levels
--
CREATE TABLE tx_t (id int PRIMARY KEY, v text);

BEGIN;
INSERT INTO tx_t VALUES (1, 'committed');
SELECT * FROM tx_t;
COMMIT;
SELECT * FROM tx_t;

START TRANSACTION;
INSERT INTO tx_t VALUES (2, 'rolled back');
UPDATE tx_t SET v = 'changed' WHERE id = 1;
SELECT * FROM tx_t ORDER BY id;
ROLLBACK;
SELECT * FROM tx_t ORDER BY id;

-- an error aborts the transaction until ROLLBACK; COMMIT of an aborted transaction rolls back
BEGIN;
INSERT INTO tx_t VALUES (3, 'lost');
INSERT INTO tx_t VALUES (1, 'duplicate');
SELECT * FROM tx_t;
COMMIT;
SELECT * FROM tx_t ORDER BY id;

BEGIN;
SELECT 1 / 0;
ROLLBACK;

-- savepoints
BEGIN;
INSERT INTO tx_t VALUES (10, 'before savepoint');
SAVEPOINT sp1;
INSERT INTO tx_t VALUES (11, 'inside sp1');
SAVEPOINT sp2;
INSERT INTO tx_t VALUES (12, 'inside sp2');
ROLLBACK TO SAVEPOINT sp2;
SELECT id FROM tx_t ORDER BY id;
RELEASE SAVEPOINT sp1;
COMMIT;
SELECT id, v FROM tx_t ORDER BY id;

-- ROLLBACK TO recovers from an error
BEGIN;
SAVEPOINT s;
INSERT INTO tx_t VALUES (1, 'dup');
ROLLBACK TO s;
INSERT INTO tx_t VALUES (20, 'after recovery');
COMMIT;
SELECT id, v FROM tx_t WHERE id >= 20;

BEGIN;
ROLLBACK TO nosuch;
ROLLBACK;

-- updates and deletes inside a transaction see their own writes
BEGIN;
UPDATE tx_t SET v = v || '+' WHERE id = 1;
UPDATE tx_t SET v = v || '+' WHERE id = 1;
DELETE FROM tx_t WHERE id = 10;
SELECT id, v FROM tx_t ORDER BY id;
COMMIT;
SELECT id, v FROM tx_t ORDER BY id;

-- isolation levels are accepted
BEGIN ISOLATION LEVEL READ COMMITTED;
SHOW transaction_isolation;
COMMIT;
BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ;
SHOW transaction_isolation;
SELECT count(*) FROM tx_t;
COMMIT;
START TRANSACTION ISOLATION LEVEL SERIALIZABLE;
SHOW transaction_isolation;
COMMIT;
SHOW transaction_isolation;
BEGIN;
SET TRANSACTION ISOLATION LEVEL REPEATABLE READ;
SHOW transaction_isolation;
COMMIT;

-- read-only transactions reject writes
BEGIN READ ONLY;
SELECT count(*) FROM tx_t;
INSERT INTO tx_t VALUES (99, 'no');
ROLLBACK;

-- transaction control outside a transaction
COMMIT;
ROLLBACK;
BEGIN;
BEGIN;
COMMIT;

DROP TABLE tx_t;

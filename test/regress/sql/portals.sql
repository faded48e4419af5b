--
-- portals: DECLARE / FETCH / MOVE / CLOSE, modelled on PostgreSQL's own portals.sql
-- (the parts that need no tenk1 data set, functions or WHERE CURRENT OF)
--
CREATE TABLE pt (unique1 int PRIMARY KEY, unique2 int NOT NULL, stringu1 text);
INSERT INTO pt SELECT g, 21 - g, 'row' || g FROM generate_series(1, 20) g;

BEGIN;
DECLARE foo1 SCROLL CURSOR FOR SELECT * FROM pt ORDER BY unique2;
DECLARE foo2 SCROLL CURSOR FOR SELECT * FROM pt ORDER BY unique1;
DECLARE foo3 SCROLL CURSOR FOR SELECT * FROM pt ORDER BY unique2;
DECLARE foo4 SCROLL CURSOR FOR SELECT * FROM pt ORDER BY unique1;
FETCH 1 in foo1;
FETCH 2 in foo2;
FETCH 3 in foo3;
FETCH 4 in foo4;
FETCH backward 1 in foo4;
FETCH backward 2 in foo3;
FETCH backward 3 in foo2;
FETCH backward 4 in foo1;
FETCH forward 6 in foo1;
FETCH all in foo2;
FETCH backward all in foo2;
FETCH prior in foo3;
FETCH next in foo3;
FETCH first in foo4;
FETCH last in foo4;
FETCH absolute 5 in foo4;
FETCH absolute -5 in foo4;
FETCH absolute 100 in foo4;
FETCH relative -2 in foo4;
FETCH relative 0 in foo4;
FETCH 0 in foo4;
FETCH relative 3 in foo4;
FETCH forward -2 in foo4;
FETCH backward -2 in foo4;
MOVE 3 in foo1;
FETCH 1 in foo1;
MOVE backward 2 in foo1;
FETCH 1 in foo1;
MOVE 0 in foo1;
MOVE all in foo1;
MOVE 0 in foo1;
FETCH 1 in foo1;
MOVE backward all in foo1;
FETCH 1 in foo1;
MOVE absolute 10 in foo1;
MOVE relative 100 in foo1;
FETCH backward 1 in foo1;
CLOSE foo1;
CLOSE foo2;
CLOSE foo3;
CLOSE foo4;
END;

--
-- NO SCROLL cursors
--
BEGIN;
DECLARE foo24 NO SCROLL CURSOR FOR SELECT * FROM pt ORDER BY unique2;
FETCH 1 FROM foo24;
FETCH BACKWARD 1 FROM foo24; -- should fail
END;

BEGIN;
DECLARE foo24 NO SCROLL CURSOR FOR SELECT * FROM pt ORDER BY unique2;
FETCH 1 FROM foo24;
FETCH ABSOLUTE 2 FROM foo24; -- allowed
FETCH ABSOLUTE 1 FROM foo24; -- should fail
END;

BEGIN;
DECLARE foo24 NO SCROLL CURSOR FOR SELECT * FROM pt ORDER BY unique2;
FETCH ABSOLUTE 3 FROM foo24; -- a rewind at the start needs no scrolling
MOVE FORWARD ALL IN foo24;
FETCH FIRST FROM foo24; -- should fail
END;

--
-- default scrollability: backward moves work when the plan allows them
--
BEGIN;
DECLARE foo30 CURSOR FOR SELECT unique1 FROM pt WHERE unique1 > 16 ORDER BY unique1;
FETCH ALL FROM foo30;
FETCH BACKWARD 2 FROM foo30;
DECLARE foo31 CURSOR FOR SELECT count(*) FROM pt;
FETCH foo31;
FETCH PRIOR foo31; -- should fail: aggregates do not scan backward
END;

BEGIN;
DECLARE foo32 CURSOR FOR SELECT 42 AS x;
FETCH ALL IN foo32;
FETCH BACKWARD ALL IN foo32; -- should fail
END;

BEGIN;
DECLARE foo33 SCROLL CURSOR FOR SELECT 42 AS x;
FETCH ALL IN foo33;
FETCH BACKWARD ALL IN foo33;
END;

--
-- Cursors outside transaction blocks
--
SELECT * FROM pg_cursors;

BEGIN;
DECLARE foo25 SCROLL CURSOR WITH HOLD FOR SELECT * FROM pt ORDER BY unique1;
FETCH FROM foo25;
FETCH FROM foo25;
COMMIT;
FETCH FROM foo25;
FETCH BACKWARD FROM foo25;
FETCH ABSOLUTE -1 FROM foo25;
SELECT name, statement, is_holdable, is_binary, is_scrollable FROM pg_cursors;
CLOSE foo25;

BEGIN;
DECLARE foo25ns NO SCROLL CURSOR WITH HOLD FOR SELECT * FROM pt ORDER BY unique1;
FETCH FROM foo25ns;
FETCH FROM foo25ns;
COMMIT;
FETCH FROM foo25ns;
FETCH ABSOLUTE 4 FROM foo25ns;
FETCH ABSOLUTE 4 FROM foo25ns; -- fail
SELECT name, statement, is_holdable, is_binary, is_scrollable FROM pg_cursors;
CLOSE foo25ns;

-- a WITH HOLD cursor declared outside a transaction block
DECLARE foo27 CURSOR WITH HOLD FOR SELECT unique1 FROM pt WHERE unique1 <= 3 ORDER BY unique1;
FETCH ALL FROM foo27;
FETCH BACKWARD 1 FROM foo27;
CLOSE foo27;

--
-- ROLLBACK should close holdable cursors
--
BEGIN;
DECLARE foo26 CURSOR WITH HOLD FOR SELECT * FROM pt ORDER BY unique2;
ROLLBACK;

-- should fail
FETCH FROM foo26;

--
-- Errors
--
DECLARE foo28 CURSOR FOR SELECT 1; -- outside a transaction block
FETCH FROM nonexistent;
MOVE FROM nonexistent;
CLOSE nonexistent;
BEGIN;
DECLARE foo29 CURSOR FOR SELECT 1;
DECLARE foo29 CURSOR FOR SELECT 2; -- duplicate
ROLLBACK;
BEGIN;
DECLARE foo29 SCROLL CURSOR FOR SELECT * FROM pt FOR UPDATE;
ROLLBACK;
BEGIN;
DECLARE foo29 CURSOR WITH HOLD FOR SELECT * FROM pt FOR UPDATE;
ROLLBACK;
BEGIN;
DECLARE foo29 CURSOR FOR SELECT * FROM no_such_table;
ROLLBACK;

--
-- Savepoints: ROLLBACK TO drops the cursors declared after the savepoint
--
BEGIN;
DECLARE sp1 CURSOR FOR SELECT unique1 FROM pt ORDER BY unique1;
SAVEPOINT s;
DECLARE sp2 CURSOR FOR SELECT unique1 FROM pt ORDER BY unique1;
SELECT name FROM pg_cursors ORDER BY 1;
ROLLBACK TO SAVEPOINT s;
SELECT name FROM pg_cursors ORDER BY 1;
FETCH 2 FROM sp1;
RELEASE SAVEPOINT s;
FETCH 1 FROM sp1;
COMMIT;
SELECT name FROM pg_cursors ORDER BY 1;

--
-- Test CLOSE ALL;
--
SELECT name FROM pg_cursors ORDER BY 1;
CLOSE ALL;
SELECT name FROM pg_cursors ORDER BY 1;
BEGIN;
DECLARE foo1 CURSOR WITH HOLD FOR SELECT 1;
DECLARE foo2 CURSOR WITHOUT HOLD FOR SELECT 1;
SELECT name FROM pg_cursors ORDER BY 1;
CLOSE ALL;
SELECT name FROM pg_cursors ORDER BY 1;
COMMIT;

--
-- BINARY cursors and other select shapes
--
BEGIN;
DECLARE bc BINARY CURSOR FOR SELECT 'x'::text AS t;
SELECT name, is_binary FROM pg_cursors;
CLOSE bc;
DECLARE vc CURSOR FOR VALUES (1, 'a'), (2, 'b'), (3, 'c');
FETCH 2 FROM vc;
FETCH PRIOR FROM vc;
DECLARE jc CURSOR FOR SELECT a.unique1, b.stringu1 FROM pt a JOIN pt b ON a.unique1 = b.unique2 WHERE a.unique1 < 4 ORDER BY 1;
FETCH ALL FROM jc;
DECLARE uc CURSOR FOR SELECT unique1 FROM pt WHERE unique1 < 3 UNION ALL SELECT unique2 FROM pt WHERE unique2 < 3 ORDER BY 1;
FETCH ALL FROM uc;
COMMIT;

--
-- Tests for updatable cursors (WHERE CURRENT OF)
--
CREATE TABLE uctest (f1 int PRIMARY KEY, f2 text);
INSERT INTO uctest VALUES (1, 'one'), (2, 'two'), (3, 'three');
BEGIN;
DECLARE c1 CURSOR FOR SELECT * FROM uctest ORDER BY f1 FOR UPDATE;
UPDATE uctest SET f1 = 8 WHERE CURRENT OF c1; -- not positioned
ROLLBACK;
BEGIN;
DECLARE c1 CURSOR FOR SELECT * FROM uctest ORDER BY f1 FOR UPDATE;
FETCH 2 FROM c1;
UPDATE uctest SET f2 = f2 || ' (updated)' WHERE CURRENT OF c1 RETURNING *;
FETCH 1 FROM c1;
DELETE FROM uctest WHERE CURRENT OF c1 RETURNING *;
SELECT * FROM uctest ORDER BY f1;
FETCH 1 FROM c1;
DELETE FROM uctest WHERE CURRENT OF c1; -- past the end
ROLLBACK;
BEGIN;
DECLARE c1 CURSOR FOR SELECT f1, f2 FROM uctest ORDER BY f1;
FETCH 1 FROM c1;
UPDATE uctest AS u SET f2 = 'first' WHERE CURRENT OF c1;
SELECT * FROM uctest ORDER BY f1;
DECLARE c2 CURSOR FOR SELECT 1 AS x;
FETCH c2;
UPDATE uctest SET f2 = 'x' WHERE CURRENT OF c2; -- not a scan of uctest
ROLLBACK;
UPDATE uctest SET f2 = 'x' WHERE CURRENT OF nocursor;
DROP TABLE uctest;

-- a multi-statement query is an implicit transaction block
DECLARE mc CURSOR FOR SELECT unique1 FROM pt ORDER BY unique1 LIMIT 3\; FETCH 2 FROM mc\; FETCH mc;

-- a cursor reads the snapshot of its DECLARE: the transaction's writes before it, not after
CREATE TABLE snap (id int PRIMARY KEY, v text);
INSERT INTO snap VALUES (1, 'one'), (2, 'two'), (3, 'three');
BEGIN;
INSERT INTO snap VALUES (4, 'before');
DECLARE sc CURSOR FOR SELECT id, v FROM snap ORDER BY id;
DECLARE sn NO SCROLL CURSOR FOR SELECT count(*) FROM snap;
FETCH 1 FROM sc;
INSERT INTO snap VALUES (5, 'after');
UPDATE snap SET v = 'changed' WHERE id = 2;
DELETE FROM snap WHERE id = 3;
FETCH ALL FROM sc;
FETCH sn;
SELECT id, v FROM snap ORDER BY id;
FETCH FIRST FROM sc;
DECLARE sh CURSOR WITH HOLD FOR SELECT id, v FROM snap ORDER BY id;
DELETE FROM snap;
COMMIT;
FETCH ALL FROM sh;
CLOSE sh;
SELECT count(*) FROM snap;
DROP TABLE snap;

DROP TABLE pt;

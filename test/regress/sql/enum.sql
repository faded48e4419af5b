--
-- Enum types (a subset of PostgreSQL 15's src/test/regress/sql/enum.sql)
--
CREATE TYPE rainbow AS ENUM ('red', 'orange', 'yellow', 'green', 'blue', 'purple');

--
-- Did it create the right number of rows?
--
SELECT COUNT(*) FROM pg_enum WHERE enumtypid = 'rainbow'::regtype;

--
-- I/O functions
--
SELECT 'red'::rainbow;
SELECT 'mauve'::rainbow;

--
-- adding new values
--
CREATE TYPE planets AS ENUM ( 'venus', 'earth', 'mars' );

SELECT enumlabel, enumsortorder
FROM pg_enum
WHERE enumtypid = 'planets'::regtype
ORDER BY 2;

ALTER TYPE planets ADD VALUE 'uranus';

SELECT enumlabel, enumsortorder
FROM pg_enum
WHERE enumtypid = 'planets'::regtype
ORDER BY 2;

ALTER TYPE planets ADD VALUE 'mercury' BEFORE 'venus';
ALTER TYPE planets ADD VALUE 'saturn' BEFORE 'uranus';
ALTER TYPE planets ADD VALUE 'jupiter' AFTER 'mars';
ALTER TYPE planets ADD VALUE 'neptune' AFTER 'uranus';

SELECT enumlabel, enumsortorder
FROM pg_enum
WHERE enumtypid = 'planets'::regtype
ORDER BY 2;

SELECT enumlabel, enumsortorder
FROM pg_enum
WHERE enumtypid = 'planets'::regtype
ORDER BY enumlabel::planets;

-- errors for adding labels
ALTER TYPE planets ADD VALUE
  'plutoplutoplutoplutoplutoplutoplutoplutoplutoplutoplutoplutoplutopluto';

ALTER TYPE planets ADD VALUE 'pluto' AFTER 'zeus';

-- if not exists tests

--  existing value gives error
ALTER TYPE planets ADD VALUE 'mercury';

-- unless IF NOT EXISTS is specified
ALTER TYPE planets ADD VALUE IF NOT EXISTS 'mercury';

-- should be neptune, not mercury
SELECT enum_last(NULL::planets);

ALTER TYPE planets ADD VALUE IF NOT EXISTS 'pluto';

-- should be pluto, i.e. the new value
SELECT enum_last(NULL::planets);

--
-- Basic table creation, row selection
--
CREATE TABLE enumtest (col rainbow);
INSERT INTO enumtest values ('red'), ('orange'), ('yellow'), ('green');
COPY enumtest FROM stdin;
blue
purple
\.
SELECT * FROM enumtest;

--
-- Operators, no index
--
SELECT * FROM enumtest WHERE col = 'orange';
SELECT * FROM enumtest WHERE col <> 'orange' ORDER BY col;
SELECT * FROM enumtest WHERE col > 'yellow' ORDER BY col;
SELECT * FROM enumtest WHERE col >= 'yellow' ORDER BY col;
SELECT * FROM enumtest WHERE col < 'green' ORDER BY col;
SELECT * FROM enumtest WHERE col <= 'green' ORDER BY col;

--
-- Cast to/from text
--
SELECT 'red'::rainbow::text || 'hithere';
SELECT 'red'::text::rainbow = 'red'::rainbow;

--
-- Aggregates
--
SELECT min(col) FROM enumtest;
SELECT max(col) FROM enumtest;
SELECT max(col) FROM enumtest WHERE col < 'green';

--
-- Index tests, force use of index
--
CREATE INDEX enumtest_btree ON enumtest (col);
SELECT * FROM enumtest WHERE col = 'orange';
SELECT * FROM enumtest WHERE col <> 'orange' ORDER BY col;
SELECT * FROM enumtest WHERE col > 'yellow' ORDER BY col;
SELECT * FROM enumtest WHERE col >= 'yellow' ORDER BY col;
SELECT * FROM enumtest WHERE col < 'green' ORDER BY col;
SELECT * FROM enumtest WHERE col <= 'green' ORDER BY col;
SELECT min(col) FROM enumtest;
SELECT max(col) FROM enumtest;
DROP INDEX enumtest_btree;

--
-- Primary key on an enum column, ordered by the enum's sort order (labels added BEFORE)
--
CREATE TABLE planet_moons (p planets PRIMARY KEY, moons int);
INSERT INTO planet_moons VALUES ('saturn', 146), ('earth', 1), ('mercury', 0), ('jupiter', 95), ('mars', 2);
SELECT * FROM planet_moons ORDER BY p;
SELECT * FROM planet_moons WHERE p > 'mars' ORDER BY p;
SELECT * FROM planet_moons ORDER BY p DESC;
INSERT INTO planet_moons VALUES ('earth', 2);
ALTER TYPE planets ADD VALUE 'vulcan' BEFORE 'earth';
INSERT INTO planet_moons VALUES ('vulcan', 0);
SELECT * FROM planet_moons ORDER BY p;
DROP TABLE planet_moons;

--
-- Arrays of the enum
--
SELECT ARRAY['red', 'green']::rainbow[];
SELECT '{blue,red}'::rainbow[] < '{green}'::rainbow[];
CREATE TABLE enumarr (a rainbow[]);
INSERT INTO enumarr VALUES ('{red,blue}'), (ARRAY['purple']::rainbow[]);
SELECT * FROM enumarr ORDER BY a;
DROP TABLE enumarr;

--
-- Support functions
--
SELECT enum_first(NULL::rainbow);
SELECT enum_last('green'::rainbow);
SELECT enum_range(NULL::rainbow);
SELECT enum_range('orange'::rainbow, 'green'::rainbow);
SELECT enum_range(NULL, 'green'::rainbow);
SELECT enum_range('orange'::rainbow, NULL);
SELECT enum_range(NULL::rainbow, NULL);
SELECT enum_range('green'::rainbow, 'orange'::rainbow);

--
-- User functions, types
--
SELECT pg_typeof('red'::rainbow), 'rainbow'::regtype, 'rainbow[]'::regtype;
SELECT format_type('rainbow'::regtype, -1), format_type('_rainbow'::regtype, -1);
PREPARE enum_p(rainbow, rainbow[]) AS SELECT $1, $2, $1 = ANY($2);
EXECUTE enum_p('red', '{blue,red}');
EXECUTE enum_p('mauve', '{}');
DEALLOCATE enum_p;

--
-- DROP TYPE with dependents
--
DROP TYPE rainbow;
DROP TYPE rainbow RESTRICT;

--
-- Cleanup
--
DROP TABLE enumtest;
DROP TYPE rainbow;

--
-- Verify properly created pg_type rows
--
CREATE TYPE bogus AS ENUM('good', 'bad', 'ugly');
SELECT typname, typtype, typcategory, typlen, typbyval, typalign, typstorage,
       typinput, typoutput, typreceive, typsend, typarray::regtype
FROM pg_type WHERE typname IN ('bogus', '_bogus') ORDER BY typname;
SELECT t.typname, e.typname AS elem FROM pg_type t JOIN pg_type e ON t.typelem = e.oid WHERE t.typname = '_bogus';

--
-- errors in CREATE TYPE
--
CREATE TYPE bogus AS ENUM('good');

--
-- ALTER TYPE ... RENAME VALUE
--
CREATE TABLE bogustab (b bogus);
INSERT INTO bogustab VALUES ('bad'), ('good'), ('ugly');
ALTER TYPE bogus RENAME VALUE 'good' TO 'bad';
ALTER TYPE bogus RENAME VALUE 'nosuch' TO 'great';
ALTER TYPE bogus RENAME VALUE 'good' TO 'great';
SELECT enum_range(NULL::bogus);
SELECT * FROM bogustab ORDER BY b;
SELECT 'good'::bogus;

--
-- ALTER TYPE ... RENAME TO, COMMENT ON TYPE
--
ALTER TYPE bogus RENAME TO bogon;
SELECT 'bad'::bogon, pg_typeof(b) FROM bogustab LIMIT 1;
SELECT 'bad'::bogus;
COMMENT ON TYPE bogon IS 'a bogus type';
SELECT obj_description('bogon'::regtype, 'pg_type');
COMMENT ON TYPE bogon IS NULL;
SELECT obj_description('bogon'::regtype, 'pg_type');

--
-- DROP TYPE ... CASCADE drops the columns
--
DROP TYPE bogon CASCADE;
SELECT * FROM bogustab;
DROP TABLE bogustab;
DROP TYPE IF EXISTS bogon;
DROP TYPE nosuchtype;
DROP TYPE int4;

--
-- Schema-qualified names and the search path
--
CREATE SCHEMA enum_s;
CREATE TYPE enum_s.mood AS ENUM ('sad', 'happy');
SELECT 'sad'::mood;
SELECT 'sad'::enum_s.mood;
SELECT format_type('enum_s.mood'::regtype, -1);
SET search_path = enum_s, public;
SELECT 'sad'::mood, format_type('mood'::regtype, -1);
RESET search_path;
DROP SCHEMA enum_s;
DROP SCHEMA enum_s CASCADE;

--
-- Transactional DDL: the type exists only inside its transaction until COMMIT
--
BEGIN;
CREATE TYPE txn_enum AS ENUM ('x', 'y');
SELECT 'x'::txn_enum;
ROLLBACK;
SELECT 'x'::txn_enum;
SELECT count(*) FROM pg_type WHERE typname = 'txn_enum';
BEGIN;
CREATE TYPE txn_enum AS ENUM ('x', 'y');
CREATE TABLE txn_tab (e txn_enum);
INSERT INTO txn_tab VALUES ('y'), ('x');
COMMIT;
SELECT * FROM txn_tab ORDER BY e;
-- a value added in the transaction cannot be used before COMMIT (the type is older)
BEGIN;
ALTER TYPE txn_enum ADD VALUE 'z';
SELECT 'z'::txn_enum;
ROLLBACK;
BEGIN;
ALTER TYPE txn_enum ADD VALUE 'z' BEFORE 'x';
ALTER TYPE txn_enum RENAME VALUE 'y' TO 'w';
SELECT 'w'::txn_enum, enum_first(NULL::txn_enum);
SELECT enum_last(NULL::txn_enum), enum_range('x'::txn_enum, NULL);
SELECT enum_range(NULL::txn_enum);
COMMIT;
BEGIN;
ALTER TYPE txn_enum ADD VALUE 'z' BEFORE 'x';
ALTER TYPE txn_enum RENAME VALUE 'y' TO 'w';
COMMIT;
SELECT 'z'::txn_enum, enum_range(NULL::txn_enum);
SELECT * FROM txn_tab ORDER BY e;
DROP TABLE txn_tab;
DROP TYPE txn_enum;
DROP TYPE planets;

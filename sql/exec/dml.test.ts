// Expected values and messages from PostgreSQL 15 (psql against a scratch server).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareCopyFrom } from '../plan/api.js';
import { sqlErrorOf, TestDb, type TestSession } from './testing.js';

let db: TestDb;
let s: TestSession;

beforeAll(async () => {
  db = await TestDb.open();
  s = db.session();
});
afterAll(async () => {
  await db.close();
});

const rows = async (sql: string): Promise<unknown[][]> => (await s.exec(sql)).rows;

describe('tables without a primary key', () => {
  it('get a hidden rowid that SELECT * does not show', async () => {
    await s.exec('CREATE TABLE nopk (a int, b text)');
    await s.exec("INSERT INTO nopk VALUES (1, 'x'), (2, 'y'), (1, 'x')");
    const r = await s.exec('SELECT * FROM nopk ORDER BY a, b');
    expect(r.columns).toEqual(['a', 'b']);
    expect(r.rows).toEqual([[1, 'x'], [1, 'x'], [2, 'y']]);
    expect((await s.exec("DELETE FROM nopk WHERE b = 'x'")).rowCount).toBe(2);
  });

  it('ADD COLUMN with a DEFAULT gives old rows the missing value', async () => {
    await s.exec('ALTER TABLE nopk ADD COLUMN c int DEFAULT 7');
    await s.exec("INSERT INTO nopk (a, b) VALUES (3, 'z')");
    await s.exec("INSERT INTO nopk VALUES (4, 'w', 8)");
    expect(await rows('SELECT a, c FROM nopk ORDER BY a')).toEqual([[2, 7], [3, 7], [4, 8]]);
  });
});

describe('identity and defaults', () => {
  it('GENERATED ALWAYS rejects user values like PostgreSQL', async () => {
    await s.exec("CREATE TABLE idt (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text DEFAULT 'dflt')");
    await s.exec("INSERT INTO idt (v) VALUES ('a'), (DEFAULT)");
    const e = await sqlErrorOf(s.exec("INSERT INTO idt (id, v) VALUES (10, 'b')"));
    expect(e.code).toBe('428C9');
    expect(e.message).toBe('cannot insert a non-DEFAULT value into column "id"');
    expect(e.fields.detail).toBe('Column "id" is an identity column defined as GENERATED ALWAYS.');
    expect(e.fields.hint).toBe('Use OVERRIDING SYSTEM VALUE to override.');
    const u = await sqlErrorOf(s.exec('UPDATE idt SET id = 5'));
    expect(u.code).toBe('428C9');
    expect(u.message).toBe('column "id" can only be updated to DEFAULT');
    expect(await rows('SELECT * FROM idt ORDER BY id')).toEqual([[1, 'a'], [2, 'dflt']]);
    expect(await rows('INSERT INTO idt DEFAULT VALUES RETURNING *')).toEqual([[3, 'dflt']]);
  });
});

describe('unique indexes and key changes', () => {
  it('UPDATE into an existing unique key fails; PK changes move the row', async () => {
    await s.exec('CREATE TABLE k (id int PRIMARY KEY, e text UNIQUE)');
    await s.exec("INSERT INTO k VALUES (1, 'a'), (2, 'b')");
    const e = await sqlErrorOf(s.exec("UPDATE k SET e = 'a' WHERE id = 2"));
    expect(e.code).toBe('23505');
    expect(e.message).toBe('duplicate key value violates unique constraint "k_e_key"');
    expect(e.fields.detail).toBe('Key (e)=(a) already exists.');
    expect(await rows('UPDATE k SET id = id + 10 RETURNING * ')).toHaveLength(2);
    await s.exec("INSERT INTO k SELECT id + 100, e || '2' FROM k");
    expect(await rows('SELECT * FROM k ORDER BY id')).toEqual([[11, 'a'], [12, 'b'], [111, 'a2'], [112, 'b2']]);
    expect(await rows("SELECT id FROM k WHERE e = 'b2'")).toEqual([[112]]);
  });

  it('secondary index scans are index-only when the index covers the query', async () => {
    const plan = (await rows("EXPLAIN (COSTS OFF) SELECT id FROM k WHERE e = 'a'")).map((r) => r[0]);
    expect(plan).toEqual(['Index Only Scan using k_e_key on k', "  Index Cond: (e = 'a'::text)"]);
    const point = (await rows('EXPLAIN (COSTS OFF) SELECT e FROM k WHERE id = 11')).map((r) => r[0]);
    expect(point).toEqual(['Index Scan using k_pkey on k', '  Index Cond: (id = 11)']);
  });

  it('NULLs are distinct in unique indexes', async () => {
    await s.exec('INSERT INTO k VALUES (200, NULL), (201, NULL)');
    expect(await rows('SELECT e FROM k ORDER BY e NULLS FIRST LIMIT 1')).toEqual([[null]]);
    expect(await rows('SELECT count(*) FROM k WHERE e IS NULL')).toEqual([[2n]]);
  });
});

describe('binder errors match PostgreSQL', () => {
  const cases: [string, string, string, number | undefined][] = [
    ["INSERT INTO k VALUES (1, 'z', 3)", '42601', 'INSERT has more expressions than target columns', 31],
    ['INSERT INTO k (nope) VALUES (1)', '42703', 'column "nope" of relation "k" does not exist', undefined],
    ["SELECT 1 FROM k WHERE id = 'abc'", '22P02', 'invalid input syntax for type integer: "abc"', 28],
    ['SELECT * FROM nosuch', '42P01', 'relation "nosuch" does not exist', 15],
    ["SELECT id + 'x' FROM k", '22P02', 'invalid input syntax for type integer: "x"', 13],
    ['SELECT k.nope FROM k', '42703', 'column k.nope does not exist', 8],
    ['SELECT z.id FROM k', '42P01', 'missing FROM-clause entry for table "z"', 8],
    ['SELECT count(*) FROM k WHERE count(*) > 1', '42803', 'aggregate functions are not allowed in WHERE', 30],
  ];
  for (const [sql, code, message, position] of cases) {
    it(sql, async () => {
      const e = await sqlErrorOf(s.exec(sql));
      expect([e.code, e.message]).toEqual([code, message]);
      if (position !== undefined) expect(e.fields.position).toBe(position);
    });
  }
});

describe('EXPLAIN ANALYZE and ANALYZE', () => {
  it('counts actual rows per node', async () => {
    const plan = (await rows('EXPLAIN ANALYZE SELECT * FROM k WHERE id > 100')).map((r) => String(r[0]));
    expect(plan[0]).toMatch(/^Index Scan using k_pkey on k \(actual time=[\d.]+\.\.[\d.]+ rows=4 loops=1\)$/);
    expect(plan[plan.length - 1]).toMatch(/^Execution Time: /);
  });
});

describe('COPY FROM goes through the INSERT path', () => {
  it('applies defaults, constraints and indexes', async () => {
    await s.exec("CREATE TABLE cp (id serial PRIMARY KEY, code text UNIQUE, qty int CHECK (qty >= 0), note text DEFAULT 'n/a')");
    const target = prepareCopyFrom({ kind: 'RangeVar', name: 'cp', inherit: true, location: -1 }, ['code', 'qty'], {
      catalog: db.state, searchPath: ['$user', 'public'], paramTypes: [],
    });
    expect(target.columns.map((c) => c.name)).toEqual(['code', 'qty']);
    const txn = db.kv.begin({ isolation: 'read committed', readOnly: false, consistency: { kind: 'strong' } });
    expect(await target.insert([['a', 1], ['b', 2]], s.execContext(txn))).toBe(2);
    const dup = await sqlErrorOf(target.insert([['a', 3]], s.execContext(txn)));
    expect(dup.code).toBe('23505');
    await txn.rollback();
    const txn2 = db.kv.begin({ isolation: 'read committed', readOnly: false, consistency: { kind: 'strong' } });
    await target.insert([['c', 5]], s.execContext(txn2));
    const neg = await sqlErrorOf(target.insert([['d', -1]], s.execContext(txn2)));
    expect(neg.code).toBe('23514');
    await txn2.commit();
    expect(await rows("SELECT code, qty, note FROM cp WHERE code = 'c'")).toEqual([['c', 5, 'n/a']]);
  });
});

describe('INSERT ... SELECT with untyped literals', () => {
  it('coerces them to the target column types (PostgreSQL keeps them unknown)', async () => {
    await s.exec('CREATE TABLE tr (id int PRIMARY KEY, amount numeric(12,2), at date)');
    await s.exec("INSERT INTO tr (id, amount, at) SELECT 1, '30.00', '2024-01-02'");
    expect((await rows('SELECT amount::text, at::text FROM tr'))).toEqual([['30.00', '2024-01-02']]);
    const e = await sqlErrorOf(s.exec("INSERT INTO tr SELECT 2, 'x'"));
    expect([e.code, e.message]).toEqual(['22P02', 'invalid input syntax for type numeric: "x"']);
  });
});

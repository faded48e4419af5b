// Partial and expression indexes on the engine: index choice and EXPLAIN (nodedb has no cost
// model, so these plans are pinned here rather than in test/regress/sql/index_partial_expr.sql,
// whose results are compared with PostgreSQL 15), entry maintenance, RENAME COLUMN.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlErrorOf, TestDb, type TestSession } from './testing.js';

let db: TestDb;
let s: TestSession;

beforeAll(async () => {
  db = await TestDb.open();
  s = db.session();
  await s.exec('CREATE TABLE w (id int PRIMARY KEY, email text, a int, active bool, n int)');
  await s.exec("INSERT INTO w SELECT g, 'User' || g, g % 50, g % 3 = 0, g FROM generate_series(1, 300) g");
  await s.exec('CREATE INDEX w_lower ON w (lower(email))');
  await s.exec('CREATE INDEX w_a_active ON w (a) WHERE active');
  await s.exec('CREATE INDEX w_n_big ON w (n) WHERE n > 100 AND email IS NOT NULL');
  await s.exec('CREATE INDEX w_sum ON w ((a + n) DESC)');
});
afterAll(async () => {
  await db.close();
});

const rows = async (sql: string): Promise<unknown[][]> => (await s.exec(sql)).rows;
const plan = async (sql: string): Promise<string[]> => (await rows(`EXPLAIN (COSTS OFF) ${sql}`)).map((r) => String(r[0]));

describe('expression indexes', () => {
  it('answer equality, IN and ranges on the same expression', async () => {
    expect(await plan("SELECT id FROM w WHERE lower(email) = 'user7'")).toEqual([
      'Index Scan using w_lower on w',
      "  Index Cond: (lower(email) = 'user7'::text)",
    ]);
    expect(await rows("SELECT id FROM w WHERE lower(email) = 'user7'")).toEqual([[7]]);
    expect((await plan("SELECT id FROM w WHERE lower(email) IN ('user7', 'user8')"))[0]).toBe('Index Scan using w_lower on w');
    expect(await rows("SELECT id FROM w WHERE lower(email) IN ('user7', 'user8') ORDER BY id")).toEqual([[7], [8]]);
    expect((await plan("SELECT id FROM w WHERE lower(email) > 'user9'"))[0]).toBe('Index Scan using w_lower on w');
  });
  it('are not used for a different expression', async () => {
    expect((await plan("SELECT id FROM w WHERE upper(email) = 'USER7'"))[0]).toBe('Seq Scan on w');
  });
  it('give ORDER BY ... LIMIT in index order without a sort', async () => {
    expect(await plan('SELECT id FROM w ORDER BY a + n DESC LIMIT 3')).toEqual(['Limit', '  ->  Index Scan using w_sum on w']);
    expect(await rows('SELECT id, a + n FROM w ORDER BY a + n DESC LIMIT 3')).toEqual([[299, 348], [298, 346], [297, 344]]);
    expect(await plan('SELECT id FROM w ORDER BY a + n LIMIT 1')).toEqual(['Limit', '  ->  Index Scan Backward using w_sum on w']);
  });
});

describe('partial indexes', () => {
  it('are used when WHERE contains the predicate', async () => {
    expect(await plan('SELECT id FROM w WHERE a = 3 AND active')).toEqual(['Index Scan using w_a_active on w', '  Index Cond: (a = 3)']);
    expect(await rows('SELECT id FROM w WHERE a = 3 AND active ORDER BY id')).toEqual([[3], [153]]);
  });
  it('are used when WHERE implies the predicate by range', async () => {
    expect((await plan("SELECT id FROM w WHERE n > 200 AND n < 203 AND email LIKE 'U%'"))[0]).toMatch(/using w_n_big on w$/);
    expect(await rows('SELECT id FROM w WHERE n >= 201 AND n < 203 ORDER BY id')).toEqual([[201], [202]]);
    expect((await plan("SELECT id FROM w WHERE n >= 201 AND n < 203 AND email = 'User202'"))[0]).toMatch(/using w_n_big on w$/);
  });
  it('are not used when WHERE does not imply the predicate', async () => {
    expect((await plan('SELECT id FROM w WHERE a = 3'))[0]).toBe('Seq Scan on w');
    expect((await plan('SELECT id FROM w WHERE n > 50 AND n < 60'))[0]).toBe('Seq Scan on w');
    expect((await plan('SELECT id FROM w WHERE n = 100'))[0]).toBe('Seq Scan on w');
  });
  it('move rows in and out on UPDATE and drop entries on DELETE', async () => {
    await s.exec('UPDATE w SET active = NOT active WHERE id BETWEEN 1 AND 10');
    expect(await rows('SELECT id FROM w WHERE a = 3 AND active ORDER BY id')).toEqual([[153]]);
    await s.exec('UPDATE w SET active = true WHERE id = 3');
    expect(await rows('SELECT id FROM w WHERE a = 3 AND active ORDER BY id')).toEqual([[3], [153]]);
    await s.exec('DELETE FROM w WHERE id = 153');
    expect(await rows('SELECT id FROM w WHERE a = 3 AND active ORDER BY id')).toEqual([[3]]);
  });
});

describe('RENAME COLUMN', () => {
  it('renames the column in index expressions and predicates', async () => {
    await s.exec('CREATE TABLE r (id int PRIMARY KEY, k text, live bool)');
    await s.exec('CREATE UNIQUE INDEX r_k ON r (lower(k)) WHERE live');
    await s.exec("INSERT INTO r VALUES (1, 'A', true), (2, 'a', false)");
    await s.exec('ALTER TABLE r RENAME COLUMN k TO key');
    await s.exec('ALTER TABLE r RENAME COLUMN live TO alive');
    expect(await rows("SELECT pg_get_indexdef('r_k'::regclass)")).toEqual([
      ['CREATE UNIQUE INDEX r_k ON public.r USING btree (lower(key)) WHERE alive'],
    ]);
    const e = await sqlErrorOf(s.exec("INSERT INTO r VALUES (3, 'a', true)"));
    expect([e.code, e.fields.detail]).toEqual(['23505', 'Key (lower(key))=(a) already exists.']);
    await s.exec("INSERT INTO r VALUES (3, 'a', false)");
    expect(await rows("SELECT id FROM r WHERE lower(key) = 'a' AND alive")).toEqual([[1]]);
  });
});

// GROUPING SETS planning: the aggregate node lists its sets in EXPLAIN (values are pinned against
// PostgreSQL 15 by test/regress/sql/grouping.sql).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDb, type TestSession } from './testing.js';

let db: TestDb;
let s: TestSession;

beforeAll(async () => {
  db = await TestDb.open();
  s = db.session();
  await s.exec('CREATE TABLE gs (a int, b int)');
  await s.exec('INSERT INTO gs VALUES (1, 2), (1, 3), (2, 2)');
});
afterAll(async () => {
  await db.close();
});

describe('grouping sets', () => {
  it('EXPLAIN shows one key per grouping set', async () => {
    const plan = (await s.exec('EXPLAIN (COSTS OFF) SELECT a, b, count(*) FROM gs GROUP BY ROLLUP (a, b)')).rows.map((r) => String(r[0]).trim());
    expect(plan[0]).toBe('MixedAggregate');
    expect(plan.slice(1, 4)).toEqual(['Hash Key: gs.a, gs.b', 'Hash Key: gs.a', 'Group Key: ()']);
  });

  it('GROUPING() marks the aggregated-away columns', async () => {
    const rows = (await s.exec('SELECT a, b, count(*), grouping(a, b) FROM gs GROUP BY CUBE (a, b) ORDER BY 4, 1, 2')).rows;
    expect(rows.map((r) => r[3])).toEqual([0, 0, 0, 1, 1, 2, 2, 3]);
    expect(rows[rows.length - 1]).toEqual([null, null, 3n, 3]);
  });
});

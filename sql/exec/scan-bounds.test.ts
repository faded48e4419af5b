// Randomized: key-bounded scans (primary and secondary, ASC/DESC, NULLS FIRST/LAST, IN lists,
// ranges) return exactly the rows a plain filter would. Replay a failure with SCAN_SEED=<seed>.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDb, type TestSession } from './testing.js';

const seed = Number(process.env.SCAN_SEED ?? Date.now() % 2 ** 31);
const rowCount = 60;
const valueMax = 8;

let db: TestDb;
let s: TestSession;
type Row = { id: number; a: number | null; b: number | null };
const data: Row[] = [];

beforeAll(async () => {
  db = await TestDb.open();
  s = db.session();
  await s.exec('CREATE TABLE r (id int PRIMARY KEY, a int, b int)');
  await s.exec('CREATE INDEX r_a_desc ON r (a DESC NULLS LAST, b)');
  await s.exec('CREATE INDEX r_b_nf ON r (b NULLS FIRST)');
  const rnd = fc.sample(fc.tuple(fc.option(fc.integer({ min: 0, max: valueMax })), fc.option(fc.integer({ min: 0, max: valueMax }))), {
    seed,
    numRuns: rowCount,
  });
  rnd.forEach(([a, b], i) => data.push({ id: i + 1, a, b }));
  const values = data.map((r) => `(${r.id}, ${r.a ?? 'NULL'}, ${r.b ?? 'NULL'})`).join(', ');
  await s.exec(`INSERT INTO r VALUES ${values}`);
});
afterAll(async () => {
  await db.close();
});

type Pred = { sql: string; test: (r: Row) => boolean };
const col = fc.constantFrom<'a' | 'b' | 'id'>('a', 'b', 'id');
const k = fc.integer({ min: -1, max: valueMax + 1 });
const cmp = (c: 'a' | 'b' | 'id', op: string, v: number): Pred => ({
  sql: `${c} ${op} ${v}`,
  test: (r) => {
    const x = r[c];
    if (x === null) return false;
    switch (op) {
      case '=': return x === v;
      case '<': return x < v;
      case '<=': return x <= v;
      case '>': return x > v;
      default: return x >= v;
    }
  },
});
const pred: fc.Arbitrary<Pred> = fc.oneof(
  fc.tuple(col, fc.constantFrom('=', '<', '<=', '>', '>='), k).map(([c, op, v]) => cmp(c, op, v)),
  fc.tuple(col, k, k).map(([c, lo, hi]) => ({
    sql: `${c} BETWEEN ${lo} AND ${hi}`,
    test: (r: Row) => r[c] !== null && r[c]! >= lo && r[c]! <= hi,
  })),
  fc.tuple(col, fc.array(k, { minLength: 1, maxLength: 4 })).map(([c, vs]) => ({
    sql: `${c} IN (${vs.join(', ')})`,
    test: (r: Row) => r[c] !== null && vs.includes(r[c]!),
  })),
);

describe(`scan bounds agree with filtering (seed ${seed})`, () => {
  it('random conjunctions', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(pred, { minLength: 1, maxLength: 3 }), fc.boolean(), async (preds, desc) => {
        const where = preds.map((p) => p.sql).join(' AND ');
        const got = (await s.exec(`SELECT id FROM r WHERE ${where} ORDER BY id${desc ? ' DESC' : ''}`)).rows.map((x) => x[0]);
        const want = data.filter((r) => preds.every((p) => p.test(r))).map((r) => r.id);
        if (desc) want.reverse();
        expect(got, where).toEqual(want);
      }),
      { seed, numRuns: 150 },
    );
  });

  it('ORDER BY index columns without a sort matches a sorted filter', async () => {
    for (const order of ['a DESC NULLS LAST, b', 'a ASC NULLS FIRST, b DESC', 'b NULLS FIRST', 'b DESC NULLS LAST']) {
      const got = (await s.exec(`SELECT a, b FROM r ORDER BY ${order}, id`)).rows;
      expect(got.length, order).toBe(rowCount);
      const got2 = (await s.exec(`SELECT a, b FROM r ORDER BY ${order}`)).rows;
      // same multiset of (a, b) and the same order on the ORDER BY columns
      const key = (r: unknown[]): string => JSON.stringify(r);
      expect(got2.map(key), order).toEqual(got.map(key));
    }
  });
});

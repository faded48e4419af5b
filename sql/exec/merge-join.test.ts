/**
 * Merge join: chosen when both inputs are ordered on the join keys and the right side is unique
 * on them; gives the rows a hash join gives for inner, left and full joins, NULL keys included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Datum } from '../types/datum.js';
import { TestDb, TestSession } from './testing.js';

let db: TestDb;
let s: TestSession;

beforeAll(async () => {
  db = await TestDb.open();
  s = db.session();
  await s.exec('CREATE TABLE l (id int PRIMARY KEY, r int, v text)');
  await s.exec('CREATE TABLE r (id int PRIMARY KEY, w text)');
  await s.exec('CREATE TABLE d (a int, b int, n int, PRIMARY KEY (a, b))');
  await s.exec("INSERT INTO l SELECT x, CASE WHEN x % 5 = 0 THEN NULL ELSE x % 700 END, 'l' || x FROM generate_series(1, 2000) x");
  await s.exec("INSERT INTO r SELECT x * 3, 'r' || x FROM generate_series(1, 400) x");
  await s.exec('INSERT INTO d SELECT x % 4, x, x FROM generate_series(1, 1000) x');
});

afterAll(async () => {
  await db.close();
});

async function plan(sql: string): Promise<string> {
  return (await s.exec(`EXPLAIN (COSTS OFF) ${sql}`)).rows.map((r) => String(r[0])).join('\n');
}

const key = (r: readonly Datum[]): string => r.map((v) => String(v)).join('/');

describe('merge join', () => {
  it('is chosen for a full join of two tables on their primary keys', async () => {
    const p = await plan('SELECT * FROM l FULL JOIN r ON l.id = r.id');
    expect(p).toContain('Merge Full Join');
    expect(p).toContain('Merge Cond: (l.id = r.id)');
  });

  it('is not chosen when an input is not ordered on the keys (hash join instead)', async () => {
    const p = await plan('SELECT * FROM l FULL JOIN r ON l.r = r.id');
    expect(p).toContain('Hash Full Join');
  });

  it('is not chosen when the right side is not unique on the keys', async () => {
    const p = await plan('SELECT * FROM l FULL JOIN d ON l.id = d.a');
    expect(p).not.toContain('Merge');
  });

  for (const [name, join] of [
    ['full', 'FULL JOIN'],
    ['left', 'LEFT JOIN'],
    ['right', 'RIGHT JOIN'],
  ] as const) {
    it(`gives the rows of a hash join (${name}, with a residual condition)`, async () => {
      const merge = `SELECT l.id, r.id, r.w FROM l ${join} r ON l.id = r.id AND r.w <> 'r7'`;
      // The same join on an expression key, which no index orders: a hash join.
      const hash = `SELECT l.id, r.id, r.w FROM l ${join} r ON l.id + 0 = r.id AND r.w <> 'r7'`;
      if (name === 'full') expect(await plan(merge)).toContain('Merge');
      expect(await plan(hash)).not.toContain('Merge');
      const a = (await s.exec(merge)).rows.map(key).sort();
      const b = (await s.exec(hash)).rows.map(key).sort();
      expect(a.length).toBeGreaterThan(0);
      expect(a).toEqual(b);
    });
  }
});

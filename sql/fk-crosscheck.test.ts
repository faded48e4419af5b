// REPEATABLE READ / SERIALIZABLE foreign-key actions crosscheck the latest committed state: a
// referencing row committed after the snapshot ends the parent's DELETE/UPDATE with 40001 (as
// PostgreSQL 15 does) instead of leaving that row dangling.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlError } from '../util/errors.js';
import type { Session } from './session-api.js';
import { openTestEngine, recordingSink, type TestEngine } from './testing.js';

describe('foreign-key actions under snapshot isolation', () => {
  let t: TestEngine;
  let a: Session;
  let b: Session;
  const signal = new AbortController().signal;
  const q = async (s: Session, sql: string) => {
    const out = recordingSink();
    await s.simpleQuery(sql, out, signal);
    return out.rows;
  };
  const code = async (s: Session, sql: string) => {
    const err = await s.simpleQuery(sql, recordingSink(), signal).then(() => undefined, (e: unknown) => e);
    return err instanceof SqlError ? err.code : 'no error';
  };

  beforeAll(async () => {
    t = await openTestEngine('fk-crosscheck');
    a = t.open();
    b = t.open();
    await q(a, `CREATE TABLE p (id int PRIMARY KEY);
      CREATE TABLE c_cascade (id int PRIMARY KEY, pid int REFERENCES p ON DELETE CASCADE);
      CREATE TABLE c_noaction (id int PRIMARY KEY, pid int REFERENCES p)`);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await t.close();
  });

  for (const [child, isolation] of [['c_cascade', 'REPEATABLE READ'], ['c_noaction', 'REPEATABLE READ'], ['c_cascade', 'SERIALIZABLE']] as const) {
    it(`${isolation}: DELETE of a parent that gained a referencing row in ${child} after the snapshot is 40001`, async () => {
      await q(a, `DELETE FROM c_cascade; DELETE FROM c_noaction; DELETE FROM p; INSERT INTO p VALUES (1)`);
      await q(a, `BEGIN ISOLATION LEVEL ${isolation}; SELECT 1`);
      await q(b, `INSERT INTO ${child} VALUES (1, 1)`);
      expect(await code(a, 'DELETE FROM p WHERE id = 1')).toBe('40001');
      await q(a, 'ROLLBACK');
      expect(await q(b, `SELECT count(*) FROM ${child}`)).toEqual([['1']]);
      expect(await q(b, 'SELECT count(*) FROM p')).toEqual([['1']]);
    });
  }

  it('referencing rows in the snapshot are acted on as usual (no false 40001)', async () => {
    await q(a, `DELETE FROM c_cascade; DELETE FROM c_noaction; DELETE FROM p; INSERT INTO p VALUES (1); INSERT INTO c_cascade VALUES (1, 1)`);
    await q(a, 'BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT 1');
    await q(a, 'DELETE FROM p WHERE id = 1');
    await q(a, 'COMMIT');
    expect(await q(b, 'SELECT count(*) FROM c_cascade')).toEqual([['0']]);
  });

  it('READ COMMITTED sees the new referencing row and acts on it', async () => {
    await q(a, `DELETE FROM c_cascade; DELETE FROM p; INSERT INTO p VALUES (1)`);
    await q(a, 'BEGIN; SELECT 1');
    await q(b, 'INSERT INTO c_cascade VALUES (1, 1)');
    await q(a, 'DELETE FROM p WHERE id = 1');
    await q(a, 'COMMIT');
    expect(await q(b, 'SELECT count(*) FROM c_cascade')).toEqual([['0']]);
  });
});

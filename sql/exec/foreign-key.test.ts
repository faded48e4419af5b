// FOREIGN KEYs between concurrent sessions (what foreign_key.sql cannot pin): a referencing
// INSERT and a DELETE of the referenced row order through the row lock, under READ COMMITTED,
// with PostgreSQL 15's outcomes. DEFERRABLE keys checked at COMMIT, and SET CONSTRAINTS refused with 0A000.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlErrorOf, stillWaiting, TestDb, track } from './testing.js';

let db: TestDb;

beforeAll(async () => {
  db = await TestDb.open();
  const s = db.session();
  await s.exec('CREATE TABLE fp (id int PRIMARY KEY, code text UNIQUE)');
  await s.exec('CREATE TABLE fc (id int PRIMARY KEY, p int REFERENCES fp, code text REFERENCES fp (code))');
});
afterAll(async () => {
  await db.close();
});

describe('foreign keys between sessions', () => {
  it('a DELETE of the referenced row waits for the inserting transaction, then sees its row (23503)', async () => {
    await db.session().exec("INSERT INTO fp VALUES (1, 'one')");
    const a = db.session();
    a.begin();
    await a.exec('INSERT INTO fc VALUES (1, 1, NULL)');
    const del = track(db.session(), 'DELETE FROM fp WHERE id = 1');
    await stillWaiting(del);
    await a.commit();
    const e = await sqlErrorOf(del.result);
    expect(e.code).toBe('23503');
    expect(e.message).toBe('update or delete on table "fp" violates foreign key constraint "fc_p_fkey" on table "fc"');
    expect(e.fields.detail).toBe('Key (id)=(1) is still referenced from table "fc".');
  });

  it('an INSERT referencing a row being deleted waits, then finds it gone (23503)', async () => {
    await db.session().exec("INSERT INTO fp VALUES (2, 'two')");
    const a = db.session();
    a.begin();
    await a.exec('DELETE FROM fp WHERE id = 2');
    const ins = track(db.session(), 'INSERT INTO fc VALUES (2, 2, NULL)');
    await stillWaiting(ins);
    await a.commit();
    const e = await sqlErrorOf(ins.result);
    expect(e.code).toBe('23503');
    expect(e.fields.detail).toBe('Key (p)=(2) is not present in table "fp".');
  });

  it('after a rolled-back DELETE the waiting INSERT succeeds (through a secondary unique key too)', async () => {
    await db.session().exec("INSERT INTO fp VALUES (3, 'three')");
    const a = db.session();
    a.begin();
    await a.exec("DELETE FROM fp WHERE code = 'three'");
    const ins = track(db.session(), "INSERT INTO fc VALUES (3, NULL, 'three')");
    await stillWaiting(ins);
    await a.rollback();
    await ins.result;
    expect((await db.session().exec('SELECT id, code FROM fc WHERE id = 3')).rows).toEqual([[3, 'three']]);
  });
});

describe('DEFERRABLE (checked at COMMIT by the session: foreign_key.sql pins it)', () => {
  it('SET CONSTRAINTS is not built: 0A000 naming it, never accepted and ignored', async () => {
    const e = await sqlErrorOf(db.session().exec('SET CONSTRAINTS ALL DEFERRED'));
    expect(e.code).toBe('0A000');
    expect(e.message).toContain('SET CONSTRAINTS');
  });
});

// READ COMMITTED writers: lock the row, re-check WHERE on the newest committed version,
// update THAT version (PostgreSQL's EvalPlanQual); unique keys are locked so concurrent inserts
// of one key end in exactly one 23505 once the first commits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlErrorOf, TestDb } from './testing.js';
import { waitFor } from '../../util/wait-for.js';

let db: TestDb;

beforeAll(async () => {
  db = await TestDb.open();
  const s = db.session();
  await s.exec('CREATE TABLE acct (id int PRIMARY KEY, v int)');
  await s.exec('INSERT INTO acct VALUES (1, 0), (2, 0)');
  await s.exec('CREATE TABLE uq (id int PRIMARY KEY, email text UNIQUE)');
});
afterAll(async () => {
  await db.close();
});

describe('concurrent writers', () => {
  it('two sessions incrementing one row never lose an update', async () => {
    const a = db.session();
    const b = db.session();
    a.begin();
    b.begin();
    await a.exec('UPDATE acct SET v = v + 1 WHERE id = 1');
    let bDone = false;
    const bUpdate = b.exec('UPDATE acct SET v = v + 1 WHERE id = 1').then((r) => {
      bDone = true;
      return r;
    });
    await new Promise((r) => setImmediate(r));
    expect(bDone).toBe(false);
    await a.commit();
    const r = await bUpdate;
    expect(r.rowCount).toBe(1);
    await b.commit();
    expect((await db.session().exec('SELECT v FROM acct WHERE id = 1')).rows).toEqual([[2]]);
  });

  it('many concurrent increments all apply', async () => {
    const sessions = Array.from({ length: 8 }, () => db.session());
    const rounds = 5;
    await Promise.all(
      sessions.map(async (s) => {
        for (let i = 0; i < rounds; i++) await s.exec('UPDATE acct SET v = v + 1 WHERE id = 2');
      }),
    );
    expect((await db.session().exec('SELECT v FROM acct WHERE id = 2')).rows).toEqual([[sessions.length * rounds]]);
  });

  it('the WHERE clause is re-checked on the newest version', async () => {
    const a = db.session();
    const b = db.session();
    await a.exec('UPDATE acct SET v = 100 WHERE id = 1');
    a.begin();
    b.begin();
    await a.exec('UPDATE acct SET v = 5 WHERE id = 1');
    const bUpdate = b.exec('UPDATE acct SET v = v + 1 WHERE v = 100');
    await a.commit();
    const r = await bUpdate;
    expect(r.rowCount).toBe(0);
    await b.commit();
    expect((await db.session().exec('SELECT v FROM acct WHERE id = 1')).rows).toEqual([[5]]);
  });

  it('concurrent inserts of one unique key: exactly one 23505 after the first commits', async () => {
    const a = db.session();
    const b = db.session();
    a.begin();
    b.begin();
    await a.exec("INSERT INTO uq VALUES (1, 'x@y')");
    let settled = false;
    const bInsert = sqlErrorOf(b.exec("INSERT INTO uq VALUES (2, 'x@y')")).finally(() => {
      settled = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    await a.commit();
    const e = await bInsert;
    expect(e.code).toBe('23505');
    expect(e.message).toBe('duplicate key value violates unique constraint "uq_email_key"');
    expect(e.fields.detail).toBe('Key (email)=(x@y) already exists.');
    await b.rollback();
  });

  it('no error when the first inserter rolls back', async () => {
    const a = db.session();
    const b = db.session();
    a.begin();
    b.begin();
    await a.exec("INSERT INTO uq VALUES (3, 'r@y')");
    let done = false;
    const bInsert = b.exec("INSERT INTO uq VALUES (4, 'r@y')").then((r) => {
      done = true;
      return r;
    });
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    await a.rollback();
    await waitFor(() => done);
    expect((await bInsert).rowCount).toBe(1);
    await b.commit();
    expect((await db.session().exec("SELECT id FROM uq WHERE email = 'r@y'")).rows).toEqual([[4]]);
  });
});

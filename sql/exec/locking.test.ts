// Row locks between sessions: SELECT ... FOR UPDATE / SHARE with NOWAIT and SKIP LOCKED, and
// concurrent INSERT ... ON CONFLICT, with PostgreSQL 15's READ COMMITTED outcomes and messages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlErrorOf, stillWaiting, TestDb, track } from './testing.js';
import { waitFor } from '../../util/wait-for.js';

let db: TestDb;

beforeAll(async () => {
  db = await TestDb.open();
  const s = db.session();
  await s.exec('CREATE TABLE lq (id int PRIMARY KEY, v int, state text)');
  await s.exec("INSERT INTO lq VALUES (1, 0, 'new'), (2, 0, 'new'), (3, 0, 'new')");
  await s.exec('CREATE TABLE lu (id int PRIMARY KEY, n int)');
});
afterAll(async () => {
  await db.close();
});

describe('SELECT ... FOR UPDATE between sessions', () => {
  it('waits for the holder, then returns the newest version (re-checked WHERE)', async () => {
    const a = db.session();
    const b = db.session();
    a.begin();
    b.begin();
    await a.exec('UPDATE lq SET v = 10 WHERE id = 1');
    const t1 = track(b, 'SELECT id, v FROM lq WHERE id = 1 FOR UPDATE');
    const t2 = track(db.session(), 'SELECT id, v FROM lq WHERE v = 0 AND id = 1 FOR SHARE');
    await stillWaiting(t1);
    await stillWaiting(t2);
    await a.commit();
    expect(await t1.result).toEqual([[1, 10]]);
    await b.commit();
    // v is 10 now: the re-checked WHERE drops the row, as PostgreSQL's EvalPlanQual.
    expect(await t2.result).toEqual([]);
  });

  it('NOWAIT fails at once with 55P03; SKIP LOCKED skips the locked row', async () => {
    const a = db.session();
    a.begin();
    expect((await a.exec('SELECT id FROM lq WHERE id = 1 FOR UPDATE')).rows).toEqual([[1]]);
    const e = await sqlErrorOf(db.session().exec('SELECT id FROM lq WHERE id = 1 FOR UPDATE NOWAIT'));
    expect([e.code, e.message]).toEqual(['55P03', 'could not obtain lock on row in relation "lq"']);
    // the job-queue pattern: the next free row
    expect((await db.session().exec('SELECT id FROM lq ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED')).rows).toEqual([[2]]);
    expect((await db.session().exec('SELECT id FROM lq ORDER BY id FOR SHARE SKIP LOCKED')).rows).toEqual([[2], [3]]);
    await a.rollback();
    expect((await db.session().exec('SELECT id FROM lq ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED')).rows).toEqual([[1]]);
  });

  it('FOR SHARE holders do not block each other but block a writer', async () => {
    const a = db.session();
    const b = db.session();
    a.begin();
    b.begin();
    await a.exec('SELECT id FROM lq WHERE id = 2 FOR SHARE');
    expect((await b.exec('SELECT id FROM lq WHERE id = 2 FOR SHARE NOWAIT')).rows).toEqual([[2]]);
    const w = track(db.session(), 'UPDATE lq SET v = v + 1 WHERE id = 2 RETURNING v');
    await stillWaiting(w);
    await a.commit();
    await stillWaiting(w);
    await b.commit();
    expect(await w.result).toEqual([[1]]);
  });

  it('a skipped row is deleted meanwhile: the waiter returns nothing', async () => {
    const a = db.session();
    a.begin();
    await a.exec('DELETE FROM lq WHERE id = 3');
    const t = track(db.session(), 'SELECT id FROM lq WHERE id = 3 FOR UPDATE');
    await stillWaiting(t);
    await a.commit();
    expect(await t.result).toEqual([]);
  });
});

describe('concurrent INSERT ... ON CONFLICT', () => {
  it('waits for an uncommitted insert of the key, then updates the committed row', async () => {
    const a = db.session();
    a.begin();
    await a.exec('INSERT INTO lu VALUES (1, 1)');
    const t = track(db.session(), 'INSERT INTO lu VALUES (1, 100) ON CONFLICT (id) DO UPDATE SET n = lu.n + EXCLUDED.n RETURNING n');
    await stillWaiting(t);
    await a.commit();
    expect(await t.result).toEqual([[101]]);
  });

  it('inserts when the other inserter rolls back; DO NOTHING skips after a commit', async () => {
    const a = db.session();
    a.begin();
    await a.exec('INSERT INTO lu VALUES (2, 1)');
    const t = track(db.session(), 'INSERT INTO lu VALUES (2, 5) ON CONFLICT (id) DO UPDATE SET n = 0 RETURNING n');
    await stillWaiting(t);
    await a.rollback();
    expect(await t.result).toEqual([[5]]);
    const b = db.session();
    b.begin();
    await b.exec('INSERT INTO lu VALUES (3, 1)');
    const n = track(db.session(), 'INSERT INTO lu VALUES (3, 9) ON CONFLICT DO NOTHING RETURNING n');
    await stillWaiting(n);
    await b.commit();
    expect(await n.result).toEqual([]);
  });

  it('DO NOTHING on an existing row holds no lock on it', async () => {
    const a = db.session();
    a.begin();
    expect((await a.exec('INSERT INTO lu VALUES (1, 0) ON CONFLICT DO NOTHING RETURNING n')).rows).toEqual([]);
    expect((await db.session().exec('UPDATE lu SET n = n + 1 WHERE id = 1 RETURNING n')).rows).toEqual([[102]]);
    await a.commit();
  });

  it('many sessions upserting one counter all apply', async () => {
    const sessions = Array.from({ length: 6 }, () => db.session());
    const rounds = 4;
    await Promise.all(
      sessions.map(async (s) => {
        for (let i = 0; i < rounds; i++) await s.exec('INSERT INTO lu VALUES (10, 1) ON CONFLICT (id) DO UPDATE SET n = lu.n + 1');
      }),
    );
    expect((await db.session().exec('SELECT n FROM lu WHERE id = 10')).rows).toEqual([[sessions.length * rounds]]);
  });

  it('UPDATE ... FROM re-checks the newest target row', async () => {
    const s = db.session();
    await s.exec('CREATE TABLE lsrc (id int PRIMARY KEY, d int)');
    await s.exec('INSERT INTO lsrc VALUES (1, 5)');
    const a = db.session();
    a.begin();
    await a.exec('UPDATE lu SET n = 1000 WHERE id = 1');
    const t = track(db.session(), 'UPDATE lu SET n = lu.n + lsrc.d FROM lsrc WHERE lsrc.id = lu.id AND lu.n < 500 RETURNING lu.n');
    await stillWaiting(t);
    await a.commit();
    expect(await t.result).toEqual([]);
    expect((await db.session().exec('UPDATE lu SET n = lu.n + lsrc.d FROM lsrc WHERE lsrc.id = lu.id RETURNING lu.n')).rows).toEqual([[1005]]);
  });
});

describe('queue pattern and REPEATABLE READ', () => {
  it('DELETE ... WHERE id = (SELECT ... FOR UPDATE SKIP LOCKED) hands each job to one worker', async () => {
    const s = db.session();
    await s.exec('CREATE TABLE lj (id int PRIMARY KEY, payload text)');
    await s.exec("INSERT INTO lj SELECT g, 'job' FROM generate_series(1, 6) g");
    const workers = Array.from({ length: 3 }, () => db.session());
    const taken: unknown[] = [];
    await Promise.all(
      workers.map(async (w) => {
        for (;;) {
          const r = await w.exec('DELETE FROM lj WHERE id = (SELECT id FROM lj ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING id');
          if (r.rows.length === 0) return;
          taken.push(r.rows[0]![0]);
        }
      }),
    );
    expect([...taken].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('FOR UPDATE of a row changed after the snapshot is 40001 under REPEATABLE READ', async () => {
    const s = db.session();
    await s.exec('CREATE TABLE lr (id int PRIMARY KEY, v int)');
    await s.exec('INSERT INTO lr VALUES (1, 0)');
    const a = db.session();
    a.begin('repeatable read');
    expect((await a.exec('SELECT v FROM lr WHERE id = 1')).rows).toEqual([[0]]);
    await db.session().exec('UPDATE lr SET v = 1 WHERE id = 1');
    const e = await sqlErrorOf(a.exec('SELECT v FROM lr WHERE id = 1 FOR UPDATE'));
    expect(e.code).toBe('40001');
    await a.rollback();
  });
});

describe('lock waits end as PostgreSQL', () => {
  it('lock_timeout ends a FOR UPDATE wait with 55P03; crossed FOR UPDATE waits end in 40P01', async () => {
    const s = db.session();
    await s.exec('CREATE TABLE lt (id int PRIMARY KEY)');
    await s.exec('INSERT INTO lt VALUES (1), (2)');
    const a = db.session();
    const b = db.session();
    a.begin();
    b.begin();
    await a.exec('SELECT id FROM lt WHERE id = 1 FOR UPDATE');
    b.session.lockTimeoutMs = 50;
    const e = await sqlErrorOf(b.exec('SELECT id FROM lt WHERE id = 1 FOR SHARE'));
    expect([e.code, e.message]).toEqual(['55P03', 'canceling statement due to lock timeout']);
    await b.rollback();
    b.session.lockTimeoutMs = 0;
    b.begin();
    await b.exec('SELECT id FROM lt WHERE id = 2 FOR UPDATE');
    const ta = track(a, 'SELECT id FROM lt WHERE id = 2 FOR UPDATE');
    await stillWaiting(ta);
    const eb = await sqlErrorOf(b.exec('SELECT id FROM lt WHERE id = 1 FOR NO KEY UPDATE'));
    await b.rollback();
    expect(eb.code).toBe('40P01');
    expect(await ta.result).toEqual([[2]]);
    await a.commit();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlError } from '../../util/errors.js';
import { executeQuery } from '../plan/api.js';
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

describe('basic DML and SELECT', () => {
  it('creates, inserts and selects', async () => {
    await s.exec('CREATE TABLE t (id int PRIMARY KEY, v text, n int)');
    const ins = await s.exec("INSERT INTO t VALUES (1, 'a', 10), (2, 'b', 20), (3, null, 30)");
    expect(ins.rowCount).toBe(3);
    const r = await s.exec('SELECT id, v FROM t WHERE id >= 2 ORDER BY id');
    expect(r.columns).toEqual(['id', 'v']);
    expect(r.rows).toEqual([[2, 'b'], [3, null]]);
  });

  it('expands * and point-looks up by key', async () => {
    const r = await s.exec('SELECT * FROM t WHERE id = 2');
    expect(r.columns).toEqual(['id', 'v', 'n']);
    expect(r.rows).toEqual([[2, 'b', 20]]);
  });

  it('reports unknown and ambiguous columns like PostgreSQL', async () => {
    const e = await sqlErrorOf(s.exec('SELECT x FROM t'));
    expect(e.code).toBe('42703');
    expect(e.message).toBe('column "x" does not exist');
    expect(e.fields.position).toBe(8);
    const a = await sqlErrorOf(s.exec('SELECT id FROM t, t AS u'));
    expect(a.code).toBe('42702');
    expect(a.message).toBe('column reference "id" is ambiguous');
  });

  it('enforces the primary key with PostgreSQL messages', async () => {
    const e = await sqlErrorOf(s.exec("INSERT INTO t VALUES (1, 'dup', 0)"));
    expect(e.code).toBe('23505');
    expect(e.message).toBe('duplicate key value violates unique constraint "t_pkey"');
    expect(e.fields.detail).toBe('Key (id)=(1) already exists.');
  });

  it('enforces NOT NULL with the failing row', async () => {
    const e = await sqlErrorOf(s.exec("INSERT INTO t VALUES (null, 'x', 1)"));
    expect(e.code).toBe('23502');
    expect(e.message).toBe('null value in column "id" of relation "t" violates not-null constraint');
    expect(e.fields.detail).toBe('Failing row contains (null, x, 1).');
  });

  it('updates with expressions over old values and RETURNING', async () => {
    const r = await s.exec('UPDATE t SET n = n + 1 WHERE id = 1 RETURNING id, n');
    expect(r.rows).toEqual([[1, 11]]);
    expect(r.rowCount).toBe(1);
  });

  it('deletes with RETURNING', async () => {
    const r = await s.exec('DELETE FROM t WHERE id = 3 RETURNING *');
    expect(r.rows).toEqual([[3, null, 30]]);
    const left = await s.exec('SELECT id FROM t ORDER BY id DESC');
    expect(left.rows).toEqual([[2], [1]]);
  });

  it('infers parameter types from the column compared with', async () => {
    const q = s.prepare('SELECT v FROM t WHERE id = $1');
    expect(q.paramTypes.map((t) => t.oid)).toEqual([23]);
    const r = await s.execPrepared(q, [2]);
    expect(r.rows).toEqual([['b']]);
  });

  it('point query on the full primary key never scans', async () => {
    const calls: string[] = [];
    s.wrapTxn = (t) =>
      new Proxy(t, {
        get(target, prop, receiver) {
          const v = Reflect.get(target, prop, receiver) as unknown;
          if (typeof v !== 'function') return v;
          return (...args: unknown[]) => {
            calls.push(String(prop));
            return (v as (...a: unknown[]) => unknown).apply(target, args);
          };
        },
      });
    try {
      const q = s.prepare('SELECT v FROM t WHERE id = $1');
      await s.execPrepared(q, [1]);
      calls.length = 0;
      const r = await s.execPrepared(q, [1]);
      expect(r.rows).toEqual([['a']]);
      expect(calls.filter((c) => c === 'scan')).toEqual([]);
      // one point read (the synchronous `read` of point-lookup.ts), no scan
      expect(calls.filter((c) => c === 'get' || c === 'read')).toEqual(['read']);
    } finally {
      s.wrapTxn = (t) => t;
    }
  });
});

describe('cancellation', () => {
  it('an aborted signal stops a running scan with the signal reason', async () => {
    await s.exec('CREATE TABLE big (id int PRIMARY KEY)');
    await s.exec(`INSERT INTO big SELECT * FROM (VALUES ${Array.from({ length: 300 }, (_, i) => `(${i})`).join(', ')}) AS v`);
    const q = s.prepare('SELECT id FROM big');
    const ac = new AbortController();
    const txn = db.kv.begin({ isolation: 'read committed', readOnly: true, consistency: { kind: 'strong' } });
    const e = executeQuery(q, [], { ...s.execContext(txn), signal: ac.signal });
    expect((await e.fetch(10)).length).toBe(10);
    const reason = new SqlError('57014', 'canceling statement due to user request');
    ac.abort(reason);
    await expect(e.fetch(10)).rejects.toBe(reason);
    await e.close();
    await txn.rollback();
  });
});

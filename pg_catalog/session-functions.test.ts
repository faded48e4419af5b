// has_*_privilege, pg_cancel_backend / pg_terminate_backend and pg_sleep through the engine.
// Messages and SQLSTATEs as PostgreSQL 15 prints them for the same calls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDb, type TestSession } from '../sql/exec/testing.js';
import type { Txn } from '../cluster/kv/api.js';
import type { BackendSignal } from './index.js';

let db: TestDb;
let s: TestSession;

beforeAll(async () => {
  db = await TestDb.open();
  s = db.session();
  await s.exec('CREATE TABLE t (id int PRIMARY KEY, v text)');
  await s.exec('CREATE SEQUENCE sq');
});
afterAll(async () => {
  await db.close();
});

const rows = async (sql: string): Promise<unknown[][]> => (await s.exec(sql)).rows;
const failure = async (sql: string): Promise<{ code: string; message: string }> => {
  try {
    await s.exec(sql);
  } catch (e) {
    const err = e as { code?: string; message: string };
    return { code: err.code ?? '', message: err.message };
  }
  throw new Error(`expected ${sql} to fail`);
};

describe('has_*_privilege', () => {
  it('answers true for existing objects, by name and by oid', async () => {
    expect(
      await rows(`SELECT has_table_privilege('t', 'SELECT'), has_table_privilege('postgres', 'public.t', 'select, insert with grant option'),
        has_table_privilege(c.oid, 'UPDATE'), has_schema_privilege('public', 'USAGE'), has_database_privilege(current_database(), 'CONNECT'),
        has_sequence_privilege('sq', 'USAGE'), has_column_privilege('t', 'v', 'SELECT'), has_column_privilege('t', 1::int2, 'INSERT'),
        has_any_column_privilege('t', 'SELECT'), has_table_privilege('pg_class', 'SELECT'), has_function_privilege('version()', 'EXECUTE')
        FROM pg_class c WHERE c.relname = 't'`),
    ).toEqual([[true, true, true, true, true, true, true, true, true, true, true]]);
  });

  it('gives NULL for an oid that names nothing', async () => {
    expect(await rows(`SELECT has_table_privilege(1::oid, 'SELECT'), has_schema_privilege(1::oid, 'USAGE'), has_column_privilege('t', 9::int2, 'SELECT')`)).toEqual([
      [null, null, null],
    ]);
  });

  it('fails like PostgreSQL for unknown names and privileges', async () => {
    expect(await failure(`SELECT has_table_privilege('nope', 'SELECT')`)).toEqual({ code: '42P01', message: 'relation "nope" does not exist' });
    expect(await failure(`SELECT has_table_privilege('t', 'USAGE')`)).toEqual({ code: '22023', message: 'unrecognized privilege type: "USAGE"' });
    expect(await failure(`SELECT has_table_privilege('nobody', 't', 'SELECT')`)).toEqual({ code: '42704', message: 'role "nobody" does not exist' });
    expect(await failure(`SELECT has_schema_privilege('nope', 'USAGE')`)).toEqual({ code: '3F000', message: 'schema "nope" does not exist' });
    expect(await failure(`SELECT has_sequence_privilege('t', 'USAGE')`)).toEqual({ code: '42809', message: '"t" is not a sequence' });
    expect(await failure(`SELECT has_column_privilege('t', 'zz', 'SELECT')`)).toEqual({ code: '42703', message: 'column "zz" of relation "t" does not exist' });
    expect(await failure(`SELECT has_database_privilege('nope', 'CONNECT')`)).toEqual({ code: '3D000', message: 'database "nope" does not exist' });
  });
});

describe('backend signals and pg_sleep', () => {
  it('refuse with 0A000 when the session provides no registry hook', async () => {
    expect((await failure('SELECT pg_cancel_backend(1)')).code).toBe('0A000');
  });

  it('pass the pid and signal to the hook and return its answer', async () => {
    const calls: [number, BackendSignal][] = [];
    const base = s.execContext.bind(s);
    s.execContext = (txn: Txn) => ({
      ...base(txn),
      signalBackend: (pid: number, sig: BackendSignal) => {
        calls.push([pid, sig]);
        return pid === 42;
      },
    });
    try {
      expect(await rows('SELECT pg_cancel_backend(42), pg_terminate_backend(7)')).toEqual([[true, false]]);
      expect(calls).toEqual([[42, 'cancel'], [7, 'terminate']]);
    } finally {
      s.execContext = base;
    }
  });

  it('pg_sleep sleeps, and ends at once with the cancel error', async () => {
    const started = performance.now();
    expect(await rows('SELECT pg_sleep(0.05)')).toEqual([['']]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);

    const ac = new AbortController();
    const base = s.execContext.bind(s);
    s.execContext = (txn: Txn) => ({ ...base(txn), signal: ac.signal });
    try {
      const cancelled = Object.assign(new Error('canceling statement due to user request'), { code: '57014' });
      const sleeping = s.exec('SELECT pg_sleep(600)');
      setTimeout(() => ac.abort(cancelled), 20);
      const t0 = performance.now();
      await expect(sleeping).rejects.toMatchObject({ code: '57014' });
      expect(performance.now() - t0).toBeLessThan(10_000);
    } finally {
      s.execContext = base;
    }
  });
});

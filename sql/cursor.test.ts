// Cursor mechanics without an engine: a fake Execution counts the rows pulled, so the tests pin
// that FETCH reads lazily and that cursors which cannot scroll keep no rows (bounded memory).
// At the end, through real sessions: a cursor (and a suspended portal) reads its DECLARE's snapshot.
// FETCH/MOVE semantics against PostgreSQL are pinned by test/regress/sql/portals.sql.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as A from './ast.js';
import { CursorSet, defaultScrollRowsMax } from './cursor.js';
import type { Engine } from './session-api.js';
import { openTestEngine, recordingSink, type TestEngine } from './testing.js';
import { initParser, parseSql } from './parser/index.js';
import type { Execution, PreparedQuery } from './plan/api.js';
import type { ResultSink } from './session-api.js';
import { makeEvalContext, Oid, sqlType, type Datum } from './types/index.js';

class CountingExecution implements Execution {
  pulled = 0;
  done = false;
  closed = false;
  constructor(private readonly total: number) {}
  get rowCount(): number {
    return this.pulled;
  }
  async fetch(maxRows: number): Promise<readonly Datum[][]> {
    const n = Math.min(maxRows === 0 ? Infinity : maxRows, this.total - this.pulled);
    const rows: Datum[][] = [];
    for (let i = 0; i < n; i++) rows.push([this.pulled + i + 1]);
    this.pulled += n;
    if (this.pulled >= this.total) this.done = true;
    return rows;
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

const query: PreparedQuery = {
  commandTag: 'SELECT',
  paramTypes: [],
  columns: [{ name: 'g', type: sqlType(Oid.int4), tableOid: 0, attnum: 0 }],
  schemaVersion: 0,
  readOnly: true,
  tables: [],
  plan: { kind: 'sort', input: { kind: 'values', rows: [], width: 1 }, keys: [], width: 1 },
};

const format = makeEvalContext();

function stmt<K extends A.Statement['kind']>(sql: string, kind: K): Extract<A.Statement, { kind: K }> {
  const s = parseSql(sql)[0]!.statement;
  expect(s.kind).toBe(kind);
  return s as Extract<A.Statement, { kind: K }>;
}

function declare(set: CursorSet, sql: string, total: number): CountingExecution {
  const execution = new CountingExecution(total);
  set.declare({
    stmt: stmt(sql, 'DeclareCursor'),
    statement: sql,
    query,
    execution,
    abort: new AbortController(),
    creationMicros: 0n,
  });
  return execution;
}

async function run(set: CursorSet, sql: string): Promise<{ rows: number; tag: string }> {
  const out = recordingSink();
  await set.fetch(stmt(sql, 'Fetch'), { sink: out, describe: true, formats: undefined, format, signal: new AbortController().signal });
  return { rows: out.rows.length, tag: out.tags[0]! };
}

beforeAll(async () => {
  await initParser();
});

describe('cursors', () => {
  it('read only the rows FETCH asks for', async () => {
    const set = new CursorSet();
    const e = declare(set, 'DECLARE c NO SCROLL CURSOR FOR SELECT 1', 1_000_000);
    expect(await run(set, 'FETCH 10 FROM c')).toEqual({ rows: 10, tag: 'FETCH 10' });
    expect(e.pulled).toBe(10);
    expect(await run(set, 'MOVE 5 IN c')).toEqual({ rows: 0, tag: 'MOVE 5' });
    expect(e.pulled).toBe(15);
  });

  it('that cannot scroll keep no rows however far they move', async () => {
    const set = new CursorSet();
    const e = declare(set, 'DECLARE c NO SCROLL CURSOR FOR SELECT 1', 300_000);
    expect((await run(set, 'MOVE FORWARD ALL IN c')).tag).toBe('MOVE 300000');
    expect(e.closed).toBe(true);
    await expect(run(set, 'FETCH PRIOR FROM c')).rejects.toMatchObject({ code: '55000', message: 'cursor can only scan forward' });
  });

  it('declared without [NO] SCROLL scroll until they have kept defaultScrollRowsMax rows', async () => {
    const set = new CursorSet();
    declare(set, 'DECLARE c CURSOR FOR SELECT 1', defaultScrollRowsMax * 3);
    expect((await run(set, `MOVE ${defaultScrollRowsMax - 1} IN c`)).tag).toBe(`MOVE ${defaultScrollRowsMax - 1}`);
    expect(await run(set, 'FETCH BACKWARD 2 FROM c')).toEqual({ rows: 2, tag: 'FETCH 2' });
    expect(set.list()[0]!.isScrollable).toBe(true);
    await run(set, `MOVE ${defaultScrollRowsMax * 2} IN c`);
    expect(set.list()[0]!.isScrollable).toBe(false);
    await expect(run(set, 'FETCH PRIOR FROM c')).rejects.toMatchObject({ code: '55000' });
  });

  it('end with their transaction unless WITH HOLD, which reads the rest at COMMIT', async () => {
    const set = new CursorSet();
    const plain = declare(set, 'DECLARE a CURSOR FOR SELECT 1', 5);
    const held = declare(set, 'DECLARE h SCROLL CURSOR WITH HOLD FOR SELECT 1', 5);
    await run(set, 'FETCH 2 FROM h');
    await set.beforeCommit();
    expect(plain.closed).toBe(true);
    expect(held.pulled).toBe(5);
    expect(set.list().map((c) => c.name)).toEqual(['h']);
    expect(await run(set, 'FETCH ALL FROM h')).toEqual({ rows: 3, tag: 'FETCH 3' });
    expect(await run(set, 'FETCH FIRST FROM h')).toEqual({ rows: 1, tag: 'FETCH 1' });
    await set.atRollback();
    expect(set.has('h')).toBe(true);
  });

  it('declared after a savepoint end at ROLLBACK TO it', async () => {
    const set = new CursorSet();
    declare(set, 'DECLARE a CURSOR FOR SELECT 1', 1);
    const mark = {};
    set.savepoint(mark);
    declare(set, 'DECLARE b CURSOR FOR SELECT 1', 1);
    await set.rollbackTo(mark);
    expect(set.list().map((c) => c.name)).toEqual(['a']);
    await expect(run(set, 'FETCH b')).rejects.toMatchObject({ code: '34000', message: 'cursor "b" does not exist' });
  });
});

// ─── snapshots, through real sessions ─────────────────────────────────────────────────────

/** A session whose statements return their text rows (the last result's rows). */
interface Client {
  q(sql: string): Promise<(string | null)[][]>;
  /** Extended protocol: Parse/Bind of `sql` into portal `portal`. */
  bind(portal: string, sql: string): void;
  /** Execute of a bound portal with a row limit: its rows and whether it was suspended. */
  execute(portal: string, maxRows: number): Promise<{ rows: (string | null)[][]; suspended: boolean }>;
  sync(): Promise<void>;
}

function client(engine: Engine): Client {
  const session = engine.openSession({ user: 'postgres', database: 'postgres', applicationName: '', settings: new Map() });
  const signal = new AbortController().signal;
  return {
    async q(sql) {
      const out = recordingSink();
      await session.simpleQuery(sql, out, signal);
      return out.lastResult();
    },
    bind(portal, sql) {
      session.parse(portal, sql, []);
      session.bind(portal, portal, [], [], []);
    },
    async execute(portal, maxRows) {
      const out = recordingSink();
      const outcome = await session.execute(portal, maxRows, out, signal);
      return { rows: out.rows, suspended: outcome === 'suspended' };
    },
    sync: () => session.sync(),
  };
}

describe('a cursor reads the snapshot of its DECLARE', () => {
  let t: TestEngine;
  let a: Client;
  let b: Client;

  beforeAll(async () => {
    t = await openTestEngine('nodedb-cursor');
    a = client(t.engine);
    b = client(t.engine);
    await a.q('CREATE TABLE cs (id int PRIMARY KEY, v text)');
  });

  afterAll(async () => {
    await t.close();
  });

  async function reset(): Promise<void> {
    await a.q('DELETE FROM cs');
    await a.q("INSERT INTO cs VALUES (1, 'one'), (2, 'two'), (3, 'three')");
  }

  it('not what other sessions insert, update or delete and commit after it', async () => {
    await reset();
    await a.q('BEGIN');
    await a.q('DECLARE c CURSOR FOR SELECT id, v FROM cs ORDER BY id');
    await b.q("INSERT INTO cs VALUES (4, 'four')");
    await b.q("UPDATE cs SET v = 'TWO' WHERE id = 2");
    await b.q('DELETE FROM cs WHERE id = 3');
    // the transaction's own later statements see the commits (READ COMMITTED) ...
    expect(await a.q('SELECT count(*) FROM cs')).toEqual([['3']]);
    // ... the cursor does not
    expect(await a.q('FETCH ALL FROM c')).toEqual([
      ['1', 'one'],
      ['2', 'two'],
      ['3', 'three'],
    ]);
    await a.q('COMMIT');
  });

  it("sees its transaction's writes made before DECLARE, not those made after", async () => {
    await reset();
    await a.q('BEGIN');
    await a.q("INSERT INTO cs VALUES (10, 'before')");
    await a.q('DECLARE c NO SCROLL CURSOR FOR SELECT id, v FROM cs ORDER BY id');
    expect(await a.q('FETCH 1 FROM c')).toEqual([['1', 'one']]);
    await a.q("INSERT INTO cs VALUES (11, 'after')");
    await a.q("UPDATE cs SET v = 'changed' WHERE id = 2");
    await a.q('DELETE FROM cs WHERE id = 10');
    expect(await a.q('FETCH ALL FROM c')).toEqual([
      ['2', 'two'],
      ['3', 'three'],
      ['10', 'before'],
    ]);
    await a.q('ROLLBACK');
  });

  it('WITH HOLD materialises its DECLARE snapshot at COMMIT', async () => {
    await reset();
    await a.q('BEGIN');
    await a.q('DECLARE h CURSOR WITH HOLD FOR SELECT id FROM cs ORDER BY id');
    await a.q("INSERT INTO cs VALUES (20, 'own-after')");
    await b.q("INSERT INTO cs VALUES (21, 'other')");
    await a.q('COMMIT');
    await b.q('DELETE FROM cs WHERE id = 1');
    expect(await a.q('FETCH ALL FROM h')).toEqual([['1'], ['2'], ['3']]);
    await a.q('CLOSE h');
  });

  it('a suspended portal keeps its snapshot for its later Executes', async () => {
    await reset();
    await a.q('BEGIN');
    a.bind('p', 'SELECT id FROM cs ORDER BY id');
    expect(await a.execute('p', 1)).toEqual({ rows: [['1']], suspended: true });
    await b.q("INSERT INTO cs VALUES (30, 'other')");
    await a.q("INSERT INTO cs VALUES (31, 'own')");
    expect(await a.execute('p', 10)).toEqual({ rows: [['2'], ['3']], suspended: false });
    await a.sync();
    await a.q('COMMIT');
  });
});

// Cursor mechanics without an engine: a fake Execution counts the rows pulled, so the tests pin
// that FETCH reads lazily and that cursors which cannot scroll keep no rows (bounded memory).
// FETCH/MOVE semantics against PostgreSQL are pinned by test/regress/sql/portals.sql.
import { beforeAll, describe, expect, it } from 'vitest';
import type * as A from './ast.js';
import { CursorSet, defaultScrollRowsMax } from './cursor.js';
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

function sink(): ResultSink & { rows: number; tags: string[] } {
  const s = {
    rows: 0,
    tags: [] as string[],
    rowDescription: () => {},
    dataRow: () => {
      s.rows++;
    },
    commandComplete: (tag: string) => {
      s.tags.push(tag);
    },
    emptyQuery: () => {},
    notice: () => {},
    parameterStatus: () => {},
    drain: async () => {},
    copyIn: () => {
      throw new Error('no COPY');
    },
    copyOutStart: () => {},
    copyData: () => {},
    copyDone: () => {},
  };
  return s;
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
  const out = sink();
  await set.fetch(stmt(sql, 'Fetch'), { sink: out, describe: true, formats: undefined, format, signal: new AbortController().signal });
  return { rows: out.rows, tag: out.tags[0]! };
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

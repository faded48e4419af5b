// Enum labels are per statement snapshot (issue 4): another session's uncommitted ALTER TYPE
// ADD VALUE / RENAME VALUE is invisible to value input, output and ordering until COMMIT, also
// while statements of both sessions are in flight at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlError } from '../util/errors.js';
import type { Session } from './session-api.js';
import { openTestEngine, recordingSink as rowsSink, type TestEngine } from './testing.js';

describe('enum labels per transaction', () => {
  let t: TestEngine;
  let a: Session;
  let b: Session;
  const signal = new AbortController().signal;

  async function rows(s: Session, sql: string): Promise<(string | null)[][]> {
    const sink = rowsSink();
    await s.simpleQuery(sql, sink, signal);
    return sink.rows;
  }

  async function sqlState(s: Session, sql: string): Promise<string> {
    const err = await s.simpleQuery(sql, rowsSink(), signal).then(() => undefined, (e: unknown) => e);
    if (!(err instanceof SqlError)) throw new Error(`expected a SqlError from ${sql}`);
    return err.code;
  }

  beforeAll(async () => {
    t = await openTestEngine('enum-vis');
    a = t.open();
    b = t.open();
    const rowCount = 300;
    await rows(a, `CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
      CREATE TABLE t (id int PRIMARY KEY, m mood NOT NULL, h mood[]);
      CREATE INDEX t_m ON t (m);
      INSERT INTO t SELECT g, (ARRAY['sad','ok','happy']::mood[])[1 + g % 3], ARRAY['ok']::mood[] FROM generate_series(1, ${rowCount}) g`);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await t.close();
  });

  it('ADD VALUE: 22P02 in the other session until COMMIT, 55P04 in its own, usable by both after', async () => {
    await rows(a, "BEGIN; ALTER TYPE mood ADD VALUE 'x'");
    expect(await sqlState(b, "SELECT 'x'::mood")).toBe('22P02');
    expect(await rows(b, 'SELECT enum_range(NULL::mood)')).toEqual([['{sad,ok,happy}']]);
    expect(await rows(a, 'SELECT count(*) FROM pg_enum')).toEqual([['4']]);
    // A statement of the adding session running at the same moment changes nothing for the other.
    const [state, fromA] = await Promise.all([
      sqlState(b, "SELECT count(*) FROM t WHERE m = (CASE WHEN id > 150 THEN 'x' ELSE 'sad' END)::mood"),
      rows(a, 'SELECT count(DISTINCT m) FROM t'),
    ]);
    expect([state, fromA]).toEqual(['22P02', [['3']]]);
    await rows(a, 'COMMIT');
    expect(await rows(b, "SELECT 'x'::mood")).toEqual([['x']]);
    expect(await rows(a, "SELECT 'x'::mood < 'sad', enum_range(NULL::mood)")).toEqual([['f', '{sad,ok,happy,x}']]);
    await rows(a, "BEGIN; ALTER TYPE mood ADD VALUE 'y'");
    expect(await sqlState(a, "SELECT 'y'::mood")).toBe('55P04');
    await rows(a, 'ROLLBACK');
  });

  it('RENAME VALUE: the other session outputs, compares and looks up the old label until COMMIT', async () => {
    await rows(a, "BEGIN; ALTER TYPE mood RENAME VALUE 'ok' TO 'fine'");
    expect(await rows(a, 'SELECT m, h FROM t WHERE id = 1')).toEqual([['fine', '{fine}']]);
    expect(await rows(b, 'SELECT m, h FROM t WHERE id = 1')).toEqual([['ok', '{ok}']]);
    expect(await sqlState(b, "SELECT 'fine'::mood")).toBe('22P02');
    expect(await rows(b, "SELECT count(*) FROM t WHERE m = 'ok'")).toEqual([['100']]);
    // Both sessions' statements in flight at once: each keeps its own snapshot throughout.
    const [fromA, fromB] = await Promise.all([
      rows(a, 'SELECT DISTINCT m, h FROM t ORDER BY m'),
      rows(b, 'SELECT DISTINCT m, h FROM t ORDER BY m'),
    ]);
    expect(fromA).toEqual([['sad', '{fine}'], ['fine', '{fine}'], ['happy', '{fine}']]);
    expect(fromB).toEqual([['sad', '{ok}'], ['ok', '{ok}'], ['happy', '{ok}']]);
    await rows(a, 'COMMIT');
    expect(await rows(b, 'SELECT m, h FROM t WHERE id = 1')).toEqual([['fine', '{fine}']]);
    expect(await sqlState(b, "SELECT 'ok'::mood")).toBe('22P02');
  });

  it('ROLLBACK: the rolled-back label never shows anywhere', async () => {
    await rows(a, "BEGIN; ALTER TYPE mood RENAME VALUE 'sad' TO 'blue'");
    expect(await rows(a, 'SELECT m FROM t WHERE id = 3')).toEqual([['blue']]);
    await rows(a, 'ROLLBACK');
    expect(await rows(a, 'SELECT m FROM t WHERE id = 3')).toEqual([['sad']]);
    expect(await rows(b, 'SELECT m FROM t WHERE id = 3')).toEqual([['sad']]);
  });
});

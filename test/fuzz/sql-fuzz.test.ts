// Bounded fuzz of the SQL entry point and the pgwire codec over raw sockets:
//   token soup, mutated valid statements, huge literals, deep nesting, invalid UTF-8,
//   random extended-protocol sequences, malformed frames and startup packets.
// Invariants: the server never dies; every ErrorResponse carries a 5-character SQLSTATE; a
// connection is only closed by the server after an 08P01 (or FATAL) error; and a second
// connection keeps answering SELECT 1 throughout.
// Replay: NODEDB_FUZZ_SEED=<seed printed below>; size: NODEDB_FUZZ_ITERATIONS (per category).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import pg from 'pg';
import { target, targetKind, type ServerHandle } from '../harness/index.mjs';
import * as w from './wire.mjs';
import { mulberry32 as rng } from '../../util/seeded-random.js';

const seed = Number(process.env.NODEDB_FUZZ_SEED ?? Date.now() % 1_000_000_007);
const iterations = Number(process.env.NODEDB_FUZZ_ITERATIONS ?? 150);
const inputTimeoutMs = 20_000;
const healthTimeoutMs = 5_000;
const shownInputCharsMax = 300;
const slowInputMs = 1000;
// Garbage may leave the server waiting for more bytes forever; we watch for its reaction (an
// error and/or close) up to these bounds, then hang up ourselves.
const garbageReactionMsMax = 50;
const badStartupReactionMsMax = 300;
console.log(`fuzz seed=${seed} iterations=${iterations} target=${targetKind()} (replay: NODEDB_FUZZ_SEED=${seed})`);

const random = rng(seed);
const int = (n: number) => Math.floor(random() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;

const vocabulary = [
  'SELECT', 'FROM', 'WHERE', 'INSERT', 'INTO', 'VALUES', 'UPDATE', 'SET', 'DELETE', 'CREATE', 'TABLE', 'DROP',
  'INDEX', 'ON', 'AND', 'OR', 'NOT', 'NULL', 'IS', 'IN', 'AS', 'ORDER', 'BY', 'GROUP', 'HAVING', 'LIMIT', 'OFFSET',
  'JOIN', 'LEFT', 'INNER', 'DISTINCT', 'BEGIN', 'COMMIT', 'ROLLBACK', 'SAVEPOINT', 'PRIMARY', 'KEY', 'UNIQUE',
  'CHECK', 'DEFAULT', 'RETURNING', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'CAST', 'EXISTS', 'BETWEEN', 'LIKE',
  'int', 'text', 'numeric(5,2)', 'bool', 'date', 'timestamptz', 'jsonb', 'bytea', 'uuid', 'int8[]', 'interval',
  'fuzz_t', 'fuzz_u', 'id', 'v', 'n', 'count(*)', 'sum(n)', 'now()', 'coalesce', 'nextval', 'SHOW', 'RESET',
  '(', ')', ',', ';', '*', '+', '-', '/', '%', '=', '<>', '<', '>=', '||', '::', '.', '[', ']', '$1', '$2',
  "'x'", "''", "'2024-01-01'", "'{1,2}'", "'{\"a\":1}'", '0', '1', '-1', '2147483648', '1e308', '1.5', 'true',
  'E\'\\\\x\'', '"quoted id"', '--', '/*', '*/', 'nodedb.read_consistency', "'eventual'", 'TO',
];

const corpus = [
  'SELECT 1',
  'SELECT id, v FROM fuzz_t WHERE id = 3',
  'SELECT v, count(*) FROM fuzz_t GROUP BY v HAVING count(*) > 0 ORDER BY v LIMIT 5',
  "INSERT INTO fuzz_t (id, v, n) VALUES (100, 'a', 1.5) RETURNING *",
  "UPDATE fuzz_t SET v = v || 'x' WHERE id < 5",
  'DELETE FROM fuzz_t WHERE id > 50 RETURNING id',
  'SELECT t.id, u.w FROM fuzz_t t LEFT JOIN fuzz_u u ON u.id = t.id ORDER BY t.id DESC',
  "SELECT CAST('12' AS int) + 1, '2024-02-29'::date, '{1,2,3}'::int4[], '{\"k\": [1]}'::jsonb",
  'SELECT * FROM fuzz_t WHERE v IN (SELECT w FROM fuzz_u) AND n BETWEEN 0 AND 10',
  "SET nodedb.read_consistency = 'bounded_staleness:5'",
  'BEGIN; INSERT INTO fuzz_u VALUES (7, 7); ROLLBACK',
  'CREATE TABLE fuzz_tmp (a int PRIMARY KEY, b text NOT NULL DEFAULT \'d\'); DROP TABLE fuzz_tmp',
  "SELECT CASE WHEN n > 1 THEN 'big' ELSE 'small' END, coalesce(v, 'none') FROM fuzz_t",
  "SELECT 'a''b', E'\\x41', 1.0e10, -0.0, 'NaN'::float8, '1 day'::interval",
];

function mutate(s: string): string {
  const ops = int(7);
  const at = int(s.length + 1);
  switch (ops) {
    case 0: return s.slice(0, at) + s.slice(at + 1 + int(8));                 // delete a span
    case 1: return s.slice(0, at) + pick(vocabulary) + s.slice(at);            // insert a token
    case 2: { const b = int(s.length + 1); return s.slice(0, at) + s.slice(Math.min(at, b), Math.max(at, b)) + s.slice(at); } // duplicate
    case 3: return s.slice(0, at) + String.fromCharCode(int(0x24f)) + s.slice(at + 1); // replace a char
    case 4: { const toks = s.split(' '); const i = int(toks.length); const j = int(toks.length); [toks[i], toks[j]] = [toks[j]!, toks[i]!]; return toks.join(' '); }
    case 5: return s.slice(0, at);                                             // truncate
    default: return s.replace(/\d+/, () => pick(['99999999999999999999', '-1', '0', '1e400', "'x'"]));
  }
}

function shown(x: string | Buffer): string {
  const s = Buffer.isBuffer(x) ? x.toString('hex') : x;
  return s.length > shownInputCharsMax ? `${s.slice(0, shownInputCharsMax)}... (${s.length} chars)` : s;
}

describe(`fuzz of the SQL entry point and pgwire (${targetKind()})`, () => {
  let node: ServerHandle;
  let health: pg.Client;
  let conn: w.WireConn;
  let status = 'I';
  let inputs = 0;
  let errors = 0;

  async function healthy(label: string) {
    expect(node.exited(), `server died after: ${label} (seed ${seed})`).toBeNull();
    const r = await Promise.race([
      health.query('SELECT 1 AS one'),
      new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`SELECT 1 on the second connection took > ${healthTimeoutMs} ms after: ${label}`)), healthTimeoutMs)),
    ]);
    expect(r.rows).toEqual([{ one: 1 }]);
  }

  async function reconnect() {
    conn?.destroy();
    conn = await w.WireConn.open(node.host, node.port);
    const s = await conn.startup(node.user, node.database);
    expect(s.ready, 'startup did not reach ReadyForQuery').toBe(true);
    status = 'I';
  }

  /** Sends bytes, answers COPY IN with CopyFail, checks the exchange; reconnects when allowed. */
  async function exchange(payload: Buffer, label: string, { mayClose = false } = {}) {
    inputs += 1;
    conn.write(payload);
    const deadline = Date.now() + inputTimeoutMs;
    const got: w.BackendMessage[] = [];
    let ready = false;
    while (!ready && !conn.closed && Date.now() < deadline) {
      const r = await conn.untilReady(deadline - Date.now());
      got.push(...r.messages);
      ready = r.ready;
      if (r.messages.some((m) => m.type === 'G')) {
        conn.write(w.msg('f', w.cstr('fuzz: no data')));
      }
      if (!r.ready && !r.messages.some((m) => m.type === 'G')) break;
    }
    const errs = got.filter((m) => m.type === 'E');
    errors += errs.length;
    for (const e of errs) {
      expect(e.fields?.C ?? '', `ErrorResponse without SQLSTATE for ${label}: ${JSON.stringify(e.fields)} (seed ${seed})`).toMatch(/^[0-9A-Z]{5}$/);
      expect(['ERROR', 'FATAL', 'PANIC'], `severity for ${label}`).toContain(e.fields?.S ?? e.fields?.V);
    }
    if (conn.closed) {
      const protocolError = errs.some((e) => e.fields?.C === '08P01' || e.fields?.S === 'FATAL');
      expect(mayClose || protocolError, `server closed the connection without an 08P01/FATAL error after ${label} (seed ${seed})`).toBe(true);
      await reconnect();
      return { got, reconnected: true };
    } else {
      expect(ready, `no ReadyForQuery within ${inputTimeoutMs} ms after ${label} (seed ${seed})`).toBe(true);
      const z = got.filter((m) => m.type === 'Z').pop();
      status = z?.status ?? status;
      if (status !== 'I') {
        conn.write(w.query('ROLLBACK'));
        const r = await conn.untilReady(inputTimeoutMs);
        expect(r.ready, 'ROLLBACK after fuzz input').toBe(true);
        status = 'I';
      }
    }
    return { got, reconnected: false };
  }

  beforeAll(async () => {
    node = await target();
    health = new pg.Client({ host: node.host, port: node.port, user: node.user, database: node.database });
    await health.connect();
    await health.query('CREATE TABLE fuzz_t (id int PRIMARY KEY, v text, n numeric(6,2))');
    await health.query('CREATE TABLE fuzz_u (id int PRIMARY KEY, w text)');
    await health.query("INSERT INTO fuzz_t VALUES (1, 'a', 1), (2, 'b', 2.5), (3, NULL, NULL), (4, 'd', -4)");
    await health.query("INSERT INTO fuzz_u VALUES (1, 'a'), (3, 'c')");
    await reconnect();
  });
  afterAll(async () => {
    console.log(`fuzz: ${inputs} inputs, ${errors} ErrorResponses, seed=${seed}`);
    conn?.destroy();
    await health?.end().catch(() => {});
    await node?.stop();
  });

  it('token soup', async () => {
    for (let i = 0; i < iterations; i += 1) {
      const sql = Array.from({ length: 1 + int(25) }, () => pick(vocabulary)).join(pick([' ', ' ', '', '\n']));
      await exchange(w.query(sql), `token soup #${i}: ${shown(sql)}`);
      if (i % 10 === 0) await healthy(`token soup #${i}`);
    }
    await healthy('token soup');
  });

  it('mutated valid statements', async () => {
    for (let i = 0; i < iterations; i += 1) {
      let sql = pick(corpus);
      for (let k = 1 + int(3); k > 0; k -= 1) sql = mutate(sql);
      await exchange(w.query(sql), `mutation #${i}: ${shown(sql)}`);
      if (i % 10 === 0) await healthy(`mutation #${i}`);
    }
    await healthy('mutations');
  });

  it('huge literals and deep nesting', async () => {
    const big = 'x'.repeat(4 * 1024 * 1024);
    const cases: [string, string][] = [
      ['4 MiB string literal', `SELECT length('${big}')`],
      ['4 MiB insert', `INSERT INTO fuzz_u VALUES (1000, '${big}')`],
      ['100k-digit numeric', `SELECT ${'9'.repeat(100_000)}::numeric + 1`],
      ['100k-digit integer', `SELECT ${'9'.repeat(100_000)}`],
      ['long identifier', `SELECT ${'a'.repeat(100_000)} FROM fuzz_t`],
      ['10k-element IN list', `SELECT count(*) FROM fuzz_t WHERE id IN (${Array.from({ length: 10_000 }, (_, i) => i).join(',')})`],
      ['10k-element array', `SELECT array_length(ARRAY[${Array.from({ length: 10_000 }, (_, i) => i).join(',')}], 1)`],
      ['parens depth 100', `SELECT ${'('.repeat(100)}1${')'.repeat(100)}`],
      ['parens depth 10000', `SELECT ${'('.repeat(10_000)}1${')'.repeat(10_000)}`],
      ['parens depth 200000', `SELECT ${'('.repeat(200_000)}1${')'.repeat(200_000)}`],
      ['unbalanced parens', `SELECT ${'('.repeat(50_000)}1`],
      ['nested subqueries 100', `${'SELECT * FROM ('.repeat(100)}SELECT 1 AS x${') s'.repeat(100)}`],
      ['nested subqueries 3000', `${'SELECT * FROM ('.repeat(3000)}SELECT 1 AS x${') s'.repeat(3000)}`],
      ['long AND chain', `SELECT 1 WHERE ${Array.from({ length: 20_000 }, () => 'true').join(' AND ')}`],
      ['long + chain', `SELECT ${Array.from({ length: 50_000 }, () => '1').join('+')}`],
      ['nested casts', `SELECT ${'CAST('.repeat(5000)}1${' AS int)'.repeat(5000)}`],
      ['many statements', 'SELECT 1;'.repeat(20_000)],
      ['unterminated string', `SELECT '${'y'.repeat(1000)}`],
      ['unterminated comment', `SELECT 1 /* ${'z'.repeat(1000)}`],
      ['nested comments', `SELECT 1 ${'/*'.repeat(10_000)}${'*/'.repeat(10_000)}`],
      ['empty', ''],
      ['only semicolons', ';;;;;'],
      ['only a comment', '-- nothing'],
    ];
    for (const [label, sql] of cases) {
      const t0 = Date.now();
      await exchange(w.query(sql), label);
      const tookMs = Date.now() - t0;
      if (tookMs > slowInputMs) console.log(`fuzz: slow input '${label}': ${tookMs} ms`);
      await healthy(label);
    }
    await exchange(w.query('DELETE FROM fuzz_u WHERE id = 1000'), 'cleanup');
  });

  it('invalid UTF-8 and embedded NULs in query strings', async () => {
    const bad: [string, Buffer][] = [
      ['lone continuation byte', Buffer.from([0x53, 0x45, 0x4c, 0x45, 0x43, 0x54, 0x20, 0x27, 0x80, 0x27])],
      ['overlong encoding', Buffer.concat([Buffer.from("SELECT '"), Buffer.from([0xc0, 0xaf]), Buffer.from("'")])],
      ['truncated sequence', Buffer.concat([Buffer.from("SELECT '"), Buffer.from([0xe2, 0x82]), Buffer.from("'")])],
      ['surrogate', Buffer.concat([Buffer.from("SELECT '"), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from("'")])],
      ['0xff bytes in an identifier', Buffer.concat([Buffer.from('SELECT '), Buffer.from([0xff, 0xfe, 0xfd])])],
      ['invalid UTF-8 in an INSERT', Buffer.concat([Buffer.from("INSERT INTO fuzz_u VALUES (2000, '"), Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]), Buffer.from("')")])],
    ];
    for (let i = 0; i < iterations / 3; i += 1) {
      bad.push([`random bytes #${i}`, Buffer.from(Array.from({ length: 1 + int(60) }, () => 1 + int(255)))]);
    }
    for (const [label, sql] of bad) {
      await exchange(w.query(sql), label);
      await exchange(Buffer.concat([w.msg('P', w.cstr(''), w.cstr(sql), w.int16(0)), w.sync()]), `Parse+Sync with ${label}`);
    }
    // a NUL inside the query string leaves bytes after the string: a malformed message
    await exchange(w.msg('Q', Buffer.from('SELECT 1\0SELECT 2\0')), 'embedded NUL', { mayClose: true });
    await healthy('invalid UTF-8');
    const r = await health.query('SELECT count(*)::int AS n FROM fuzz_u WHERE id = 2000');
    expect(r.rows).toEqual([{ n: 0 }]);
  });

  it('random extended-protocol sequences', async () => {
    const names = ['', 's1', 's2'];
    const portals = ['', 'p1'];
    const oids = [0, 0, 23, 25, 20, 1700, 16, 17, 3802, 999_999];
    for (let i = 0; i < iterations; i += 1) {
      const parts: Buffer[] = [];
      const desc: string[] = [];
      for (let k = 1 + int(8); k > 0; k -= 1) {
        switch (int(7)) {
          case 0: {
            const sql = random() < 0.7 ? pick(corpus.concat(['SELECT $1::int + 1', 'SELECT $1, $2', 'INSERT INTO fuzz_u VALUES ($1, $2)', 'SELECT * FROM fuzz_t WHERE id = $1'])) : mutate(pick(corpus));
            const types = Array.from({ length: int(3) }, () => pick(oids));
            const name = pick(names);
            parts.push(w.parse(name, sql, types));
            desc.push(`Parse(${name}, ${shown(sql)}, [${types}])`);
            break;
          }
          case 1: {
            const params = Array.from({ length: int(4) }, () => (random() < 0.2 ? null : Buffer.from(pick(['1', '42', 'x', '', '\u00ff', '2024-01-01', '{1}', '\0\0\0\x01', '9'.repeat(30)]))));
            const pf = Array.from({ length: int(3) }, () => int(3) - (random() < 0.1 ? 5 : 0));
            const rf = Array.from({ length: int(3) }, () => int(2));
            const portal = pick(portals);
            const stmt = pick(names);
            parts.push(w.bind(portal, stmt, params, pf, rf));
            desc.push(`Bind(${portal}, ${stmt}, ${params.length} params, pf=[${pf}], rf=[${rf}])`);
            break;
          }
          case 2: { const kind = pick(['S', 'P'] as const); const n = pick(kind === 'S' ? names : portals); parts.push(w.describe(kind, n)); desc.push(`Describe(${kind}, ${n})`); break; }
          case 3: { const p = pick(portals); const max = pick([0, 0, 1, 2, -1]); parts.push(w.execute(p, max)); desc.push(`Execute(${p}, ${max})`); break; }
          case 4: { const kind = pick(['S', 'P'] as const); const n = pick(kind === 'S' ? names : portals); parts.push(w.close(kind, n)); desc.push(`Close(${kind}, ${n})`); break; }
          case 5: parts.push(w.flush()); desc.push('Flush'); break;
          default: parts.push(w.sync()); desc.push('Sync'); break;
        }
      }
      parts.push(w.sync());
      desc.push('Sync');
      const label = `extended #${i}: ${desc.join(' ')}`;
      // every Sync answers with one ReadyForQuery: collect them all
      const syncs = desc.filter((d) => d === 'Sync').length;
      let { reconnected } = await exchange(Buffer.concat(parts), label);
      for (let s = 1; s < syncs && !reconnected; s += 1) {
        ({ reconnected } = await exchange(Buffer.alloc(0), `${label} (ReadyForQuery ${s + 1} of ${syncs})`));
      }
      if (i % 10 === 0) await healthy(label);
    }
    await healthy('extended protocol');
  });

  it('malformed frames and startup packets', async () => {
    const frames: [string, Buffer][] = [
      ['unknown message type', w.msg('y', Buffer.from('junk'))],
      ['length below 4', Buffer.concat([Buffer.from('Q'), w.int32(2)])],
      ['negative length', Buffer.concat([Buffer.from('Q'), w.int32(-5)])],
      ['oversized length', Buffer.concat([Buffer.from('Q'), w.int32(0x7ffffff0), Buffer.from('SELECT 1')])],
      ['Bind with a truncated body', Buffer.concat([Buffer.from('B'), w.int32(6), Buffer.from([0, 0])])],
      ['Parse without terminators', Buffer.concat([Buffer.from('P'), w.int32(9), Buffer.from('abcde')])],
      ['Execute with garbage', Buffer.concat([Buffer.from('E'), w.int32(5), Buffer.from([0x41])])],
      ['CopyData outside COPY', w.msg('d', Buffer.from('1\tx\n'))],
      ['startup message after startup', w.startupMessage({ user: 'postgres' })],
    ];
    for (const [label, frame] of frames) {
      // a Sync follows so that a server which answers with an ERROR (not FATAL) says ReadyForQuery
      await exchange(Buffer.concat([frame, w.sync()]), label, { mayClose: true });
      // whatever happened, the (maybe new) connection must work
      await exchange(w.query('SELECT 1'), `SELECT 1 after ${label}`);
      await healthy(label);
    }
    // random garbage right after startup: the server may wait for more bytes; we give up after a bound
    for (let i = 0; i < iterations / 5; i += 1) {
      const c = await w.WireConn.open(node.host, node.port);
      const s = await c.startup(node.user, node.database);
      expect(s.ready).toBe(true);
      c.write(Buffer.from(Array.from({ length: 1 + int(200) }, () => int(256))));
      await c.waitUntil(() => c.closed, garbageReactionMsMax);
      for (const e of c.messages.filter((m) => m.type === 'E')) {
        expect(e.fields?.C ?? '', `SQLSTATE for random frame #${i} (seed ${seed})`).toMatch(/^[0-9A-Z]{5}$/);
      }
      c.destroy();
      if (i % 5 === 0) await healthy(`random frame #${i}`);
    }
    // malformed startup packets on fresh connections
    const startups: [string, Buffer][] = [
      ['huge startup length', w.int32(0x7fffffff)],
      ['tiny startup length', w.int32(3)],
      ['unknown protocol version', Buffer.concat([w.int32(8), w.int32(0x00090009)])],
      ['missing parameter terminator', Buffer.concat([w.int32(17), w.int32(196608), Buffer.from('user\0pos')])],
      ['no user', Buffer.concat([w.int32(9), w.int32(196608), Buffer.from([0])])],
      ['random bytes', Buffer.from(Array.from({ length: 64 }, () => int(256)))],
    ];
    for (const [label, bytes] of startups) {
      const c = await w.WireConn.open(node.host, node.port);
      c.write(bytes);
      await c.waitUntil(() => c.closed, badStartupReactionMsMax);
      for (const e of c.messages.filter((m) => m.type === 'E')) {
        expect(e.fields?.C ?? '', `SQLSTATE for ${label}`).toMatch(/^[0-9A-Z]{5}$/);
      }
      c.destroy();
      await healthy(label);
    }
    await healthy('malformed frames');
  });
});

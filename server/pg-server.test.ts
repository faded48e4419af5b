import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import pg from 'pg';
import { serialize } from 'pg-protocol';
import { PgServer } from './pg-server.js';
import { ServerMetrics } from './metrics.js';
import { silentLogger } from './log.js';
import { makeScramSecret } from './pgwire/scram.js';
import type { AuthConfig, ConnectionLimits } from './connection.js';
import { FakeEngine } from './testing/fake-engine.js';
import { RawClient } from './testing/raw-client.js';

interface Running {
  server: PgServer;
  engine: FakeEngine;
  port: number;
  metrics: ServerMetrics;
}

const running: Running[] = [];
const clients: { end(): unknown }[] = [];

async function start(opts: { auth?: AuthConfig; connectionsMax?: number; limits?: Partial<ConnectionLimits> } = {}): Promise<Running> {
  const engine = new FakeEngine();
  const metrics = new ServerMetrics({ collectProcessMetrics: false });
  const server = new PgServer({
    engine,
    auth: opts.auth ?? { kind: 'trust' },
    metrics,
    log: silentLogger(),
    connectionsMax: opts.connectionsMax ?? 10,
    limits: opts.limits ?? {},
  });
  const addr = await server.listen('127.0.0.1', 0);
  const r = { server, engine, port: addr.port, metrics };
  running.push(r);
  return r;
}

async function pgClient(port: number, config: pg.ClientConfig = {}): Promise<pg.Client> {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', ...config });
  c.on('error', () => {});
  clients.push(c);
  await c.connect();
  return c;
}

async function raw(port: number): Promise<RawClient> {
  const c = await RawClient.connect(port);
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) await Promise.resolve(c.end()).catch(() => {});
  for (const r of running.splice(0)) await r.server.shutdown({ statementWaitMs: 100, cancelWaitMs: 100, closeWaitMs: 1000 });
});

async function errorOf(p: Promise<unknown>): Promise<pg.DatabaseError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof pg.DatabaseError) return err;
    throw err;
  }
  throw new Error('expected an error');
}

describe('pgwire server with node-postgres', () => {
  it('runs simple queries, several statements per message, and reports ParameterStatus', async () => {
    const { port, engine } = await start();
    const c = await pgClient(port, { application_name: 'apptest', options: '-c search_path=s1 --work-mem=4MB' });
    const r = await c.query('select 3');
    expect(r.rows).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(r.command).toBe('SELECT');
    const multi = (await c.query('select 1; select 2')) as unknown as pg.QueryResult[];
    expect(multi.map((x) => x.rowCount)).toEqual([1, 2]);
    const settings = engine.sessions[0]!.params.settings;
    expect(settings.get('search_path')).toBe('s1');
    expect(settings.get('work_mem')).toBe('4MB');
    expect(engine.sessions[0]!.params.applicationName).toBe('apptest');
    const statuses: [string, string][] = [];
    (c as unknown as { connection: { on(e: string, f: (m: { parameterName: string; parameterValue: string }) => void): void } }).connection.on(
      'parameterStatus',
      (m) => statuses.push([m.parameterName, m.parameterValue]),
    );
    await c.query('set DateStyle ISO');
    expect(statuses).toContainEqual(['DateStyle', 'ISO']);
  });

  it('sends every ErrorResponse field and keeps the session usable; non-SqlErrors become XX000', async () => {
    const { port } = await start();
    const c = await pgClient(port);
    const e = await errorOf(c.query('error 23505 duplicate key'));
    expect(e.code).toBe('23505');
    expect(e.message).toBe('duplicate key');
    expect(e.detail).toBe('some detail');
    expect(e.hint).toBe('some hint');
    expect(e.position).toBe('3');
    expect(e.severity).toBe('ERROR');
    const boom = await errorOf(c.query('boom'));
    expect(boom.code).toBe('XX000');
    expect(boom.message).toBe('kaboom');
    expect((await c.query('select 1')).rowCount).toBe(1);
  });

  it('runs the extended protocol: parameters, named statements, binary results, skip-to-Sync', async () => {
    const { port } = await start();
    const c = await pgClient(port);
    const r = await c.query({ text: 'echo $1 $2', values: ['héllo', null] });
    expect(r.rows).toEqual([{ p1: 'héllo', p2: null }]);
    for (let i = 0; i < 3; i++) {
      const named = await c.query({ name: 'sel', text: 'select 2' });
      expect(named.rows).toEqual([{ n: 1 }, { n: 2 }]);
    }
    const bin = await c.query({ text: 'select 2', binary: true } as pg.QueryConfig);
    expect(bin.rows.length).toBe(2);
    const e = await errorOf(c.query({ text: 'error 22012 division by zero', values: [] }));
    expect(e.code).toBe('22012');
    expect((await c.query({ text: 'select 1', values: [] })).rowCount).toBe(1);
    const parseErr = await errorOf(c.query({ text: 'garbage $1', values: [1] }));
    expect(parseErr.code).toBe('42601');
    expect((await c.query({ text: 'select 1', values: [] })).rowCount).toBe(1);
  });

  it('reports transaction status in ReadyForQuery (I/T/E)', async () => {
    const { port } = await start();
    const c = await pgClient(port);
    await c.query('begin');
    await errorOf(c.query('error 22P02 bad input'));
    const e = await errorOf(c.query('select 1'));
    expect(e.code).toBe('25P02');
    const r = await c.query('commit');
    expect(r.command).toBe('ROLLBACK');
    expect((await c.query('select 1')).rowCount).toBe(1);
  });

  it('cancels a running statement with CancelRequest carrying pid and secret', async () => {
    const { port, engine } = await start();
    const c = await pgClient(port);
    const pending = errorOf(c.query('sleep'));
    const session = engine.sessions[0]!;
    const deadline = Date.now() + 5000;
    while (!session.running && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    const { processID, secretKey } = c as unknown as { processID: number; secretKey: number };
    // A wrong secret cancels nothing.
    const wrong = await raw(port);
    wrong.send(serialize.cancel(processID, secretKey ^ 1));
    await wrong.closed();
    expect(session.running).toBe(true);
    const canceller = await raw(port);
    canceller.send(serialize.cancel(processID, secretKey));
    await canceller.closed();
    const e = await pending;
    expect(e.code).toBe('57014');
    expect((await c.query('select 1')).rowCount).toBe(1);
    // Calls share one AbortController until it is aborted: the next call gets a fresh one, and
    // a second cancel ends the second sleep the same way.
    const again = errorOf(c.query('sleep'));
    const until = Date.now() + 5000;
    while (!session.running && Date.now() < until) await new Promise((r) => setImmediate(r));
    const canceller2 = await raw(port);
    canceller2.send(serialize.cancel(processID, secretKey));
    await canceller2.closed();
    expect((await again).code).toBe('57014');
    expect((await c.query('select 1')).rowCount).toBe(1);
  });

  it('authenticates with SCRAM-SHA-256: bootstrap user, engine-stored user, wrong password, unknown user', async () => {
    const { port } = await start({ auth: { kind: 'scram', bootstrapUser: 'postgres', bootstrapSecret: makeScramSecret('s3cret') } });
    const ok = await pgClient(port, { password: 's3cret' });
    expect((await ok.query('select 1')).rowCount).toBe(1);
    const alice = await pgClient(port, { user: 'alice', password: 'alice-secret' });
    expect((await alice.query('select 1')).rowCount).toBe(1);
    for (const cfg of [
      { password: 'wrong' },
      { user: 'mallory', password: 'x' },
    ]) {
      const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', ...cfg });
      c.on('error', () => {});
      const e = await errorOf(c.connect());
      expect(e.code).toBe('28P01');
      expect(e.message).toMatch(/password authentication failed for user/);
    }
  });

  it('refuses the client beyond connectionsMax with 53300 and rejects unknown databases with 3D000', async () => {
    const { port } = await start({ connectionsMax: 1 });
    await pgClient(port);
    const extra = new pg.Client({ host: '127.0.0.1', port, user: 'postgres' });
    extra.on('error', () => {});
    const e = await errorOf(extra.connect());
    expect(e.code).toBe('53300');
    expect(e.message).toBe('sorry, too many clients already');
  });

  it('rejects unknown databases with FATAL 3D000', async () => {
    const { port } = await start();
    const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'nope' });
    c.on('error', () => {});
    const e = await errorOf(c.connect());
    expect(e.code).toBe('3D000');
  });
});

describe('pgwire server at the byte level', () => {
  it('answers SSLRequest and GSSENCRequest with N, then accepts the startup packet', async () => {
    const { port } = await start();
    const c = await raw(port);
    c.setRawMode(true);
    c.send(serialize.requestSsl());
    await c.waitFor(() => c.rawBytes.length === 1, 'SSL answer');
    expect(String.fromCharCode(c.rawBytes[0]!)).toBe('N');
    const gss = Buffer.alloc(8);
    gss.writeInt32BE(8, 0);
    gss.writeInt32BE(80877104, 4);
    c.send(gss);
    await c.waitFor(() => c.rawBytes.length === 2, 'GSSENC answer');
    expect(String.fromCharCode(c.rawBytes[1]!)).toBe('N');
    c.setRawMode(false);
    const msgs = await c.startup({ user: 'postgres', database: 'x' });
    expect(msgs.map((m) => m.name)).toEqual(['authenticationOk', 'parameterStatus', 'parameterStatus', 'parameterStatus', 'backendKeyData', 'readyForQuery']);
  });

  it('refuses plaintext bytes pipelined after SSLRequest (CVE-2021-23214)', async () => {
    const { port } = await start();
    const c = await raw(port);
    c.send(serialize.requestSsl(), serialize.startup({ user: 'postgres' }));
    const [e] = await c.until('error');
    expect(e).toMatchObject({ severity: 'FATAL', code: '08P01' });
    await c.closed();
  });

  it('rejects protocol 2.0 with FATAL 08P01', async () => {
    const { port } = await start();
    const c = await raw(port);
    const v2 = Buffer.alloc(8);
    v2.writeInt32BE(8, 0);
    v2.writeInt32BE(0x00020000, 4);
    c.send(v2);
    const [e] = await c.until('error');
    expect(e).toMatchObject({ severity: 'FATAL', code: '08P01' });
    expect((e as unknown as { message: string }).message).toMatch(/unsupported frontend protocol 2.0/);
    await c.closed();
  });

  it('answers NegotiateProtocolVersion for 3.1 and unknown _pq_ options', async () => {
    const { port } = await start();
    const c = await raw(port);
    const body = Buffer.concat([Buffer.from('user\0postgres\0_pq_.foo\0bar\0\0')]);
    const head = Buffer.alloc(8);
    head.writeInt32BE(8 + body.length, 0);
    head.writeInt32BE(0x00030001, 4);
    c.setRawMode(true);
    c.send(head, body);
    // NegotiateProtocolVersion: 'v', length, newest minor 0, one unrecognized option.
    const expected = Buffer.concat([Buffer.from([0x76, 0, 0, 0, 21, 0, 0, 0, 0, 0, 0, 0, 1]), Buffer.from('_pq_.foo\0')]);
    await c.waitFor(() => c.rawBytes.length >= expected.length + 9, 'NegotiateProtocolVersion and AuthenticationOk');
    expect(Buffer.from(c.rawBytes.slice(0, expected.length))).toEqual(expected);
    expect(String.fromCharCode(c.rawBytes[expected.length]!)).toBe('R');
  });

  it('suspends portals at the Execute row limit and resumes them', async () => {
    const { port } = await start();
    const c = await raw(port);
    await c.startup();
    c.send(
      serialize.parse({ text: 'select 5' }),
      serialize.bind({}),
      serialize.describe({ type: 'P' }),
      serialize.execute({ rows: 2 }),
      serialize.execute({ rows: 2 }),
      serialize.execute({ rows: 2 }),
      serialize.sync(),
    );
    const msgs = await c.until('readyForQuery');
    expect(msgs.map((m) => m.name)).toEqual([
      'parseComplete',
      'bindComplete',
      'rowDescription',
      'dataRow',
      'dataRow',
      'portalSuspended',
      'dataRow',
      'dataRow',
      'portalSuspended',
      'dataRow',
      'commandComplete',
      'readyForQuery',
    ]);
  });

  it('describes statements with ParameterDescription and NoData, and closes them', async () => {
    const { port } = await start();
    const c = await raw(port);
    await c.startup();
    c.send(
      serialize.parse({ name: 's', text: 'echo $1', types: [23] }),
      serialize.describe({ type: 'S', name: 's' }),
      serialize.parse({ name: 'b', text: 'begin' }),
      serialize.describe({ type: 'S', name: 'b' }),
      serialize.close({ type: 'S', name: 's' }),
      serialize.describe({ type: 'S', name: 's' }),
      serialize.execute({}),
      serialize.sync(),
      serialize.query('select 1'),
    );
    const msgs = await c.until('readyForQuery');
    expect(msgs.map((m) => m.name)).toEqual([
      'parseComplete',
      'parameterDescription',
      'rowDescription',
      'parseComplete',
      'parameterDescription',
      'noData',
      'closeComplete',
      'error',
      'readyForQuery',
    ]);
    expect(msgs[1]).toMatchObject({ dataTypeIDs: [23] });
    const next = await c.until('readyForQuery');
    expect(next.map((m) => m.name)).toEqual(['rowDescription', 'dataRow', 'commandComplete', 'readyForQuery']);
  });

  it('runs COPY FROM STDIN, ignoring Sync/Flush inside it, and COPY TO STDOUT', async () => {
    const { port, engine } = await start();
    const c = await raw(port);
    await c.startup();
    c.send(serialize.query('copy in'));
    const [resp] = await c.until('copyInResponse');
    expect(resp).toMatchObject({ binary: false, columnTypes: [0] });
    c.send(serialize.copyData(Buffer.from('a\nb')), serialize.sync(), serialize.flush(), serialize.copyData(Buffer.from('\nc\n')), serialize.copyDone());
    const done = await c.until('readyForQuery');
    expect(done.map((m) => m.name)).toEqual(['commandComplete', 'readyForQuery']);
    expect(done[0]).toMatchObject({ text: 'COPY 3' });
    expect(engine.sessions[0]!.copied).toEqual(['a', 'b', 'c']);

    c.send(serialize.query('copy out 3'));
    const out = await c.until('readyForQuery');
    expect(out.map((m) => m.name)).toEqual(['copyOutResponse', 'copyData', 'copyData', 'copyData', 'copyDone', 'commandComplete', 'readyForQuery']);
  });

  it('streams a large COPY FROM STDIN through the paused/resumed input buffer', async () => {
    const { port, engine } = await start();
    const c = await raw(port);
    await c.startup();
    c.send(serialize.query('copy in'));
    await c.until('copyInResponse');
    const rows = 200_000;
    const frames: Buffer[] = [];
    let chunk = '';
    // Half the rows in 8 KB CopyData chunks (psql), half one row per CopyData (pgbench -i).
    for (let i = 0; i < rows; i++) {
      chunk += `${i}\t${'x'.repeat(80)}\n`;
      if (i >= rows / 2 || chunk.length > 8000) {
        frames.push(serialize.copyData(Buffer.from(chunk)));
        chunk = '';
      }
    }
    frames.push(serialize.copyData(Buffer.from(chunk)), serialize.copyDone());
    c.send(...frames);
    const done = await c.until('readyForQuery', 30_000);
    expect(done[0]).toMatchObject({ name: 'commandComplete', text: `COPY ${rows}` });
    expect(engine.sessions[0]!.copied.length).toBe(rows);
  });

  it('turns CopyFail into 57014 and drops the client\'s leftover copy messages', async () => {
    const { port } = await start();
    const c = await raw(port);
    await c.startup();
    c.send(serialize.query('copy in'));
    await c.until('copyInResponse');
    c.send(serialize.copyData(Buffer.from('x\n')), serialize.copyFail('client gave up'));
    const msgs = await c.until('readyForQuery');
    expect(msgs[0]).toMatchObject({ name: 'error', code: '57014', message: 'COPY from stdin failed: client gave up' });
    // A failing row mid-copy: the rest of the client's copy stream is dropped.
    c.send(serialize.query('copy in'));
    await c.until('copyInResponse');
    c.send(serialize.copyData(Buffer.from('bad\n')), serialize.copyData(Buffer.from('more\n')), serialize.copyDone(), serialize.query('select 1'));
    const failed = await c.until('readyForQuery');
    expect(failed[0]).toMatchObject({ name: 'error', code: '22P02' });
    const next = await c.until('readyForQuery');
    expect(next.map((m) => m.name)).toEqual(['rowDescription', 'dataRow', 'commandComplete', 'readyForQuery']);
  });

  it('closes only the offending connection on an oversized or malformed message', async () => {
    const { port } = await start({ limits: { messageBytesMax: 4096 } });
    const good = await pgClient(port);
    for (const bad of [
      serialize.query('x'.repeat(5000)),
      Buffer.from([0x7a, 0, 0, 0, 4]),
      Buffer.from([0x42, 0, 0, 0, 6, 0, 0]),
      Buffer.from([0x51, 0xff, 0xff, 0xff, 0xff]),
    ]) {
      const c = await raw(port);
      await c.startup();
      c.send(bad);
      const [e] = await c.until('error');
      expect(e).toMatchObject({ severity: 'FATAL', code: '08P01' });
      await c.closed();
      expect((await good.query('select 2')).rowCount).toBe(2);
    }
  });

  it('ends the connection at once with FATAL 08P01 on an unknown message type, not waiting for its body', async () => {
    const { port } = await start();
    const c = await raw(port);
    await c.startup();
    // PostgreSQL rejects the type byte before reading a length: the 4 KiB body never comes.
    c.send(Buffer.from([0x00, 0x00, 0x00, 0x10, 0x00]));
    const [e] = await c.until('error');
    expect(e).toMatchObject({ severity: 'FATAL', code: '08P01', message: 'invalid frontend message type 0' });
    await c.closed();
  });

  it('refuses new clients with 57P03 while draining and terminates idle sessions with 57P01', async () => {
    const r = await start();
    const idle = await raw(r.port);
    await idle.startup();
    const busy = await pgClient(r.port);
    const pending = errorOf(busy.query('sleep'));
    const session = r.engine.sessions[1]!;
    const deadline = Date.now() + 5000;
    while (!session.running && Date.now() < deadline) await new Promise((res) => setImmediate(res));
    r.server.beginDrain();
    const late = await raw(r.port);
    late.send(serialize.startup({ user: 'postgres' }));
    const [refused] = await late.until('error');
    expect(refused).toMatchObject({ severity: 'FATAL', code: '57P03', message: 'the database system is shutting down' });
    running.splice(running.indexOf(r), 1);
    await r.server.shutdown({ statementWaitMs: 50, cancelWaitMs: 1000, closeWaitMs: 2000 });
    const cancelled = await pending;
    expect(cancelled.code).toBe('57P01');
    expect(cancelled.severity).toBe('FATAL');
    const [bye] = await idle.until('error');
    expect(bye).toMatchObject({ severity: 'FATAL', code: '57P01' });
    expect(r.engine.sessions.every((s) => s.closed)).toBe(true);
    expect(r.server.openConnections).toBe(0);
  });

  it('holds a statement in drain() while the client does not read, and finishes when it does', async () => {
    const { port, engine } = await start();
    const c = await raw(port);
    await c.startup();
    const rows = 500; // 500 × 64 KiB = 32 MiB: more than loopback socket buffers hold
    c.socket.pause();
    c.send(serialize.query(`wide ${rows}`));
    await c.waitFor(() => engine.sessions[0]!.drainBlocked > 0, 'drain() to block');
    expect(engine.sessions[0]!.wideRowsSent).toBeLessThan(rows);
    c.socket.resume();
    const msgs = await c.until('readyForQuery', 30_000);
    expect(msgs.filter((m) => m.name === 'dataRow').length).toBe(rows);
    expect(msgs.at(-2)).toMatchObject({ name: 'commandComplete', text: `SELECT ${rows}` });
  });

  it('counts statements, errors, commits and rollbacks in its metrics', async () => {
    const { port, metrics } = await start();
    const c = await pgClient(port);
    await c.query('select 1');
    await c.query({ text: 'select 2', values: [] });
    await c.query('begin; select 1; commit');
    await c.query('begin');
    await c.query('rollback');
    await errorOf(c.query('error 22012 x'));
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/nodedb_statements_total\{kind="SELECT"\} 3/);
    expect(text).toMatch(/nodedb_errors_total\{sqlstate_class="22"\} 1/);
    expect(text).toMatch(/nodedb_commits_total 3/);
    expect(text).toMatch(/nodedb_rollbacks_total 2/);
    expect(text).toMatch(/nodedb_connections 1/);
    expect(text).toMatch(/nodedb_statement_duration_seconds_count 8/);
  });

  it('answers a client that half-closes after its last message, then ends the connection', async () => {
    const { port } = await start();
    const c = await raw(port);
    c.send(serialize.startup({ user: 'postgres' }), serialize.query('select 2'));
    c.socket.end();
    const msgs = await c.until('readyForQuery');
    expect(msgs.at(-1)?.name).toBe('readyForQuery');
    const rest = await c.until('readyForQuery');
    expect(rest.map((m) => m.name)).toEqual(['rowDescription', 'dataRow', 'dataRow', 'commandComplete', 'readyForQuery']);
    await c.closed();
  });

  it('drops a client that does not finish startup within authTimeoutMs', async () => {
    const { port } = await start({ limits: { authTimeoutMs: 200 } });
    const s = net.connect({ host: '127.0.0.1', port });
    s.on('error', () => {});
    const closed = new Promise<void>((resolve) => s.on('close', () => resolve()));
    await closed;
  });
});

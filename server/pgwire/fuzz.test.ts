/**
 * Bounded fuzz of the pgwire server: random and mutated frontend byte streams, in random
 * chunks. The server must never crash, and a control connection keeps answering.
 * Replay with NODEDB_FUZZ_SEED=<seed> (printed at the start).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { serialize } from 'pg-protocol';
import pg from 'pg';
import { PgServer } from '../pg-server.js';
import { ServerMetrics } from '../metrics.js';
import { silentLogger } from '../log.js';
import { FakeEngine } from '../testing/fake-engine.js';
import { mulberry32 } from '../../util/seeded-random.js';

const iterations = Number(process.env['NODEDB_FUZZ_ITERATIONS'] ?? 250);
const seed = Number(process.env['NODEDB_FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
/** How long one fuzz connection may stay open before we drop it. */
const connectionMsMax = 150;


function validSession(): Buffer[] {
  return [
    serialize.startup({ user: 'postgres', options: '-c a=b' }),
    serialize.query('select 3; notice'),
    serialize.parse({ name: 's', text: 'echo $1 $2' }),
    serialize.bind({ statement: 's', values: ['x', null] }),
    serialize.describe({ type: 'P' }),
    serialize.execute({ rows: 1 }),
    serialize.sync(),
    serialize.query('copy in'),
    serialize.copyData(Buffer.from('1\n2\n')),
    serialize.copyDone(),
    serialize.query('begin; error 22012 x; commit'),
    serialize.query('copy out 2'),
    serialize.close({ type: 'S', name: 's' }),
    serialize.flush(),
    serialize.end(),
  ];
}

function mutate(rand: () => number, frames: Buffer[]): Buffer {
  const pick = (n: number): number => Math.floor(rand() * n);
  let parts = [...frames];
  const ops = 1 + pick(4);
  for (let i = 0; i < ops; i++) {
    const op = pick(6);
    if (op === 0 && parts.length > 1) parts.splice(pick(parts.length), 1); // drop a frame
    else if (op === 1) parts.splice(pick(parts.length), 0, parts[pick(parts.length)]!); // duplicate
    else if (op === 2) parts = [Buffer.from(shuffleTail(rand, parts))];
    else {
      const all = Buffer.concat(parts);
      if (all.length === 0) continue;
      const at = pick(all.length);
      if (op === 3) all[at] = pick(256); // flip a byte
      else if (op === 4) parts = [all.subarray(0, at)]; // truncate
      else parts = [all.subarray(0, at), randomBytes(rand, pick(16)), all.subarray(at)]; // insert garbage
      if (op !== 4 && op !== 5) parts = [all];
    }
  }
  return Buffer.concat(parts);
}

function shuffleTail(rand: () => number, parts: Buffer[]): Buffer {
  const [first, ...rest] = parts;
  for (let i = rest.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [rest[i], rest[j]] = [rest[j]!, rest[i]!];
  }
  return Buffer.concat([first ?? Buffer.alloc(0), ...rest]);
}

function randomBytes(rand: () => number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(rand() * 256);
  return b;
}

async function sendInChunks(port: number, rand: () => number, bytes: Buffer): Promise<void> {
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  socket.on('data', () => {});
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  let at = 0;
  while (at < bytes.length && !socket.destroyed) {
    const n = 1 + Math.floor(rand() * 64);
    socket.write(bytes.subarray(at, at + n));
    at += n;
  }
  if (rand() < 0.5) socket.end();
  const timer = setTimeout(() => socket.destroy(), connectionMsMax);
  await closed;
  clearTimeout(timer);
}

describe('pgwire fuzz', () => {
  let server: PgServer;
  let port = 0;
  let control: pg.Client;

  beforeAll(async () => {
    server = new PgServer({
      engine: new FakeEngine(),
      auth: { kind: 'trust' },
      metrics: new ServerMetrics({ collectProcessMetrics: false }),
      log: silentLogger(),
      connectionsMax: 50,
      limits: { messageBytesMax: 64 * 1024, authTimeoutMs: 2_000 },
    });
    port = (await server.listen('127.0.0.1', 0)).port;
    control = new pg.Client({ host: '127.0.0.1', port, user: 'postgres' });
    await control.connect();
  });

  afterAll(async () => {
    await control.end();
    await server.shutdown({ statementWaitMs: 100, cancelWaitMs: 100, closeWaitMs: 2000 });
  });

  it(`survives ${iterations} random and mutated streams (seed ${seed})`, async () => {
    console.log(`pgwire fuzz seed=${seed} iterations=${iterations} (replay: NODEDB_FUZZ_SEED=${seed})`);
    const rand = mulberry32(seed);
    for (let i = 0; i < iterations; i++) {
      const kind = rand();
      let bytes: Buffer;
      if (kind < 0.2) bytes = randomBytes(rand, Math.floor(rand() * 300));
      else if (kind < 0.35) bytes = Buffer.concat([serialize.startup({ user: 'postgres' }), randomBytes(rand, Math.floor(rand() * 300))]);
      else bytes = mutate(rand, validSession());
      await sendInChunks(port, rand, bytes);
      if (i % 25 === 0) expect((await control.query('select 2')).rowCount, `seed ${seed} iteration ${i}`).toBe(2);
    }
    expect((await control.query('select 3')).rowCount, `seed ${seed}`).toBe(3);
    // Every fuzz connection is eventually released; only the control session stays.
    const deadline = Date.now() + 5_000;
    while (server.openConnections > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(server.openConnections, `seed ${seed}`).toBe(1);
  });
});

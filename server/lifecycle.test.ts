import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Kv } from '../cluster/kv/api.js';
import { defaults, type NodeConfig } from './config.js';
import { startNodeWith, kvDir, type NodeHandle } from './lifecycle.js';
import { silentLogger } from './log.js';
import { FakeEngine } from './testing/fake-engine.js';

function fakeKv(): Kv & { close(): Promise<void>; closed: boolean } {
  const unused = (): never => {
    throw new Error('not used by server tests');
  };
  return {
    closed: false,
    begin: unused,
    atomicUpdate: unused,
    gc: unused,
    approximateSize: unused,
    async close() {
      this.closed = true;
    },
  };
}

const dirs: string[] = [];
const nodes: NodeHandle[] = [];

afterEach(async () => {
  for (const n of nodes.splice(0)) await n.stop('test end');
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function startTestNode(drainStatementWaitMs: number) {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'nodedb-server-'));
  dirs.push(dataDir);
  const config: NodeConfig = {
    dataDir: path.join(dataDir, 'data'),
    sqlAddr: { host: '127.0.0.1', port: 0 },
    httpAddr: { host: '127.0.0.1', port: 0 },
    peerAddr: { host: '127.0.0.1', port: 7433 },
    nodeId: undefined,
    auth: { kind: 'trust' },
    user: defaults.user,
    connectionsMax: 10,
    drainStatementWaitMs,
  };
  const engine = new FakeEngine();
  const kv = fakeKv();
  let kvDirSeen = '';
  const node = await startNodeWith(
    config,
    {
      openKv: async (o) => {
        kvDirSeen = o.dir;
        return kv;
      },
      createEngine: async () => engine,
    },
    silentLogger(),
  );
  nodes.push(node);
  return { node, engine, kv, config, kvDirSeen };
}

async function get(port: number, p: string, method = 'GET'): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${p}`, { method });
  return { status: res.status, body: await res.text() };
}

describe('node lifecycle and HTTP ops endpoint', () => {
  it('serves health, readiness and metrics, and opens kv in <data-dir>/kv', async () => {
    const { node, config, kvDirSeen } = await startTestNode(1000);
    expect(kvDirSeen).toBe(kvDir(config.dataDir));
    expect((await stat(config.dataDir)).isDirectory()).toBe(true);
    const port = node.httpAddr.port;
    expect(await get(port, '/health/live')).toEqual({ status: 200, body: 'ok\n' });
    expect(await get(port, '/health/ready')).toEqual({ status: 200, body: 'ready\n' });
    expect((await get(port, '/nope')).status).toBe(404);
    expect((await get(port, '/health/drain')).status).toBe(405);
    const c = new pg.Client({ host: '127.0.0.1', port: node.sqlAddr.port, user: 'postgres' });
    await c.connect();
    await c.query('select 2');
    const metrics = await get(port, '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/nodedb_connections 1/);
    expect(metrics.body).toMatch(/nodedb_statements_total\{kind="SELECT"\} 1/);
    expect(metrics.body).toMatch(/process_cpu_user_seconds_total/);
    await c.end();
  });

  it('drains on POST /health/drain: readiness 503, running statement cancelled after the bound, engine and kv closed', async () => {
    const { node, engine, kv } = await startTestNode(300);
    const c = new pg.Client({ host: '127.0.0.1', port: node.sqlAddr.port, user: 'postgres' });
    c.on('error', () => {});
    await c.connect();
    const running = c.query('sleep').then(
      () => 'ok',
      (e: pg.DatabaseError) => e.code,
    );
    const session = engine.sessions[0]!;
    const deadline = Date.now() + 5000;
    while (!session.running && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    const port = node.httpAddr.port;
    expect((await get(port, '/health/drain', 'POST')).status).toBe(202);
    expect(node.state()).toBe('draining');
    expect(await get(port, '/health/ready')).toEqual({ status: 503, body: 'draining\n' });
    const started = Date.now();
    expect(await node.stopped).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    // Cancelled by the drain: PostgreSQL's fast-shutdown error, FATAL 57P01.
    expect(await running).toBe('57P01');
    expect(engine.shutdownCalls).toBe(1);
    expect(kv.closed).toBe(true);
    expect(session.closed).toBe(true);
    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
  });

  it('closes what it opened when startup fails', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'nodedb-server-'));
    dirs.push(dataDir);
    const kv = fakeKv();
    const config: NodeConfig = {
      dataDir,
      sqlAddr: { host: '127.0.0.1', port: 0 },
      httpAddr: { host: '127.0.0.1', port: 0 },
      peerAddr: { host: '127.0.0.1', port: 7433 },
      nodeId: 1,
      auth: { kind: 'trust' },
      user: 'postgres',
      connectionsMax: 10,
      drainStatementWaitMs: 0,
    };
    await expect(
      startNodeWith(config, { openKv: async () => kv, createEngine: async () => Promise.reject(new Error('engine broke')) }, silentLogger()),
    ).rejects.toThrow('engine broke');
    expect(kv.closed).toBe(true);
  });
});

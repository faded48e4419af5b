/**
 * Process lifecycle of one node: start (HTTP first, so liveness answers while storage opens),
 * serve, and the drain sequence. Storage and the SQL engine come in through `NodeDeps`, so
 * the sequence is tested with doubles; server/node.ts binds the real ones.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Kv } from '../cluster/kv/api.js';
import { assertNever } from '../util/assert.js';
import type { Engine } from '../sql/session-api.js';
import type { NodeConfig } from './config.js';
import type { AuthConfig } from './connection.js';
import { OpsHttpServer, type NodeState } from './http.js';
import type { Logger } from './log.js';
import { ServerMetrics } from './metrics.js';
import { spillDirOf } from '../sql/exec/spill.js';
import { PgServer, defaultDrainOptions } from './pg-server.js';
import { makeScramSecret } from './pgwire/scram.js';

export interface NodeDeps {
  openKv(opts: { dir: string }): Promise<Kv & { close(): Promise<void> }>;
  createEngine(opts: { kv: Kv; dataDir: string; bootstrapUser: string; nodeId: number | undefined }): Promise<Engine>;
}

export interface NodeHandle {
  readonly sqlAddr: { host: string; port: number };
  readonly httpAddr: { host: string; port: number };
  state(): NodeState;
  /** Graceful drain and shutdown; idempotent. Resolves true when every step succeeded. */
  stop(reason: string): Promise<boolean>;
  /** Resolves when the node has stopped (after stop(), whoever called it: SIGTERM or HTTP). */
  readonly stopped: Promise<boolean>;
  readonly metrics: ServerMetrics;
}

/** The kv database lives in its own subdirectory of the data directory. */
export function kvDir(dataDir: string): string {
  return path.join(dataDir, 'kv');
}

export async function startNodeWith(config: NodeConfig, deps: NodeDeps, log: Logger): Promise<NodeHandle> {
  let state: NodeState = 'starting';
  const metrics = new ServerMetrics();
  let stopPromise: Promise<boolean> | undefined;
  let resolveStopped: (ok: boolean) => void = () => {};
  const stopped = new Promise<boolean>((resolve) => {
    resolveStopped = resolve;
  });
  const cleanups: { name: string; fn: () => Promise<void> }[] = [];

  const runCleanups = async (): Promise<boolean> => {
    let ok = true;
    for (const { name, fn } of cleanups.reverse()) {
      try {
        await fn();
        log.info('stopped', { component: name });
      } catch (err) {
        ok = false;
        log.error('shutdown step failed', { component: name, err });
      }
    }
    cleanups.length = 0;
    return ok;
  };

  const stop = (reason: string): Promise<boolean> => {
    if (stopPromise === undefined) {
      state = 'draining';
      log.info('draining', { reason });
      stopPromise = runCleanups().then((ok) => {
        resolveStopped(ok);
        return ok;
      });
    }
    return stopPromise;
  };

  try {
    const http = new OpsHttpServer({ state: () => state, requestDrain: () => void stop('POST /health/drain') }, metrics, log);
    const httpAddr = await http.listen(config.httpAddr.host, config.httpAddr.port);
    cleanups.push({ name: 'http', fn: () => http.close() });

    await mkdir(config.dataDir, { recursive: true });
    metrics.watchSpillDir(spillDirOf(config.dataDir));
    const kv = await deps.openKv({ dir: kvDir(config.dataDir) });
    cleanups.push({ name: 'kv', fn: () => kv.close() });
    const engine = await deps.createEngine({ kv, dataDir: config.dataDir, bootstrapUser: config.user, nodeId: config.nodeId });
    cleanups.push({ name: 'engine', fn: () => engine.shutdown() });

    const pg = new PgServer({ engine, auth: authConfig(config), metrics, log, connectionsMax: config.connectionsMax });
    const sqlAddr = await pg.listen(config.sqlAddr.host, config.sqlAddr.port);
    cleanups.push({
      name: 'pgwire',
      fn: () => pg.shutdown({ ...defaultDrainOptions, statementWaitMs: config.drainStatementWaitMs }),
    });
    state = 'serving';
    log.info('serving', {
      sqlAddr: `${sqlAddr.address}:${sqlAddr.port}`,
      httpAddr: `${httpAddr.address}:${httpAddr.port}`,
      dataDir: config.dataDir,
      nodeId: config.nodeId ?? null,
      peerAddr: `${config.peerAddr.host}:${config.peerAddr.port}`,
    });
    return {
      sqlAddr: { host: sqlAddr.address, port: sqlAddr.port },
      httpAddr: { host: httpAddr.address, port: httpAddr.port },
      state: () => state,
      stop,
      stopped,
      metrics,
    };
  } catch (err) {
    state = 'draining';
    await runCleanups();
    throw err;
  }
}

function authConfig(config: NodeConfig): AuthConfig {
  const auth = config.auth;
  switch (auth.kind) {
    case 'trust':
      return { kind: 'trust' };
    case 'scram':
      return { kind: 'scram', bootstrapUser: auth.user, bootstrapSecret: makeScramSecret(auth.password) };
    default:
      return assertNever(auth, 'auth');
  }
}

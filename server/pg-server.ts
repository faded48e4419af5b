/**
 * The pgwire listener: accepts sockets, owns the set of connections, admission
 * (connectionsMax, draining), cancel keys, and the drain sequence used at shutdown.
 */
import net from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { assert } from '../util/assert.js';
import { SqlError, SqlState } from '../util/errors.js';
import type { Engine } from '../sql/session-api.js';
import {
  abortReasons,
  Connection,
  defaultConnectionLimits,
  type AuthConfig,
  type ConnectionHost,
  type ConnectionLimits,
} from './connection.js';
import type { Logger } from './log.js';
import type { ServerMetrics } from './metrics.js';

export interface PgServerOptions {
  readonly engine: Engine;
  readonly auth: AuthConfig;
  readonly metrics: ServerMetrics;
  readonly log: Logger;
  /** Sessions at once; the next client gets FATAL 53300. */
  readonly connectionsMax: number;
  readonly limits?: Partial<ConnectionLimits>;
}

export const connectionsMaxDefault = 100;
/** Sockets still in startup, beyond connectionsMax, before the kernel-level accept is refused. */
export const startupSocketsSlack = 100;

export interface DrainOptions {
  /** Running statements may finish within this time... */
  readonly statementWaitMs: number;
  /** ...then they are cancelled and get this long to unwind before sessions are closed. */
  readonly cancelWaitMs: number;
  /** Bound on waiting for sessions to close (rollback) after terminate. */
  readonly closeWaitMs: number;
}

export const defaultDrainOptions: DrainOptions = { statementWaitMs: 10_000, cancelWaitMs: 2_000, closeWaitMs: 5_000 };

export class PgServer implements ConnectionHost {
  readonly engine: Engine;
  readonly auth: AuthConfig;
  readonly limits: ConnectionLimits;
  readonly metrics: ServerMetrics;
  readonly log: Logger;
  private readonly connectionsMax: number;
  private readonly server: net.Server;
  private readonly connections = new Set<Connection>();
  private admittedCount = 0;
  private readonly cancelKeys = new Map<number, { secret: number; conn: Connection }[]>();
  private draining = false;
  private changeWaiters: (() => void)[] = [];

  constructor(opts: PgServerOptions) {
    assert(opts.connectionsMax > 0, 'connectionsMax > 0');
    this.engine = opts.engine;
    this.auth = opts.auth;
    this.metrics = opts.metrics;
    this.log = opts.log;
    this.connectionsMax = opts.connectionsMax;
    this.limits = { ...defaultConnectionLimits, ...opts.limits };
    // Half-open: a client may send its last messages and shut its write side while it still
    // reads our answers; the connection ends the socket itself when it is done.
    this.server = net.createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
    this.server.maxConnections = opts.connectionsMax + startupSocketsSlack;
  }

  async listen(host: string, port: number): Promise<net.AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host, port }, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const addr = this.server.address();
    assert(addr !== null && typeof addr === 'object', 'listening on TCP');
    return addr;
  }

  get openConnections(): number {
    return this.connections.size;
  }

  get runningStatements(): number {
    let n = 0;
    for (const c of this.connections) if (c.busy) n++;
    return n;
  }

  private accept(socket: net.Socket): void {
    const conn = new Connection(socket, this);
    this.connections.add(conn);
  }

  // --- ConnectionHost -----------------------------------------------------------------------

  admit(_conn: Connection): SqlError | undefined {
    if (this.draining) return new SqlError(SqlState.cannotConnectNow, 'the database system is shutting down', { severity: 'FATAL' });
    if (this.admittedCount >= this.connectionsMax) {
      return new SqlError(SqlState.tooManyConnections, 'sorry, too many clients already', { severity: 'FATAL' });
    }
    this.admittedCount++;
    this.metrics.connections.inc();
    return undefined;
  }

  registerCancelKey(conn: Connection, pid: number, secret: number): void {
    const list = this.cancelKeys.get(pid) ?? [];
    list.push({ secret, conn });
    this.cancelKeys.set(pid, list);
  }

  cancel(pid: number, secret: number): void {
    const list = this.cancelKeys.get(pid);
    const want = Buffer.alloc(4);
    want.writeInt32BE(secret);
    for (const entry of list ?? []) {
      const have = Buffer.alloc(4);
      have.writeInt32BE(entry.secret);
      if (timingSafeEqual(want, have)) {
        this.log.debug('cancel request', { pid });
        entry.conn.cancel();
        return;
      }
    }
    this.log.info('cancel request did not match any session', { pid });
  }

  release(conn: Connection, admitted: boolean): void {
    if (!this.connections.delete(conn)) return;
    if (admitted) {
      this.admittedCount--;
      this.metrics.connections.dec();
    }
    for (const [pid, list] of this.cancelKeys) {
      const rest = list.filter((e) => e.conn !== conn);
      if (rest.length === 0) this.cancelKeys.delete(pid);
      else if (rest.length !== list.length) this.cancelKeys.set(pid, rest);
    }
  }

  notifyChange(): void {
    if (this.changeWaiters.length === 0) return; // every call ends here: keep it allocation-free
    const waiters = this.changeWaiters;
    this.changeWaiters = [];
    for (const w of waiters) w();
  }

  // --- drain --------------------------------------------------------------------------------

  /** New clients get FATAL 57P03 from now on; sessions that exist keep working. */
  beginDrain(): void {
    this.draining = true;
  }

  /**
   * Drain: refuse new clients, let running statements finish within statementWaitMs, cancel
   * the rest, terminate every session (FATAL 57P01, rollback), then stop listening.
   */
  async shutdown(opts: DrainOptions = defaultDrainOptions): Promise<void> {
    this.beginDrain();
    const start = Date.now();
    if (!(await this.waitUntil(() => this.runningStatements === 0, start + opts.statementWaitMs))) {
      this.log.warn('cancelling running statements', { running: this.runningStatements, statementWaitMs: opts.statementWaitMs });
      for (const c of this.connections) c.cancel(abortReasons.shutdown());
      await this.waitUntil(() => this.runningStatements === 0, Date.now() + opts.cancelWaitMs);
    }
    for (const c of this.connections) c.terminate();
    if (!(await this.waitUntil(() => this.connections.size === 0, Date.now() + opts.closeWaitMs))) {
      this.log.warn('sessions still open after drain', { open: this.connections.size });
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** True when cond() held before the deadline (epoch ms); wakes on every notifyChange(). */
  private async waitUntil(cond: () => boolean, deadlineMs: number): Promise<boolean> {
    for (;;) {
      if (cond()) return true;
      const left = deadlineMs - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.changeWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

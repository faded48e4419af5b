/**
 * executeQuery's cursor: takes the SHARED table locks (once per transaction and table), then
 * pulls rows from the plan. DML runs to completion on the first fetch (like PostgreSQL, the
 * command's effects do not depend on how many RETURNING rows the client fetches). A primary-key
 * point lookup skips the generator pipeline (point-lookup.ts).
 */
import type { Txn } from '../../cluster/kv/api.js';
import { assert } from '../../util/assert.js';
import type { Datum } from '../types/index.js';
import type { ExecContext, Execution, PreparedQuery } from '../plan/api.js';
import type { Env, NodeStats } from './expr.js';
import { tableLockKey } from './keys.js';
import { checkAbort, run } from './run.js';
import { runPointLookup } from './point-lookup.js';

/** Tables already locked SHARED per transaction. */
const lockedTables = new WeakMap<Txn, Set<number>>();

/** Lock keys of tables, computed once per oid (every statement locks its tables). */
const lockKeys = new Map<number, Uint8Array>();
/** Oids whose lock key is remembered; past it the memo starts over (dropped tables leave entries). */
export const lockKeyMemoEntriesMax = 10_000;

function lockKeyOf(oid: number): Uint8Array {
  let k = lockKeys.get(oid);
  if (k === undefined) {
    if (lockKeys.size >= lockKeyMemoEntriesMax) lockKeys.clear();
    k = tableLockKey(oid);
    lockKeys.set(oid, k);
  }
  return k;
}

/** Takes the SHARED locks not yet held by the transaction; undefined (no await) when all are. */
export function lockTablesShared(tables: readonly number[], ctx: ExecContext): Promise<void> | undefined {
  let held = lockedTables.get(ctx.txn);
  if (held === undefined) {
    held = new Set();
    lockedTables.set(ctx.txn, held);
  }
  for (let i = 0; i < tables.length; i++) {
    if (!held.has(tables[i]!)) return lockRemaining(tables, i, held, ctx);
  }
  return undefined;
}

async function lockRemaining(tables: readonly number[], from: number, held: Set<number>, ctx: ExecContext): Promise<void> {
  for (let i = from; i < tables.length; i++) {
    const oid = tables[i]!;
    if (held.has(oid)) continue;
    // The lock orders DML against DDL; its value is not needed (READ COMMITTED then skips the read).
    await ctx.txn.lock(lockKeyOf(oid), { mode: 'shared', signal: ctx.signal, lockTimeoutMs: ctx.session.lockTimeoutMs, readValue: false });
    held.add(oid);
  }
}

export function newEnv(params: readonly Datum[], ctx: ExecContext, stats?: Map<object, NodeStats>): Env {
  return { params, outer: [], ctx, asyncValues: new Map(), initRows: new Map(), affected: 0, stats };
}

export class QueryExecution implements Execution {
  private started = false;
  private iterator: AsyncGenerator<Datum[]> | null = null;
  private buffered: Datum[][] | null = null;
  private finished = false;
  private returned = 0;
  private readonly env: Env;

  constructor(
    private readonly q: PreparedQuery,
    params: readonly Datum[],
    private readonly ctx: ExecContext,
    stats?: Map<object, NodeStats>,
  ) {
    this.env = newEnv(params, ctx, stats);
  }

  get done(): boolean {
    return this.finished;
  }

  get rowCount(): number {
    return this.q.commandTag === 'SELECT' ? this.returned : this.env.affected;
  }

  async fetch(maxRows: number): Promise<readonly Datum[][]> {
    if (this.finished) return [];
    const limit = maxRows <= 0 ? Infinity : maxRows;
    if (!this.started) {
      this.started = true;
      const locking = lockTablesShared(this.q.tables, this.ctx);
      if (locking !== undefined) await locking;
      const point = this.q.commandTag === 'SELECT' ? runPointLookup(this.q.plan, this.env) : undefined;
      if (point !== undefined) {
        this.buffered = point instanceof Promise ? await point : point;
      } else {
        this.iterator = run(this.q.plan, this.env);
        if (this.q.commandTag !== 'SELECT') {
          const rows: Datum[][] = [];
          for await (const r of this.iterator) rows.push(r);
          this.buffered = rows;
        }
      }
    }
    if (this.buffered !== null) {
      const out = this.buffered.splice(0, limit === Infinity ? this.buffered.length : limit);
      // A SELECT that filled the caller's row limit is not known to be finished (PostgreSQL answers
      // PortalSuspended then, even when no row is left), as on the generator path.
      if (this.buffered.length === 0 && (this.q.commandTag !== 'SELECT' || out.length < limit)) this.finished = true;
      if (this.q.commandTag === 'SELECT') this.returned += out.length;
      return out;
    }
    assert(this.iterator !== null, 'query started without rows or an iterator');
    const out: Datum[][] = [];
    while (out.length < limit) {
      checkAbort(this.env);
      const r = await this.iterator.next();
      if (r.done === true) {
        this.finished = true;
        break;
      }
      out.push(r.value);
    }
    this.returned += out.length;
    return out;
  }

  async close(): Promise<void> {
    this.finished = true;
    if (this.iterator !== null) await this.iterator.return(undefined);
    this.buffered = null;
  }
}

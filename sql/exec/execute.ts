/**
 * executeQuery's cursor: takes the SHARED table locks (once per transaction and table), then
 * pulls rows from the plan. DML runs to completion on the first fetch (like PostgreSQL, the
 * command's effects do not depend on how many RETURNING rows the client fetches).
 */
import type { Txn } from '../../cluster/kv/api.js';
import type { Datum } from '../types/index.js';
import type { ExecContext, Execution, PreparedQuery } from '../plan/api.js';
import type { Env, NodeStats } from './expr.js';
import { tableLockKey } from './keys.js';
import { checkAbort, run } from './run.js';

/** Tables already locked SHARED per transaction. */
const lockedTables = new WeakMap<Txn, Set<number>>();

export async function lockTablesShared(tables: readonly number[], ctx: ExecContext): Promise<void> {
  let held = lockedTables.get(ctx.txn);
  if (held === undefined) {
    held = new Set();
    lockedTables.set(ctx.txn, held);
  }
  for (const oid of tables) {
    if (held.has(oid)) continue;
    // The lock orders DML against DDL; its value is not needed (READ COMMITTED then skips the read).
    await ctx.txn.lock(tableLockKey(oid), { mode: 'shared', signal: ctx.signal, lockTimeoutMs: ctx.session.lockTimeoutMs, readValue: false });
    held.add(oid);
  }
}

export function newEnv(params: readonly Datum[], ctx: ExecContext, stats?: Map<object, NodeStats>): Env {
  return { params, outer: [], ctx, asyncValues: new Map(), initRows: new Map(), affected: 0, stats };
}

export class QueryExecution implements Execution {
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
    if (this.iterator === null) {
      await lockTablesShared(this.q.tables, this.ctx);
      this.iterator = run(this.q.plan, this.env);
      if (this.q.commandTag !== 'SELECT') {
        const rows: Datum[][] = [];
        for await (const r of this.iterator) rows.push(r);
        this.buffered = rows;
      }
    }
    if (this.buffered !== null) {
      const out = this.buffered.splice(0, limit === Infinity ? this.buffered.length : limit);
      if (this.buffered.length === 0) this.finished = true;
      return out;
    }
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

/**
 * LockRows (SELECT ... FOR UPDATE / NO KEY UPDATE / SHARE / KEY SHARE): each input row locks the
 * primary key of every locked table through txn.lock (waits, honours lock_timeout and cancel,
 * detects deadlocks). NOWAIT fails with 55P03, SKIP LOCKED drops the row. Under READ COMMITTED
 * the lock returns the newest committed version: a row deleted meanwhile is dropped, a row
 * changed meanwhile replaces the scanned one and WHERE is re-checked on it (EvalPlanQual), as
 * PostgreSQL does. Under REPEATABLE READ / SERIALIZABLE a newer version is 40001 (from the KV).
 */
import type { LockOptions, LockResult } from '../../cluster/kv/api.js';
import { SqlError, SqlState } from '../../util/errors.js';
import type { Datum } from '../types/index.js';
import type { LockRowsPlan, LockTarget } from '../plan/locking.js';
import { assertNever } from '../../util/assert.js';
import { compiled, evaluate, isTrue, type Env } from './expr.js';
import { checkAbort, run } from './run.js';
import { decodeTableRow, encodeRowValue, primaryKeyOf, tableCodec } from './table.js';

type Row = Datum[];

function lockOptions(t: LockTarget, env: Env): LockOptions {
  const base = {
    signal: env.ctx.signal,
    lockTimeoutMs: env.ctx.session.lockTimeoutMs,
    mode: t.strength === 'update' || t.strength === 'no key update' ? ('exclusive' as const) : ('shared' as const),
  };
  switch (t.waitPolicy) {
    case 'block':
      return base;
    case 'nowait':
      return { ...base, nowait: true };
    case 'skip locked':
      return { ...base, skipLocked: true };
    default:
      return assertNever(t.waitPolicy, 'lock wait policy');
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** NOWAIT's 55P03 names the relation, as PostgreSQL's "could not obtain lock on row in relation". */
async function lockRow(key: Uint8Array, opts: LockOptions, t: LockTarget, env: Env): Promise<LockResult> {
  try {
    return await env.ctx.txn.lock(key, opts);
  } catch (e) {
    if (opts.nowait === true && e instanceof SqlError && e.code === SqlState.lockNotAvailable && e.message === 'could not obtain lock on row') {
      throw new SqlError(SqlState.lockNotAvailable, `could not obtain lock on row in relation "${t.table.name}"`);
    }
    throw e;
  }
}

export async function* runLockRows(p: LockRowsPlan, env: Env): AsyncGenerator<Row> {
  const targets = p.targets.map((t) => ({ t, codec: tableCodec(t.table, env.ctx.catalog), opts: lockOptions(t, env) }));
  const recheck = p.recheck === null ? null : compiled(p.recheck);
  next: for await (const input of run(p.input, env)) {
    checkAbort(env);
    let row = input;
    let changed = false;
    for (const { t, codec, opts } of targets) {
      const scanned = row.slice(t.offset, t.offset + codec.width);
      const key = primaryKeyOf(codec, scanned);
      const r = await lockRow(key, opts, t, env);
      if (r.kind === 'skipped') continue next;
      if (r.value === undefined) continue next; // deleted before we got the lock
      if (sameBytes(r.value, encodeRowValue(codec, scanned))) continue;
      const current = decodeTableRow(codec, key, r.value);
      if (!changed) row = row.slice();
      changed = true;
      for (let i = 0; i < current.length; i++) row[t.offset + i] = current[i]!;
    }
    if (changed && recheck !== null && !isTrue(await evaluate(recheck, row, env))) continue;
    yield row;
  }
}

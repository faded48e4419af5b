/**
 * pg_locks from the node's lock table (cluster/kv/lock-table.ts). nodedb has two kinds of lock,
 * told apart by their key:
 *  - a table's descriptor key (catalog/keys.ts tableLockKey): every statement takes it SHARED for
 *    the rest of its transaction, DDL EXCLUSIVE — locktype 'relation', AccessShareLock /
 *    AccessExclusiveLock (the pair that conflicts exactly as SHARED / EXCLUSIVE do);
 *  - a row key of a user table (/<tableOid>/<indexId>/...): FOR UPDATE / FOR SHARE and writes —
 *    locktype 'tuple', ExclusiveLock / ShareLock. nodedb rows have no ctid, so page and tuple are
 *    NULL.
 * Each lock belongs to a KV transaction, mapped to the backend pid whose open transaction it is;
 * internal owners (sequence updates) are no backend's and are not shown. waitstart is when a
 * waiter started waiting, NULL for granted locks, as in PostgreSQL.
 */
import { decodeUvarintSortable } from '../sql/encoding/key.js';
import { firstUserOid, SystemTableId } from '../catalog/descriptors.js';
import { SqlError, SqlState } from '../util/errors.js';
import type { LockSnapshotEntry } from '../cluster/kv/lock-table.js';
import type { GenContext, VirtualRow } from './common.js';

/** Milliseconds from the Unix epoch to PostgreSQL's (2000-01-01 UTC). */
const pgEpochUnixMs = 946_684_800_000;

type LockTarget = { readonly kind: 'relation'; readonly oid: number } | { readonly kind: 'tuple'; readonly oid: number };

/** What a lock key locks, or undefined for keys no SQL object stands for. */
function lockTarget(key: Uint8Array): LockTarget | undefined {
  const table = decodeUvarintSortable(key, 0);
  if (table.value === SystemTableId.descriptors) {
    const index = decodeUvarintSortable(key, table.next);
    const oid = decodeUvarintSortable(key, index.next);
    return { kind: 'relation', oid: oid.value };
  }
  if (table.value >= firstUserOid) return { kind: 'tuple', oid: table.value };
  return undefined;
}

function lockMode(target: LockTarget, mode: LockSnapshotEntry['mode']): string {
  if (target.kind === 'relation') return mode === 'shared' ? 'AccessShareLock' : 'AccessExclusiveLock';
  return mode === 'shared' ? 'ShareLock' : 'ExclusiveLock';
}

export function pgLocks(ctx: GenContext): VirtualRow[] {
  const { locks, activity } = ctx.session;
  if (locks === undefined || activity === undefined) throw new SqlError(SqlState.featureNotSupported, 'pg_locks is not available in this context');
  const pidByTxn = new Map<string, number>();
  for (const a of activity()) if (a.kvTxnId !== undefined) pidByTxn.set(a.kvTxnId, a.pid);
  const dbOid = ctx.catalog.database().oid;
  const rows: VirtualRow[] = [];
  for (const l of locks()) {
    const pid = pidByTxn.get(l.owner);
    const target = lockTarget(l.key);
    if (pid === undefined || target === undefined) continue;
    rows.push({
      locktype: target.kind,
      database: dbOid,
      relation: target.oid,
      pid,
      mode: lockMode(target, l.mode),
      granted: l.granted,
      fastpath: false,
      waitstart: l.waitStartMs === null ? null : BigInt(l.waitStartMs - pgEpochUnixMs) * 1000n,
    });
  }
  return rows;
}

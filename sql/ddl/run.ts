/**
 * One DDL statement's working state: the overlay as ops are applied one by one, the ops to
 * buffer, the notices, exclusive table locks, and the data cleanup (DROP/TRUNCATE key ranges)
 * computed by diffing the catalog before and after.
 */
import type { Oid, TableDescriptor } from '../../catalog/descriptors.js';
import { sequenceValueKey, tableLockKey } from '../../catalog/keys.js';
import { applyOpWithNotices, type DdlOp } from '../../catalog/ops.js';
import type { CatalogState } from '../../catalog/state.js';
import { allocateOids } from '../../catalog/store.js';
import { assert } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { indexPrefix, prefixEnd, tablePrefix } from '../encoding/key.js';
import type { NoticeFields } from '../session-api.js';
import type { DdlContext, DdlResult } from './context.js';

/** Bound on ops one statement may produce (ALTER TABLE with many commands, CASCADE). */
export const statementDdlOpsMax = 10_000;
/** Oids one counter update reserves for a statement (CREATE TABLE with serial, PK, UNIQUE uses ~6). */
export const oidBlockSize = 8;

export class DdlRun {
  state: CatalogState;
  readonly ops: DdlOp[] = [];
  readonly notices: NoticeFields[] = [];
  private readonly locked = new Set<Oid>();
  private oidNext = 0;
  private oidEnd = 0;

  constructor(readonly ctx: DdlContext) {
    this.state = ctx.catalog;
  }

  /** Applies `op` to the overlay and buffers it; returns the new state. */
  apply(op: DdlOp): CatalogState {
    const r = applyOpWithNotices(this.state, op);
    this.state = r.state;
    this.ops.push(op);
    assert(this.ops.length <= statementDdlOpsMax, 'too many ops in one statement');
    for (const n of r.notices) this.notices.push({ severity: 'NOTICE', code: n.code, message: n.message, ...(n.detail !== undefined ? { detail: n.detail } : {}) });
    return r.state;
  }

  notice(code: string, message: string): void {
    this.notices.push({ severity: 'NOTICE', code, message });
  }

  /** EXCLUSIVE lock on the table's lock key until the transaction ends (waits for its readers/writers). */
  async lockTable(oid: Oid): Promise<void> {
    if (this.locked.has(oid)) return;
    const r = await this.ctx.txn.lock(tableLockKey(oid), { ...this.ctx.lockOptions, mode: 'exclusive' });
    assert(r.kind === 'locked', 'DDL locks never skip');
    this.locked.add(oid);
  }

  /**
   * A fresh oid from the cluster-wide counter (see catalog/keys.ts oidCounterKey), taken in
   * blocks of oidBlockSize per statement (one durable counter update instead of one per object;
   * unused oids are skipped, as PostgreSQL skips oids of rolled-back work).
   */
  async allocOid(): Promise<Oid> {
    if (this.oidNext === this.oidEnd) {
      this.oidNext = await allocateOids(this.ctx.kv, this.state.nextOid, oidBlockSize);
      this.oidEnd = this.oidNext + oidBlockSize;
    }
    assert(this.oidNext < this.oidEnd, 'oid block');
    return this.oidNext++;
  }

  /** The current user's role oid (owner of created objects). */
  ownerOid(): Oid {
    const role = this.state.roleByNameOrUndefined(this.ctx.user);
    if (role === undefined) throw new SqlError(SqlState.undefinedObject, `role "${this.ctx.user}" does not exist`);
    return role.oid;
  }

  table(oid: Oid): TableDescriptor {
    return this.state.mustTable(oid);
  }

  /** Deletes the data of tables, indexes and sequences the statement dropped, then the result. */
  finish(commandTag: string): DdlResult {
    this.deleteDroppedData();
    return { ops: this.ops, state: this.state, commandTag, notices: this.notices };
  }

  private deleteDroppedData(): void {
    const before = this.ctx.catalog;
    const after = this.state;
    const txn = this.ctx.txn;
    for (const t of before.tables()) {
      const now = after.table(t.oid);
      if (now === undefined) {
        const start = tablePrefix(t.oid);
        txn.deleteRange({ start, end: prefixEnd(start) });
        if (t.rowidAttnum !== undefined) txn.delete(sequenceValueKey(t.oid));
        continue;
      }
      for (const i of t.indexes) {
        if (now.indexes.some((x) => x.indexId === i.indexId)) continue;
        const start = indexPrefix(t.oid, i.indexId);
        txn.deleteRange({ start, end: prefixEnd(start) });
      }
    }
    for (const s of before.sequences()) {
      if (after.sequence(s.oid) === undefined) txn.delete(sequenceValueKey(s.oid));
    }
  }
}

/**
 * FOREIGN KEY enforcement, as PostgreSQL's RI triggers do it: every row a DML statement writes
 * queues an event, and the queue runs when the statement's own rows are written (end of
 * statement, so rows of one statement may reference each other).
 *
 * - Referencing side (INSERT, UPDATE changing the key): the referenced key is looked up through
 *   the referenced table's unique index (conindid) and its row is locked SHARED through
 *   txn.lock (the FOR KEY SHARE of PostgreSQL's check query). A DELETE/UPDATE of that parent
 *   row locks it EXCLUSIVE first, so the two order: the child waits for the parent's
 *   transaction (and then finds the row gone: 23503), or the parent waits for the child's and
 *   then sees the new child row when it looks for references.
 * - Referenced side (DELETE, UPDATE changing the key): NO ACTION (unless the key is present
 *   again at the end of the statement) and RESTRICT fail with 23503 when a row still
 *   references the old key; CASCADE / SET NULL / SET DEFAULT change the referencing rows
 *   through table.ts with their NOT NULL / CHECK / unique constraints, and queue their own
 *   events, so actions cascade through further foreign keys.
 * Referencing rows are found through an index whose leading columns are the foreign key's
 * columns when there is one, else by a scan. Before the referenced-side work the statement
 * takes a fresh READ COMMITTED snapshot (txn.stepStatement), as PostgreSQL's RI queries do,
 * so a referencing row committed while the statement waited for a row lock is seen.
 */
import type { Txn } from '../../cluster/kv/api.js';
import type { ConstraintDescriptor, IndexDescriptor, Oid, TableDescriptor } from '../../catalog/descriptors.js';
import type { CatalogState } from '../../catalog/state.js';
import { assert, assertNever } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { bindChecks, bindGenerated, defaultFor } from '../bind/dml.js';
import type { NewForeignKeyShape } from '../ddl/context.js';
import { encodeIndexKey, encodeKeyPart, KeyWriter, prefixEnd, type KeyColumn } from '../encoding/key.js';
import type { ExecContext } from '../plan/api.js';
import type { CheckConstraint, GeneratedColumn } from '../plan/plan.js';
import { newBinder } from '../plan/prepare.js';
import { formatText, Oid as TypeOid, type Datum, type FormatContext, type SqlType } from '../types/index.js';
import { compiled, evaluate, type Compiled, type Env } from './expr.js';
import { lockTablesShared, newEnv } from './execute.js';
import { checkAbort, computeGenerated, validateRow, writeOptions } from './run.js';
import {
  decodeIndexEntry,
  decodeTableRow,
  deleteRow,
  primaryKeyFromValues,
  primaryKeyOf,
  scanTableRows,
  tableCodec,
  updateRow,
  type TableCodec,
} from './table.js';

type Row = Datum[];
export type ForeignKey = Extract<ConstraintDescriptor, { kind: 'foreignKey' }>;

/** Bound on queued events of one statement (cascades included): a runaway cascade is a bug. */
const fkEventsPerStatementMax = 50_000_000;
/** Bound on the checks INITIALLY DEFERRED keys leave for COMMIT in one transaction. */
const deferredChecksPerTxnMax = 50_000_000;

/**
 * A NO ACTION check of an INITIALLY DEFERRED key, run at COMMIT on what the transaction left:
 * the referencing row (by primary key) is re-read, the referenced key re-looked-up.
 */
type DeferredCheck =
  | { readonly kind: 'check'; readonly tableOid: Oid; readonly fkOid: Oid; readonly rowKey: Uint8Array }
  | { readonly kind: 'referenced'; readonly parentOid: Oid; readonly fkOid: Oid; readonly oldKey: readonly Datum[] };

const deferredByTxn = new WeakMap<Txn, DeferredCheck[]>();

function deferCheck(txn: Txn, c: DeferredCheck): void {
  let list = deferredByTxn.get(txn);
  if (list === undefined) deferredByTxn.set(txn, (list = []));
  assert(list.length < deferredChecksPerTxnMax, 'deferred foreign key checks exceed deferredChecksPerTxnMax');
  list.push(c);
}

/** Whether COMMIT of `txn` has deferred foreign key checks to run (runDeferredForeignKeyChecks). */
export function hasDeferredForeignKeyChecks(txn: Txn): boolean {
  return (deferredByTxn.get(txn)?.length ?? 0) > 0;
}

/** COMMIT: the INITIALLY DEFERRED checks, on a fresh snapshot; 23503 as at statement end. */
export async function runDeferredForeignKeyChecks(ctx: ExecContext): Promise<void> {
  const list = deferredByTxn.get(ctx.txn);
  if (list === undefined) return;
  deferredByTxn.delete(ctx.txn);
  ctx.txn.stepStatement();
  const env = newEnv([], ctx);
  const state = ctx.catalog;
  const q = new FkQueue(env, state);
  for (const c of list) {
    checkAbort(env);
    switch (c.kind) {
      case 'check': {
        const table = state.table(c.tableOid);
        const fk = table?.constraints.find((x): x is ForeignKey => x.kind === 'foreignKey' && x.oid === c.fkOid);
        if (table === undefined || fk === undefined) continue;
        const codec = tableCodec(table, state);
        const value = await ctx.txn.get(c.rowKey);
        if (value === undefined) continue;
        await lockTablesShared([fk.refTableOid], ctx);
        await checkReferencingRow(env, state, table, fk, decodeTableRow(codec, c.rowKey, value), true);
        break;
      }
      case 'referenced':
        await q.recheckReferenced(c.parentOid, c.fkOid, c.oldKey);
        break;
      default:
        assertNever(c, 'deferred foreign key check');
    }
  }
}

/** A foreign key of `child` that references the table in question. */
interface IncomingFk {
  readonly childOid: Oid;
  readonly fk: ForeignKey;
}

const incomingCache = new WeakMap<CatalogState, Map<Oid, IncomingFk[]>>();

/** Foreign keys (of any table, this one included) that reference `tableOid`. */
function incomingOf(state: CatalogState, tableOid: Oid): readonly IncomingFk[] {
  let m = incomingCache.get(state);
  if (m === undefined) {
    m = new Map();
    for (const t of state.tables()) {
      for (const c of t.constraints) {
        if (c.kind !== 'foreignKey') continue;
        let list = m.get(c.refTableOid);
        if (list === undefined) m.set(c.refTableOid, (list = []));
        list.push({ childOid: t.oid, fk: c });
      }
    }
    incomingCache.set(state, m);
  }
  return m.get(tableOid) ?? [];
}

function outgoingOf(table: TableDescriptor): ForeignKey[] {
  return table.constraints.filter((c): c is ForeignKey => c.kind === 'foreignKey');
}

function slotOf(table: TableDescriptor, attnum: number): number {
  const slot = table.columns.findIndex((c) => c.attnum === attnum);
  assert(slot >= 0, `attnum ${attnum} not in ${table.name}`);
  return slot;
}

function columnOf(table: TableDescriptor, attnum: number): { name: string; type: SqlType } {
  return table.columns[slotOf(table, attnum)]!;
}

/**
 * `d` (of type `from`) as a value of type `to` for key lookups; undefined when no value of
 * `to` equals it (an int8 beyond int4's range). Types are compatible (foreignKeyTypesCompatible).
 */
function convertKeyDatum(d: Datum, from: SqlType, to: SqlType): Datum | undefined {
  if (d === null || from.oid === to.oid) return d;
  switch (to.oid) {
    case TypeOid.int2:
    case TypeOid.int4: {
      const n = typeof d === 'bigint' ? Number(d) : (d as number);
      const max = to.oid === TypeOid.int2 ? 32767 : 2147483647;
      return n >= -max - 1 && n <= max ? n : undefined;
    }
    case TypeOid.int8:
      return typeof d === 'bigint' ? d : BigInt(d as number);
    case TypeOid.float4: {
      const f = Math.fround(d as number);
      return f === d || Number.isNaN(d) ? f : undefined;
    }
    default:
      return d;
  }
}

function keyBytes(types: readonly SqlType[], values: readonly Datum[]): string {
  const w = new KeyWriter();
  types.forEach((t, i) => encodeKeyPart(w, t, values[i]!, 'asc', 'last'));
  return Buffer.from(w.finish()).toString('hex');
}

function formatValues(types: readonly SqlType[], values: readonly Datum[], fmt: FormatContext): string {
  return values.map((v, i) => (v === null ? 'null' : formatText(types[i]!, v, fmt))).join(', ');
}

function schemaOf(state: CatalogState, t: TableDescriptor): string {
  return state.schema(t.schemaOid)?.name ?? '';
}

// ─── the referenced key of a referencing row ──────────────────────────────────────────────

function referencedIndex(parent: TableDescriptor, fk: NewForeignKeyShape): IndexDescriptor {
  const index = [parent.primaryIndex, ...parent.indexes].find((i) => i.oid === fk.indexOid);
  assert(index !== undefined, `index ${fk.indexOid} of foreign key ${fk.name}`);
  return index;
}

/**
 * Whether the parent row with key `values` (in `fk.attnums` order, child types) exists; locks it
 * SHARED when `lock` (referencing-side checks), reads the latest committed version either way.
 */
async function parentKeyPresent(
  env: Env,
  state: CatalogState,
  child: TableDescriptor,
  fk: NewForeignKeyShape,
  values: readonly Datum[],
  lock: boolean,
): Promise<boolean> {
  const parent = state.table(fk.refTableOid);
  assert(parent !== undefined, `referenced table ${fk.refTableOid}`);
  const codec = tableCodec(parent, state);
  const index = referencedIndex(parent, fk);
  const keyValues: Datum[] = [];
  for (const k of index.columns) {
    const j = fk.refAttnums.indexOf(k.attnum);
    assert(j >= 0, 'referenced index column outside the key');
    const v = convertKeyDatum(values[j]!, columnOf(child, fk.attnums[j]!).type, columnOf(parent, k.attnum).type);
    if (v === undefined) return false;
    keyValues.push(v);
  }
  const txn = env.ctx.txn;
  const read = async (key: Uint8Array): Promise<Uint8Array | undefined> => {
    if (!lock) return txn.get(key);
    const r = await txn.lock(key, { mode: 'shared', signal: env.ctx.signal, lockTimeoutMs: env.ctx.session.lockTimeoutMs });
    assert(r.kind === 'locked', 'key share locks never skip');
    return r.value;
  };
  if (index.indexId === 1) return (await read(primaryKeyFromValues(codec, keyValues))) !== undefined;
  const ic = codec.secondaries.find((s) => s.index.oid === index.oid);
  assert(ic !== undefined, 'codec of the referenced index');
  const entryKey = encodeIndexKey(parent.oid, index.indexId, ic.keyColumns, keyValues);
  const entry = await read(entryKey);
  if (entry === undefined) return false;
  const { pkValues } = decodeIndexEntry(codec, ic, entryKey, entry);
  const rowKey = primaryKeyFromValues(codec, pkValues);
  const rowValue = await read(rowKey);
  if (rowValue === undefined) return false;
  // The row may have changed its key while we waited for the lock.
  const row = decodeTableRow(codec, rowKey, rowValue);
  const types = index.columns.map((k) => columnOf(parent, k.attnum).type);
  return keyBytes(types, index.columns.map((k) => row[slotOf(parent, k.attnum)]!)) === keyBytes(types, keyValues);
}

/** Checks one referencing row: 23503 when its (non-null) key is absent from the referenced table. */
async function checkReferencingRow(env: Env, state: CatalogState, child: TableDescriptor, fk: NewForeignKeyShape, row: readonly Datum[], lock: boolean): Promise<void> {
  const values = fk.attnums.map((a) => row[slotOf(child, a)]!);
  const nulls = values.filter((v) => v === null).length;
  const violation = (detail: string): SqlError =>
    new SqlError(SqlState.foreignKeyViolation, `insert or update on table "${child.name}" violates foreign key constraint "${fk.name}"`, {
      detail,
      schema: schemaOf(state, child),
      table: child.name,
      constraint: fk.name,
    });
  if (nulls === values.length) return;
  if (nulls > 0) {
    if (fk.match === 'full') throw violation('MATCH FULL does not allow mixing of null and nonnull key values.');
    return;
  }
  if (await parentKeyPresent(env, state, child, fk, values, lock)) return;
  const parent = state.table(fk.refTableOid)!;
  const types = fk.attnums.map((a) => columnOf(child, a).type);
  const names = fk.attnums.map((a) => columnOf(child, a).name).join(', ');
  throw violation(`Key (${names})=(${formatValues(types, values, env.ctx.eval)}) is not present in table "${parent.name}".`);
}

/** ALTER TABLE ADD FOREIGN KEY: every existing row of `child` must reference a present key. */
export async function validateForeignKeyRows(env: Env, state: CatalogState, child: TableDescriptor, fk: NewForeignKeyShape): Promise<void> {
  for await (const row of scanTableRows(env.ctx.txn, tableCodec(child, state), env.ctx.signal)) {
    await checkReferencingRow(env, state, child, fk, row, false);
  }
}

// ─── the referencing rows of a referenced key ─────────────────────────────────────────────

/** Rows of `child` whose `fk` columns equal `key` (child types, fk.attnums order): latest snapshot. */
async function referencingRows(env: Env, state: CatalogState, child: TableDescriptor, fk: ForeignKey, key: readonly Datum[]): Promise<Row[]> {
  const codec = tableCodec(child, state);
  const types = fk.attnums.map((a) => columnOf(child, a).type);
  const want = keyBytes(types, key);
  const matches = (row: readonly Datum[]): boolean => keyBytes(types, fk.attnums.map((a) => row[slotOf(child, a)]!)) === want;
  const n = fk.attnums.length;
  const usable = [child.primaryIndex, ...child.indexes].find(
    (i) =>
      i.state === 'public' && i.predicate === undefined && i.columns.length >= n &&
      i.columns.slice(0, n).every((k) => k.attnum !== 0 && fk.attnums.includes(k.attnum)) &&
      new Set(i.columns.slice(0, n).map((k) => k.attnum)).size === n,
  );
  const out: Row[] = [];
  if (usable === undefined) {
    for await (const row of scanTableRows(env.ctx.txn, codec, env.ctx.signal)) if (matches(row)) out.push(row);
    return out;
  }
  const prefixCols: KeyColumn[] = [];
  const prefixVals: Datum[] = [];
  const ic = usable.indexId === 1 ? codec.primary : codec.secondaries.find((s) => s.index.oid === usable.oid);
  assert(ic !== undefined, 'codec of the referencing index');
  for (let i = 0; i < n; i++) {
    prefixCols.push(ic.keyColumns[i]!);
    prefixVals.push(key[fk.attnums.indexOf(usable.columns[i]!.attnum)]!);
  }
  const prefix = encodeIndexKey(child.oid, usable.indexId, prefixCols, prefixVals);
  const span = { start: prefix, end: prefixEnd(prefix) };
  if (usable.indexId === 1) {
    for await (const kv of env.ctx.txn.scan(span)) {
      checkAbort(env);
      out.push(decodeTableRow(codec, kv.key, kv.value));
    }
    return out.filter(matches);
  }
  const pkKeys: Uint8Array[] = [];
  for await (const kv of env.ctx.txn.scan(span)) {
    checkAbort(env);
    pkKeys.push(primaryKeyFromValues(codec, decodeIndexEntry(codec, ic, kv.key, kv.value).pkValues));
  }
  const values = pkKeys.length === 0 ? [] : await env.ctx.txn.getMany(pkKeys);
  values.forEach((v, i) => {
    if (v !== undefined) out.push(decodeTableRow(codec, pkKeys[i]!, v));
  });
  return out.filter(matches);
}

/**
 * REPEATABLE READ / SERIALIZABLE: `seen` (the referencing rows of `key` in the transaction's
 * snapshot) must be all there are. A referencing row committed after the snapshot would be missed
 * by the action and left dangling; PostgreSQL's RI queries crosscheck the latest committed state
 * and fail with 40001, and so does this.
 */
async function crosscheckReferencing(env: Env, state: CatalogState, child: TableDescriptor, fk: ForeignKey, key: readonly Datum[], seen: readonly Row[]): Promise<void> {
  if (env.ctx.txn.options.isolation === 'read committed') return;
  const view = env.ctx.txn.latestView();
  try {
    const latest = await referencingRows({ ...env, ctx: { ...env.ctx, txn: view } }, state, child, fk, key);
    if (latest.length === 0) return;
    const codec = tableCodec(child, state);
    const pk = (row: Row): string => Buffer.from(primaryKeyFromValues(codec, codec.primary.slots.map((s) => row[s]!))).toString('latin1');
    const inSnapshot = new Set(seen.map(pk));
    if (latest.some((row) => !inSnapshot.has(pk(row)))) {
      throw new SqlError(SqlState.serializationFailure, 'could not serialize access due to concurrent update');
    }
  } finally {
    view.release();
  }
}

// ─── the per-statement queue ──────────────────────────────────────────────────────────────

type FkEvent =
  /** A referencing row was inserted or its key changed: the key must exist. */
  | { readonly kind: 'check'; readonly table: TableDescriptor; readonly fk: ForeignKey; readonly row: Row }
  /** A referenced row was deleted (newRow null) or updated: apply each referencing key's action. */
  | { readonly kind: 'referenced'; readonly table: TableDescriptor; readonly oldRow: Row; readonly newRow: Row | null };

interface ChildWriter {
  readonly table: TableDescriptor;
  readonly codec: TableCodec;
  readonly checks: readonly CheckConstraint[];
  /** Stored generated columns, recomputed over every row an action changes. */
  readonly generated: readonly GeneratedColumn[];
  readonly defaults: Map<number, Compiled>;
}

export class FkQueue {
  private readonly events: FkEvent[] = [];
  private queued = 0;
  private freshSnapshot = false;
  private readonly writers = new Map<Oid, ChildWriter>();

  constructor(
    private readonly env: Env,
    private readonly state: CatalogState,
  ) {}

  /** The queue for a statement writing `table`; undefined when no foreign key involves it. */
  static for(env: Env, table: TableDescriptor): FkQueue | undefined {
    const state = env.ctx.catalog;
    if (!table.constraints.some((c) => c.kind === 'foreignKey') && incomingOf(state, table.oid).length === 0) return undefined;
    return new FkQueue(env, state);
  }

  inserted(table: TableDescriptor, row: readonly Datum[]): void {
    for (const fk of outgoingOf(table)) this.pushCheck(table, fk, row.slice(0, table.columns.length));
  }

  /** A referencing-side check: now (end of statement) or, INITIALLY DEFERRED, at COMMIT. */
  private pushCheck(table: TableDescriptor, fk: ForeignKey, row: Row): void {
    if (fk.initiallyDeferred !== true) {
      this.push({ kind: 'check', table, fk, row });
      return;
    }
    const rowKey = primaryKeyOf(tableCodec(table, this.state), row);
    deferCheck(this.env.ctx.txn, { kind: 'check', tableOid: table.oid, fkOid: fk.oid, rowKey });
  }

  updated(table: TableDescriptor, oldRow: readonly Datum[], newRow: readonly Datum[], except?: ForeignKey): void {
    const w = table.columns.length;
    const before = oldRow.slice(0, w);
    const after = newRow.slice(0, w);
    for (const fk of outgoingOf(table)) {
      if (fk === except || !this.keyChanged(table, fk.attnums, before, after)) continue;
      this.pushCheck(table, fk, after);
    }
    if (incomingOf(this.state, table.oid).some((i) => this.keyChanged(table, i.fk.refAttnums, before, after))) {
      this.push({ kind: 'referenced', table, oldRow: before, newRow: after });
    }
  }

  deleted(table: TableDescriptor, oldRow: readonly Datum[]): void {
    if (incomingOf(this.state, table.oid).length === 0) return;
    this.push({ kind: 'referenced', table, oldRow: oldRow.slice(0, table.columns.length), newRow: null });
  }

  /** Runs every queued event (and the ones cascading actions queue) in order. */
  async finish(): Promise<void> {
    for (let i = 0; i < this.events.length; i++) {
      checkAbort(this.env);
      const e = this.events[i]!;
      switch (e.kind) {
        case 'check':
          await lockTablesShared([e.fk.refTableOid], this.env.ctx);
          await checkReferencingRow(this.env, this.state, e.table, e.fk, e.row, true);
          break;
        case 'referenced':
          await this.referenced(e.table, e.oldRow, e.newRow);
          break;
        default:
          assertNever(e, 'foreign key event');
      }
    }
    this.events.length = 0;
  }

  private push(e: FkEvent): void {
    this.queued++;
    assert(this.queued <= fkEventsPerStatementMax, 'foreign key events exceed fkEventsPerStatementMax');
    this.events.push(e);
  }

  private keyChanged(table: TableDescriptor, attnums: readonly number[], a: readonly Datum[], b: readonly Datum[]): boolean {
    const types = attnums.map((x) => columnOf(table, x).type);
    const pick = (r: readonly Datum[]): Datum[] => attnums.map((x) => r[slotOf(table, x)]!);
    return keyBytes(types, pick(a)) !== keyBytes(types, pick(b));
  }

  private async referenced(parent: TableDescriptor, oldRow: Row, newRow: Row | null): Promise<void> {
    if (!this.freshSnapshot) {
      // See the module comment: referencing rows committed while this statement waited.
      this.env.ctx.txn.stepStatement();
      this.freshSnapshot = true;
    }
    for (const { childOid, fk } of incomingOf(this.state, parent.oid)) {
      const oldKey = fk.refAttnums.map((a) => oldRow[slotOf(parent, a)]!);
      if (oldKey.some((v) => v === null)) continue;
      if (newRow !== null && !this.keyChanged(parent, fk.refAttnums, oldRow, newRow)) continue;
      const child = this.state.table(childOid);
      assert(child !== undefined, `referencing table ${childOid}`);
      const childKey: Datum[] = [];
      let representable = true;
      fk.attnums.forEach((a, j) => {
        const v = convertKeyDatum(oldKey[j]!, columnOf(parent, fk.refAttnums[j]!).type, columnOf(child, a).type);
        if (v === undefined) representable = false;
        childKey.push(v ?? null);
      });
      if (!representable) continue;
      const action = newRow === null ? fk.onDelete : fk.onUpdate;
      if (action === 'no action' && fk.initiallyDeferred === true) {
        // Only the NO ACTION check defers; RESTRICT and the actions run now (PostgreSQL).
        deferCheck(this.env.ctx.txn, { kind: 'referenced', parentOid: parent.oid, fkOid: fk.oid, oldKey });
        continue;
      }
      if (action === 'no action' && (await this.keyPresentAgain(parent, fk, oldKey))) continue;
      await lockTablesShared([child.oid], this.env.ctx);
      const rows = await referencingRows(this.env, this.state, child, fk, childKey);
      await crosscheckReferencing(this.env, this.state, child, fk, childKey, rows);
      if (rows.length === 0) continue;
      switch (action) {
        case 'no action':
        case 'restrict':
          throw this.stillReferenced(parent, child, fk, oldKey);
        case 'cascade':
        case 'set null':
        case 'set default':
          for (const r of rows) {
            if (!(await this.act(child, fk, action, r, childKey, parent, newRow))) throw this.stillReferenced(parent, child, fk, oldKey);
          }
          break;
        default:
          assertNever(action, 'foreign key action');
      }
    }
  }

  /** A deferred NO ACTION check at COMMIT: 23503 when `oldKey` is gone and still referenced. */
  async recheckReferenced(parentOid: Oid, fkOid: Oid, oldKey: readonly Datum[]): Promise<void> {
    const parent = this.state.table(parentOid);
    const link = incomingOf(this.state, parentOid).find((i) => i.fk.oid === fkOid);
    const child = link === undefined ? undefined : this.state.table(link.childOid);
    if (parent === undefined || link === undefined || child === undefined) return;
    const fk = link.fk;
    if (await this.keyPresentAgain(parent, fk, oldKey)) return;
    const childKey: Datum[] = [];
    for (let j = 0; j < fk.attnums.length; j++) {
      const v = convertKeyDatum(oldKey[j]!, columnOf(parent, fk.refAttnums[j]!).type, columnOf(child, fk.attnums[j]!).type);
      if (v === undefined) return;
      childKey.push(v);
    }
    await lockTablesShared([child.oid], this.env.ctx);
    const rows = await referencingRows(this.env, this.state, child, fk, childKey);
    await crosscheckReferencing(this.env, this.state, child, fk, childKey, rows);
    if (rows.length > 0) throw this.stillReferenced(parent, child, fk, oldKey);
  }

  private stillReferenced(parent: TableDescriptor, child: TableDescriptor, fk: ForeignKey, oldKey: readonly Datum[]): SqlError {
    const types = fk.refAttnums.map((a) => columnOf(parent, a).type);
    const names = fk.refAttnums.map((a) => columnOf(parent, a).name).join(', ');
    return new SqlError(
      SqlState.foreignKeyViolation,
      `update or delete on table "${parent.name}" violates foreign key constraint "${fk.name}" on table "${child.name}"`,
      {
        detail: `Key (${names})=(${formatValues(types, oldKey, this.env.ctx.eval)}) is still referenced from table "${child.name}".`,
        schema: schemaOf(this.state, child),
        table: child.name,
        constraint: fk.name,
      },
    );
  }

  /** NO ACTION: a row with the old key exists again (re-inserted or updated back) at the end of the statement. */
  private async keyPresentAgain(parent: TableDescriptor, fk: ForeignKey, oldKey: readonly Datum[]): Promise<boolean> {
    const shape: NewForeignKeyShape = { ...fk, attnums: fk.refAttnums, refTableOid: parent.oid };
    return parentKeyPresent(this.env, this.state, parent, shape, oldKey, false);
  }

  private writer(child: TableDescriptor): ChildWriter {
    let w = this.writers.get(child.oid);
    if (w === undefined) {
      const b = newBinder({ catalog: this.state, searchPath: this.env.ctx.searchPath ?? ['$user', 'public'], paramTypes: [] });
      const defaults = new Map<number, Compiled>();
      child.columns.forEach((c, slot) => {
        if (!c.dropped) defaults.set(slot, compiled(defaultFor(b, child, c)));
      });
      w = { table: child, codec: tableCodec(child, this.state), checks: bindChecks(b, child), generated: bindGenerated(b, child), defaults };
      this.writers.set(child.oid, w);
    }
    return w;
  }

  /**
   * CASCADE / SET NULL / SET DEFAULT on one referencing row (locked first; skipped when gone or
   * re-keyed). False when SET DEFAULT leaves the row referencing the old key (its default is
   * that key): the row is still referenced, as PostgreSQL reports it.
   */
  private async act(
    child: TableDescriptor,
    fk: ForeignKey,
    action: 'cascade' | 'set null' | 'set default',
    row: Row,
    childKey: readonly Datum[],
    parent: TableDescriptor,
    newParentRow: Row | null,
  ): Promise<boolean> {
    const w = this.writer(child);
    const opts = writeOptions(this.env, child);
    const key = primaryKeyFromValues(w.codec, w.codec.primary.slots.map((s) => row[s]!));
    const r = await this.env.ctx.txn.lock(key, opts.lock);
    assert(r.kind === 'locked', 'write locks never skip');
    if (r.value === undefined) return true;
    const current = decodeTableRow(w.codec, key, r.value);
    const types = fk.attnums.map((a) => columnOf(child, a).type);
    if (keyBytes(types, fk.attnums.map((a) => current[slotOf(child, a)]!)) !== keyBytes(types, childKey)) return true;
    if (action === 'cascade' && newParentRow === null) {
      deleteRow(this.env.ctx.txn, w.codec, current);
      this.deleted(child, current);
      return true;
    }
    const next = current.slice();
    if (action === 'cascade') {
      assert(newParentRow !== null, 'cascaded update has a new key');
      fk.attnums.forEach((a, j) => {
        const from = columnOf(parent, fk.refAttnums[j]!).type;
        const v = convertKeyDatum(newParentRow[slotOf(parent, fk.refAttnums[j]!)]!, from, columnOf(child, a).type);
        next[slotOf(child, a)] = v === undefined ? newParentRow[slotOf(parent, fk.refAttnums[j]!)]! : v;
      });
    } else {
      const cols = newParentRow === null && fk.deleteSetAttnums !== undefined ? fk.deleteSetAttnums : fk.attnums;
      for (const a of cols) {
        const slot = slotOf(child, a);
        const d = w.defaults.get(slot);
        next[slot] = action === 'set null' || d === undefined ? null : await evaluate(d, current, this.env);
      }
      if (action === 'set default' && keyBytes(types, fk.attnums.map((a) => next[slotOf(child, a)]!)) === keyBytes(types, childKey)) return false;
    }
    await computeGenerated(w.generated, next, this.env);
    await validateRow(child, w.checks, next, this.env, opts.schema);
    await updateRow(this.env.ctx.txn, w.codec, current, next, opts);
    this.updated(child, current, next, action === 'cascade' ? fk : undefined);
    return true;
  }
}

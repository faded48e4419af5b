/**
 * Table access: the ONE module that turns table rows into KV entries and back, and that
 * writes rows while maintaining every index (primary + secondary, including indexes still
 * being backfilled). DML, COPY FROM, and the DDL engineer's index backfill / constraint
 * validation all go through here.
 *
 * A table row is a Datum[] aligned with `table.columns` (descriptor order, dropped and hidden
 * columns included; dropped columns are always null). Layout (catalog/descriptors.ts):
 *   primary:            /<table>/1/<pk cols>            → encodeRow(non-pk live columns, id = attnum)
 *   secondary:          /<table>/<id>/<idx cols><pk cols> → empty
 *   unique secondary:   /<table>/<id>/<idx cols>          → <pk cols> (key-encoded)
 *                       (written in the non-unique form when an index column is NULL,
 *                        unless NULLS NOT DISTINCT)
 * Reading an index entry: the primary key is the key remainder after the index columns when
 * there is one, else the value — one rule for both forms.
 */
import type { LockOptions, Txn } from '../../cluster/kv/api.js';
import type { ColumnDescriptor, IndexDescriptor, TableDescriptor } from '../../catalog/descriptors.js';
import type { CatalogState } from '../../catalog/state.js';
import { assert } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { decodeKey, encodeIndexKey, encodeKeyPart, indexPrefix, KeyWriter, prefixEnd, type KeyColumn } from '../encoding/key.js';
import { decodeRow, encodeRow, type RowColumn } from '../encoding/row.js';
import { defaultFormatContext, formatText, parseText, type Datum, type FormatContext } from '../types/index.js';
import { bindIndexes, boundIndexesOf, tableHasIndexExprs, type BoundIndex, type BoundIndexes } from '../bind/index-exprs.js';
import { newBinder } from '../plan/prepare.js';
import { compiled, evaluateSync, type Compiled } from './expr.js';
import { indexColumnText, indexEvalEnv } from './index-keys.js';

export interface IndexCodec {
  readonly index: IndexDescriptor;
  /** Row slots of the index columns; -1 for an expression column (see `keyExprs`). */
  readonly slots: readonly number[];
  /** Per index column: the compiled expression of an expression column, else null. */
  readonly keyExprs: readonly (Compiled | null)[];
  /** Partial index: rows for which this is not true have no entry. */
  readonly predicate: Compiled | null;
  /** Per index column, as pg_get_indexdef prints it (`a`, `lower(email)`, `(a + b)`): error details. */
  readonly names: readonly string[];
  readonly keyColumns: readonly KeyColumn[];
  readonly prefix: Uint8Array;
}

export interface TableCodec {
  readonly table: TableDescriptor;
  readonly primary: IndexCodec;
  /** Secondary indexes (all of them: writes maintain backfilling ones too). */
  readonly secondaries: readonly IndexCodec[];
  /** Live non-primary-key columns stored in the row value. */
  readonly valueSlots: readonly number[];
  readonly valueColumns: readonly RowColumn[];
  /** Per slot: the value of rows written before the column existed (undefined = NULL). */
  readonly missing: readonly (Datum | undefined)[];
  /** Slot of the hidden rowid column, -1 when the table has a declared primary key. */
  readonly rowidSlot: number;
  readonly width: number;
}

const codecs = new WeakMap<TableDescriptor, TableCodec>();

function slotOfAttnum(table: TableDescriptor, attnum: number): number {
  const slot = table.columns.findIndex((c) => c.attnum === attnum);
  assert(slot >= 0, `attnum ${attnum} not in table ${table.name}`);
  return slot;
}

function indexCodec(table: TableDescriptor, index: IndexDescriptor, bound: BoundIndex | undefined): IndexCodec {
  const slots = index.columns.map((c) => (c.expr !== undefined ? -1 : slotOfAttnum(table, c.attnum)));
  assert(bound !== undefined || slots.every((s) => s >= 0) && index.predicate === undefined, `index ${index.name} expressions bound`);
  const keyColumns = index.columns.map((c, i) => ({
    type: slots[i]! >= 0 ? table.columns[slots[i]!]!.type : bound!.keys[i]!.type,
    dir: c.direction,
    nulls: c.nulls,
  }));
  const keyExprs = index.columns.map((c, i) => (c.expr !== undefined ? compiled(bound!.keys[i]!) : null));
  const predicate = bound?.predicate == null ? null : compiled(bound.predicate);
  const names = index.columns.map((c, i) => indexColumnText(table, c, slots[i]!, bound?.keys[i]));
  return { index, slots, keyExprs, predicate, names, keyColumns, prefix: indexPrefix(table.oid, index.indexId) };
}

function missingValue(col: ColumnDescriptor): Datum | undefined {
  if (col.missing === undefined || col.missing.text === null) return undefined;
  return parseText(col.type, col.missing.text, defaultFormatContext);
}

/**
 * The codec of a table descriptor (cached per descriptor object: descriptors are immutable).
 * A table with expression or partial indexes needs `catalog` the first time (to bind them).
 */
export function tableCodec(table: TableDescriptor, catalog?: CatalogState): TableCodec {
  const cached = codecs.get(table);
  if (cached !== undefined) return cached;
  let bound: BoundIndexes | undefined;
  if (tableHasIndexExprs(table)) {
    bound = boundIndexesOf(table);
    if (bound === undefined && catalog !== undefined) {
      const path = [catalog.schema(table.schemaOid)?.name ?? 'public'];
      bound = bindIndexes(table, () => newBinder({ catalog, searchPath: path, paramTypes: [] }));
    }
    assert(bound !== undefined, `expressions of the indexes of ${table.name} bound before writing`);
  }
  const primary = indexCodec(table, table.primaryIndex, undefined);
  assert(primary.index.indexId === 1, 'primary index must have id 1');
  const pkSlots = new Set(primary.slots);
  const valueSlots: number[] = [];
  table.columns.forEach((c, slot) => {
    if (!c.dropped && !pkSlots.has(slot)) valueSlots.push(slot);
  });
  const codec: TableCodec = {
    table,
    primary,
    secondaries: table.indexes.map((i) => indexCodec(table, i, bound?.get(i.indexId))),
    valueSlots,
    valueColumns: valueSlots.map((s) => ({ id: table.columns[s]!.attnum, type: table.columns[s]!.type })),
    missing: table.columns.map((c) => (c.dropped ? undefined : missingValue(c))),
    rowidSlot: table.rowidAttnum === undefined ? -1 : slotOfAttnum(table, table.rowidAttnum),
    width: table.columns.length,
  };
  codecs.set(table, codec);
  return codec;
}

// ─── keys and rows ─────────────────────────────────────────────────────────────────────────

export function primaryKeyOf(codec: TableCodec, row: readonly Datum[]): Uint8Array {
  const p = codec.primary;
  return encodeIndexKey(codec.table.oid, 1, p.keyColumns, p.slots.map((s) => row[s]!));
}

export function primaryKeyFromValues(codec: TableCodec, pkValues: readonly Datum[]): Uint8Array {
  return encodeIndexKey(codec.table.oid, 1, codec.primary.keyColumns, pkValues);
}

export function encodeRowValue(codec: TableCodec, row: readonly Datum[]): Uint8Array {
  return encodeRow(codec.valueColumns, codec.valueSlots.map((s) => row[s]!));
}

/** Decodes a primary-index entry into a full table row. */
export function decodeTableRow(codec: TableCodec, key: Uint8Array, value: Uint8Array): Datum[] {
  const row: Datum[] = new Array<Datum>(codec.width).fill(null);
  const p = codec.primary;
  const pk = decodeKey(key, p.prefix.length, p.keyColumns).values;
  for (let i = 0; i < p.slots.length; i++) row[p.slots[i]!] = pk[i]!;
  const vals = decodeRow(value, codec.valueColumns);
  for (let i = 0; i < codec.valueSlots.length; i++) {
    const slot = codec.valueSlots[i]!;
    const v = vals[i];
    row[slot] = v === undefined ? (codec.missing[slot] ?? null) : v;
  }
  return row;
}

/** Whether an entry of this index for these values is in the unique form (key = index columns). */
function uniqueForm(ic: IndexCodec, values: readonly Datum[]): boolean {
  if (!ic.index.unique) return false;
  return ic.index.nullsNotDistinct || values.every((v) => v !== null);
}

function pkSuffix(codec: TableCodec, row: readonly Datum[]): Uint8Array {
  const w = new KeyWriter();
  const p = codec.primary;
  for (let i = 0; i < p.slots.length; i++) {
    const kc = p.keyColumns[i]!;
    encodeKeyPart(w, kc.type, row[p.slots[i]!]!, kc.dir, kc.nulls);
  }
  return w.finish();
}

export interface IndexEntry {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  /** True when the key is the index columns only (uniqueness is enforced on it). */
  readonly unique: boolean;
}

const emptyValue = new Uint8Array(0);

/** The key values of `row` in index `ic` (columns and evaluated expressions). */
export function indexValuesOf(ic: IndexCodec, row: readonly Datum[]): Datum[] {
  return ic.slots.map((s, i) => (s >= 0 ? row[s]! : evaluateSync(ic.keyExprs[i]!, row, indexEvalEnv())));
}

/** Whether `row` has an entry in index `ic` (partial indexes: the predicate is true). */
export function rowInIndex(ic: IndexCodec, row: readonly Datum[]): boolean {
  return ic.predicate === null || evaluateSync(ic.predicate, row, indexEvalEnv()) === true;
}

/** The entry of `row` in index `ic` (not a partial index: see indexEntry). */
export function indexEntryOf(codec: TableCodec, ic: IndexCodec, row: readonly Datum[]): IndexEntry {
  assert(ic.predicate === null, `partial index ${ic.index.name}: use indexEntry`);
  return entryOf(codec, ic, row);
}

/** The entry of `row` in index `ic`; null when a partial index's predicate leaves the row out. */
export function indexEntry(codec: TableCodec, ic: IndexCodec, row: readonly Datum[]): IndexEntry | null {
  return rowInIndex(ic, row) ? entryOf(codec, ic, row) : null;
}

function entryOf(codec: TableCodec, ic: IndexCodec, row: readonly Datum[]): IndexEntry {
  const values = indexValuesOf(ic, row);
  const oid = codec.table.oid;
  if (uniqueForm(ic, values)) {
    return { key: encodeIndexKey(oid, ic.index.indexId, ic.keyColumns, values), value: pkSuffix(codec, row), unique: true };
  }
  const p = codec.primary;
  const key = encodeIndexKey(
    oid,
    ic.index.indexId,
    [...ic.keyColumns, ...p.keyColumns],
    [...values, ...p.slots.map((s) => row[s]!)],
  );
  return { key, value: emptyValue, unique: false };
}

/** Index column values and primary key values of a secondary index entry. */
export function decodeIndexEntry(
  codec: TableCodec,
  ic: IndexCodec,
  key: Uint8Array,
  value: Uint8Array,
): { indexValues: Datum[]; pkValues: Datum[] } {
  const idx = decodeKey(key, ic.prefix.length, ic.keyColumns);
  const pkCols = codec.primary.keyColumns;
  const pk = idx.next < key.length ? decodeKey(key, idx.next, pkCols) : decodeKey(value, 0, pkCols);
  return { indexValues: idx.values, pkValues: pk.values };
}

/** The key span of a whole index. */
export function indexSpan(ic: IndexCodec): { start: Uint8Array; end: Uint8Array } {
  return { start: ic.prefix, end: prefixEnd(ic.prefix) };
}

// ─── errors ────────────────────────────────────────────────────────────────────────────────

function formatDatum(type: ColumnDescriptor['type'], d: Datum, fmt: FormatContext): string {
  return d === null ? 'null' : formatText(type, d, fmt);
}

/** `Failing row contains (1, null, abc).` over the visible columns. */
export function failingRowDetail(table: TableDescriptor, row: readonly Datum[], fmt: FormatContext): string {
  const parts: string[] = [];
  table.columns.forEach((c, slot) => {
    if (!c.dropped && !c.hidden) parts.push(formatDatum(c.type, row[slot]!, fmt));
  });
  return `Failing row contains (${parts.join(', ')}).`;
}

function uniqueViolation(codec: TableCodec, ic: IndexCodec, row: readonly Datum[], fmt: FormatContext, schema: string): SqlError {
  const t = codec.table;
  const names = ic.names.join(', ');
  const values = indexValuesOf(ic, row);
  const vals = values.map((v, i) => formatDatum(ic.keyColumns[i]!.type, v, fmt)).join(', ');
  return new SqlError(SqlState.uniqueViolation, `duplicate key value violates unique constraint "${ic.index.name}"`, {
    detail: `Key (${names})=(${vals}) already exists.`,
    schema,
    table: t.name,
    constraint: ic.index.name,
  });
}

/** NOT NULL (23502) on a complete new row. */
export function checkNotNull(table: TableDescriptor, row: readonly Datum[], fmt: FormatContext, schema: string): void {
  for (let slot = 0; slot < table.columns.length; slot++) {
    const c = table.columns[slot]!;
    if (c.notNull && !c.dropped && row[slot] === null) {
      throw new SqlError(
        SqlState.notNullViolation,
        `null value in column "${c.name}" of relation "${table.name}" violates not-null constraint`,
        { detail: failingRowDetail(table, row, fmt), schema, table: table.name, column: c.name },
      );
    }
  }
}

// ─── writes ────────────────────────────────────────────────────────────────────────────────

export interface WriteOptions {
  readonly lock: LockOptions;
  readonly fmt: FormatContext;
  /** Schema name for error fields. */
  readonly schema: string;
}

async function lockValue(txn: Txn, key: Uint8Array, opts: LockOptions): Promise<Uint8Array | undefined> {
  const r = await txn.lock(key, opts);
  assert(r.kind === 'locked', 'write locks never skip');
  return r.value;
}

/** Writes one secondary index entry, enforcing uniqueness by locking the unique key. */
export async function putIndexEntry(
  txn: Txn,
  codec: TableCodec,
  ic: IndexCodec,
  row: readonly Datum[],
  opts: WriteOptions,
): Promise<void> {
  const e = indexEntry(codec, ic, row);
  if (e === null) return;
  if (e.unique) {
    const existing = await lockValue(txn, e.key, opts.lock);
    if (existing !== undefined) throw uniqueViolation(codec, ic, row, opts.fmt, opts.schema);
  }
  txn.put(e.key, e.value);
}

/** Inserts a complete, validated row: 23505 when the primary key or a unique key exists. */
export async function insertRow(txn: Txn, codec: TableCodec, row: readonly Datum[], opts: WriteOptions): Promise<void> {
  assert(row.length === codec.width, 'row width must match the table');
  const key = primaryKeyOf(codec, row);
  const existing = await lockValue(txn, key, opts.lock);
  if (existing !== undefined) throw uniqueViolation(codec, codec.primary, row, opts.fmt, opts.schema);
  txn.put(key, encodeRowValue(codec, row));
  for (const ic of codec.secondaries) await putIndexEntry(txn, codec, ic, row, opts);
}

/** Deletes a row (already locked by the caller) and its index entries. */
export function deleteRow(txn: Txn, codec: TableCodec, row: readonly Datum[]): void {
  assert(row.length === codec.width, 'row width must match the table');
  txn.delete(primaryKeyOf(codec, row));
  for (const ic of codec.secondaries) {
    const e = indexEntry(codec, ic, row);
    if (e !== null) txn.delete(e.key);
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Replaces `oldRow` (locked by the caller) with `newRow`, moving index entries that changed. */
export async function updateRow(
  txn: Txn,
  codec: TableCodec,
  oldRow: readonly Datum[],
  newRow: readonly Datum[],
  opts: WriteOptions,
): Promise<void> {
  const oldKey = primaryKeyOf(codec, oldRow);
  const newKey = primaryKeyOf(codec, newRow);
  if (!sameBytes(oldKey, newKey)) {
    deleteRow(txn, codec, oldRow);
    await insertRow(txn, codec, newRow, opts);
    return;
  }
  txn.put(newKey, encodeRowValue(codec, newRow));
  for (const ic of codec.secondaries) {
    const before = indexEntry(codec, ic, oldRow);
    const after = indexEntry(codec, ic, newRow);
    if (before !== null && after !== null && sameBytes(before.key, after.key) && sameBytes(before.value, after.value)) continue;
    if (before !== null) txn.delete(before.key);
    if (after === null) continue;
    if (after.unique && (before === null || !sameBytes(before.key, after.key))) {
      const existing = await lockValue(txn, after.key, opts.lock);
      if (existing !== undefined) throw uniqueViolation(codec, ic, newRow, opts.fmt, opts.schema);
    }
    txn.put(after.key, after.value);
  }
}

/** Every row of a table in primary-key order (index backfill, constraint validation, ANALYZE). */
export async function* scanTableRows(txn: Txn, codec: TableCodec, signal?: AbortSignal): AsyncGenerator<Datum[]> {
  for await (const kv of txn.scan(indexSpan(codec.primary))) {
    if (signal?.aborted === true) throw signal.reason;
    yield decodeTableRow(codec, kv.key, kv.value);
  }
}

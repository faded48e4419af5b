/**
 * ADD PRIMARY KEY on a table keyed by its hidden rowid (pgbench -i does exactly this after
 * COPY): rewrite every row under the new key in the statement's transaction so the primary key
 * becomes the physical primary index, as if the table had been created with it. Lookups by the
 * key then read one entry instead of index entry + row. Row and key layout come from the
 * engine's table-access module (sql/exec/table.ts); nothing is re-encoded here by hand.
 */
import type { ColumnDescriptor, IndexColumn, Oid, TableDescriptor } from '../../catalog/descriptors.js';
import { sequenceValueKey } from '../../catalog/keys.js';
import { decodeSequenceValue, encodeSequenceValue, type SequenceValue } from '../../catalog/sequence.js';
import { assert } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { prefixEnd, tablePrefix } from '../encoding/key.js';
import { encodeRowValue, indexEntry, primaryKeyOf, scanTableRows, tableCodec } from '../exec/table.js';
import { defaultFormatContext, formatText, type Datum } from '../types/index.js';
import type { DdlRun } from './run.js';

/**
 * Rows held in memory for the rewrite; a bigger table keeps its rowid key and gets the primary
 * key as a unique secondary index instead (same semantics, one more read per key lookup).
 */
export const rekeyRowsMax = 500_000;

function keyHex(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('hex');
}

function duplicateError(table: TableDescriptor, name: string, cols: readonly ColumnDescriptor[], row: readonly Datum[], schema: string): SqlError {
  const slots = cols.map((c) => table.columns.findIndex((x) => x.attnum === c.attnum));
  const vals = slots.map((s, i) => {
    const d = row[s]!;
    return d === null ? 'null' : formatText(cols[i]!.type, d, defaultFormatContext);
  });
  return new SqlError(SqlState.uniqueViolation, `could not create unique index "${name}"`, {
    detail: `Key (${cols.map((c) => c.name).join(', ')})=(${vals.join(', ')}) is duplicated.`,
    schema,
    table: table.name,
    constraint: name,
  });
}

/** Reserves `count` consecutive rowids from the table's counter (the engine's layout, see sql/exec/sequence.ts). */
async function reserveRowids(run: DdlRun, tableOid: Oid, count: number): Promise<bigint> {
  let start = 0n;
  await run.ctx.kv.atomicUpdate(sequenceValueKey(tableOid), (old) => {
    const cur: SequenceValue = old === undefined ? { last: 1n, isCalled: false } : decodeSequenceValue(old);
    start = cur.isCalled ? cur.last + 1n : cur.last;
    return encodeSequenceValue({ last: start + BigInt(count) - 1n, isCalled: true });
  });
  return start;
}

/**
 * DROP of a primary key that is the table's physical key: the rows are rewritten under fresh
 * hidden rowids (dropPrimaryKey op), so the table behaves as if created without a key.
 */
export async function rekeyToRowid(run: DdlRun, tableOid: Oid): Promise<void> {
  const txn = run.ctx.txn;
  const before = run.table(tableOid);
  const rows: Datum[][] = [];
  for await (const row of scanTableRows(txn, tableCodec(before, run.state))) {
    if (rows.length >= rekeyRowsMax) {
      throw new SqlError(SqlState.featureNotSupported, `dropping the primary key of a table with more than ${rekeyRowsMax} rows is not supported yet`);
    }
    rows.push(row);
  }
  run.apply({ kind: 'dropPrimaryKey', tableOid });
  const after = run.table(tableOid);
  const codec = tableCodec(after, run.state);
  assert(after.columns.length === before.columns.length + 1, 'rowid column appended');
  let rowid = rows.length > 0 ? await reserveRowids(run, tableOid, rows.length) : 0n;
  const start = tablePrefix(tableOid);
  txn.deleteRange({ start, end: prefixEnd(start) });
  for (const row of rows) {
    row.push(rowid++);
    txn.put(primaryKeyOf(codec, row), encodeRowValue(codec, row));
    for (const ic of codec.secondaries) {
      const e = indexEntry(codec, ic, row);
      if (e !== null) txn.put(e.key, e.value);
    }
  }
}

/**
 * Re-keys `tableOid` by `cols` (already NOT NULL) and records it with a setPrimaryKey op.
 * Returns false, having changed nothing, when the table has more than rekeyRowsMax rows.
 */
export async function rekeyPrimary(
  run: DdlRun,
  tableOid: Oid,
  name: string,
  cols: readonly ColumnDescriptor[],
): Promise<boolean> {
  const txn = run.ctx.txn;
  const before = run.table(tableOid);
  assert(before.rowidAttnum !== undefined, 'rekey needs a rowid table');
  const oldCodec = tableCodec(before, run.state);
  const rows: Datum[][] = [];
  for await (const row of scanTableRows(txn, oldCodec)) {
    if (rows.length >= rekeyRowsMax) return false;
    rows.push(row);
  }
  const columns: IndexColumn[] = cols.map((c) => ({ attnum: c.attnum, direction: 'asc', nulls: 'last' }));
  run.apply({
    kind: 'setPrimaryKey', tableOid, name, indexOid: await run.allocOid(), constraintOid: await run.allocOid(), columns,
  });
  const after = run.table(tableOid);
  const codec = tableCodec(after, run.state);
  const rowidSlot = before.columns.findIndex((c) => c.attnum === before.rowidAttnum);
  assert(rowidSlot >= 0 && after.columns.length === before.columns.length, 'rekey keeps the column slots');
  const schema = run.state.schema(after.schemaOid)?.name ?? '';
  const seen = new Set<string>();
  const keys: Uint8Array[] = [];
  for (const row of rows) {
    row[rowidSlot] = null; // the rowid column is dropped now
    const key = primaryKeyOf(codec, row);
    const hex = keyHex(key);
    if (seen.has(hex)) throw duplicateError(after, name, cols, row, schema);
    seen.add(hex);
    keys.push(key);
  }
  const start = tablePrefix(tableOid);
  txn.deleteRange({ start, end: prefixEnd(start) });
  // The rowid counter (sequenceValueKey(tableOid)) is kept: nodes cache blocks of it, so it
  // must never move backwards while the table exists.
  rows.forEach((row, i) => {
    txn.put(keys[i]!, encodeRowValue(codec, row));
    for (const ic of codec.secondaries) {
      const e = indexEntry(codec, ic, row);
      if (e !== null) txn.put(e.key, e.value);
    }
  });
  return true;
}

/**
 * pg_catalog's public API for the SQL engine: name resolution of virtual tables (binder),
 * their rows at execution time (executor), and the declarations (tests, RowDescription).
 */
import { SqlError, SqlState } from '../util/errors.js';
import type { Datum } from '../sql/types/index.js';
import type { VirtualTableKey } from './defs.js';
import type { GenContext, VirtualRow } from './common.js';
import { rowGenerators } from './rows.js';
import type { VirtualTable } from './virtual.js';
import type { CatalogState } from '../catalog/state.js';
import type { VirtualSession } from './common.js';
import { sequenceValueKey } from '../catalog/keys.js';
import { decodeSequenceValue } from '../catalog/sequence.js';
import { decodeTableRowCount, tableStatsKey } from '../sql/exec/keys.js';
import { decodeTableStatistics, type TableStatistics } from '../sql/exec/stats.js';

export { lookupVirtualTable, virtualTableByOid, virtualTables, typeSubstitutes, type VirtualTable, type VirtualColumn } from './virtual.js';
export { databaseByName, type DatabaseFacts } from './databases.js';
export type { BackendActivity, BackendSignal, VirtualSession } from './common.js';

/** What a generator sees: the statement's catalog snapshot and the session. */
export type VirtualContext = GenContext;

const rowCache = new WeakMap<object, Map<VirtualTableKey, readonly Datum[][]>>();

/**
 * The rows of a virtual table, in column order. Computed once per `cacheKey` (the statement's
 * execution context) so a virtual table on the inner side of a nested loop is not recomputed
 * per outer row, while every new statement sees the current catalog and session.
 */
export function virtualRows(table: VirtualTable, ctx: VirtualContext, cacheKey: object): readonly Datum[][] {
  let perCtx = rowCache.get(cacheKey);
  if (perCtx === undefined) {
    perCtx = new Map();
    rowCache.set(cacheKey, perCtx);
  }
  const cached = perCtx.get(table.key);
  if (cached !== undefined) return cached;
  const names = new Map(table.columns.map((c, i) => [c.name, i]));
  const rows = rowGenerators[table.key](ctx).map((r) => toRow(table, names, r));
  perCtx.set(table.key, rows);
  return rows;
}

/** Reads storage keys at the statement's snapshot (the executor's transaction). */
export type StorageRead = (keys: readonly Uint8Array[]) => Promise<readonly (Uint8Array | undefined)[]>;

/**
 * Facts from storage that a virtual table shows, read before its rows are generated (the
 * generators are pure functions of catalog and session): pg_sequences.last_value, NULL until
 * the sequence was first advanced, and pg_class.reltuples, -1 until ANALYZE counted the rows, as
 * in PostgreSQL. Other tables need none.
 */
export async function virtualStorageFacts(table: VirtualTable, catalog: CatalogState, read: StorageRead): Promise<Pick<VirtualSession, 'sequenceLastValues' | 'tableRowCounts' | 'tableStatistics'>> {
  if (table.key === 'pg_stats') {
    const tables = catalog.tables();
    const stored = await read(tables.map((t) => tableStatsKey(t.oid)));
    const byOid = new Map<number, TableStatistics>();
    stored.forEach((bytes) => {
      const s = bytes === undefined ? undefined : decodeTableStatistics(bytes);
      if (s !== undefined) byOid.set(s.tableOid, s);
    });
    return { tableStatistics: byOid };
  }
  if (table.key === 'pg_class') {
    const tables = catalog.tables();
    const stats = await read(tables.map((t) => tableStatsKey(t.oid)));
    const counts = new Map<number, number>();
    tables.forEach((t, i) => {
      const bytes = stats[i];
      if (bytes !== undefined) counts.set(t.oid, decodeTableRowCount(bytes));
    });
    return { tableRowCounts: counts };
  }
  if (table.key !== 'pg_sequences') return {};
  const seqs = catalog.sequences();
  const values = await read(seqs.map((s) => sequenceValueKey(s.oid)));
  const last = new Map<number, bigint | null>();
  seqs.forEach((s, i) => {
    const bytes = values[i];
    const v = bytes === undefined ? undefined : decodeSequenceValue(bytes);
    last.set(s.oid, v !== undefined && v.isCalled ? v.last : null);
  });
  return { sequenceLastValues: last };
}

function toRow(table: VirtualTable, names: ReadonlyMap<string, number>, r: VirtualRow): Datum[] {
  const row = new Array<Datum>(table.columns.length).fill(null);
  for (const [k, v] of Object.entries(r)) {
    const i = names.get(k);
    if (i === undefined) throw new SqlError(SqlState.internalError, `virtual table ${table.key} has no column "${k}"`);
    row[i] = v;
  }
  return row;
}

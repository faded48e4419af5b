/**
 * ANALYZE statistics: per table a row count and per column null fraction, n_distinct, average
 * width, most common values and an equi-depth histogram, computed from a reservoir sample of at
 * most `analyzeSampleRowsMax` rows and stored (JSON) under the stats key of the table
 * (keys.ts tableStatsKey, `/4/1/<oid>`). An engine-wide cache per KV store (`tableStatsCache`)
 * holds every table's statistics: loaded once when the engine opens, replaced by ANALYZE, read
 * synchronously by the binder (BindContext.tableStats) so planning never reads the KV store.
 * MCVs and histograms are kept for columns whose values are JS numbers, strings or booleans
 * (integers, floats, text types); other types get null_frac / n_distinct / avg_width only.
 */
import type { Kv } from '../../cluster/kv/api.js';
import type { TableDescriptor } from '../../catalog/descriptors.js';
import { SystemTableId } from '../../catalog/descriptors.js';
import type { RangeVar } from '../ast.js';
import { Oid, type Datum } from '../types/datum.js';
import { indexPrefix, prefixEnd } from '../encoding/key.js';
import type { ExecContext } from '../plan/api.js';
import { tableStatsKey } from './keys.js';
import { lockTablesShared } from './execute.js';
import { scanTableRows, tableCodec } from './table.js';
import { mulberry32 } from '../../util/seeded-random.js';

/** Rows ANALYZE samples per table (reservoir sampling; PostgreSQL: 300 × default_statistics_target). */
export const analyzeSampleRowsMax = 30_000;
/** Most common values kept per column (PostgreSQL: default_statistics_target = 100). */
export const mcvEntriesMax = 10;
/** Histogram bounds per column (equi-depth buckets = bounds - 1). */
export const histogramBoundsMax = 11;

/** pg_type.typlen of fixed-width types whose datums are JS numbers / booleans (avg_width as PostgreSQL's). */
const fixedWidthBytes: ReadonlyMap<number, number> = new Map([
  [Oid.bool, 1],
  [Oid.int2, 2],
  [Oid.int4, 4],
  [Oid.float4, 4],
  [Oid.date, 4],
  [Oid.oid, 4],
  [Oid.int8, 8],
  [Oid.float8, 8],
  [Oid.timestamp, 8],
  [Oid.timestamptz, 8],
  [Oid.time, 8],
]);

/** A value kept in MCV lists / histograms: the datum itself when JSON-safe. */
export type StatValue = number | string | boolean;

export interface ColumnStatistics {
  readonly attnum: number;
  /** Fraction of rows where the column is NULL. */
  readonly nullFrac: number;
  /** PostgreSQL's convention: > 0 a distinct count, < 0 minus the distinct count per row (-1 = unique). */
  readonly nDistinct: number;
  /** Average width in bytes of the non-null values (approximate). */
  readonly avgWidth: number;
  readonly mcvValues?: readonly StatValue[];
  readonly mcvFreqs?: readonly number[];
  /** Equi-depth bounds of the non-MCV values, ascending. */
  readonly histogram?: readonly StatValue[];
  /** The column's datums are bigints (int8, timestamps): MCVs / bounds are kept as numbers. */
  readonly bigint?: boolean;
  /** Correlation between scan (primary key) order and value order, -1..1 (pg_stats.correlation). */
  readonly correlation?: number;
}

export interface TableStatistics {
  readonly tableOid: number;
  readonly rowCount: number;
  readonly columns: readonly ColumnStatistics[];
}

/** Distinct values of a column as a count (resolving the negative-fraction convention). */
export function distinctCount(c: ColumnStatistics, rowCount: number): number {
  return c.nDistinct >= 0 ? c.nDistinct : Math.max(1, -c.nDistinct * rowCount);
}

// ─── cache ────────────────────────────────────────────────────────────────────────────────

export class TableStatsCache {
  private readonly byOid = new Map<number, TableStatistics>();
  /** Bumped by every change: plans cached by sessions are re-made when it moves. */
  version = 0;

  get(tableOid: number): TableStatistics | undefined {
    return this.byOid.get(tableOid);
  }

  set(s: TableStatistics): void {
    this.version++;
    this.byOid.set(s.tableOid, s);
  }

  all(): IterableIterator<TableStatistics> {
    return this.byOid.values();
  }

  /** Reads every stored entry (engine start). */
  async load(kv: Kv): Promise<void> {
    const start = indexPrefix(SystemTableId.statistics, 1);
    const txn = kv.begin({ isolation: 'read committed', readOnly: true, consistency: { kind: 'strong' } });
    try {
      for await (const kvp of txn.scan({ start, end: prefixEnd(start) })) {
        const s = decodeTableStatistics(kvp.value);
        if (s !== undefined) this.byOid.set(s.tableOid, s);
      }
    } finally {
      await txn.rollback();
    }
  }
}

const caches = new WeakMap<object, TableStatsCache>();

/** The engine-wide statistics cache of a KV store. */
export function tableStatsCache(kv: object): TableStatsCache {
  let c = caches.get(kv);
  if (c === undefined) {
    c = new TableStatsCache();
    caches.set(kv, c);
  }
  return c;
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** Entries written before column statistics existed (no tableOid) decode as undefined. */
export function decodeTableStatistics(v: Uint8Array): TableStatistics | undefined {
  const s = JSON.parse(utf8Decoder.decode(v)) as Partial<TableStatistics>;
  if (typeof s.tableOid !== 'number' || typeof s.rowCount !== 'number') return undefined;
  return { tableOid: s.tableOid, rowCount: s.rowCount, columns: s.columns ?? [] };
}

// ─── collection ───────────────────────────────────────────────────────────────────────────

function statValue(d: Datum): StatValue | undefined {
  if (typeof d === 'number') return Number.isFinite(d) ? d : undefined;
  if (typeof d === 'string' || typeof d === 'boolean') return d;
  if (typeof d === 'bigint') return d >= BigInt(Number.MIN_SAFE_INTEGER) && d <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(d) : undefined;
  return undefined;
}

function datumWidth(d: Datum): number {
  if (typeof d === 'number') return 8;
  if (typeof d === 'bigint') return 8;
  if (typeof d === 'boolean') return 1;
  // Variable-width values count their header (1 byte up to 126 bytes, else 4), as pg_stats.avg_width.
  if (typeof d === 'string') return varlenaWidth(utf8.encode(d).length);
  if (d instanceof Uint8Array) return varlenaWidth(d.length);
  return 16;
}

function varlenaWidth(bytes: number): number {
  return bytes + (bytes <= 126 ? 1 : 4);
}

function compareStat(a: StatValue, b: StatValue): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Statistics of one column over the sample (`totalRows` rows in the table). */
export function columnStatistics(
  attnum: number,
  values: readonly Datum[],
  totalRows: number,
  positions?: readonly number[],
  fixedWidthBytes?: number,
): ColumnStatistics {
  const n = values.length;
  if (n === 0) return { attnum, nullFrac: 0, nDistinct: 0, avgWidth: 0 };
  let nulls = 0;
  let width = 0;
  let allStat = true;
  let bigint = false;
  const counts = new Map<unknown, { value: Datum; count: number }>();
  for (const d of values) {
    if (d === null) {
      nulls++;
      continue;
    }
    width += fixedWidthBytes ?? datumWidth(d);
    const sv = statValue(d);
    if (sv === undefined) allStat = false;
    if (typeof d === 'bigint') bigint = true;
    const key = sv ?? (d instanceof Uint8Array ? `b:${Buffer.from(d).toString('hex')}` : `o:${String(d)}`);
    const e = counts.get(key);
    if (e === undefined) counts.set(key, { value: d, count: 1 });
    else e.count++;
  }
  const nonNull = n - nulls;
  const nullFrac = nulls / n;
  const avgWidth = nonNull === 0 ? 0 : Math.floor(width / nonNull);
  const d = counts.size;
  let f1 = 0;
  for (const e of counts.values()) if (e.count === 1) f1++;
  // Haas and Stokes' estimator (PostgreSQL's analyze.c) when the sample is not the whole table.
  let nDistinct: number;
  const totalNonNull = totalRows * (1 - nullFrac);
  if (n >= totalRows || f1 === 0) nDistinct = d;
  else if (f1 === nonNull) nDistinct = -(1 - nullFrac); // every sampled value unique: assume a unique column
  else nDistinct = Math.min(totalNonNull, (nonNull * d) / (nonNull - f1 + (f1 * nonNull) / Math.max(totalNonNull, 1)));
  if (nDistinct > 0 && totalRows > 0 && nDistinct > 0.1 * totalRows) nDistinct = -Math.min(1, nDistinct / totalRows);
  if (nDistinct > 0) nDistinct = Math.round(nDistinct);
  if (nonNull === 0 || !allStat) return { attnum, nullFrac, nDistinct, avgWidth };
  // MCVs: values seen more than once and more often than average (PostgreSQL keeps those above 1.25 × average).
  const entries = [...counts.values()].sort((a, b) => b.count - a.count || compareStat(statValue(a.value)!, statValue(b.value)!));
  const avgCount = nonNull / d;
  const mcv = d === nonNull ? [] : entries.filter((e) => e.count > 1 && (d <= mcvEntriesMax || e.count > 1.25 * avgCount)).slice(0, mcvEntriesMax);
  const inMcv = new Set(mcv.map((e) => statValue(e.value)!));
  const rest: StatValue[] = [];
  for (const e of entries) {
    const v = statValue(e.value)!;
    if (!inMcv.has(v)) for (let i = 0; i < e.count; i++) rest.push(v);
  }
  rest.sort(compareStat);
  const out: ColumnStatistics = {
    attnum,
    nullFrac,
    nDistinct,
    avgWidth,
    ...(bigint ? { bigint } : {}),
    ...(positions === undefined ? {} : { correlation: correlation(values, positions) }),
    ...(mcv.length > 0 ? { mcvValues: mcv.map((e) => statValue(e.value)!), mcvFreqs: mcv.map((e) => e.count / n) } : {}),
  };
  if (rest.length >= 2 && d - mcv.length >= 2) {
    const bounds: StatValue[] = [];
    const k = Math.min(histogramBoundsMax, d - mcv.length);
    for (let i = 0; i < k; i++) bounds.push(rest[Math.round((i * (rest.length - 1)) / (k - 1))]!);
    return { ...out, histogram: bounds };
  }
  return out;
}

/** Pearson correlation of the scan positions and the value ranks of the non-null sampled values. */
function correlation(values: readonly Datum[], positions: readonly number[]): number {
  const pairs: { v: StatValue; p: number }[] = [];
  values.forEach((d, i) => {
    const v = d === null ? undefined : statValue(d);
    if (v !== undefined) pairs.push({ v, p: positions[i]! });
  });
  if (pairs.length < 2) return 0;
  const byPosition = [...pairs].sort((a, b) => a.p - b.p);
  const posRank = new Map(byPosition.map((x, i) => [x, i]));
  const byValue = [...pairs].sort((a, b) => compareStat(a.v, b.v) || a.p - b.p);
  const n = pairs.length;
  const mean = (n - 1) / 2;
  let sxy = 0;
  let sxx = 0;
  byValue.forEach((x, valueRank) => {
    const dx = posRank.get(x)! - mean;
    const dy = valueRank - mean;
    sxy += dx * dy;
    sxx += dx * dx;
  });
  return sxx === 0 ? 0 : sxy / sxx;
}

/** Samples the rows (reservoir of `sampleRowsMax`) and computes the table's statistics. */
export async function collectTableStatistics(
  table: TableDescriptor,
  rows: AsyncIterable<readonly Datum[]>,
  sampleRowsMax = analyzeSampleRowsMax,
): Promise<TableStatistics> {
  const random = mulberry32(table.oid);
  const sample: (readonly Datum[])[] = [];
  const positions: number[] = [];
  let rowCount = 0;
  for await (const row of rows) {
    rowCount++;
    if (sample.length < sampleRowsMax) {
      sample.push(row);
      positions.push(rowCount);
    } else {
      const j = Math.floor(random() * rowCount);
      if (j < sampleRowsMax) {
        sample[j] = row;
        positions[j] = rowCount;
      }
    }
  }
  const columns: ColumnStatistics[] = [];
  table.columns.forEach((c, i) => {
    if (c.dropped) return;
    columns.push(columnStatistics(c.attnum, sample.map((r) => r[i] ?? null), rowCount, positions, fixedWidthBytes.get(c.type.oid)));
  });
  return { tableOid: table.oid, rowCount, columns };
}

/** ANALYZE: statistics of the given tables (every user table for 'all'), stored and cached. */
export async function analyzeWithStatistics(tables: readonly RangeVar[] | 'all', ctx: ExecContext): Promise<void> {
  const searchPath = ctx.searchPath ?? ['$user', 'public'];
  const targets =
    tables === 'all'
      ? ctx.catalog.tables().filter((t) => t.oid >= 16384)
      : tables.map((rv) => ctx.catalog.resolveTable(searchPath, rv.schema === undefined ? [rv.name] : [rv.schema, rv.name], ctx.session.user));
  const cache = tableStatsCache(ctx.kv);
  for (const t of targets) {
    await lockTablesShared([t.oid], ctx);
    const stats = await collectTableStatistics(t, scanTableRows(ctx.txn, tableCodec(t, ctx.catalog), ctx.signal));
    ctx.txn.put(tableStatsKey(t.oid), utf8.encode(JSON.stringify(stats)));
    cache.set(stats);
  }
}

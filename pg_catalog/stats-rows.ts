/**
 * pg_stats: the column statistics ANALYZE stored (sql/exec/stats.ts), read before the rows are
 * generated (index.ts virtualStorageFacts). most_common_vals / histogram_bounds are arrays of the
 * column's type; most_common_elems and friends (statistics of array elements) are not collected
 * and stay NULL, as PostgreSQL shows for columns without them.
 */
import { Oid, PgArray, type Datum } from '../sql/types/index.js';
import type { StatValue } from '../sql/exec/stats.js';
import type { GenContext, VirtualRow } from './common.js';

export function pgStats(ctx: GenContext): VirtualRow[] {
  const stats = ctx.session.tableStatistics;
  if (stats === undefined) return [];
  const cat = ctx.catalog;
  const rows: VirtualRow[] = [];
  for (const t of cat.tables()) {
    const s = stats.get(t.oid);
    if (s === undefined) continue;
    for (const c of s.columns) {
      const column = t.columns.find((x) => x.attnum === c.attnum && !x.dropped);
      if (column === undefined) continue;
      const values = (vs: readonly StatValue[] | undefined): Datum =>
        vs === undefined ? null : new PgArray(column.type.oid, vs.map((v) => (c.bigint === true && typeof v === 'number' ? BigInt(v) : v)));
      rows.push({
        schemaname: cat.schema(t.schemaOid)?.name ?? '',
        tablename: t.name,
        attname: column.name,
        inherited: false,
        null_frac: Math.fround(c.nullFrac),
        avg_width: c.avgWidth,
        n_distinct: Math.fround(c.nDistinct),
        most_common_vals: values(c.mcvValues),
        most_common_freqs: c.mcvFreqs === undefined ? null : new PgArray(Oid.float4, c.mcvFreqs.map(Math.fround)),
        histogram_bounds: values(c.histogram),
        correlation: c.correlation === undefined ? null : Math.fround(c.correlation),
      });
    }
  }
  return rows;
}

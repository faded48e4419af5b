/**
 * System keys the engine touches. The catalog owns the layout (catalog/keys.ts); the statistics
 * key of ANALYZE is the engine's own and follows the same shape: `/4/1/<tableOid>`.
 */
import { SystemTableId } from '../../catalog/descriptors.js';
import { encodeUvarintSortable, indexPrefix, KeyWriter } from '../encoding/key.js';

export { sequenceValueKey, tableLockKey } from '../../catalog/keys.js';

/** Table statistics written by ANALYZE (row count), read by EXPLAIN estimates. */
export function tableStatsKey(tableOid: number): Uint8Array {
  const w = new KeyWriter();
  w.bytes(indexPrefix(SystemTableId.statistics, 1));
  encodeUvarintSortable(w, tableOid);
  return w.finish();
}

/** The row count an ANALYZE stored under tableStatsKey (`{"rowCount":n}`; pg_class.reltuples shows it too). */
export function decodeTableRowCount(v: Uint8Array): number {
  return (JSON.parse(new TextDecoder().decode(v)) as { readonly rowCount: number }).rowCount;
}

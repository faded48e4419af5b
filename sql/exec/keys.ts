/**
 * System keys the engine touches. They mirror catalog/keys.ts (the catalog owns the layout);
 * kept behind these two functions so the engine switches to the catalog's exports in one place.
 */
import { SystemTableId } from '../../catalog/descriptors.js';
import { indexPrefix } from '../encoding/key.js';

/** The descriptor key of a table: statements take a SHARED lock on it, DDL an EXCLUSIVE one. */
export function tableLockKey(tableOid: number): Uint8Array {
  return indexPrefix(SystemTableId.descriptors, tableOid);
}

/** The value key of a sequence (or a table's hidden rowid counter): `/3/<oid>/`. */
export function sequenceValueKey(oid: number): Uint8Array {
  return indexPrefix(SystemTableId.sequences, oid);
}

/** Table statistics (ANALYZE): `/4/<tableOid>/`. */
export function tableStatsKey(tableOid: number): Uint8Array {
  return indexPrefix(SystemTableId.statistics, tableOid);
}

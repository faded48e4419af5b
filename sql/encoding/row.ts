/**
 * Compact row encoding: a sequence of (column id, value) pairs. Columns absent from the
 * bytes decode as `undefined`, so ADD/DROP COLUMN needs no rewrite of stored rows.
 */
import type { Datum, SqlType } from '../types/datum.js';
import { SqlError, SqlState } from '../../util/errors.js';

export interface RowColumn {
  /** Stable column id (never reused within a table). */
  readonly id: number;
  readonly type: SqlType;
}

function notImplemented(what: string): never {
  throw new SqlError(SqlState.featureNotSupported, `${what} is not implemented yet`);
}

/** Encodes values[i] as column columns[i]; NULL values are omitted (decode as null only if... see decodeRow). */
export function encodeRow(columns: readonly RowColumn[], values: readonly Datum[]): Uint8Array {
  return notImplemented(`encodeRow(${columns.length}, ${values.length})`);
}

/**
 * Decodes the requested columns: a Datum (null for SQL NULL) per column, `undefined` for a
 * column whose id does not occur in the bytes (added after the row was written).
 */
export function decodeRow(bytes: Uint8Array, columns: readonly RowColumn[]): (Datum | undefined)[] {
  return notImplemented(`decodeRow(${bytes.length}, ${columns.length})`);
}

/**
 * Order-preserving key encoding: for every indexable type, memcmp order of the encoded
 * bytes equals `compare` order of the datums (DESC inverts, NULL placement honoured).
 * Keys are `/<tableId>/<indexId>/<key columns...>`, ids as sortable varints.
 */
import type { Datum, SqlType } from '../types/datum.js';
import { SqlError, SqlState } from '../../util/errors.js';

export type KeyDirection = 'asc' | 'desc';
export type NullsOrder = 'first' | 'last';

/** One key column's layout. */
export interface KeyColumn {
  readonly type: SqlType;
  readonly dir: KeyDirection;
  readonly nulls: NullsOrder;
}

/** A growable byte buffer that key parts are appended to. */
export class KeyWriter {
  private buf = new Uint8Array(64);
  private len = 0;
  get length(): number {
    return this.len;
  }
  byte(b: number): void {
    if (this.len === this.buf.length) this.grow(1);
    this.buf[this.len++] = b;
  }
  bytes(b: Uint8Array): void {
    if (this.len + b.length > this.buf.length) this.grow(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  /** Bytes written so far (a copy). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
  private grow(extraBytes: number): void {
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + extraBytes));
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
}

function notImplemented(what: string): never {
  throw new SqlError(SqlState.featureNotSupported, `${what} is not implemented yet`);
}

/** Appends an unsigned integer as a varint whose byte order equals numeric order. */
export function encodeUvarintSortable(out: KeyWriter, value: number): void {
  notImplemented(`encodeUvarintSortable(${out.length}, ${value})`);
}

/** Reads a sortable uvarint at `offset`: the value and the offset after it. */
export function decodeUvarintSortable(bytes: Uint8Array, offset: number): { value: number; next: number } {
  return notImplemented(`decodeUvarintSortable(${bytes.length}, ${offset})`);
}

/** `/<tableId>/` */
export function tablePrefix(tableId: number): Uint8Array {
  return notImplemented(`tablePrefix(${tableId})`);
}

/** `/<tableId>/<indexId>/` */
export function indexPrefix(tableId: number, indexId: number): Uint8Array {
  return notImplemented(`indexPrefix(${tableId}, ${indexId})`);
}

/** The smallest key greater than every key starting with `prefix` (exclusive scan end). */
export function prefixEnd(prefix: Uint8Array): Uint8Array {
  return notImplemented(`prefixEnd(${prefix.length})`);
}

/** Appends one key column (datum may be null). Throws 0A000 for a non-indexable type. */
export function encodeKeyPart(out: KeyWriter, type: SqlType, datum: Datum, dir: KeyDirection, nulls: NullsOrder): void {
  notImplemented(`encodeKeyPart(${out.length}, ${type.oid}, ${String(datum)}, ${dir}, ${nulls})`);
}

/** Encodes a whole index key: prefix then every column. */
export function encodeIndexKey(
  tableId: number,
  indexId: number,
  columns: readonly KeyColumn[],
  values: readonly Datum[],
): Uint8Array {
  return notImplemented(`encodeIndexKey(${tableId}, ${indexId}, ${columns.length}, ${values.length})`);
}

/** Decodes one key column at `offset`: the datum and the offset after it. */
export function decodeKeyPart(bytes: Uint8Array, offset: number, column: KeyColumn): { datum: Datum; next: number } {
  return notImplemented(`decodeKeyPart(${bytes.length}, ${offset}, ${column.type.oid})`);
}

/** Decodes `columns.length` key columns starting at `offset` (after the index prefix). */
export function decodeKey(
  bytes: Uint8Array,
  offset: number,
  columns: readonly KeyColumn[],
): { values: Datum[]; next: number } {
  return notImplemented(`decodeKey(${bytes.length}, ${offset}, ${columns.length})`);
}

/** Whether a type can be a key column (has an order-preserving encoding). */
export function isKeyEncodable(type: SqlType): boolean {
  return notImplemented(`isKeyEncodable(${type.oid})`);
}

/**
 * Compact row encoding: a sequence of (column id, value) pairs. Columns absent from the
 * bytes decode as `undefined`, so ADD/DROP COLUMN needs no rewrite of stored rows.
 */
import type { Datum, SqlType } from '../types/datum.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { assert } from '../../util/assert.js';
import { decodeBinary, encodeBinary } from '../types/binary-io.js';
import { defaultFormatContext } from '../types/index.js';

export interface RowColumn {
  /** Stable column id (never reused within a table). */
  readonly id: number;
  readonly type: SqlType;
}

/** Format version byte at the start of every encoded row. */
const rowFormatVersion = 1;
/** Binary I/O needs no session settings (timestamps are UTC µs); this context is never consulted for zones. */
const binaryCtx = defaultFormatContext;

function writeUvarint(out: number[], value: number): void {
  let v = value;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

function readUvarint(b: Uint8Array, o: number): { value: number; next: number } {
  let v = 0;
  let mul = 1;
  let i = o;
  for (;;) {
    const c = b[i++];
    if (c === undefined) throw new SqlError(SqlState.dataException, 'row ends inside a varint');
    v += (c & 0x7f) * mul;
    if (c < 0x80) return { value: v, next: i };
    mul *= 128;
    if (mul > 2 ** 49) throw new SqlError(SqlState.dataException, 'malformed row varint');
  }
}

/**
 * Layout: version byte, then per column: uvarint(column id), uvarint(value length + 1)
 * (0 = NULL), value bytes in PostgreSQL's binary (send) format of the column type.
 */
export function encodeRow(columns: readonly RowColumn[], values: readonly Datum[]): Uint8Array {
  assert(columns.length === values.length, 'encodeRow: one value per column');
  const header: number[] = [rowFormatVersion];
  let size = 0;
  const chunks: { head: number[]; body: Uint8Array | null }[] = [];
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i]!;
    const v = values[i]!;
    const head: number[] = [];
    writeUvarint(head, c.id);
    if (v === null) {
      writeUvarint(head, 0);
      chunks.push({ head, body: null });
      size += head.length;
      continue;
    }
    const body = encodeBinary(c.type, v, binaryCtx);
    writeUvarint(head, body.length + 1);
    chunks.push({ head, body });
    size += head.length + body.length;
  }
  const out = new Uint8Array(header.length + size);
  out.set(header, 0);
  let o = header.length;
  for (const ch of chunks) {
    out.set(ch.head, o);
    o += ch.head.length;
    if (ch.body !== null) {
      out.set(ch.body, o);
      o += ch.body.length;
    }
  }
  assert(o === out.length, 'encodeRow size mismatch');
  return out;
}

export function decodeRow(bytes: Uint8Array, columns: readonly RowColumn[]): (Datum | undefined)[] {
  if (bytes[0] !== rowFormatVersion) {
    throw new SqlError(SqlState.dataException, `unsupported row format version ${bytes[0] ?? 'none'}`);
  }
  const result: (Datum | undefined)[] = new Array<Datum | undefined>(columns.length).fill(undefined);
  const wanted = new Map<number, number>();
  columns.forEach((c, i) => wanted.set(c.id, i));
  let o = 1;
  while (o < bytes.length) {
    const id = readUvarint(bytes, o);
    const len = readUvarint(bytes, id.next);
    o = len.next;
    const idx = wanted.get(id.value);
    if (len.value === 0) {
      if (idx !== undefined) result[idx] = null;
      continue;
    }
    const end = o + len.value - 1;
    if (end > bytes.length) throw new SqlError(SqlState.dataException, 'row ends inside a value');
    if (idx !== undefined) result[idx] = decodeBinary(columns[idx]!.type, bytes.subarray(o, end), binaryCtx);
    o = end;
  }
  return result;
}

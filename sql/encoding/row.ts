/**
 * Compact row encoding: a sequence of (column id, value) pairs. Columns absent from the
 * bytes decode as `undefined`, so ADD/DROP COLUMN needs no rewrite of stored rows.
 */
import { enumLabelOf, enumSortOrder, isEnumOid } from '../types/enum.js';
import type { Datum, SqlType } from '../types/datum.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { assert } from '../../util/assert.js';
import { GrowableBuffer } from '../../util/growable-buffer.js';
import { decodeBinary, encodeBinary } from '../types/binary-io.js';
import { Decimal, Oid, PgArray, sqlType } from '../types/datum.js';
import { arrayElemOid } from '../types/registry.js';
import { defaultFormatContext } from '../types/index.js';
import { formatNumeric, N, parseNumeric, withScale } from '../types/numeric.js';

export interface RowColumn {
  /** Stable column id (never reused within a table). */
  readonly id: number;
  readonly type: SqlType;
}

/** Format version byte at the start of every encoded row. */
const rowFormatVersion = 2;
/** Binary I/O needs no session settings (timestamps are UTC µs); used for the rare types without a fast path. */
const binaryCtx = defaultFormatContext;
const rowInitialBytes = 64;

/** Growable output buffer for one row. */
class RowWriter extends GrowableBuffer {
  constructor() {
    super(rowInitialBytes);
  }
  uvarint(value: number): void {
    this.ensure(8);
    let v = value;
    while (v >= 0x80) {
      this.buf[this.len++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.len++] = v;
  }
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

/** Writes the value body (without its length) in the row's compact per-type format. */
function writeValue(w: RowWriter, type: SqlType, d: Datum): void {
  switch (type.oid) {
    case Oid.bool:
      w.ensure(1);
      w.buf[w.len++] = d === true ? 1 : 0;
      return;
    case Oid.int2:
    case Oid.int4:
      w.ensure(4);
      w.buf.writeInt32BE(d as number, w.len);
      w.len += 4;
      return;
    case Oid.oid:
      w.ensure(4);
      w.buf.writeUInt32BE(d as number, w.len);
      w.len += 4;
      return;
    case Oid.date:
    case Oid.float8:
      w.ensure(8);
      w.buf.writeDoubleBE(d as number, w.len);
      w.len += 8;
      return;
    case Oid.float4:
      w.ensure(4);
      w.buf.writeFloatBE(d as number, w.len);
      w.len += 4;
      return;
    case Oid.int8:
    case Oid.time:
    case Oid.timestamp:
    case Oid.timestamptz:
      w.ensure(8);
      w.buf.writeBigInt64BE(d as bigint, w.len);
      w.len += 8;
      return;
    case Oid.numeric: {
      // Text form keeps the display scale: "1.50", "NaN", "-Infinity".
      const t = formatNumeric(d as Decimal);
      w.ensure(t.length);
      w.len += w.buf.write(t, w.len, 'latin1');
      return;
    }
    case Oid.text:
    case Oid.varchar:
    case Oid.bpchar:
    case Oid.name:
    case Oid.char:
    case Oid.json:
    case Oid.jsonb:
    case Oid.uuid: {
      const t = d as string;
      w.ensure(t.length * 3);
      w.len += w.buf.write(t, w.len, 'utf8');
      return;
    }
    default: {
      if (isEnumOid(type.oid)) {
        // The sort order, not the label: ALTER TYPE ... RENAME VALUE needs no rewrite.
        w.ensure(8);
        w.buf.writeDoubleBE(enumSortOrder(type.oid, d as string), w.len);
        w.len += 8;
        return;
      }
      const enumElem = enumArrayElem(type.oid);
      const b = enumElem === 0 ? encodeBinary(type, d, binaryCtx) : encodeBinary(float8Array, enumArrayToSortOrders(enumElem, d as PgArray), binaryCtx);
      w.ensure(b.length);
      w.buf.set(b, w.len);
      w.len += b.length;
    }
  }
}

// Arrays of an enum keep sort orders too (as float8[]), so RENAME VALUE needs no rewrite of them.
const float8Array = sqlType(Oid._float8);

function enumArrayElem(oid: number): number {
  const elem = arrayElemOid(oid);
  return elem !== 0 && isEnumOid(elem) ? elem : 0;
}

function enumArrayToSortOrders(elem: number, a: PgArray): PgArray {
  return new PgArray(Oid.float8, a.items.map((x) => (x === null ? null : enumSortOrder(elem, x as string))), a.dims, a.lbounds);
}

function enumArrayFromSortOrders(elem: number, a: PgArray): PgArray {
  return new PgArray(elem, a.items.map((x) => (x === null ? null : enumLabelOf(elem, x as number))), a.dims, a.lbounds);
}

function readValue(buf: Buffer, start: number, end: number, type: SqlType): Datum {
  switch (type.oid) {
    case Oid.bool:
      return buf[start] === 1;
    case Oid.int2:
    case Oid.int4:
      return buf.readInt32BE(start);
    case Oid.oid:
      return buf.readUInt32BE(start);
    case Oid.date:
    case Oid.float8:
      return buf.readDoubleBE(start);
    case Oid.float4:
      return buf.readFloatBE(start);
    case Oid.int8:
    case Oid.time:
    case Oid.timestamp:
    case Oid.timestamptz:
      return buf.readBigInt64BE(start);
    case Oid.numeric:
      return numericFromText(buf.toString('latin1', start, end));
    case Oid.text:
    case Oid.varchar:
    case Oid.bpchar:
    case Oid.name:
    case Oid.char:
    case Oid.json:
    case Oid.jsonb:
    case Oid.uuid:
      return buf.toString('utf8', start, end);
    default:
      if (isEnumOid(type.oid)) return enumLabelOf(type.oid, buf.readDoubleBE(start));
      if (enumArrayElem(type.oid) !== 0) {
        return enumArrayFromSortOrders(enumArrayElem(type.oid), decodeBinary(float8Array, buf.subarray(start, end), binaryCtx) as PgArray);
      }
      return decodeBinary(type, buf.subarray(start, end), binaryCtx);
  }
}

/** Parses numeric text written by writeValue (always canonical output form). */
function numericFromText(t: string): Decimal {
  const dot = t.indexOf('.');
  if (dot < 0 && !/^-?\d+$/.test(t)) return parseNumeric(t);
  return withScale(new N(t), dot < 0 ? 0 : t.length - dot - 1);
}

/**
 * Layout: version byte, then per column: uvarint(column id), uvarint(value length + 1)
 * (0 = NULL), value bytes in a compact per-type format (fixed-width big-endian numbers,
 * UTF-8 strings, numeric as its text, PostgreSQL binary for the rest).
 */
export function encodeRow(columns: readonly RowColumn[], values: readonly Datum[]): Uint8Array {
  assert(columns.length === values.length, 'encodeRow: one value per column');
  const w = new RowWriter();
  w.buf[w.len++] = rowFormatVersion;
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i]!;
    const v = values[i]!;
    w.uvarint(c.id);
    if (v === null) {
      w.uvarint(0);
      continue;
    }
    // Reserve one length byte; shift the body when the length needs more.
    const lenAt = w.len;
    w.len += 1;
    writeValue(w, c.type, v);
    const bodyLen = w.len - lenAt - 1;
    if (bodyLen + 1 < 0x80) {
      w.buf[lenAt] = bodyLen + 1;
      continue;
    }
    const body = Buffer.from(w.buf.subarray(lenAt + 1, w.len));
    w.len = lenAt;
    w.uvarint(bodyLen + 1);
    w.ensure(body.length);
    body.copy(w.buf, w.len);
    w.len += body.length;
  }
  return new Uint8Array(w.buf.buffer.slice(w.buf.byteOffset, w.buf.byteOffset + w.len));
}

/** Column id → position, cached per column list (column lists are reused across rows). */
const positionsCache = new WeakMap<readonly RowColumn[], Map<number, number>>();

function positions(columns: readonly RowColumn[]): Map<number, number> {
  let m = positionsCache.get(columns);
  if (m === undefined) {
    m = new Map();
    columns.forEach((c, i) => m!.set(c.id, i));
    positionsCache.set(columns, m);
  }
  return m;
}

export function decodeRow(bytes: Uint8Array, columns: readonly RowColumn[]): (Datum | undefined)[] {
  if (bytes[0] !== rowFormatVersion) {
    throw new SqlError(SqlState.dataException, `unsupported row format version ${bytes[0] ?? 'none'}`);
  }
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const result: (Datum | undefined)[] = new Array<Datum | undefined>(columns.length).fill(undefined);
  const wanted = positions(columns);
  let o = 1;
  while (o < buf.length) {
    let id: number;
    let len: number;
    const b0 = buf[o]!;
    const b1 = buf[o + 1];
    if (b0 < 0x80 && b1 !== undefined && b1 < 0x80) {
      id = b0;
      len = b1;
      o += 2;
    } else {
      const r1 = readUvarint(buf, o);
      const r2 = readUvarint(buf, r1.next);
      id = r1.value;
      len = r2.value;
      o = r2.next;
    }
    const idx = wanted.get(id);
    if (len === 0) {
      if (idx !== undefined) result[idx] = null;
      continue;
    }
    const end = o + len - 1;
    if (end > buf.length) throw new SqlError(SqlState.dataException, 'row ends inside a value');
    if (idx !== undefined) result[idx] = readValue(buf, o, end, columns[idx]!.type);
    o = end;
  }
  return result;
}

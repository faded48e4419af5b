/**
 * Order-preserving key encoding: for every indexable type, memcmp order of the encoded
 * bytes equals `compare` order of the datums (DESC inverts, NULL placement honoured).
 * Keys are `/<tableId>/<indexId>/<key columns...>`, ids as sortable varints.
 */
import { enumLabelOf, enumSortOrder, isEnumOid } from '../types/enum.js';
import { Decimal, Interval, Oid, type Datum, type SqlType } from '../types/datum.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { assert } from '../../util/assert.js';
import { intervalSpanMicros } from '../types/datetime.js';
import { N, withScale } from '../types/numeric.js';

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

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** Single-byte uvarints cover 0..uvarintInlineMax; larger values use 0xF0 + (byteCount - 1) then big-endian bytes. */
const uvarintInlineMax = 0xef;
const uvarintMultiBase = 0xf0;

const nullMarkerFirst = 0x00;
const valueMarker = 0x01;
const nullMarkerLast = 0x02;

/** Escaped-bytes encoding: 0x00 → 0x00 0xFF, terminated by 0x00 0x01 (prefix-free, order-preserving). */
const escByte = 0x00;
const escEscaped = 0xff;
const escTerminator = 0x01;

/** numeric classes (first byte of a numeric key). */
const numNegInf = 0x01;
const numNeg = 0x02;
const numZero = 0x03;
const numPos = 0x04;
const numPosInf = 0x05;
const numNaN = 0x06;

function keyError(message: string): SqlError {
  return new SqlError(SqlState.dataException, message);
}

export function encodeUvarintSortable(out: KeyWriter, value: number): void {
  assert(Number.isSafeInteger(value) && value >= 0, 'uvarint must be a non-negative safe integer');
  if (value <= uvarintInlineMax) {
    out.byte(value);
    return;
  }
  const bytes: number[] = [];
  let v = value;
  while (v > 0) {
    bytes.unshift(v % 256);
    v = Math.floor(v / 256);
  }
  out.byte(uvarintMultiBase + bytes.length - 1);
  for (const b of bytes) out.byte(b);
}

export function decodeUvarintSortable(bytes: Uint8Array, offset: number): { value: number; next: number } {
  const first = bytes[offset];
  if (first === undefined) throw keyError('key ends inside a varint');
  if (first <= uvarintInlineMax) return { value: first, next: offset + 1 };
  const n = first - uvarintMultiBase + 1;
  if (n > 7 || offset + 1 + n > bytes.length) throw keyError('malformed key varint');
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + bytes[offset + 1 + i]!;
  return { value: v, next: offset + 1 + n };
}

export function tablePrefix(tableId: number): Uint8Array {
  const w = new KeyWriter();
  encodeUvarintSortable(w, tableId);
  return w.finish();
}

export function indexPrefix(tableId: number, indexId: number): Uint8Array {
  const w = new KeyWriter();
  encodeUvarintSortable(w, tableId);
  encodeUvarintSortable(w, indexId);
  return w.finish();
}

export function prefixEnd(prefix: Uint8Array): Uint8Array {
  const out = Uint8Array.from(prefix);
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i]! < 0xff) {
      out[i]!++;
      return out.slice(0, i + 1);
    }
  }
  // All 0xFF: no finite upper bound shorter than "everything"; return the prefix + 0xFF... as an open end.
  return Uint8Array.of(...prefix, 0xff);
}

const keyEncodableOids = new Set<number>([
  Oid.bool, Oid.int2, Oid.int4, Oid.int8, Oid.float4, Oid.float8, Oid.numeric, Oid.text, Oid.varchar, Oid.bpchar,
  Oid.name, Oid.char, Oid.bytea, Oid.date, Oid.time, Oid.timestamp, Oid.timestamptz, Oid.interval, Oid.uuid, Oid.oid,
]);

export function isKeyEncodable(type: SqlType): boolean {
  return keyEncodableOids.has(type.oid) || isEnumOid(type.oid);
}

function writeInt64(out: KeyWriter, v: bigint): void {
  const u = BigInt.asUintN(64, v) ^ 0x8000000000000000n;
  for (let shift = 56n; shift >= 0n; shift -= 8n) out.byte(Number((u >> shift) & 0xffn));
}

function readInt64(b: Uint8Array, o: number): bigint {
  let u = 0n;
  for (let i = 0; i < 8; i++) u = (u << 8n) | BigInt(b[o + i]!);
  return BigInt.asIntN(64, u ^ 0x8000000000000000n);
}

function writeInt32(out: KeyWriter, v: number): void {
  const u = (v ^ 0x80000000) >>> 0;
  out.byte(u >>> 24);
  out.byte((u >>> 16) & 0xff);
  out.byte((u >>> 8) & 0xff);
  out.byte(u & 0xff);
}

function readInt32(b: Uint8Array, o: number): number {
  const u = ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
  return (u ^ 0x80000000) | 0;
}

function writeEscaped(out: KeyWriter, bytes: Uint8Array): void {
  for (const c of bytes) {
    out.byte(c);
    if (c === escByte) out.byte(escEscaped);
  }
  out.byte(escByte);
  out.byte(escTerminator);
}

function readEscaped(b: Uint8Array, o: number): { bytes: Uint8Array; next: number } {
  const acc: number[] = [];
  let i = o;
  for (;;) {
    const c = b[i];
    if (c === undefined) throw keyError('key ends inside a string');
    if (c !== escByte) {
      acc.push(c);
      i++;
      continue;
    }
    const n = b[i + 1];
    if (n === escEscaped) {
      acc.push(0);
      i += 2;
      continue;
    }
    if (n === escTerminator) return { bytes: Uint8Array.from(acc), next: i + 2 };
    throw keyError('malformed escaped string in key');
  }
}

const f64 = new DataView(new ArrayBuffer(8));

function writeFloat(out: KeyWriter, v: number): void {
  const x = Number.isNaN(v) ? NaN : v === 0 ? 0 : v;
  f64.setFloat64(0, x);
  const neg = (f64.getUint8(0) & 0x80) !== 0;
  for (let i = 0; i < 8; i++) {
    const byte = f64.getUint8(i);
    out.byte(neg ? ~byte & 0xff : i === 0 ? byte ^ 0x80 : byte);
  }
}

function readFloat(b: Uint8Array, o: number): number {
  const neg = (b[o]! & 0x80) === 0;
  for (let i = 0; i < 8; i++) {
    const byte = b[o + i]!;
    f64.setUint8(i, neg ? ~byte & 0xff : i === 0 ? byte ^ 0x80 : byte);
  }
  return f64.getFloat64(0);
}

/** numeric: class byte, then for finite non-zero |x|: int32 exponent + digits (0x01..0x0A) + 0x00, inverted when negative. */
function writeNumeric(out: KeyWriter, d: Decimal): void {
  if (d.isNaN()) return out.byte(numNaN);
  if (!d.isFinite()) return out.byte(d.isNegative() ? numNegInf : numPosInf);
  if (d.isZero()) return out.byte(numZero);
  const neg = d.isNegative();
  out.byte(neg ? numNeg : numPos);
  const digits = d.abs().toFixed().replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  const body = new KeyWriter();
  writeInt32(body, d.e);
  for (let i = 0; i < digits.length; i++) body.byte(digits.charCodeAt(i) - 0x30 + 1);
  body.byte(0);
  const bytes = body.finish();
  for (const c of bytes) out.byte(neg ? ~c & 0xff : c);
}

function readNumeric(b: Uint8Array, o: number): { datum: Decimal; next: number } {
  const cls = b[o];
  switch (cls) {
    case numNaN: return { datum: withScale(new N(NaN), 0), next: o + 1 };
    case numNegInf: return { datum: withScale(new N(-Infinity), 0), next: o + 1 };
    case numPosInf: return { datum: withScale(new N(Infinity), 0), next: o + 1 };
    case numZero: return { datum: withScale(new N(0), 0), next: o + 1 };
    case numNeg:
    case numPos: {
      const neg = cls === numNeg;
      const byteAt = (i: number): number => {
        const c = b[i];
        if (c === undefined) throw keyError('key ends inside a numeric');
        return neg ? ~c & 0xff : c;
      };
      const eb = Uint8Array.of(byteAt(o + 1), byteAt(o + 2), byteAt(o + 3), byteAt(o + 4));
      const exp = readInt32(eb, 0);
      let digits = '';
      let i = o + 5;
      for (;;) {
        const c = byteAt(i++);
        if (c === 0) break;
        digits += String.fromCharCode(c - 1 + 0x30);
      }
      const exp10 = exp - (digits.length - 1);
      const d = new N(`${neg ? '-' : ''}${digits}e${exp10}`);
      return { datum: withScale(d, Math.max(0, -exp10)), next: i };
    }
    default:
      throw keyError('malformed numeric in key');
  }
}

/** Interval keys order by the 30-day-month span (as interval_cmp); decode yields days + µs. */
function writeInterval(out: KeyWriter, iv: Interval): void {
  const span = intervalSpanMicros(iv);
  const hi = span >> 64n;
  const lo = BigInt.asUintN(64, span);
  writeInt64(out, hi);
  for (let shift = 56n; shift >= 0n; shift -= 8n) out.byte(Number((lo >> shift) & 0xffn));
}

function readInterval(b: Uint8Array, o: number): Interval {
  const hi = readInt64(b, o);
  let lo = 0n;
  for (let i = 0; i < 8; i++) lo = (lo << 8n) | BigInt(b[o + 8 + i]!);
  const span = (hi << 64n) | lo;
  const usPerDay = 86400000000n;
  const days = span / usPerDay;
  return new Interval(0, Number(days), span - days * usPerDay);
}

/** Writes the ascending encoding of a non-null datum. */
function writeValue(out: KeyWriter, type: SqlType, d: Datum): void {
  switch (type.oid) {
    case Oid.bool:
      return out.byte(d === true ? 1 : 0);
    case Oid.int2:
    case Oid.int4:
      return writeInt32(out, d as number);
    case Oid.oid:
      return writeInt64(out, BigInt(d as number));
    case Oid.int8:
    case Oid.time:
    case Oid.timestamp:
    case Oid.timestamptz:
      return writeInt64(out, d as bigint);
    case Oid.date: {
      const days = d as number;
      return writeInt64(out, days === Infinity ? 0x7fffffffffffffffn : days === -Infinity ? -0x8000000000000000n : BigInt(days));
    }
    case Oid.float4:
    case Oid.float8:
      return writeFloat(out, d as number);
    case Oid.numeric:
      return writeNumeric(out, d as Decimal);
    case Oid.text:
    case Oid.varchar:
    case Oid.name:
    case Oid.char:
      return writeEscaped(out, utf8.encode(d as string));
    case Oid.bpchar:
      return writeEscaped(out, utf8.encode((d as string).replace(/ +$/, '')));
    case Oid.bytea:
      return writeEscaped(out, d as Uint8Array);
    case Oid.uuid:
      return out.bytes(Uint8Array.from(Buffer.from((d as string).replace(/-/g, ''), 'hex')));
    case Oid.interval:
      return writeInterval(out, d as Interval);
    default:
      // Enums: the label's sort order, so key order is enum order (sort orders never change).
      if (isEnumOid(type.oid)) return writeFloat(out, enumSortOrder(type.oid, d as string));
      throw new SqlError(SqlState.featureNotSupported, `type with OID ${type.oid} cannot be used in a key`);
  }
}

export function encodeKeyPart(out: KeyWriter, type: SqlType, datum: Datum, dir: KeyDirection, nulls: NullsOrder): void {
  if (datum === null) {
    out.byte(nulls === 'first' ? nullMarkerFirst : nullMarkerLast);
    return;
  }
  out.byte(valueMarker);
  if (dir === 'asc') {
    writeValue(out, type, datum);
    return;
  }
  const tmp = new KeyWriter();
  writeValue(tmp, type, datum);
  for (const c of tmp.finish()) out.byte(~c & 0xff);
}

export function encodeIndexKey(
  tableId: number,
  indexId: number,
  columns: readonly KeyColumn[],
  values: readonly Datum[],
): Uint8Array {
  assert(values.length <= columns.length, 'more key values than key columns');
  const w = new KeyWriter();
  encodeUvarintSortable(w, tableId);
  encodeUvarintSortable(w, indexId);
  for (let i = 0; i < values.length; i++) {
    const c = columns[i]!;
    encodeKeyPart(w, c.type, values[i]!, c.dir, c.nulls);
  }
  return w.finish();
}

function fixedWidth(oid: number): number | undefined {
  switch (oid) {
    case Oid.bool: return 1;
    case Oid.int2:
    case Oid.int4: return 4;
    case Oid.int8:
    case Oid.oid:
    case Oid.time:
    case Oid.timestamp:
    case Oid.timestamptz:
    case Oid.date:
    case Oid.float4:
    case Oid.float8: return 8;
    case Oid.uuid:
    case Oid.interval: return 16;
    default: return isEnumOid(oid) ? 8 : undefined;
  }
}

/** Reads the ascending encoding of a value at `o` (bytes already un-inverted). */
function readValue(b: Uint8Array, o: number, type: SqlType): { datum: Datum; next: number } {
  const w = fixedWidth(type.oid);
  if (w !== undefined && o + w > b.length) throw keyError('key ends inside a value');
  switch (type.oid) {
    case Oid.bool:
      return { datum: b[o] === 1, next: o + 1 };
    case Oid.int2:
    case Oid.int4:
      return { datum: readInt32(b, o), next: o + 4 };
    case Oid.oid:
      return { datum: Number(readInt64(b, o)), next: o + 8 };
    case Oid.int8:
    case Oid.time:
    case Oid.timestamp:
    case Oid.timestamptz:
      return { datum: readInt64(b, o), next: o + 8 };
    case Oid.date: {
      const v = readInt64(b, o);
      return { datum: v === 0x7fffffffffffffffn ? Infinity : v === -0x8000000000000000n ? -Infinity : Number(v), next: o + 8 };
    }
    case Oid.float4:
    case Oid.float8:
      return { datum: readFloat(b, o), next: o + 8 };
    case Oid.numeric:
      return readNumeric(b, o);
    case Oid.text:
    case Oid.varchar:
    case Oid.name:
    case Oid.char:
    case Oid.bpchar: {
      const { bytes, next } = readEscaped(b, o);
      let s = utf8Decoder.decode(bytes);
      const n = type.oid === Oid.bpchar && type.typmod >= 4 ? type.typmod - 4 : undefined;
      if (n !== undefined) s = s.padEnd(n + (s.length - [...s].length), ' ');
      return { datum: s, next };
    }
    case Oid.bytea: {
      const { bytes, next } = readEscaped(b, o);
      return { datum: bytes, next };
    }
    case Oid.uuid: {
      const h = Buffer.from(b.subarray(o, o + 16)).toString('hex');
      return { datum: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`, next: o + 16 };
    }
    case Oid.interval:
      return { datum: readInterval(b, o), next: o + 16 };
    default:
      if (isEnumOid(type.oid)) return { datum: enumLabelOf(type.oid, readFloat(b, o)), next: o + 8 };
      throw new SqlError(SqlState.featureNotSupported, `type with OID ${type.oid} cannot be used in a key`);
  }
}

/** Length of a DESC-encoded (inverted) value starting at `o`. */
function invertedValueLength(b: Uint8Array, o: number, type: SqlType): number {
  const w = fixedWidth(type.oid);
  if (w !== undefined) return w;
  if (type.oid === Oid.numeric) {
    const cls = ~b[o]! & 0xff;
    if (cls !== numNeg && cls !== numPos) return 1;
    // Digits end at the (possibly double-inverted) zero terminator.
    const neg = cls === numNeg;
    let i = o + 5;
    for (;;) {
      const c = b[i];
      if (c === undefined) throw keyError('key ends inside a numeric');
      const plain = neg ? c : ~c & 0xff;
      i++;
      if (plain === 0) return i - o;
    }
  }
  // Escaped strings: inverted terminator is 0xFF 0xFE, inverted escape 0xFF 0x00.
  let i = o;
  for (;;) {
    const c = b[i];
    if (c === undefined) throw keyError('key ends inside a string');
    if (c === 0xff) {
      const n = b[i + 1];
      if (n === 0xfe) return i + 2 - o;
      if (n === 0x00) {
        i += 2;
        continue;
      }
      throw keyError('malformed escaped string in key');
    }
    i++;
  }
}

export function decodeKeyPart(bytes: Uint8Array, offset: number, column: KeyColumn): { datum: Datum; next: number } {
  const marker = bytes[offset];
  if (marker === undefined) throw keyError('key ends before a column');
  if (marker === nullMarkerFirst || marker === nullMarkerLast) return { datum: null, next: offset + 1 };
  if (marker !== valueMarker) throw keyError('malformed key column marker');
  const o = offset + 1;
  if (column.dir === 'asc') return readValue(bytes, o, column.type);
  const len = invertedValueLength(bytes, o, column.type);
  const plain = new Uint8Array(len);
  for (let i = 0; i < len; i++) plain[i] = ~bytes[o + i]! & 0xff;
  const r = readValue(plain, 0, column.type);
  assert(r.next === len, 'inverted key value length mismatch');
  return { datum: r.datum, next: o + len };
}

export function decodeKey(
  bytes: Uint8Array,
  offset: number,
  columns: readonly KeyColumn[],
): { values: Datum[]; next: number } {
  const values: Datum[] = [];
  let o = offset;
  for (const c of columns) {
    const r = decodeKeyPart(bytes, o, c);
    values.push(r.datum);
    o = r.next;
  }
  return { values, next: o };
}

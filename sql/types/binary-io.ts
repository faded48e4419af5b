/** Binary send/recv formats, exactly as PostgreSQL's typsend/typreceive. */
import { recordFields } from './record.js';
import { enumIn, isEnumOid } from './enum.js';
import { assert } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { Decimal, Interval, Oid, PgArray, PgRecord, sqlType, TIMESTAMP_INFINITY, TIMESTAMP_NEG_INFINITY, type Datum, type SqlType } from './datum.js';
import type { FormatContext } from './index.js';
import { parseJsonbText } from './json.js';
import { N, numericScale, withScale } from './numeric.js';
import { arrayElemOid, formatTypeOid } from './registry.js';
import { applyTypmod } from './text-io.js';

const numericPos = 0x0000;
const numericNeg = 0x4000;
const numericNaN = 0xc000;
const numericPInf = 0xd000;
const numericNInf = 0xf000;
const numericInfDscale = 0x20;
const int32Max = 2147483647;
const int32Min = -2147483648;
export const arrayItemsMax = 134217727;

function malformed(what: string): SqlError {
  return new SqlError(SqlState.invalidBinaryRepresentation, what);
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function fixed(len: number, fill: (v: DataView) => void): Uint8Array {
  const out = new Uint8Array(len);
  fill(new DataView(out.buffer));
  return out;
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(b: Uint8Array): string {
  try {
    return utf8Decoder.decode(b);
  } catch {
    throw new SqlError(SqlState.characterNotInRepertoire, 'invalid byte sequence for encoding "UTF8"');
  }
}

export function encodeNumeric(d: Decimal): Uint8Array {
  if (d.isNaN()) return fixed(8, (v) => v.setUint16(4, numericNaN));
  if (!d.isFinite()) {
    // PostgreSQL sends infinities with the dscale bits of its special header (0x20).
    return fixed(8, (v) => {
      v.setUint16(4, d.isNegative() ? numericNInf : numericPInf);
      v.setInt16(6, numericInfDscale);
    });
  }
  const dscale = numericScale(d);
  const abs = d.abs();
  let digits: number[] = [];
  let weight = 0;
  if (!abs.isZero()) {
    // Split the fixed-point text into base-10000 groups aligned on the decimal point.
    const text = abs.toFixed(dscale);
    const [intPart, fracPart = ''] = text.split('.') as [string, string?];
    const intPadded = intPart.padStart(Math.ceil(intPart.length / 4) * 4, '0');
    const fracPadded = fracPart.padEnd(Math.ceil(fracPart.length / 4) * 4, '0');
    const groups: number[] = [];
    for (let i = 0; i < intPadded.length; i += 4) groups.push(Number(intPadded.slice(i, i + 4)));
    const intGroups = groups.length;
    for (let i = 0; i < fracPadded.length; i += 4) groups.push(Number(fracPadded.slice(i, i + 4)));
    let start = 0;
    while (start < groups.length && groups[start] === 0) start++;
    let end = groups.length;
    while (end > start && groups[end - 1] === 0) end--;
    digits = groups.slice(start, end);
    weight = intGroups - 1 - start;
  }
  const out = new Uint8Array(8 + digits.length * 2);
  const v = new DataView(out.buffer);
  v.setInt16(0, digits.length);
  v.setInt16(2, digits.length === 0 ? 0 : weight);
  v.setUint16(4, d.isNegative() && !d.isZero() ? numericNeg : numericPos);
  v.setInt16(6, dscale);
  digits.forEach((g, i) => v.setInt16(8 + i * 2, g));
  return out;
}

export function decodeNumeric(b: Uint8Array): Decimal {
  if (b.length < 8) throw malformed('insufficient data left in message');
  const v = view(b);
  const ndigits = v.getInt16(0);
  const weight = v.getInt16(2);
  const sign = v.getUint16(4);
  const dscale = v.getInt16(6);
  if (sign === numericNaN) return withScale(new N(NaN), 0);
  if (sign === numericPInf) return withScale(new N(Infinity), 0);
  if (sign === numericNInf) return withScale(new N(-Infinity), 0);
  if ((sign !== numericPos && sign !== numericNeg) || ndigits < 0 || dscale < 0 || b.length !== 8 + ndigits * 2) {
    throw malformed('invalid external "numeric" value');
  }
  let text = '';
  for (let i = 0; i < ndigits; i++) {
    const g = v.getInt16(8 + i * 2);
    if (g < 0 || g > 9999) throw malformed('invalid digit in external "numeric" value');
    text += String(g).padStart(4, '0');
  }
  if (ndigits === 0) return withScale(new N(0), dscale);
  const exp = (weight + 1) * 4 - text.length; // value = text × 10^exp
  const d = new N(`${sign === numericNeg ? '-' : ''}${text}e${exp}`);
  return withScale(d, dscale);
}

/** record_send: field count, then per field its type oid and length-prefixed value (-1 = NULL). */
function encodeRecord(type: SqlType, datum: Datum, ctx: FormatContext): Uint8Array {
  const fields = recordFields(type);
  if (!(datum instanceof PgRecord) || fields === undefined) throw new SqlError(SqlState.featureNotSupported, 'binary output of an anonymous record is not supported');
  const parts: Uint8Array[] = [fixed(4, (v) => v.setInt32(0, datum.fields.length))];
  datum.fields.forEach((d, i) => {
    const t = fields[i]!.type;
    parts.push(fixed(4, (v) => v.setUint32(0, t.oid)));
    if (d === null) {
      parts.push(fixed(4, (v) => v.setInt32(0, -1)));
      return;
    }
    const bytes = encodeBinary(t, d, ctx);
    parts.push(fixed(4, (v) => v.setInt32(0, bytes.length)), bytes);
  });
  return Buffer.concat(parts);
}

export function encodeBinary(type: SqlType, datum: Datum, ctx: FormatContext): Uint8Array {
  assert(datum !== null, 'encodeBinary: NULL has no binary form');
  switch (type.oid) {
    case Oid.bool:
      return Uint8Array.of(datum === true ? 1 : 0);
    case Oid.int2:
      return fixed(2, (v) => v.setInt16(0, datum as number));
    case Oid.int4:
      return fixed(4, (v) => v.setInt32(0, datum as number));
    case Oid.oid:
    case Oid.regclass:
    case Oid.regtype:
    case Oid.regproc:
    case Oid.regnamespace:
    case Oid.regrole:
    case Oid.xid:
    case Oid.cid:
      return fixed(4, (v) => v.setUint32(0, datum as number));
    case Oid.int8:
      return fixed(8, (v) => v.setBigInt64(0, datum as bigint));
    case Oid.float4:
      return fixed(4, (v) => v.setFloat32(0, datum as number));
    case Oid.float8:
      return fixed(8, (v) => v.setFloat64(0, datum as number));
    case Oid.numeric:
      return encodeNumeric(datum as Decimal);
    case Oid.text:
    case Oid.varchar:
    case Oid.bpchar:
    case Oid.name:
    case Oid.unknown:
    case Oid.json:
    case Oid.cstring:
      return utf8.encode(datum as string);
    case Oid.char:
      return utf8.encode(datum as string).subarray(0, 1);
    case Oid.jsonb: {
      const body = utf8.encode(datum as string);
      const out = new Uint8Array(body.length + 1);
      out[0] = 1;
      out.set(body, 1);
      return out;
    }
    case Oid.bytea:
      return datum as Uint8Array;
    case Oid.uuid:
      return Uint8Array.from(Buffer.from((datum as string).replace(/-/g, ''), 'hex'));
    case Oid.date: {
      const days = datum as number;
      return fixed(4, (v) => v.setInt32(0, days === Infinity ? int32Max : days === -Infinity ? int32Min : days));
    }
    case Oid.time:
    case Oid.timestamp:
    case Oid.timestamptz:
      return fixed(8, (v) => v.setBigInt64(0, datum as bigint));
    case Oid.interval: {
      const iv = datum as Interval;
      return fixed(16, (v) => {
        v.setBigInt64(0, iv.micros);
        v.setInt32(8, iv.days);
        v.setInt32(12, iv.months);
      });
    }
    case Oid.void:
      return new Uint8Array(0);
    case Oid.record:
      return encodeRecord(type, datum, ctx);
    default: {
      const elem = arrayElemOid(type.oid);
      if (elem !== 0) return encodeArray(datum as PgArray, elem, type.typmod, ctx);
      if (isEnumOid(type.oid)) return Buffer.from(datum as string, 'utf8');
      throw new SqlError(SqlState.featureNotSupported, `binary output of type ${formatTypeOid(type.oid, -1)} is not supported`);
    }
  }
}

function encodeArray(arr: PgArray, elem: number, typmod: number, ctx: FormatContext): Uint8Array {
  const et = sqlType(elem, typmod);
  const parts = arr.items.map((x) => (x === null ? null : encodeBinary(et, x, ctx)));
  const size = 12 + arr.dims.length * 8 + parts.reduce((n, p) => n + 4 + (p === null ? 0 : p.length), 0);
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  v.setInt32(0, arr.dims.length);
  v.setInt32(4, parts.some((p) => p === null) ? 1 : 0);
  v.setUint32(8, elem);
  let o = 12;
  arr.dims.forEach((n, d) => {
    v.setInt32(o, n);
    v.setInt32(o + 4, arr.lbounds[d]!);
    o += 8;
  });
  for (const p of parts) {
    v.setInt32(o, p === null ? -1 : p.length);
    o += 4;
    if (p !== null) {
      out.set(p, o);
      o += p.length;
    }
  }
  return out;
}

function need(b: Uint8Array, n: number): void {
  if (b.length !== n) throw malformed(b.length < n ? 'insufficient data left in message' : 'incorrect binary data format');
}

export function decodeBinary(type: SqlType, b: Uint8Array, ctx: FormatContext): Datum {
  const d = decodeBinaryRaw(type, b, ctx);
  return type.typmod >= 0 && d !== null ? applyTypmod(type, d, 'assignment') : d;
}

function decodeBinaryRaw(type: SqlType, b: Uint8Array, ctx: FormatContext): Datum {
  switch (type.oid) {
    case Oid.bool:
      need(b, 1);
      return b[0] !== 0;
    case Oid.int2:
      need(b, 2);
      return view(b).getInt16(0);
    case Oid.int4:
      need(b, 4);
      return view(b).getInt32(0);
    case Oid.oid:
    case Oid.regclass:
    case Oid.regtype:
    case Oid.regproc:
    case Oid.regnamespace:
    case Oid.regrole:
    case Oid.xid:
    case Oid.cid:
      need(b, 4);
      return view(b).getUint32(0);
    case Oid.int8:
      need(b, 8);
      return view(b).getBigInt64(0);
    case Oid.float4:
      need(b, 4);
      return view(b).getFloat32(0);
    case Oid.float8:
      need(b, 8);
      return view(b).getFloat64(0);
    case Oid.numeric:
      return decodeNumeric(b);
    case Oid.text:
    case Oid.varchar:
    case Oid.bpchar:
    case Oid.name:
    case Oid.unknown:
    case Oid.cstring:
    case Oid.char: {
      const s = decodeUtf8(b);
      if (s.includes('\0')) throw new SqlError(SqlState.characterNotInRepertoire, 'invalid byte sequence for encoding "UTF8": 0x00');
      return s;
    }
    case Oid.json:
      return decodeUtf8(b);
    case Oid.jsonb:
      if (b.length < 1 || b[0] !== 1) throw malformed(`unsupported jsonb version number ${b[0] ?? 0}`);
      return parseJsonbText(decodeUtf8(b.subarray(1)));
    case Oid.bytea:
      return Uint8Array.from(b);
    case Oid.uuid: {
      need(b, 16);
      const h = Buffer.from(b).toString('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    }
    case Oid.date: {
      need(b, 4);
      const days = view(b).getInt32(0);
      return days === int32Max ? Infinity : days === int32Min ? -Infinity : days;
    }
    case Oid.time:
    case Oid.timestamp:
    case Oid.timestamptz: {
      need(b, 8);
      const us = view(b).getBigInt64(0);
      if (type.oid === Oid.time && (us < 0n || us > 86400000000n)) throw malformed('time out of range');
      return us === TIMESTAMP_INFINITY || us === TIMESTAMP_NEG_INFINITY ? us : us;
    }
    case Oid.interval: {
      need(b, 16);
      const v = view(b);
      return new Interval(v.getInt32(12), v.getInt32(8), v.getBigInt64(0));
    }
    default: {
      const elem = arrayElemOid(type.oid);
      if (elem !== 0) return decodeArray(b, elem, type.typmod, ctx);
      if (isEnumOid(type.oid)) return enumIn(type.oid, decodeUtf8(b));
      throw new SqlError(SqlState.featureNotSupported, `binary input of type ${formatTypeOid(type.oid, -1)} is not supported`);
    }
  }
}

function decodeArray(b: Uint8Array, elem: number, typmod: number, ctx: FormatContext): PgArray {
  if (b.length < 12) throw malformed('insufficient data left in message');
  const v = view(b);
  const ndim = v.getInt32(0);
  const flags = v.getInt32(4);
  const elemOid = v.getUint32(8);
  if (ndim < 0 || ndim > 6) throw malformed(`invalid number of dimensions: ${ndim}`);
  if (flags !== 0 && flags !== 1) throw malformed('invalid array flags');
  if (elemOid !== elem) {
    throw malformed(`binary data has array element type ${elemOid} (${formatTypeOid(elemOid, -1)}) instead of expected ${elem} (${formatTypeOid(elem, -1)})`);
  }
  if (b.length < 12 + ndim * 8) throw malformed('insufficient data left in message');
  const dims: number[] = [];
  const lbounds: number[] = [];
  let total = ndim === 0 ? 0 : 1;
  for (let d = 0; d < ndim; d++) {
    const n = v.getInt32(12 + d * 8);
    if (n < 0) throw malformed('array size must not be negative');
    dims.push(n);
    lbounds.push(v.getInt32(16 + d * 8));
    total *= n;
  }
  if (total > arrayItemsMax) throw new SqlError(SqlState.programLimitExceeded, 'array size exceeds the maximum allowed');
  const et = sqlType(elem, typmod);
  const items: Datum[] = [];
  let o = 12 + ndim * 8;
  for (let i = 0; i < total; i++) {
    if (o + 4 > b.length) throw malformed('insufficient data left in message');
    const len = v.getInt32(o);
    o += 4;
    if (len === -1) {
      items.push(null);
      continue;
    }
    if (len < 0 || o + len > b.length) throw malformed('insufficient data left in message');
    items.push(decodeBinary(et, b.subarray(o, o + len), ctx));
    o += len;
  }
  if (o !== b.length) throw malformed('incorrect binary data format in array element');
  return total === 0 ? new PgArray(elem, []) : new PgArray(elem, items, dims, lbounds);
}

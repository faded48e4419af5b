/** Btree ordering, equality and hash keys of datums, per type. */
import { compareEnum, isEnumOid } from './enum.js';
import { assert } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { Decimal, Interval, Oid, PgArray, sqlType, type Datum, type SqlType } from './datum.js';
import { intervalSpanMicros } from './datetime.js';
import { compareJsonb, jsonbHashText, parseJson } from './json.js';
import { N } from './numeric.js';
import { arrayElemOid, formatTypeOid } from './registry.js';

/** Code-point order of two strings = bytewise UTF-8 order ("C" collation). */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (!xs && !ys) return x - y;
    return (a.codePointAt(i) ?? 0) - (b.codePointAt(i) ?? 0);
  }
  return a.length - b.length;
}

export function trimTrailingSpaces(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0x20) end--;
  return end === s.length ? s : s.slice(0, end);
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}

export function compareFloat(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareNumeric(a: Decimal, b: Decimal): number {
  if (a.isNaN()) return b.isNaN() ? 0 : 1;
  if (b.isNaN()) return -1;
  return a.cmp(b);
}

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

function cmpBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compare(type: SqlType, a: Datum, b: Datum): number {
  assert(a !== null && b !== null, 'compare: NULLs are ordered by the caller');
  switch (type.oid) {
    case Oid.bool:
      return Number(a) - Number(b);
    case Oid.int2:
    case Oid.int4:
    case Oid.oid:
    case Oid.date:
    case Oid.regclass:
    case Oid.regtype:
    case Oid.regproc:
    case Oid.regnamespace:
    case Oid.regrole:
      return sign((a as number) - (b as number));
    case Oid.float4:
    case Oid.float8:
      return compareFloat(a as number, b as number);
    case Oid.int8:
    case Oid.time:
    case Oid.timestamp:
    case Oid.timestamptz:
      return cmpBig(a as bigint, b as bigint);
    case Oid.numeric:
      return compareNumeric(a as Decimal, b as Decimal);
    case Oid.text:
    case Oid.varchar:
    case Oid.name:
    case Oid.char:
    case Oid.unknown:
    case Oid.uuid:
      return sign(compareText(a as string, b as string));
    case Oid.bpchar:
      return sign(compareText(trimTrailingSpaces(a as string), trimTrailingSpaces(b as string)));
    case Oid.bytea:
      return sign(compareBytes(a as Uint8Array, b as Uint8Array));
    case Oid.interval:
      return cmpBig(intervalSpanMicros(a as Interval), intervalSpanMicros(b as Interval));
    case Oid.jsonb:
      return sign(
        compareJsonb(parseJson(a as string, 'jsonb'), parseJson(b as string, 'jsonb'), (x, y) => new N(x).cmp(new N(y))),
      );
    default: {
      const elem = arrayElemOid(type.oid);
      if (elem !== 0) return compareArrays(sqlType(elem), a as PgArray, b as PgArray);
      if (isEnumOid(type.oid)) return compareEnum(type.oid, a as string, b as string);
      throw new SqlError(
        SqlState.undefinedFunction,
        `could not identify a comparison function for type ${formatTypeOid(type.oid, -1)}`,
      );
    }
  }
}

/** array_cmp: elementwise (NULL after non-NULL), then element count, dimensions, lower bounds. */
export function compareArrays(elemType: SqlType, a: PgArray, b: PgArray): number {
  const n = Math.min(a.items.length, b.items.length);
  for (let i = 0; i < n; i++) {
    const x = a.items[i]!;
    const y = b.items[i]!;
    if (x === null || y === null) {
      if (x === null && y === null) continue;
      return x === null ? 1 : -1;
    }
    const c = compare(elemType, x, y);
    if (c !== 0) return c;
  }
  if (a.items.length !== b.items.length) return a.items.length < b.items.length ? -1 : 1;
  if (a.dims.length !== b.dims.length) return a.dims.length < b.dims.length ? -1 : 1;
  for (let d = 0; d < a.dims.length; d++) {
    if (a.dims[d] !== b.dims[d]) return a.dims[d]! < b.dims[d]! ? -1 : 1;
    if (a.lbounds[d] !== b.lbounds[d]) return a.lbounds[d]! < b.lbounds[d]! ? -1 : 1;
  }
  return 0;
}

export function equals(type: SqlType, a: Datum, b: Datum): boolean {
  return compare(type, a, b) === 0;
}

const nullKey = '\u0000NULL';

export function hashKey(type: SqlType, d: Datum): string | number {
  if (d === null) return nullKey;
  switch (type.oid) {
    case Oid.bool:
      return d === true ? 1 : 0;
    case Oid.int2:
    case Oid.int4:
    case Oid.oid:
    case Oid.date:
    case Oid.regclass:
    case Oid.regtype:
    case Oid.regproc:
    case Oid.regnamespace:
    case Oid.regrole:
      return d as number;
    case Oid.float4:
    case Oid.float8: {
      const v = d as number;
      if (Number.isNaN(v)) return 'NaN';
      return v === 0 ? 0 : v;
    }
    case Oid.int8:
    case Oid.time:
    case Oid.timestamp:
    case Oid.timestamptz: {
      const v = d as bigint;
      return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v.toString();
    }
    case Oid.numeric: {
      const v = d as Decimal;
      return v.isNaN() ? 'NaN' : v.isZero() ? '0' : v.toString();
    }
    case Oid.text:
    case Oid.varchar:
    case Oid.name:
    case Oid.char:
    case Oid.unknown:
    case Oid.uuid:
    case Oid.json:
      return d as string;
    case Oid.jsonb:
      return jsonbHashText(parseJson(d as string, 'jsonb'), (t) => {
        const v = new N(t);
        return v.isZero() ? '0' : v.toString();
      });
    case Oid.bpchar:
      return trimTrailingSpaces(d as string);
    case Oid.bytea: {
      const b = d as Uint8Array;
      return 'x' + Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
    }
    case Oid.interval:
      return intervalSpanMicros(d as Interval).toString();
    default: {
      const elem = arrayElemOid(type.oid);
      if (elem !== 0) {
        const arr = d as PgArray;
        const et = sqlType(elem);
        return JSON.stringify([arr.dims, arr.lbounds, arr.items.map((x) => hashKey(et, x))]);
      }
      if (isEnumOid(type.oid)) return d as string;
      throw new SqlError(
        SqlState.undefinedFunction,
        `could not identify a hash function for type ${formatTypeOid(type.oid, -1)}`,
      );
    }
  }
}

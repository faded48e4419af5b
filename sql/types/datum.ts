/**
 * Runtime representation of SQL values. A Datum carries no type of its own: the static
 * SqlType of the expression/column says how to read it. This file is the contract between
 * sql/types (I/O, casts, operators, functions) and the rest of sql/.
 *
 *   type                      JS representation
 *   bool                      boolean
 *   int2, int4, oid           number (integral)
 *   int8                      bigint
 *   float4, float8            number
 *   numeric                   Decimal (decimal.js; NaN allowed)
 *   text, varchar, bpchar, name   string (bpchar stored padded to its length)
 *   bytea                     Uint8Array
 *   date                      number: days since 2000-01-01 (PostgreSQL epoch); ±Infinity for infinity
 *   time                      bigint: microseconds since midnight
 *   timestamp, timestamptz    bigint: microseconds since 2000-01-01 00:00:00 (UTC for timestamptz);
 *                             TIMESTAMP_INFINITY / TIMESTAMP_NEG_INFINITY for ±infinity
 *   interval                  Interval
 *   uuid                      string (lower-case canonical 8-4-4-4-12)
 *   json                      string (the input text, kept as given)
 *   jsonb                     string (canonical jsonb text, as PostgreSQL prints it)
 *   arrays                    PgArray
 *   unknown (untyped literal) string
 *   NULL (any type)           null
 */
import { Decimal } from 'decimal.js';

export { Decimal };

export class Interval {
  constructor(
    readonly months: number,
    readonly days: number,
    readonly micros: bigint,
  ) {
    Object.freeze(this);
  }
}

/** A PostgreSQL array: `dims` lengths per dimension (empty for '{}'), lower bounds per dimension, items row-major. */
export class PgArray {
  constructor(
    readonly elemOid: number,
    readonly items: readonly Datum[],
    readonly dims: readonly number[] = items.length === 0 ? [] : [items.length],
    readonly lbounds: readonly number[] = dims.map(() => 1),
  ) {
    Object.freeze(this);
  }
}

/** A row value (composite/record): its fields in order; field names and types live in the record's type. */
export class PgRecord {
  constructor(readonly fields: readonly Datum[]) {
    Object.freeze(this);
  }
}

export type Datum = null | boolean | number | bigint | string | Uint8Array | Decimal | Interval | PgArray | PgRecord;

export const TIMESTAMP_INFINITY = 9223372036854775807n;
export const TIMESTAMP_NEG_INFINITY = -9223372036854775808n;

/** A static SQL type: PostgreSQL's type OID plus typmod (-1 = none), exactly as sent in RowDescription. */
export interface SqlType {
  readonly oid: number;
  readonly typmod: number;
}

/** Built-in type OIDs (pg_type.oid in PostgreSQL 15). */
export const Oid = {
  bool: 16,
  bytea: 17,
  char: 18,
  name: 19,
  int8: 20,
  int2: 21,
  int2vector: 22,
  int4: 23,
  regproc: 24,
  text: 25,
  oid: 26,
  tid: 27,
  xid: 28,
  cid: 29,
  oidvector: 30,
  json: 114,
  xml: 142,
  point: 600,
  float4: 700,
  float8: 701,
  unknown: 705,
  money: 790,
  bpchar: 1042,
  varchar: 1043,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  timetz: 1266,
  bit: 1560,
  varbit: 1562,
  numeric: 1700,
  refcursor: 1790,
  regprocedure: 2202,
  regoper: 2203,
  regoperator: 2204,
  regclass: 2205,
  regtype: 2206,
  regrole: 4096,
  regnamespace: 4089,
  uuid: 2950,
  jsonb: 3802,
  record: 2249,
  cstring: 2275,
  any: 2276,
  anyarray: 2277,
  void: 2278,
  trigger: 2279,
  anyelement: 2283,
  anynonarray: 2776,
  anyenum: 3500,
  pg_lsn: 3220,
  // array types
  _bool: 1000,
  _bytea: 1001,
  _char: 1002,
  _name: 1003,
  _int2: 1005,
  _int4: 1007,
  _regproc: 1008,
  _text: 1009,
  _oid: 1028,
  _bpchar: 1014,
  _varchar: 1015,
  _int8: 1016,
  _float4: 1021,
  _float8: 1022,
  _timestamp: 1115,
  _date: 1182,
  _time: 1183,
  _timestamptz: 1185,
  _interval: 1187,
  _numeric: 1231,
  _cstring: 1263,
  _uuid: 2951,
  _json: 199,
  _jsonb: 3807,
  _regclass: 2210,
  _regtype: 2211,
} as const;

export function sqlType(oid: number, typmod = -1): SqlType {
  return Object.freeze({ oid, typmod });
}

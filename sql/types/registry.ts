/** Type registry: pg_type rows, type-name resolution and format_type(). */
import { assert } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { Oid, sqlType, type SqlType } from './datum.js';
import { pgTypeRows } from './pg-type-data.js';
import { enumTypeInfo } from './enum.js';
import type { ResolvedTypeName, TypeInfo } from './index.js';

const typesByOid = new Map<number, TypeInfo>();
const typesByName = new Map<string, TypeInfo>();
for (const r of pgTypeRows) {
  const info: TypeInfo = Object.freeze({
    oid: r[0],
    name: r[1],
    typlen: r[2],
    typbyval: r[3],
    typtype: r[4] as TypeInfo['typtype'],
    typcategory: r[5],
    typispreferred: r[6],
    typelem: r[7],
    typarray: r[8],
    typdelim: r[9],
    typinput: r[10],
    typoutput: r[11],
    typreceive: r[12],
    typsend: r[13],
    typalign: r[14] as TypeInfo['typalign'],
    typstorage: r[15] as TypeInfo['typstorage'],
  });
  typesByOid.set(info.oid, info);
  typesByName.set(info.name, info);
}
/** Built-in types, then catalog-defined enum types (sql/types/enum.ts). */
function lookupType(oid: number): TypeInfo | undefined {
  return typesByOid.get(oid) ?? enumTypeInfo(oid);
}

const allTypeList: readonly TypeInfo[] = Object.freeze([...typesByOid.values()]);

export const varcharLengthMax = 10485760;
export const numericPrecisionMax = 1000;
export const numericScaleMin = -1000;
export const numericScaleMax = 1000;
export const timePrecisionMax = 6;
/** VARHDRSZ: character-type typmods are length + 4. */
export const typmodHeaderBytes = 4;
export const intervalFullRange = 0x7fff;
export const intervalFullPrecision = 0xffff;

export function findTypeInfo(oid: number): TypeInfo | undefined {
  return lookupType(oid);
}

export function typeInfo(oid: number): TypeInfo {
  const t = lookupType(oid);
  if (t === undefined) throw new SqlError(SqlState.undefinedObject, `type with OID ${oid} does not exist`);
  return t;
}

export function allTypes(): readonly TypeInfo[] {
  return allTypeList;
}

export function arrayElemOid(oid: number): number {
  const t = lookupType(oid);
  if (t === undefined || t.typcategory !== 'A') return 0;
  return t.typelem;
}

export function isArrayOid(oid: number): boolean {
  return arrayElemOid(oid) !== 0;
}

export function arrayTypeOf(elemOid: number): number {
  const t = lookupType(elemOid);
  if (t === undefined || t.typarray === 0 || lookupType(t.typarray) === undefined) {
    throw new SqlError(SqlState.undefinedObject, `could not find array type for data type ${formatTypeOid(elemOid, -1)}`);
  }
  return t.typarray;
}

/** SQL-standard spellings the grammar would have turned into pg_catalog names. */
const typeAliases: ReadonlyMap<string, string> = new Map([
  ['int', 'int4'],
  ['integer', 'int4'],
  ['smallint', 'int2'],
  ['bigint', 'int8'],
  ['real', 'float4'],
  ['float', 'float8'],
  ['double precision', 'float8'],
  ['boolean', 'bool'],
  ['decimal', 'numeric'],
  ['dec', 'numeric'],
  ['character varying', 'varchar'],
  ['character', 'bpchar'],
  ['timestamp without time zone', 'timestamp'],
  ['timestamp with time zone', 'timestamptz'],
  ['time without time zone', 'time'],
  ['time with time zone', 'timetz'],
  ['bit varying', 'varbit'],
]);

const serialTypes: ReadonlyMap<string, number> = new Map([
  ['serial', Oid.int4],
  ['serial4', Oid.int4],
  ['bigserial', Oid.int8],
  ['serial8', Oid.int8],
  ['smallserial', Oid.int2],
  ['serial2', Oid.int2],
]);

function invalidParam(message: string): SqlError {
  return new SqlError(SqlState.invalidParameterValue, message);
}

export function resolveTypeName(
  names: readonly string[],
  typmods: readonly number[],
  arrayBounds: number,
): ResolvedTypeName {
  assert(names.length > 0, 'type name must not be empty');
  assert(arrayBounds >= 0, 'arrayBounds must not be negative');
  const qualified = names.join('.');
  if (names.length > 2 || (names.length === 2 && names[0] !== 'pg_catalog')) {
    throw new SqlError(SqlState.undefinedObject, `type "${qualified}" does not exist`);
  }
  const last = names[names.length - 1]!;
  const serialOid = names.length === 1 ? serialTypes.get(last) : undefined;
  if (serialOid !== undefined) {
    if (arrayBounds > 0) throw new SqlError(SqlState.featureNotSupported, 'array of serial is not implemented');
    return { kind: 'serial', type: sqlType(serialOid) };
  }
  const info = typesByName.get(typeAliases.get(last) ?? last);
  if (info === undefined || info.typtype === 'p' || info.oid === Oid.unknown) {
    throw new SqlError(SqlState.undefinedObject, `type "${qualified}" does not exist`);
  }
  const typmod = typmodFor(info, typmods);
  if (arrayBounds === 0 || info.typcategory === 'A') return { kind: 'type', type: sqlType(info.oid, typmod) };
  return { kind: 'type', type: sqlType(arrayTypeOf(info.oid), typmod) };
}

function typmodFor(info: TypeInfo, typmods: readonly number[]): number {
  if (typmods.length === 0) return -1;
  const oid = info.typcategory === 'A' ? info.typelem : info.oid;
  switch (oid) {
    case Oid.varchar:
    case Oid.bpchar:
    case Oid.bit:
    case Oid.varbit: {
      const name = oid === Oid.varchar ? 'varchar' : oid === Oid.bpchar ? 'char' : oid === Oid.bit ? 'bit' : 'varbit';
      if (typmods.length !== 1) throw invalidParam(`invalid type modifier`);
      const n = typmods[0]!;
      if (n < 1) throw invalidParam(`length for type ${name} must be at least 1`);
      if (n > varcharLengthMax) throw invalidParam(`length for type ${name} cannot exceed ${varcharLengthMax}`);
      return oid === Oid.bit || oid === Oid.varbit ? n : n + typmodHeaderBytes;
    }
    case Oid.numeric: {
      if (typmods.length > 2) throw invalidParam('invalid NUMERIC type modifier');
      const p = typmods[0]!;
      const s = typmods.length === 2 ? typmods[1]! : 0;
      if (p < 1 || p > numericPrecisionMax) {
        throw invalidParam(`NUMERIC precision ${p} must be between 1 and ${numericPrecisionMax}`);
      }
      if (s < numericScaleMin || s > numericScaleMax) {
        throw invalidParam(`NUMERIC scale ${s} must be between ${numericScaleMin} and ${numericScaleMax}`);
      }
      return ((p << 16) | (s & 0x7ff)) + typmodHeaderBytes;
    }
    case Oid.time:
    case Oid.timetz:
    case Oid.timestamp:
    case Oid.timestamptz: {
      if (typmods.length !== 1) throw invalidParam('invalid type modifier');
      const p = typmods[0]!;
      const label = oid === Oid.time ? 'TIME' : oid === Oid.timetz ? 'TIME WITH TIME ZONE' : oid === Oid.timestamp ? 'TIMESTAMP' : 'TIMESTAMP WITH TIME ZONE';
      if (p < 0) throw invalidParam(`${label}(${p}) precision must not be negative`);
      return Math.min(p, timePrecisionMax);
    }
    case Oid.interval: {
      // The grammar passes [rangeMask] or [rangeMask, precision].
      const range = typmods[0]!;
      const precision = typmods.length > 1 ? typmods[1]! : intervalFullPrecision;
      if (precision !== intervalFullPrecision && precision < 0) {
        throw invalidParam(`INTERVAL(${precision}) precision must not be negative`);
      }
      const p = precision === intervalFullPrecision ? precision : Math.min(precision, timePrecisionMax);
      return ((range & 0x7fff) << 16) | p;
    }
    default:
      throw new SqlError(SqlState.syntaxError, `type modifier is not allowed for type "${info.name}"`);
  }
}

/** Interval range bits (datetime.h) for typmod formatting. */
const intervalRangeBits = { year: 1 << 2, month: 1 << 1, day: 1 << 3, hour: 1 << 10, minute: 1 << 11, second: 1 << 12 } as const;

function intervalRangeText(range: number): string {
  const b = intervalRangeBits;
  const table: readonly (readonly [number, string])[] = [
    [b.year, ' year'],
    [b.month, ' month'],
    [b.day, ' day'],
    [b.hour, ' hour'],
    [b.minute, ' minute'],
    [b.second, ' second'],
    [b.year | b.month, ' year to month'],
    [b.day | b.hour, ' day to hour'],
    [b.day | b.hour | b.minute, ' day to minute'],
    [b.day | b.hour | b.minute | b.second, ' day to second'],
    [b.hour | b.minute, ' hour to minute'],
    [b.hour | b.minute | b.second, ' hour to second'],
    [b.minute | b.second, ' minute to second'],
  ];
  for (const [mask, text] of table) if (mask === range) return text;
  return '';
}

export function formatType(type: SqlType): string {
  return formatTypeOid(type.oid, type.typmod);
}

export function formatTypeOid(oid: number, typmod: number): string {
  const info = lookupType(oid);
  if (info === undefined) return '???';
  // PostgreSQL's format_type: int2vector/oidvector (typstorage plain) print their own name.
  if (info.typcategory === 'A' && info.typelem !== 0 && info.typlen === -1 && info.typstorage !== 'p') {
    return formatTypeOid(info.typelem, typmod) + '[]';
  }
  const withMod = typmod >= 0;
  switch (oid) {
    case Oid.bool:
      return 'boolean';
    case Oid.char:
      return '"char"';
    case Oid.int2:
      return 'smallint';
    case Oid.int4:
      return 'integer';
    case Oid.int8:
      return 'bigint';
    case Oid.float4:
      return 'real';
    case Oid.float8:
      return 'double precision';
    case Oid.bpchar:
      return withMod ? `character(${typmod - typmodHeaderBytes})` : 'bpchar';
    case Oid.varchar:
      return withMod ? `character varying(${typmod - typmodHeaderBytes})` : 'character varying';
    case Oid.bit:
      return withMod ? `bit(${typmod})` : '"bit"';
    case Oid.varbit:
      return withMod ? `bit varying(${typmod})` : 'bit varying';
    case Oid.numeric: {
      if (!withMod) return 'numeric';
      const t = typmod - typmodHeaderBytes;
      const p = (t >> 16) & 0xffff;
      const s = ((t & 0x7ff) ^ 1024) - 1024;
      return `numeric(${p},${s})`;
    }
    case Oid.time:
      return withMod ? `time(${typmod}) without time zone` : 'time without time zone';
    case Oid.timetz:
      return withMod ? `time(${typmod}) with time zone` : 'time with time zone';
    case Oid.timestamp:
      return withMod ? `timestamp(${typmod}) without time zone` : 'timestamp without time zone';
    case Oid.timestamptz:
      return withMod ? `timestamp(${typmod}) with time zone` : 'timestamp with time zone';
    case Oid.interval: {
      if (!withMod) return 'interval';
      const range = (typmod >> 16) & 0x7fff;
      const precision = typmod & 0xffff;
      const fields = range === intervalFullRange ? '' : intervalRangeText(range);
      return precision === intervalFullPrecision ? `interval${fields}` : `interval${fields}(${precision})`;
    }
    case Oid.any:
      return '"any"';
    default:
      return info.name;
  }
}

/** numeric typmod → precision/scale, or undefined for -1. */
export function numericTypmod(typmod: number): { precision: number; scale: number } | undefined {
  if (typmod < typmodHeaderBytes) return undefined;
  const t = typmod - typmodHeaderBytes;
  return { precision: (t >> 16) & 0xffff, scale: ((t & 0x7ff) ^ 1024) - 1024 };
}

/** char/varchar typmod → max length in characters, or undefined. */
export function charLengthTypmod(typmod: number): number | undefined {
  return typmod >= typmodHeaderBytes ? typmod - typmodHeaderBytes : undefined;
}

/** The interval precision in a typmod, or undefined for full precision. */
export function intervalPrecisionTypmod(typmod: number): number | undefined {
  if (typmod < 0) return undefined;
  const p = typmod & 0xffff;
  return p === intervalFullPrecision ? undefined : p;
}

export function typeCategory(oid: number): string {
  return lookupType(oid)?.typcategory ?? 'X';
}

export function isPreferredType(oid: number): boolean {
  return lookupType(oid)?.typispreferred ?? false;
}

/**
 * Wire encoding of values and row descriptions for the session layer: datums to the text or
 * binary format a client asked for, parameters back to datums.
 */
import { SqlError, SqlState } from '../util/errors.js';
import type { ResultColumn } from './plan/api.js';
import type { FieldDescription } from './session-api.js';
import {
  decodeBinary,
  encodeBinary,
  findTypeInfo,
  formatText,
  Oid,
  parseText,
  type Datum,
  type FormatContext,
  type SqlType,
} from './types/index.js';

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** Result format codes for `count` columns from Bind's list (0 entries = all text, 1 = all that one). */
export function resultFormats(codes: readonly number[], count: number): (0 | 1)[] {
  if (codes.length > 1 && codes.length !== count) {
    throw new SqlError(SqlState.protocolViolation, `bind message has ${codes.length} result formats but query has ${count} columns`);
  }
  const out: (0 | 1)[] = [];
  for (let i = 0; i < count; i++) {
    const c = codes.length === 0 ? 0 : codes.length === 1 ? codes[0]! : codes[i]!;
    if (c !== 0 && c !== 1) throw new SqlError(SqlState.protocolViolation, `unsupported format code: ${c}`);
    out.push(c);
  }
  return out;
}

export function describeColumns(columns: readonly ResultColumn[], formats?: readonly (0 | 1)[]): FieldDescription[] {
  return columns.map((c, i) => ({
    name: c.name,
    tableOid: c.tableOid,
    columnAttr: c.attnum,
    typeOid: c.type.oid,
    typeSize: findTypeInfo(c.type.oid)?.typlen ?? -1,
    typmod: c.type.typmod,
    format: formats?.[i] ?? 0,
  }));
}

/** A text column that is not backed by a table (SHOW, EXPLAIN, ...). */
export function textColumn(name: string): ResultColumn {
  return { name, type: { oid: Oid.text, typmod: -1 }, tableOid: 0, attnum: 0 };
}

export function encodeValue(type: SqlType, datum: Datum, format: 0 | 1, ctx: FormatContext): Uint8Array | null {
  if (datum === null) return null;
  if (format === 1) return encodeBinary(type, datum, ctx);
  return utf8.encode(formatText(type, datum, ctx));
}

export function encodeRow(
  columns: readonly ResultColumn[],
  row: readonly Datum[],
  formats: readonly (0 | 1)[],
  ctx: FormatContext,
): (Uint8Array | null)[] {
  const out: (Uint8Array | null)[] = new Array(columns.length);
  for (let i = 0; i < columns.length; i++) out[i] = encodeValue(columns[i]!.type, row[i] ?? null, formats[i] ?? 0, ctx);
  return out;
}

/** Bind parameters → datums of the statement's parameter types. */
export function decodeParams(
  types: readonly SqlType[],
  values: readonly (Uint8Array | null)[],
  formatCodes: readonly number[],
  ctx: FormatContext,
): Datum[] {
  if (values.length !== types.length) {
    throw new SqlError(
      SqlState.protocolViolation,
      `bind message supplies ${values.length} parameters, but prepared statement "" requires ${types.length}`,
    );
  }
  if (formatCodes.length > 1 && formatCodes.length !== values.length) {
    throw new SqlError(SqlState.protocolViolation, `bind message has ${formatCodes.length} parameter formats but ${values.length} parameters`);
  }
  return values.map((v, i) => {
    if (v === null) return null;
    const format = formatCodes.length === 0 ? 0 : formatCodes.length === 1 ? formatCodes[0]! : formatCodes[i]!;
    const type = types[i]!;
    if (format === 1) return decodeBinary(type, v, ctx);
    if (format !== 0) throw new SqlError(SqlState.protocolViolation, `unsupported format code: ${format}`);
    let text: string;
    try {
      text = utf8Decoder.decode(v);
    } catch {
      throw new SqlError(SqlState.characterNotInRepertoire, 'invalid byte sequence for encoding "UTF8"');
    }
    return parseText(type.oid === Oid.unknown ? { oid: Oid.text, typmod: -1 } : type, text, ctx);
  });
}

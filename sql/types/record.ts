/**
 * Anonymous record types (PostgreSQL's `record` with a "blessed" typmod): a row value's field
 * names and types are interned once per distinct shape and the SqlType carries the intern id as
 * its typmod, so `(expr).field` can be resolved at bind time wherever the value flows (through
 * subqueries, CTEs, function scans). The table only grows, by shape, like PostgreSQL's
 * per-backend record typmod cache; shapes are few (one per ROW(...) / record-returning call site
 * kind), bounded by recordShapesMax.
 *
 * Values are PgRecord datums (./datum.ts); the text form is record_out's `(a,b)`.
 */
import { SqlError, SqlState } from '../../util/errors.js';
import { Oid, PgRecord, type Datum, type SqlType } from './datum.js';

export interface RecordField {
  readonly name: string;
  readonly type: SqlType;
}

/** Distinct record shapes interned per process (a bound, not an expected size). */
export const recordShapesMax = 65_536;

const shapes: (readonly RecordField[])[] = [];
const shapeIds = new Map<string, number>();

/** The record type with these fields (the same SqlType for the same names and types). */
export function recordType(fields: readonly RecordField[]): SqlType {
  const key = fields.map((f) => `${f.name}\u0000${f.type.oid}/${f.type.typmod}`).join('\u0001');
  let id = shapeIds.get(key);
  if (id === undefined) {
    if (shapes.length >= recordShapesMax) throw new SqlError(SqlState.programLimitExceeded, 'too many distinct record types');
    id = shapes.length;
    shapes.push(Object.freeze(fields.map((f) => Object.freeze({ ...f }))));
    shapeIds.set(key, id);
  }
  return { oid: Oid.record, typmod: id };
}

/** Fields of a record type made by recordType; undefined for other types (and bare `record`). */
export function recordFields(type: SqlType): readonly RecordField[] | undefined {
  if (type.oid !== Oid.record || type.typmod < 0) return undefined;
  return shapes[type.typmod];
}

/** record_out: `(f1,f2)`, NULL fields empty, fields quoted when empty or holding `",\()` or space. */
export function formatRecord(value: Datum, type: SqlType, formatField: (t: SqlType, d: Datum) => string): string {
  if (!(value instanceof PgRecord)) throw new SqlError(SqlState.internalError, 'record datum expected');
  const fields = recordFields(type);
  const parts = value.fields.map((d, i) => {
    if (d === null) return '';
    const text = formatField(fields?.[i]?.type ?? { oid: Oid.text, typmod: -1 }, d);
    if (text !== '' && !/[",\\() \t\n\r\f\v]/.test(text)) return text;
    return `"${text.replace(/["\\]/g, (c) => c + c)}"`;
  });
  return `(${parts.join(',')})`;
}

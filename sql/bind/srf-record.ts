/**
 * Binding of the set-returning functions in FROM that return several columns or need a column
 * definition list (json[b]_each[_text], json[b]_to_record[set]) and of regexp_matches,
 * regexp_split_to_table and string_to_table, with PostgreSQL 15's errors for column definition
 * lists. Executed by sql/exec/srf-record.ts.
 */
import type { Expr, FuncCall, FunctionColumnDef } from '../ast.js';
import { assert } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { Oid, resolveTypeName, sqlType, type SqlType } from '../types/index.js';
import type { SrfCall, SrfColumn, SrfImpl } from '../plan/setop-plan.js';
import { typeName, withPosition, type Binder } from './binder.js';
import type { BExpr } from './expr.js';

function err(code: string, message: string, location: number, extra: { hint?: string } = {}): SqlError {
  return new SqlError(code, message, location >= 0 ? { position: location + 1, ...extra } : extra);
}

interface RecordSrf {
  readonly impl: SrfImpl;
  /** Type of the first argument (json or jsonb). */
  readonly arg: number;
  /** Fixed OUT columns; absent: the caller's column definition list decides. */
  readonly columns?: readonly SrfColumn[];
}

const textType = sqlType(Oid.text);

const recordSrfs: ReadonlyMap<string, RecordSrf> = new Map([
  ['json_each', { impl: 'json_each', arg: Oid.json, columns: [{ name: 'key', type: textType }, { name: 'value', type: sqlType(Oid.json) }] }],
  ['jsonb_each', { impl: 'json_each', arg: Oid.jsonb, columns: [{ name: 'key', type: textType }, { name: 'value', type: sqlType(Oid.jsonb) }] }],
  ['json_each_text', { impl: 'json_each_text', arg: Oid.json, columns: [{ name: 'key', type: textType }, { name: 'value', type: textType }] }],
  ['jsonb_each_text', { impl: 'json_each_text', arg: Oid.jsonb, columns: [{ name: 'key', type: textType }, { name: 'value', type: textType }] }],
  ['json_to_record', { impl: 'json_to_record', arg: Oid.json }],
  ['jsonb_to_record', { impl: 'json_to_record', arg: Oid.jsonb }],
  ['json_to_recordset', { impl: 'json_to_recordset', arg: Oid.json }],
  ['jsonb_to_recordset', { impl: 'json_to_recordset', arg: Oid.jsonb }],
] as const);

/** regexp_matches → text[]; the splitting functions → text; all take (text, text [, text]). */
const textSrfs: ReadonlyMap<string, { readonly impl: SrfImpl; readonly result: number }> = new Map([
  ['regexp_matches', { impl: 'regexp_matches', result: Oid._text }],
  ['regexp_split_to_table', { impl: 'regexp_split_to_table', result: Oid.text }],
  ['string_to_table', { impl: 'string_to_table', result: Oid.text }],
] as const);

/** Functions this module binds. */
export function isRecordOrTextSrf(name: string): boolean {
  return recordSrfs.has(name) || textSrfs.has(name) || populateSrfs.has(name);
}

function signature(name: string, args: readonly BExpr[]): string {
  return `${name}(${args.map((a) => typeName(a.type)).join(', ')})`;
}

function noFunction(name: string, args: readonly BExpr[], location: number): SqlError {
  return err(SqlState.undefinedFunction, `function ${signature(name, args)} does not exist`, location, {
    hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
  });
}

function definedColumns(defs: readonly FunctionColumnDef[]): SrfColumn[] {
  return defs.map((d) => {
    let resolved;
    try {
      resolved = resolveTypeName(d.type.names, d.type.typmods, d.type.arrayBounds);
    } catch (e) {
      throw withPosition(e, d.type.location >= 0 ? d.type.location : d.location);
    }
    if (resolved.kind === 'serial') {
      throw err(SqlState.undefinedObject, `type "${d.type.names[d.type.names.length - 1]}" does not exist`, d.type.location);
    }
    return { name: d.name, type: resolved.type };
  });
}

/** PostgreSQL's error for a column definition list on a function that does not return `record`. */
export function columnDefsNotAllowed(defs: readonly FunctionColumnDef[]): SqlError {
  return err(SqlState.syntaxError, 'a column definition list is only allowed for functions returning "record"', defs[0]?.location ?? -1);
}

const populateSrfs: ReadonlyMap<string, RecordSrf> = new Map([
  ['json_populate_record', { impl: 'json_to_record', arg: Oid.json }],
  ['jsonb_populate_record', { impl: 'json_to_record', arg: Oid.jsonb }],
  ['json_populate_recordset', { impl: 'json_to_recordset', arg: Oid.json }],
  ['jsonb_populate_recordset', { impl: 'json_to_recordset', arg: Oid.jsonb }],
] as const);

/**
 * json[b]_populate_record[set](NULL::table, json): the table's columns, filled from the json as
 * json_to_record does. A base record other than a NULL of a table's row type answers 0A000.
 */
function bindPopulate(b: Binder, f: FuncCall, name: string, def: RecordSrf, bindArg: (e: Expr) => BExpr, defs: readonly FunctionColumnDef[] | undefined): SrfCall {
  const base = f.args[0];
  if (f.args.length !== 2 || base === undefined) throw noFunction(name, f.args.map(bindArg), f.location);
  const isNull = base.kind === 'Cast' && base.arg.kind === 'Const' && base.arg.type === 'null';
  if (base.kind !== 'Cast' || !isNull) {
    throw err(SqlState.featureNotSupported, `${name} with a base record other than NULL::table is not supported`, f.location);
  }
  const names = base.type.names;
  const entry = base.type.arrayBounds === 0 ? b.ctx.catalog.lookupClass(b.ctx.searchPath, names) : undefined;
  if (entry === undefined || entry.kind !== 'table') {
    bindArg(base); // a builtin type binds (then: not a row type); an unknown one fails with 42704 here
    throw new SqlError(SqlState.invalidParameterValue, `first argument of ${name} must be a row type`);
  }
  if (defs !== undefined) throw err(SqlState.syntaxError, 'a column definition list is redundant for a function returning a named composite type', defs[0]?.location ?? -1);
  const json = bindArg(f.args[1]!);
  const arg = b.tryCoerce(json, sqlType(def.arg), 'implicit');
  if (arg === undefined) throw noFunction(name, [bindArg(base), json], f.location);
  const table = b.ctx.catalog.mustTable(entry.oid);
  const columns: SrfColumn[] = table.columns.filter((c) => !c.dropped && !c.hidden).map((c) => ({ name: c.name, type: c.type }));
  return { name, impl: def.impl, args: [arg], type: columns[0]!.type, column: columns[0]!.name, columns };
}

/** One call of a function `isRecordOrTextSrf` accepts; `bindArg` binds one argument. */
export function bindRecordOrTextSrf(b: Binder, f: FuncCall, name: string, bindArg: (e: Expr) => BExpr, defs: readonly FunctionColumnDef[] | undefined): SrfCall {
  const populate = populateSrfs.get(name);
  if (populate !== undefined) return bindPopulate(b, f, name, populate, bindArg, defs);
  const args = f.args.map(bindArg);
  const text = textSrfs.get(name);
  if (text !== undefined) {
    if (args.length !== 2 && args.length !== 3) throw noFunction(name, args, f.location);
    const coerced = args.map((a) => b.tryCoerce(a, textType, 'implicit'));
    if (coerced.some((a) => a === undefined)) throw noFunction(name, args, f.location);
    if (defs !== undefined) throw columnDefsNotAllowed(defs);
    return { name, impl: text.impl, args: coerced as BExpr[], type: sqlType(text.result) };
  }
  const def = recordSrfs.get(name);
  assert(def !== undefined, `${name} is a record function`);
  const arg = args.length === 1 ? b.tryCoerce(args[0]!, sqlType(def.arg), 'implicit') : undefined;
  if (arg === undefined) throw noFunction(name, args, f.location);
  let columns: readonly SrfColumn[];
  if (def.columns !== undefined) {
    if (defs !== undefined) throw err(SqlState.syntaxError, 'a column definition list is redundant for a function with OUT parameters', defs[0]?.location ?? -1);
    columns = def.columns;
  } else {
    if (defs === undefined) throw err(SqlState.syntaxError, 'a column definition list is required for functions returning "record"', f.location);
    columns = definedColumns(defs);
  }
  const first: SqlType = columns[0]!.type;
  return { name, impl: def.impl, args: [arg], type: first, column: columns[0]!.name, columns };
}

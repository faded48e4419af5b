/**
 * Set-returning functions in FROM that return several columns (json[b]_each[_text],
 * json[b]_to_record[set]) and the text-splitting ones (regexp_matches, regexp_split_to_table,
 * string_to_table), as PostgreSQL 15 computes them. Called by sql/exec/setop.ts's functionScan.
 */
import { assert, AssertionError } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';
import type { SrfCall, SrfColumn } from '../plan/setop-plan.js';
import { arrayElemOid, Oid, parseText, PgArray, type Datum, type EvalContext } from '../types/index.js';
import { jsonbEntries, jsonValueAsText, jsonValueText, parseJson, type JsonValue } from '../types/json.js';
import { posixRegExp } from '../types/pattern.js';

type JsonObject = Extract<JsonValue, { kind: 'object' }>;

function invalid(message: string): SqlError {
  return new SqlError(SqlState.invalidParameterValue, message);
}

function what(v: JsonValue): string {
  return v.kind === 'array' ? 'an array' : v.kind === 'object' ? 'an object' : 'a scalar';
}

/** Rows of a multi-column call (`call.columns` set); `args` are evaluated, NULL-checked by the caller where strict. */
export function recordRows(call: SrfCall, args: readonly Datum[], ctx: EvalContext): Iterator<readonly Datum[]> {
  const columns = call.columns;
  assert(columns !== undefined && columns.length > 0, 'a multi-column function has columns');
  const jsonb = call.args[0]!.type.oid === Oid.jsonb;
  const source = args[0];
  switch (call.impl) {
    case 'json_each':
    case 'json_each_text': {
      if (source === null || source === undefined) return [][Symbol.iterator]();
      const text = source as string;
      const v = parseJson(text, jsonb ? 'jsonb' : 'json');
      if (v.kind !== 'object') throw invalid(jsonb ? `cannot call ${call.name} on a non-object` : v.kind === 'array' ? 'cannot deconstruct an array as an object' : 'cannot deconstruct a scalar');
      const asText = call.impl === 'json_each_text';
      const entries = jsonb ? jsonbEntries(v) : v.entries;
      return entries.map(([k, x]): readonly Datum[] => [k, asText ? jsonValueAsText(text, x, jsonb) : jsonValueText(text, x, jsonb)])[Symbol.iterator]();
    }
    case 'json_to_record': {
      if (source === null || source === undefined) return [columns.map(() => null)][Symbol.iterator]();
      const text = source as string;
      const v = parseJson(text, jsonb ? 'jsonb' : 'json');
      if (v.kind !== 'object') throw invalid(`cannot call populate_composite on ${what(v)}`);
      return [objectRow(text, v, jsonb, columns, ctx)][Symbol.iterator]();
    }
    case 'json_to_recordset': {
      if (source === null || source === undefined) return [][Symbol.iterator]();
      const text = source as string;
      const v = parseJson(text, jsonb ? 'jsonb' : 'json');
      if (v.kind !== 'array') {
        throw invalid(jsonb ? `cannot call ${call.name} on a non-array` : `cannot call ${call.name} on ${what(v)}`);
      }
      return recordsetRows(call.name, text, v.items, jsonb, columns, ctx);
    }
    case '_pg_expandarray':
      return expandArray(source ?? null, (x, n) => [x, n]);
    case 'generate_series':
    case 'generate_subscripts':
    case 'unnest':
    case 'json_array_elements':
    case 'json_array_elements_text':
    case 'json_object_keys':
    case 'regexp_matches':
    case 'regexp_split_to_table':
    case 'string_to_table':
    case 'scalar':
      throw new AssertionError(`${call.impl} returns one column`);
  }
}

function* recordsetRows(name: string, text: string, items: readonly JsonValue[], jsonb: boolean, columns: readonly SrfColumn[], ctx: EvalContext): Generator<readonly Datum[]> {
  for (const item of items) {
    if (item.kind !== 'object') throw invalid(`argument of ${name} must be an array of objects`);
    yield objectRow(text, item, jsonb, columns, ctx);
  }
}

/** One row from a json object: each column takes the value of its key (the last duplicate for json). */
function objectRow(text: string, obj: JsonObject, jsonb: boolean, columns: readonly SrfColumn[], ctx: EvalContext): Datum[] {
  const byKey = new Map<string, JsonValue>();
  for (const [k, x] of jsonb ? jsonbEntries(obj) : obj.entries) byKey.set(k, x);
  return columns.map((c) => {
    const x = byKey.get(c.name);
    return x === undefined ? null : jsonToDatum(text, x, jsonb, c, ctx);
  });
}

/** PostgreSQL's populate_record conversion of one json value to a column's type. */
function jsonToDatum(text: string, x: JsonValue, jsonb: boolean, column: SrfColumn, ctx: EvalContext): Datum {
  const type = column.type;
  if (x.kind === 'null') return null;
  if (type.oid === Oid.json) return jsonValueText(text, x, jsonb);
  if (type.oid === Oid.jsonb) return jsonValueText(text, x, true);
  const elem = arrayElemOid(type.oid);
  if (elem !== 0 && x.kind === 'array') {
    const items = x.items.map((it): Datum => {
      if (it.kind === 'array' || it.kind === 'object') {
        throw new SqlError(SqlState.featureNotSupported, `json_to_record of nested json arrays or objects into an array column is not supported`);
      }
      return it.kind === 'null' ? null : parseText({ oid: elem, typmod: type.typmod }, jsonValueAsText(text, it, jsonb)!, ctx);
    });
    return new PgArray(elem, items);
  }
  return parseText(type, jsonValueAsText(text, x, jsonb)!, ctx);
}

// ─── text splitting ──────────────────────────────────────────────────────────────────────

interface RegexpFlags {
  readonly global: boolean;
  readonly jsFlags: string;
}

/** PostgreSQL's regexp flags: g, i and c are built; the other valid letters answer 0A000. */
function regexpFlags(flags: string, fn: string): RegexpFlags {
  let global = false;
  let icase = false;
  for (const f of flags) {
    if (f === 'g') global = true;
    else if (f === 'i') icase = true;
    else if (f === 'c') icase = false;
    else if ('bemnpqstwx'.includes(f)) throw new SqlError(SqlState.featureNotSupported, `regular expression option "${f}" in ${fn} is not supported`);
    else throw invalid(`invalid regular expression option: "${f}"`);
  }
  return { global, jsFlags: 'gu' + (icase ? 'i' : '') };
}

interface Match {
  readonly start: number;
  readonly end: number;
  readonly groups: readonly (string | null)[];
}

/**
 * Matches as PostgreSQL's setup_regexp_matches finds them: the next search starts at the end of
 * the previous match (one character later after an empty one); `ignoreDegenerate` drops empty
 * matches at the end of the string or right after the previous match (regexp_split_*).
 */
function* regexpMatches(str: string, re: RegExp, global: boolean, ignoreDegenerate: boolean): Generator<Match> {
  let searchFrom = 0;
  let prevEnd = 0;
  while (searchFrom <= str.length) {
    re.lastIndex = searchFrom;
    const m = re.exec(str);
    if (m === null) return;
    const start = m.index;
    const end = start + m[0].length;
    if (!ignoreDegenerate || (start < str.length && end > prevEnd)) {
      yield { start, end, groups: m.length > 1 ? m.slice(1).map((g) => g ?? null) : [m[0]] };
    }
    prevEnd = end;
    if (!global) return;
    searchFrom = end;
    if (start === end) searchFrom += (str.codePointAt(end) ?? 0) > 0xffff ? 2 : 1;
  }
}

function* regexpSplit(str: string, re: RegExp): Generator<Datum> {
  let from = 0;
  for (const m of regexpMatches(str, re, true, true)) {
    yield str.slice(from, m.start);
    from = m.end;
  }
  yield str.slice(from);
}

function* splitString(str: string, delim: string | null, nullStr: string | null): Generator<Datum> {
  let parts: string[];
  if (str === '') parts = [];
  else if (delim === null) parts = [...str];
  else if (delim === '') parts = [str];
  else parts = str.split(delim);
  for (const p of parts) yield nullStr !== null && p === nullStr ? null : p;
}

/** Rows of regexp_matches, regexp_split_to_table and string_to_table. */
export function textSetRows(call: SrfCall, args: readonly Datum[]): Iterator<Datum> {
  switch (call.impl) {
    case 'regexp_matches': {
      if (args.some((a) => a === null)) return [][Symbol.iterator]();
      const flags = regexpFlags(args.length > 2 ? (args[2] as string) : '', call.name);
      const re = posixRegExp(args[1] as string, flags.jsFlags);
      const rows: Datum[] = [];
      for (const m of regexpMatches(args[0] as string, re, flags.global, false)) rows.push(new PgArray(Oid.text, m.groups));
      return rows[Symbol.iterator]();
    }
    case 'regexp_split_to_table': {
      if (args.some((a) => a === null)) return [][Symbol.iterator]();
      const flags = regexpFlags(args.length > 2 ? (args[2] as string) : '', call.name);
      if (flags.global) throw invalid('regexp_split_to_table() does not support the "global" option');
      return regexpSplit(args[0] as string, posixRegExp(args[1] as string, flags.jsFlags));
    }
    case 'string_to_table':
      if (args[0] === null || args[0] === undefined) return [][Symbol.iterator]();
      return splitString(args[0] as string, (args[1] ?? null) as string | null, (args[2] ?? null) as string | null);
    default:
      throw new AssertionError(`${call.impl} is not a text-splitting function`);
  }
}

/**
 * information_schema._pg_expandarray: each element x of the first dimension with its 1-based
 * position n (int2vector / oidvector are 0-based arrays; n still starts at 1), as PostgreSQL's
 * SQL definition over generate_series(array_lower, array_upper).
 */
export function* expandArray<T>(a: Datum, make: (x: Datum, n: number) => T): Generator<T> {
  if (a === null) return;
  assert(a instanceof PgArray, '_pg_expandarray takes an array');
  const count = a.dims.length === 0 ? 0 : a.dims[0]!;
  const stride = a.dims.slice(1).reduce((x, y) => x * y, 1);
  for (let i = 0; i < count; i++) yield make(stride === 1 ? (a.items[i] ?? null) : null, i + 1);
}

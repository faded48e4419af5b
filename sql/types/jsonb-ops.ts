/**
 * jsonb containment, existence, path and editing operators (@> <@ ? ?| ?& #> #>> || -), as
 * PostgreSQL 15 computes them. Registered in ./operators.ts; values are parsed with ./json.ts.
 */
import { SqlError, SqlState } from '../../util/errors.js';
import { PgArray, type Datum } from './datum.js';
import { compareJsonb, jsonbCanonical, jsonbEntries, jsonGet, jsonValueAsText, jsonValueText, parseJson, type JsonValue } from './json.js';
import { N } from './numeric.js';

const cmpNumeric = (x: string, y: string): number => new N(x).cmp(new N(y));

function jsonb(text: Datum): JsonValue {
  return parseJson(text as string, 'jsonb');
}

function equalScalars(a: JsonValue, b: JsonValue): boolean {
  return a.kind === b.kind && compareJsonb(a, b, cmpNumeric) === 0;
}

/** PostgreSQL's JsonbDeepContains: objects by key, arrays as sets, scalars by equality. */
function deepContains(a: JsonValue, b: JsonValue): boolean {
  if (a.kind === 'object' && b.kind === 'object') {
    const left = new Map(jsonbEntries(a));
    return jsonbEntries(b).every(([k, bv]) => {
      const av = left.get(k);
      if (av === undefined) return false;
      if (av.kind === 'object' || av.kind === 'array' || bv.kind === 'object' || bv.kind === 'array') {
        return av.kind === bv.kind && deepContains(av, bv);
      }
      return equalScalars(av, bv);
    });
  }
  if (a.kind === 'array' && b.kind === 'array') {
    return b.items.every((bv) =>
      bv.kind === 'object' || bv.kind === 'array'
        ? a.items.some((av) => av.kind === bv.kind && deepContains(av, bv))
        : a.items.some((av) => equalScalars(av, bv)),
    );
  }
  if (a.kind === 'object' || b.kind === 'object' || b.kind === 'array') return false;
  // A top-level array contains a scalar that is one of its elements.
  if (a.kind === 'array') return a.items.some((av) => equalScalars(av, b));
  return equalScalars(a, b);
}

export function jsonbContains(a: Datum, b: Datum): boolean {
  return deepContains(jsonb(a), jsonb(b));
}

/** jsonb ? key: an object key, a string element of an array, or the string scalar itself. */
function exists(v: JsonValue, key: string): boolean {
  if (v.kind === 'object') return v.entries.some(([k]) => k === key);
  if (v.kind === 'array') return v.items.some((x) => x.kind === 'string' && x.value === key);
  return v.kind === 'string' && v.value === key;
}

export function jsonbExists(a: Datum, key: Datum): boolean {
  return exists(jsonb(a), key as string);
}

/** ?| (any) and ?& (all) over a text[]; NULL elements are ignored. */
export function jsonbExistsArray(a: Datum, keys: Datum, all: boolean): boolean {
  const v = jsonb(a);
  const ks = (keys as PgArray).items.filter((k): k is string => k !== null);
  return all ? ks.every((k) => exists(v, k)) : ks.some((k) => exists(v, k));
}

/** #> / #>> for json and jsonb: each path element is an object key or an array index. */
export function jsonPath(a: Datum, path: Datum, isJsonb: boolean, asText: boolean): Datum {
  const src = a as string;
  let v: JsonValue | undefined = parseJson(src, isJsonb ? 'jsonb' : 'json');
  for (const step of (path as PgArray).items) {
    if (step === null || v === undefined) return null;
    if (v.kind === 'object') v = jsonGet(v, step as string, isJsonb);
    else if (v.kind === 'array') v = /^-?\d+$/.test((step as string).trim()) ? jsonGet(v, Number(step), isJsonb) : undefined;
    else v = undefined;
  }
  if (v === undefined) return null;
  return asText ? jsonValueAsText(src, v, isJsonb) : jsonValueText(src, v, isJsonb);
}

const at0 = { start: 0, end: 0 } as const;

/** jsonb || jsonb: objects merge (right wins), anything else concatenates as arrays. */
export function jsonbConcat(a: Datum, b: Datum): string {
  const x = jsonb(a);
  const y = jsonb(b);
  if (x.kind === 'object' && y.kind === 'object') return jsonbCanonical({ kind: 'object', entries: [...x.entries, ...y.entries], ...at0 });
  const items = (v: JsonValue): readonly JsonValue[] => (v.kind === 'array' ? v.items : [v]);
  return jsonbCanonical({ kind: 'array', items: [...items(x), ...items(y)], ...at0 });
}

/** jsonb - text: drops the key from an object, or the matching string elements from an array. */
export function jsonbDeleteKey(a: Datum, key: Datum): string {
  const v = jsonb(a);
  if (v.kind === 'object') return jsonbCanonical({ ...v, entries: v.entries.filter(([k]) => k !== key) });
  if (v.kind === 'array') return jsonbCanonical({ ...v, items: v.items.filter((x) => !(x.kind === 'string' && x.value === key)) });
  throw new SqlError(SqlState.invalidParameterValue, 'cannot delete from scalar');
}

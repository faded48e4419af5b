/**
 * json / jsonb: a parser that keeps number text and source spans (json keeps its input
 * text; jsonb prints canonically: ", " / ": " separators, keys by (length, bytes), last
 * duplicate wins, numbers as numeric).
 */
import { SqlError, SqlState } from '../../util/errors.js';
import { formatNumeric, parseNumeric } from './numeric.js';

export type JsonValue =
  | { readonly kind: 'null'; readonly start: number; readonly end: number }
  | { readonly kind: 'bool'; readonly value: boolean; readonly start: number; readonly end: number }
  | { readonly kind: 'number'; readonly text: string; readonly start: number; readonly end: number }
  | { readonly kind: 'string'; readonly value: string; readonly start: number; readonly end: number }
  | { readonly kind: 'array'; readonly items: readonly JsonValue[]; readonly start: number; readonly end: number }
  | {
      readonly kind: 'object';
      readonly entries: readonly (readonly [string, JsonValue])[];
      readonly start: number;
      readonly end: number;
    };

/** Nesting bound (PostgreSQL fails deep nesting with a stack-depth error). */
export const jsonDepthMax = 6400;

function jsonError(typeName: 'json' | 'jsonb', detail: string): SqlError {
  // PostgreSQL reports jsonb syntax errors as type json too.
  return new SqlError(SqlState.invalidTextRepresentation, `invalid input syntax for type json`, { detail: `${detail}` + (typeName === 'jsonb' ? '' : '') });
}

class JsonParser {
  private i = 0;
  constructor(
    private readonly s: string,
    private readonly typeName: 'json' | 'jsonb',
  ) {}

  parseDocument(): JsonValue {
    this.ws();
    if (this.i >= this.s.length) throw jsonError(this.typeName, 'The input string ended unexpectedly.');
    const v = this.value(0);
    this.ws();
    if (this.i < this.s.length) throw this.tokenError();
    return v;
  }

  private ws(): void {
    while (this.i < this.s.length) {
      const c = this.s.charCodeAt(this.i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.i++;
      else break;
    }
  }

  private tokenError(): SqlError {
    const m = /^[A-Za-z0-9_.+-]+|^./.exec(this.s.slice(this.i));
    const tok = m === null ? '' : m[0];
    return jsonError(this.typeName, `Token "${tok}" is invalid.`);
  }

  private value(depth: number): JsonValue {
    if (depth > jsonDepthMax) {
      throw new SqlError('54001', 'stack depth limit exceeded');
    }
    this.ws();
    const start = this.i;
    const c = this.s[this.i];
    if (c === undefined) throw jsonError(this.typeName, 'The input string ended unexpectedly.');
    if (c === '{') return this.object(depth, start);
    if (c === '[') return this.array(depth, start);
    if (c === '"') {
      const value = this.string();
      return { kind: 'string', value, start, end: this.i };
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.s.slice(this.i, this.i + 4096));
    if (m !== null && m[0].length > 0 && !/^[A-Za-z0-9_]/.test(this.s.slice(this.i + m[0].length, this.i + m[0].length + 1))) {
      this.i += m[0].length;
      return { kind: 'number', text: m[0], start, end: this.i };
    }
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.s.startsWith(word, this.i) && !/^[A-Za-z0-9_]/.test(this.s.slice(this.i + word.length, this.i + word.length + 1))) {
        this.i += word.length;
        return v === null ? { kind: 'null', start, end: this.i } : { kind: 'bool', value: v, start, end: this.i };
      }
    }
    throw this.tokenError();
  }

  private string(): string {
    this.i++; // opening quote
    let out = '';
    for (;;) {
      const c = this.s[this.i];
      if (c === undefined) throw jsonError(this.typeName, 'The input string ended unexpectedly.');
      if (c === '"') {
        this.i++;
        return out;
      }
      if (c.charCodeAt(0) < 0x20) {
        throw jsonError(this.typeName, `Character with value 0x${c.charCodeAt(0).toString(16).padStart(2, '0')} must be escaped.`);
      }
      if (c !== '\\') {
        out += c;
        this.i++;
        continue;
      }
      const e = this.s[this.i + 1];
      this.i += 2;
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          const hex = this.s.slice(this.i, this.i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw jsonError(this.typeName, `"\\u" must be followed by four hexadecimal digits.`);
          this.i += 4;
          const code = parseInt(hex, 16);
          if (code === 0 && this.typeName === 'jsonb') {
            throw new SqlError('22P05', 'unsupported Unicode escape sequence', {
              detail: '\\u0000 cannot be converted to text.',
            });
          }
          out += String.fromCharCode(code);
          break;
        }
        default:
          throw jsonError(this.typeName, `Escape sequence "\\${e ?? ''}" is invalid.`);
      }
    }
  }

  private array(depth: number, start: number): JsonValue {
    this.i++;
    const items: JsonValue[] = [];
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return { kind: 'array', items, start, end: this.i };
    }
    for (;;) {
      items.push(this.value(depth + 1));
      this.ws();
      const c = this.s[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === ']') {
        this.i++;
        return { kind: 'array', items, start, end: this.i };
      }
      if (c === undefined) throw jsonError(this.typeName, 'The input string ended unexpectedly.');
      throw jsonError(this.typeName, `Expected "," or "]", but found "${c}".`);
    }
  }

  private object(depth: number, start: number): JsonValue {
    this.i++;
    const entries: [string, JsonValue][] = [];
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return { kind: 'object', entries, start, end: this.i };
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') {
        if (this.i >= this.s.length) throw jsonError(this.typeName, 'The input string ended unexpectedly.');
        throw jsonError(this.typeName, `Expected string, but found "${this.s[this.i]}".`);
      }
      const key = this.string();
      this.ws();
      if (this.s[this.i] !== ':') {
        if (this.i >= this.s.length) throw jsonError(this.typeName, 'The input string ended unexpectedly.');
        throw jsonError(this.typeName, `Expected ":", but found "${this.s[this.i]}".`);
      }
      this.i++;
      entries.push([key, this.value(depth + 1)]);
      this.ws();
      const c = this.s[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === '}') {
        this.i++;
        return { kind: 'object', entries, start, end: this.i };
      }
      if (c === undefined) throw jsonError(this.typeName, 'The input string ended unexpectedly.');
      throw jsonError(this.typeName, `Expected "," or "}", but found "${c}".`);
    }
  }
}

export function parseJson(text: string, typeName: 'json' | 'jsonb'): JsonValue {
  return new JsonParser(text, typeName).parseDocument();
}

/** Validates json input; the datum is the text as given. */
export function parseJsonText(text: string): string {
  parseJson(text, 'json');
  return text;
}

/** jsonb input: canonical text. */
export function parseJsonbText(text: string): string {
  return jsonbCanonical(parseJson(text, 'jsonb'));
}

export function escapeJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 0x22: out += '\\"'; break;
      case 0x5c: out += '\\\\'; break;
      case 0x08: out += '\\b'; break;
      case 0x0c: out += '\\f'; break;
      case 0x0a: out += '\\n'; break;
      case 0x0d: out += '\\r'; break;
      case 0x09: out += '\\t'; break;
      default:
        out += c < 0x20 ? '\\u' + c.toString(16).padStart(4, '0') : s[i];
    }
  }
  return out + '"';
}

/** jsonb key order: shorter first, then bytewise (UTF-8). */
export function compareJsonbKeys(a: string, b: string): number {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  if (ba.length !== bb.length) return ba.length - bb.length;
  return Buffer.compare(ba, bb);
}

/** Sorted, de-duplicated (last wins) object entries, as jsonb stores them. */
export function jsonbEntries(v: JsonValue & { kind: 'object' }): [string, JsonValue][] {
  const map = new Map<string, JsonValue>();
  for (const [k, val] of v.entries) map.set(k, val);
  return [...map.entries()].sort((x, y) => compareJsonbKeys(x[0], y[0]));
}

export function jsonbCanonical(v: JsonValue): string {
  switch (v.kind) {
    case 'null':
      return 'null';
    case 'bool':
      return v.value ? 'true' : 'false';
    case 'number':
      return formatNumeric(parseNumeric(v.text));
    case 'string':
      return escapeJsonString(v.value);
    case 'array':
      return '[' + v.items.map(jsonbCanonical).join(', ') + ']';
    case 'object':
      return '{' + jsonbEntries(v).map(([k, val]) => escapeJsonString(k) + ': ' + jsonbCanonical(val)).join(', ') + '}';
    default:
      return assertNeverJson(v);
  }
}

/** Canonical text with numbers normalized (1.0 = 1.00), for hashing jsonb values that compare equal. */
export function jsonbHashText(v: JsonValue, normalizeNumber: (text: string) => string): string {
  switch (v.kind) {
    case 'number':
      return normalizeNumber(v.text);
    case 'array':
      return '[' + v.items.map((x) => jsonbHashText(x, normalizeNumber)).join(',') + ']';
    case 'object':
      return '{' + jsonbEntries(v).map(([k, x]) => escapeJsonString(k) + ':' + jsonbHashText(x, normalizeNumber)).join(',') + '}';
    case 'null':
    case 'bool':
    case 'string':
      return jsonbCanonical(v);
    default:
      return assertNeverJson(v);
  }
}

function assertNeverJson(v: never): never {
  throw new Error(`unexpected json value ${JSON.stringify(v)}`);
}

/** The member / element selected by -> (key or index; negative indexes count from the end). */
export function jsonGet(v: JsonValue, key: string | number, jsonb: boolean): JsonValue | undefined {
  if (typeof key === 'string') {
    if (v.kind !== 'object') return undefined;
    let found: JsonValue | undefined;
    for (const [k, val] of v.entries) {
      if (k === key) {
        found = val;
        if (!jsonb) return found; // json: first match, as PostgreSQL's json -> does
      }
    }
    return found;
  }
  if (v.kind !== 'array') return undefined;
  const i = key < 0 ? v.items.length + key : key;
  return v.items[i];
}

/** Text of a json value: its source slice (json) or canonical form (jsonb). */
export function jsonValueText(source: string, v: JsonValue, jsonb: boolean): string {
  return jsonb ? jsonbCanonical(v) : source.slice(v.start, v.end);
}

/** ->> text: strings unescaped, null as SQL NULL, others as text. */
export function jsonValueAsText(source: string, v: JsonValue, jsonb: boolean): string | null {
  if (v.kind === 'null') return null;
  if (v.kind === 'string') return v.value;
  return jsonValueText(source, v, jsonb);
}

export function jsonTypeof(v: JsonValue): string {
  switch (v.kind) {
    case 'null':
      return 'null';
    case 'bool':
      return 'boolean';
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    case 'array':
      return 'array';
    case 'object':
      return 'object';
    default:
      return assertNeverJson(v);
  }
}

/** Orders jsonb values as PostgreSQL's jsonb btree does (object > array > bool > number > string > null). */
export function compareJsonb(a: JsonValue, b: JsonValue, cmpNumeric: (x: string, y: string) => number): number {
  const rank = (v: JsonValue): number => {
    switch (v.kind) {
      case 'null': return 1;
      case 'string': return 2;
      case 'number': return 3;
      case 'bool': return 4;
      case 'array': return 5;
      case 'object': return 6;
      default: return assertNeverJson(v);
    }
  };
  // jsonb: arrays with different lengths / objects with different pair counts compare by count first.
  if (a.kind === 'array' && b.kind === 'array') {
    if (a.items.length !== b.items.length) return a.items.length - b.items.length;
    for (let i = 0; i < a.items.length; i++) {
      const c = compareJsonb(a.items[i]!, b.items[i]!, cmpNumeric);
      if (c !== 0) return c;
    }
    return 0;
  }
  if (a.kind === 'object' && b.kind === 'object') {
    const ea = jsonbEntries(a);
    const eb = jsonbEntries(b);
    if (ea.length !== eb.length) return ea.length - eb.length;
    for (let i = 0; i < ea.length; i++) {
      const k = compareJsonbKeys(ea[i]![0], eb[i]![0]);
      if (k !== 0) return k;
      const c = compareJsonb(ea[i]![1], eb[i]![1], cmpNumeric);
      if (c !== 0) return c;
    }
    return 0;
  }
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (a.kind === 'string' && b.kind === 'string') return compareJsonbKeys(a.value, b.value) === 0 ? 0 : Buffer.compare(Buffer.from(a.value), Buffer.from(b.value));
  if (a.kind === 'number' && b.kind === 'number') return cmpNumeric(a.text, b.text);
  if (a.kind === 'bool' && b.kind === 'bool') return Number(a.value) - Number(b.value);
  return 0;
}

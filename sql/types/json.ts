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
/** Bytes of input shown before the failing token in an error's CONTEXT line. */
const jsonContextCharsMax = 50;

type TokenKind = 'string' | 'number' | 'true' | 'false' | 'null' | '{' | '}' | '[' | ']' | ',' | ':' | 'end';

interface Token {
  readonly kind: TokenKind;
  readonly start: number;
  readonly end: number;
  /** Decoded value for strings. */
  readonly value: string;
}

const isWordChar = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_$\u0080-\uffff]/.test(c);

/** Lexer + recursive-descent parser with PostgreSQL's json error texts (DETAIL and CONTEXT). */
class JsonParser {
  private i = 0;
  private tok: Token = { kind: 'end', start: 0, end: 0, value: '' };
  constructor(
    private readonly s: string,
    private readonly typeName: 'json' | 'jsonb',
  ) {}

  parseDocument(): JsonValue {
    this.advance();
    const v = this.value(0);
    if (this.tok.kind !== 'end') throw this.error(`Expected end of input, but found "${this.tokText()}".`);
    return v;
  }

  private error(detail: string, tokenEnd = this.tok.end): SqlError {
    return new SqlError(SqlState.invalidTextRepresentation, 'invalid input syntax for type json', { detail, where: this.context(tokenEnd) });
  }

  /** CONTEXT: the current line up to the end of the failing token (at most 49 chars), "..." when more follows. */
  private context(tokenEnd: number): string {
    const lineStart = this.s.lastIndexOf('\n', Math.max(tokenEnd - 1, 0)) + 1;
    const line = this.s.slice(0, lineStart).split('\n').length;
    let from = lineStart;
    if (tokenEnd - from >= jsonContextCharsMax) from = tokenEnd - jsonContextCharsMax + 1;
    const more = tokenEnd < this.s.length && this.s[tokenEnd] !== '\n' && this.s[tokenEnd] !== '\r';
    return `JSON data, line ${line}: ${from > lineStart ? '...' : ''}${this.s.slice(from, tokenEnd)}${more ? '...' : ''}`;
  }

  /** The current token kind (a method, so narrowing does not survive advance()). */
  private kind(): TokenKind {
    return this.tok.kind;
  }

  private tokText(): string {
    return this.s.slice(this.tok.start, this.tok.end);
  }

  private advance(): void {
    const s = this.s;
    let i = this.i;
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i++;
    const start = i;
    const c = s[i];
    const done = (kind: TokenKind, end: number, value = ''): void => {
      this.tok = { kind, start, end, value };
      this.i = end;
    };
    if (c === undefined) return done('end', i);
    if ('{}[],:'.includes(c)) return done(c as TokenKind, i + 1);
    if (c === '"') return this.lexString(start);
    if (c === '-' || (c >= '0' && c <= '9')) {
      const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(s.slice(i, i + 4096));
      let end = i + (m === null ? 1 : m[0].length);
      if (m === null || m[0] === '-' || isWordChar(s[end]) || s[end] === '.') {
        while (isWordChar(s[end]) || s[end] === '.' || s[end] === '-' || s[end] === '+') end++;
        this.tok = { kind: 'end', start, end, value: '' };
        throw this.error(`Token "${s.slice(start, end)}" is invalid.`, end);
      }
      return done('number', end);
    }
    let end = i;
    while (isWordChar(s[end])) end++;
    if (end === i) end = i + 1;
    const word = s.slice(i, end);
    if (word === 'true' || word === 'false' || word === 'null') return done(word, end);
    this.tok = { kind: 'end', start, end, value: '' };
    throw this.error(`Token "${word}" is invalid.`, end);
  }

  private lexString(start: number): void {
    const s = this.s;
    let i = start + 1;
    let out = '';
    for (;;) {
      const c = s[i];
      if (c === undefined) {
        this.tok = { kind: 'end', start, end: i, value: '' };
        throw this.error('The input string ended unexpectedly.', i);
      }
      if (c === '"') {
        this.tok = { kind: 'string', start, end: i + 1, value: out };
        this.i = i + 1;
        return;
      }
      if (c.charCodeAt(0) < 0x20) {
        throw this.error(`Character with value 0x${c.charCodeAt(0).toString(16).padStart(2, '0')} must be escaped.`, i + 1);
      }
      if (c !== '\\') {
        out += c;
        i++;
        continue;
      }
      const e = s[i + 1];
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
          let k = 0;
          while (k < 4 && /[0-9a-fA-F]/.test(s[i + 2 + k] ?? '')) k++;
          if (k < 4) throw this.error('"\\u" must be followed by four hexadecimal digits.', Math.min(i + 3 + k, s.length));
          const code = parseInt(s.slice(i + 2, i + 6), 16);
          if (code === 0 && this.typeName === 'jsonb') {
            throw new SqlError('22P05', 'unsupported Unicode escape sequence', {
              detail: '\\u0000 cannot be converted to text.',
              where: this.context(i + 6),
            });
          }
          out += String.fromCharCode(code);
          i += 6;
          continue;
        }
        default:
          throw this.error(`Escape sequence "\\${e ?? ''}" is invalid.`, Math.min(i + 2, s.length));
      }
      i += 2;
    }
  }

  private found(expected: string): SqlError {
    if (this.tok.kind === 'end') return this.error('The input string ended unexpectedly.');
    return this.error(`Expected ${expected}, but found "${this.tokText()}".`);
  }

  private value(depth: number): JsonValue {
    if (depth > jsonDepthMax) throw new SqlError('54001', 'stack depth limit exceeded');
    const t = this.tok;
    switch (t.kind) {
      case '{':
        return this.object(depth);
      case '[':
        return this.array(depth);
      case 'string':
        this.advance();
        return { kind: 'string', value: t.value, start: t.start, end: t.end };
      case 'number':
        this.advance();
        return { kind: 'number', text: this.s.slice(t.start, t.end), start: t.start, end: t.end };
      case 'true':
      case 'false':
        this.advance();
        return { kind: 'bool', value: t.kind === 'true', start: t.start, end: t.end };
      case 'null':
        this.advance();
        return { kind: 'null', start: t.start, end: t.end };
      default:
        throw this.found('JSON value');
    }
  }

  private array(depth: number): JsonValue {
    const start = this.tok.start;
    this.advance();
    const items: JsonValue[] = [];
    if (this.tok.kind === ']') {
      const end = this.tok.end;
      this.advance();
      return { kind: 'array', items, start, end };
    }
    for (;;) {
      items.push(this.value(depth + 1));
      const t = this.tok;
      if (t.kind === ',') {
        this.advance();
        continue;
      }
      if (t.kind === ']') {
        this.advance();
        return { kind: 'array', items, start, end: t.end };
      }
      throw this.found('"," or "]"');
    }
  }

  private object(depth: number): JsonValue {
    const start = this.tok.start;
    this.advance();
    const entries: [string, JsonValue][] = [];
    if (this.tok.kind === '}') {
      const end = this.tok.end;
      this.advance();
      return { kind: 'object', entries, start, end };
    }
    for (;;) {
      if (this.tok.kind !== 'string') throw this.found('string');
      const key = this.tok.value;
      this.advance();
      if (this.kind() !== ':') throw this.found('":"');
      this.advance();
      entries.push([key, this.value(depth + 1)]);
      const t = this.tok;
      if (t.kind === ',') {
        this.advance();
        continue;
      }
      if (t.kind === '}') {
        this.advance();
        return { kind: 'object', entries, start, end: t.end };
      }
      throw this.found('"," or "}"');
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

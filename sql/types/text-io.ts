/** Text input/output functions (typinput/typoutput) and typmod coercion. */
import { formatRecord } from './record.js';
import { enumIn, isEnumOid } from './enum.js';
import { assert } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { Decimal, Interval, Oid, PgArray, sqlType, type Datum, type SqlType } from './datum.js';
import {
  formatDate,
  formatInterval,
  formatTime,
  formatTimestamp,
  parseDate,
  parseInterval,
  parseTime,
  parseTimestamp,
  roundMicros,
  zoneOrThrow,
  type NowSource,
} from './datetime.js';
import type { CastContext, FormatContext } from './index.js';
import { parseJsonbText, parseJsonText } from './json.js';
import { applyNumericTypmod, formatNumeric, parseNumeric } from './numeric.js';
import {
  arrayElemOid,
  charLengthTypmod,
  findTypeInfo,
  formatTypeOid,
  intervalPrecisionTypmod,
  numericTypmod,
} from './registry.js';
import {
  checkText,
  coerceCharLength,
  formatBytea,
  formatFloat,
  parseBool,
  parseBytea,
  parseFloat,
  parseInt4Text,
  parseInt8Text,
  parseOid,
  parseUuid,
  truncateName,
} from './scalars.js';

function notSupported(what: string): SqlError {
  return new SqlError(SqlState.featureNotSupported, what);
}

function typeLabel(oid: number): string {
  return formatTypeOid(oid, -1);
}

function nowSource(ctx: FormatContext): NowSource {
  if ('txnTimestampMicros' in ctx && typeof ctx.txnTimestampMicros === 'bigint') {
    return { nowMicros: ctx.txnTimestampMicros };
  }
  return {};
}

/** Input function without typmod. */
function parseScalar(oid: number, text: string, ctx: FormatContext): Datum {
  switch (oid) {
    case Oid.bool:
      return parseBool(text);
    case Oid.int2:
      return parseInt4Text(text, 'smallint');
    case Oid.int4:
      return parseInt4Text(text, 'integer');
    case Oid.int8:
      return parseInt8Text(text);
    case Oid.oid:
    case Oid.regproc:
    case Oid.regclass:
    case Oid.regtype:
    case Oid.regoper:
    case Oid.regprocedure:
    case Oid.regoperator:
    case Oid.regrole:
    case Oid.regnamespace:
    case Oid.xid:
    case Oid.cid:
      if (oid !== Oid.oid && oid !== Oid.xid && oid !== Oid.cid && !/^\s*\d+\s*$/.test(text)) {
        throw notSupported(`${typeLabel(oid)} input of names is resolved by the catalog`);
      }
      return parseOid(text);
    case Oid.float4:
      return parseFloat(text, true);
    case Oid.float8:
      return parseFloat(text, false);
    case Oid.numeric:
      return parseNumeric(text);
    case Oid.text:
    case Oid.varchar:
    case Oid.bpchar:
    case Oid.unknown:
    case Oid.cstring:
      return checkText(text);
    case Oid.name:
      return truncateName(checkText(text));
    case Oid.char: {
      const b = Buffer.from(text);
      return b.length === 0 ? '' : b.length === 1 ? text : String.fromCharCode(b[0]!);
    }
    case Oid.bytea:
      return parseBytea(text);
    case Oid.uuid:
      return parseUuid(text);
    case Oid.json:
      return parseJsonText(checkText(text));
    case Oid.jsonb:
      return parseJsonbText(checkText(text));
    case Oid.date:
      return parseDate(text, ctx.dateStyle, zoneOrThrow(ctx.timeZone), nowSource(ctx));
    case Oid.time:
      return parseTime(text);
    case Oid.timestamp:
      return parseTimestamp(text, false, ctx.dateStyle, zoneOrThrow(ctx.timeZone), nowSource(ctx));
    case Oid.timestamptz:
      return parseTimestamp(text, true, ctx.dateStyle, zoneOrThrow(ctx.timeZone), nowSource(ctx));
    case Oid.interval:
      return parseInterval(text);
    case Oid.void:
      return null;
    default:
      if (isEnumOid(oid)) return enumIn(oid, text);
      throw notSupported(`type ${typeLabel(oid)} is not supported`);
  }
}

export function parseText(type: SqlType, text: string, ctx: FormatContext): Datum {
  const elem = arrayElemOid(type.oid);
  if (elem !== 0) return parseArray(type, elem, text, ctx);
  const d = parseScalar(type.oid, text, ctx);
  return type.typmod >= 0 && d !== null ? applyTypmod(type, d, 'assignment') : d;
}

export function formatText(type: SqlType, datum: Datum, ctx: FormatContext): string {
  assert(datum !== null, 'formatText: NULL has no text form');
  const oid = type.oid;
  switch (oid) {
    case Oid.record:
      return formatRecord(datum, type, (t, d) => formatText(t, d, ctx));
    case Oid.bool:
      return datum === true ? 't' : 'f';
    case Oid.int2:
    case Oid.int4:
    case Oid.int8:
    case Oid.oid:
    case Oid.xid:
    case Oid.cid:
    case Oid.regoper:
    case Oid.regprocedure:
    case Oid.regoperator:
      return String(datum);
    case Oid.regproc:
    case Oid.regclass:
    case Oid.regrole:
    case Oid.regnamespace:
      // InvalidOid prints '-' (regprocout, regclassout, ...); names come from the catalog when known.
      return datum === 0 ? '-' : (ctx.regName?.(oid, Number(datum)) ?? String(datum));
    case Oid.regtype:
      if (datum === 0) return '-';
      // Catalog-defined (enum) types come from the catalog: schema-qualified when not visible.
      return ctx.regName?.(oid, Number(datum)) ?? (findTypeInfo(Number(datum)) === undefined ? String(datum) : formatTypeOid(Number(datum), -1));
    case Oid.float4:
    case Oid.float8:
      assert(typeof datum === 'number', 'float datum must be a number');
      return formatFloat(datum, oid === Oid.float4, ctx.extraFloatDigits);
    case Oid.numeric:
      assert(datum instanceof Decimal, 'numeric datum must be a Decimal');
      return formatNumeric(datum);
    case Oid.text:
    case Oid.varchar:
    case Oid.bpchar:
    case Oid.name:
    case Oid.char:
    case Oid.unknown:
    case Oid.cstring:
    case Oid.json:
    case Oid.jsonb:
    case Oid.uuid:
      assert(typeof datum === 'string', 'string datum expected');
      return datum;
    case Oid.bytea:
      assert(datum instanceof Uint8Array, 'bytea datum must be a Uint8Array');
      return formatBytea(datum, ctx.byteaOutput);
    case Oid.date:
      assert(typeof datum === 'number', 'date datum must be a number');
      return formatDate(datum, ctx.dateStyle);
    case Oid.time:
      assert(typeof datum === 'bigint', 'time datum must be a bigint');
      return formatTime(datum);
    case Oid.timestamp:
      assert(typeof datum === 'bigint', 'timestamp datum must be a bigint');
      return formatTimestamp(datum, ctx.dateStyle, undefined);
    case Oid.timestamptz:
      assert(typeof datum === 'bigint', 'timestamptz datum must be a bigint');
      return formatTimestamp(datum, ctx.dateStyle, zoneOrThrow(ctx.timeZone));
    case Oid.interval:
      assert(datum instanceof Interval, 'interval datum must be an Interval');
      return formatInterval(datum, ctx.intervalStyle);
    case Oid.void:
      return '';
    case Oid.int2vector:
    case Oid.oidvector:
      // int2vectorout / oidvectorout: space-separated, no braces (pg_index.indkey, pg_proc.proargtypes).
      assert(datum instanceof PgArray, 'vector datum must be a PgArray');
      return datum.items.map(String).join(' ');
    case Oid.anyarray:
      // anyarray_out: the element type comes with the value (pg_stats.most_common_vals).
      assert(datum instanceof PgArray, 'anyarray datum must be a PgArray');
      return formatArray(datum, sqlType(datum.elemOid, -1), ctx);
    default: {
      const elem = arrayElemOid(oid);
      if (elem !== 0) {
        assert(datum instanceof PgArray, 'array datum must be a PgArray');
        return formatArray(datum, sqlType(elem, type.typmod), ctx);
      }
      if (isEnumOid(oid)) return datum as string;
      throw notSupported(`type ${typeLabel(oid)} is not supported`);
    }
  }
}

// ─── Typmods ─────────────────────────────────────────────────────────────────────────────

export function applyTypmod(type: SqlType, datum: Datum, context: CastContext): Datum {
  if (datum === null || type.typmod < 0) return datum;
  switch (type.oid) {
    case Oid.varchar:
    case Oid.bpchar: {
      const n = charLengthTypmod(type.typmod);
      assert(typeof datum === 'string', 'character datum must be a string');
      return n === undefined ? datum : coerceCharLength(datum, n, type.oid === Oid.bpchar, context === 'explicit');
    }
    case Oid.numeric: {
      const m = numericTypmod(type.typmod);
      assert(datum instanceof Decimal, 'numeric datum must be a Decimal');
      return m === undefined ? datum : applyNumericTypmod(datum, m.precision, m.scale);
    }
    case Oid.time:
      assert(typeof datum === 'bigint', 'time datum must be a bigint');
      return roundMicros(datum, type.typmod);
    case Oid.timestamp:
    case Oid.timestamptz: {
      assert(typeof datum === 'bigint', 'timestamp datum must be a bigint');
      if (datum === 9223372036854775807n || datum === -9223372036854775808n) return datum;
      return roundMicros(datum, type.typmod);
    }
    case Oid.interval: {
      assert(datum instanceof Interval, 'interval datum must be an Interval');
      const p = intervalPrecisionTypmod(type.typmod);
      return p === undefined ? datum : new Interval(datum.months, datum.days, roundMicros(datum.micros, p));
    }
    default: {
      const elem = arrayElemOid(type.oid);
      if (elem !== 0 && datum instanceof PgArray) {
        const et = sqlType(elem, type.typmod);
        return new PgArray(datum.elemOid, datum.items.map((d) => applyTypmod(et, d, context)), datum.dims, datum.lbounds);
      }
      return datum;
    }
  }
}

// ─── Arrays ──────────────────────────────────────────────────────────────────────────────

/** Bound on array dimensions (PostgreSQL's MAXDIM). */
export const arrayDimsMax = 6;

function malformed(text: string, detail: string): SqlError {
  return new SqlError(SqlState.invalidTextRepresentation, `malformed array literal: "${text}"`, { detail });
}

interface RawItem {
  readonly text: string;
  readonly quoted: boolean;
}

function parseArray(type: SqlType, elemOid: number, text: string, ctx: FormatContext): PgArray {
  let s = text.trim();
  let explicitBounds: { lower: number; upper: number }[] | undefined;
  if (s.startsWith('[')) {
    explicitBounds = [];
    const m = /^((?:\[[+-]?\d+(?::[+-]?\d+)?\])+)\s*=\s*/.exec(s);
    if (m === null) throw malformed(text, 'Missing "=" after array dimensions.');
    for (const b of m[1]!.matchAll(/\[([+-]?\d+)(?::([+-]?\d+))?\]/g)) {
      const lower = b[2] === undefined ? 1 : Number(b[1]);
      const upper = b[2] === undefined ? Number(b[1]) : Number(b[2]);
      if (upper < lower - 1) {
        throw new SqlError(SqlState.invalidTextRepresentation, 'upper bound cannot be less than lower bound');
      }
      explicitBounds.push({ lower, upper });
    }
    s = s.slice(m[0].length);
  }
  if (!s.startsWith('{')) {
    throw malformed(text, 'Array value must start with "{" or dimension information.');
  }
  const items: RawItem[] = [];
  const dims: number[] = [];
  let leafDepth: number | undefined;
  let i = 0;
  const parseLevel = (depth: number): void => {
    if (depth >= arrayDimsMax) {
      throw new SqlError(SqlState.programLimitExceeded, `number of array dimensions (${depth + 1}) exceeds the maximum allowed (${arrayDimsMax})`);
    }
    assert(s[i] === '{', 'array level starts with {');
    i++;
    let count = 0;
    const skipWs = (): void => {
      while (i < s.length && /\s/.test(s[i]!)) i++;
    };
    skipWs();
    if (s[i] === '}') {
      i++;
      if (depth > 0 || dims.length > 0) throw malformed(text, 'Multidimensional arrays must have sub-arrays with matching dimensions.');
      return;
    }
    for (;;) {
      skipWs();
      if (s[i] === '{') {
        if (leafDepth !== undefined && depth + 1 > leafDepth) throw malformed(text, 'Unexpected "{" character.');
        parseLevel(depth + 1);
      } else {
        if (leafDepth === undefined) leafDepth = depth;
        if (leafDepth !== depth) throw malformed(text, 'Unexpected array element.');
        items.push(readItem());
      }
      count++;
      skipWs();
      const c = s[i];
      if (c === ',') {
        i++;
        continue;
      }
      if (c === '}') {
        i++;
        break;
      }
      if (c === undefined) throw malformed(text, 'Unexpected end of input.');
      throw malformed(text, `Unexpected "${c}" character.`);
    }
    if (dims[depth] === undefined) dims[depth] = count;
    else if (dims[depth] !== count) throw malformed(text, 'Multidimensional arrays must have sub-arrays with matching dimensions.');
  };
  const readItem = (): RawItem => {
    let out = '';
    let quoted = false;
    let sawAny = false;
    let trailingWs = '';
    for (;;) {
      const c = s[i];
      if (c === undefined) throw malformed(text, 'Unexpected end of input.');
      if (c === '"') {
        if (sawAny && !quoted) throw malformed(text, 'Unexpected array element.');
        quoted = true;
        i++;
        for (;;) {
          const q = s[i];
          if (q === undefined) throw malformed(text, 'Unexpected end of input.');
          if (q === '\\') {
            const n = s[i + 1];
            if (n === undefined) throw malformed(text, 'Unexpected end of input.');
            out += n;
            i += 2;
            continue;
          }
          i++;
          if (q === '"') break;
          out += q;
        }
        sawAny = true;
        continue;
      }
      if (c === ',' || c === '}') break;
      if (c === '{') throw malformed(text, 'Unexpected "{" character.');
      if (quoted) {
        if (/\s/.test(c)) {
          i++;
          continue;
        }
        throw malformed(text, 'Unexpected array element.');
      }
      if (c === '\\') {
        const n = s[i + 1];
        if (n === undefined) throw malformed(text, 'Unexpected end of input.');
        out += trailingWs + n;
        trailingWs = '';
        i += 2;
        sawAny = true;
        continue;
      }
      if (/\s/.test(c)) {
        if (sawAny) trailingWs += c;
        i++;
        continue;
      }
      out += trailingWs + c;
      trailingWs = '';
      sawAny = true;
      i++;
    }
    if (!sawAny) throw malformed(text, 'Unexpected "' + (s[i] ?? '') + '" character.');
    return { text: out, quoted };
  };
  parseLevel(0);
  if (s.slice(i).trim() !== '') throw malformed(text, 'Junk after closing right brace.');
  const elemType = sqlType(elemOid, type.typmod);
  const values: Datum[] = items.map((it) =>
    !it.quoted && it.text.toUpperCase() === 'NULL' ? null : parseText(elemType, it.text, ctx),
  );
  const finalDims = items.length === 0 ? [] : dims;
  let lbounds = finalDims.map(() => 1);
  if (explicitBounds !== undefined && items.length > 0) {
    if (explicitBounds.length !== finalDims.length || explicitBounds.some((b, k) => b.upper - b.lower + 1 !== finalDims[k])) {
      throw malformed(text, 'Specified array dimensions do not match array contents.');
    }
    lbounds = explicitBounds.map((b) => b.lower);
  }
  return new PgArray(elemOid, values, finalDims, lbounds);
}

function quoteArrayItem(s: string): string {
  if (s === '' || /[{},"\\\s]/.test(s) || s.toUpperCase() === 'NULL') {
    return '"' + s.replace(/["\\]/g, (c) => '\\' + c) + '"';
  }
  return s;
}

export function formatArray(arr: PgArray, elemType: SqlType, ctx: FormatContext): string {
  if (arr.dims.length === 0) return '{}';
  let k = 0;
  const level = (d: number): string => {
    const parts: string[] = [];
    for (let j = 0; j < arr.dims[d]!; j++) {
      if (d + 1 < arr.dims.length) parts.push(level(d + 1));
      else {
        const v = arr.items[k++]!;
        parts.push(v === null ? 'NULL' : quoteArrayItem(formatText(elemType, v, ctx)));
      }
    }
    return '{' + parts.join(',') + '}';
  };
  const body = level(0);
  if (arr.lbounds.every((b) => b === 1)) return body;
  const decoration = arr.dims.map((n, d) => `[${arr.lbounds[d]}:${arr.lbounds[d]! + n - 1}]`).join('');
  return `${decoration}=${body}`;
}

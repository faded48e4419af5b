/** to_json / to_jsonb of SQL values (datum_to_json in PostgreSQL). */
import { Decimal, Interval, Oid, PgArray, sqlType, type Datum, type SqlType } from './datum.js';
import { civilFromDays, formatTime, splitMicros, utcToLocal, zoneOrThrow } from './datetime.js';
import type { FormatContext } from './index.js';
import { escapeJsonString, jsonbCanonical, parseJson } from './json.js';
import { formatNumeric } from './numeric.js';
import { arrayElemOid } from './registry.js';
import { formatText } from './text-io.js';

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

function isoDate(days: number): string {
  if (!Number.isFinite(days)) return days > 0 ? 'infinity' : '-infinity';
  const { year, month, day } = civilFromDays(days);
  const bc = year <= 0;
  return `${pad(bc ? 1 - year : year, 4)}-${pad(month, 2)}-${pad(day, 2)}${bc ? ' BC' : ''}`;
}

function isoTimestamp(us: bigint, ctx: FormatContext, withZone: boolean): string {
  if (us === 9223372036854775807n) return 'infinity';
  if (us === -9223372036854775808n) return '-infinity';
  let local = us;
  let suffix = '';
  if (withZone) {
    const { localUs, offsetSec } = utcToLocal(us, zoneOrThrow(ctx.timeZone));
    local = localUs;
    const a = Math.abs(offsetSec);
    suffix = `${offsetSec < 0 ? '-' : '+'}${pad(Math.floor(a / 3600), 2)}:${pad(Math.floor((a % 3600) / 60), 2)}${a % 60 !== 0 ? ':' + pad(a % 60, 2) : ''}`;
  }
  const { days, timeUs } = splitMicros(local);
  const d = isoDate(days);
  const bc = d.endsWith(' BC');
  return `${bc ? d.slice(0, -3) : d}T${formatTime(timeUs)}${suffix}${bc ? ' BC' : ''}`;
}

/** JSON text of a value; `jsonb` selects jsonb spacing for nested containers. */
export function datumToJson(type: SqlType, d: Datum, ctx: FormatContext, jsonb: boolean): string {
  if (d === null) return 'null';
  switch (type.oid) {
    case Oid.bool:
      return d === true ? 'true' : 'false';
    case Oid.int2:
    case Oid.int4:
    case Oid.int8:
    case Oid.oid:
      return String(d);
    case Oid.float4:
    case Oid.float8: {
      const v = d as number;
      const t = formatText(type, v, ctx);
      return Number.isFinite(v) ? t : escapeJsonString(t);
    }
    case Oid.numeric: {
      const v = d as Decimal;
      return v.isFinite() ? formatNumeric(v) : escapeJsonString(formatNumeric(v));
    }
    case Oid.json:
      return jsonb ? jsonbCanonical(parseJson(d as string, 'json')) : (d as string);
    case Oid.jsonb:
      return d as string;
    case Oid.date:
      return escapeJsonString(isoDate(d as number));
    case Oid.timestamp:
      return escapeJsonString(isoTimestamp(d as bigint, ctx, false));
    case Oid.timestamptz:
      return escapeJsonString(isoTimestamp(d as bigint, ctx, true));
    case Oid.interval:
      return escapeJsonString(formatText(type, d as Interval, ctx));
    default: {
      const elem = arrayElemOid(type.oid);
      if (elem !== 0) return arrayToJson(d as PgArray, sqlType(elem), ctx, jsonb);
      return escapeJsonString(formatText(type, d, ctx));
    }
  }
}

function arrayToJson(arr: PgArray, elem: SqlType, ctx: FormatContext, jsonb: boolean): string {
  const sep = jsonb ? ', ' : ',';
  if (arr.dims.length === 0) return '[]';
  let k = 0;
  const level = (dim: number): string => {
    const parts: string[] = [];
    for (let i = 0; i < arr.dims[dim]!; i++) {
      parts.push(dim + 1 < arr.dims.length ? level(dim + 1) : datumToJson(elem, arr.items[k++]!, ctx, jsonb));
    }
    return '[' + parts.join(sep) + ']';
  };
  return level(0);
}

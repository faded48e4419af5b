/**
 * COPY data formats (text, csv, binary) as PostgreSQL 15 reads and writes them
 * (https://www.postgresql.org/docs/15/sql-copy.html). Pure: bytes in, fields out and back.
 * Field values stay text here (text/csv) or raw bytes (binary); the session converts them
 * with the column types.
 */
import type { CopyOptions } from './ast.js';
import { SqlError, SqlState } from '../util/errors.js';

/** Bound on one COPY line/row buffered while looking for its end (a row larger than this is rejected). */
export const copyRowBytesMax = 256 * 1024 * 1024;

export interface CopyTextOptions {
  readonly format: 'text' | 'csv';
  readonly delimiter: string;
  readonly nullString: string;
  readonly header: boolean;
  readonly quote: string;
  readonly escape: string;
  readonly forceQuote: readonly number[] | 'all';
  readonly forceNotNull: ReadonlySet<number>;
}

export function resolveCopyOptions(o: CopyOptions, columnNames: readonly string[]): CopyTextOptions {
  if (o.format === 'binary') throw new SqlError(SqlState.internalError, 'binary COPY has no text options');
  const csv = o.format === 'csv';
  const delimiter = o.delimiter ?? (csv ? ',' : '\t');
  if (delimiter.length !== 1) throw new SqlError(SqlState.featureNotSupported, 'COPY delimiter must be a single one-byte character');
  const quote = o.quote ?? '"';
  if (!csv && o.quote !== undefined) throw new SqlError(SqlState.featureNotSupported, 'COPY quote available only in CSV mode');
  if (!csv && o.header === true) throw new SqlError(SqlState.featureNotSupported, 'COPY HEADER available only in CSV mode');
  if (o.header === 'match') throw new SqlError(SqlState.featureNotSupported, 'COPY HEADER MATCH is not supported');
  const index = (name: string): number => {
    const i = columnNames.indexOf(name);
    if (i < 0) throw new SqlError(SqlState.undefinedColumn, `column "${name}" does not exist`);
    return i;
  };
  return {
    format: csv ? 'csv' : 'text',
    delimiter,
    nullString: o.null ?? (csv ? '' : '\\N'),
    header: o.header === true,
    quote,
    escape: o.escape ?? quote,
    forceQuote: o.forceQuote === '*' ? 'all' : o.forceQuote.map(index),
    forceNotNull: new Set(o.forceNotNull.map(index)),
  };
}

// ─── text / csv input ─────────────────────────────────────────────────────────────────────

/** One input row: field texts (null = NULL), its 1-based line number and the raw line (for error context). */
export interface CopyTextRow {
  readonly fields: (string | null)[];
  readonly line: number;
  readonly raw: string;
}

/**
 * Incremental reader: feed() chunks, get complete rows (arrays of field text, null = NULL).
 * Handles rows split across CopyData messages, CSV quoted fields spanning lines, and the
 * end-of-data marker `\.`.
 */
export class CopyTextReader {
  private pending = '';
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private headerSkipped = false;
  private ended = false;
  lineNumber = 0;

  constructor(private readonly opts: CopyTextOptions) {}

  feed(chunk: Uint8Array): CopyTextRow[] {
    if (this.ended) return [];
    try {
      this.pending += this.decoder.decode(chunk, { stream: true });
    } catch {
      throw new SqlError(SqlState.characterNotInRepertoire, 'invalid byte sequence for encoding "UTF8"');
    }
    if (this.pending.length > copyRowBytesMax) throw new SqlError(SqlState.programLimitExceeded, 'COPY row is too large');
    return this.drain(false);
  }

  finish(): CopyTextRow[] {
    const rows = this.drain(true);
    if (!this.ended && this.pending.length > 0) {
      throw new SqlError(SqlState.badCopyFileFormat, 'unterminated CSV quoted field');
    }
    return rows;
  }

  private drain(final: boolean): CopyTextRow[] {
    const rows: CopyTextRow[] = [];
    while (!this.ended) {
      const end = this.opts.format === 'csv' ? this.csvRowEnd() : this.pending.indexOf('\n');
      let line: string;
      if (end < 0) {
        if (!final || this.pending.length === 0) break;
        line = this.pending;
        this.pending = '';
      } else {
        line = this.pending.slice(0, end);
        this.pending = this.pending.slice(end + 1);
      }
      if (line.endsWith('\r')) line = line.slice(0, -1);
      this.lineNumber++;
      if (line === '\\.') {
        this.ended = true;
        break;
      }
      if (this.opts.header && !this.headerSkipped) {
        this.headerSkipped = true;
        continue;
      }
      const fields = this.opts.format === 'csv' ? this.parseCsv(line) : this.parseText(line);
      rows.push({ fields, line: this.lineNumber, raw: line });
    }
    return rows;
  }

  /** Index of the newline that ends the first CSV row (outside quotes), or -1. */
  private csvRowEnd(): number {
    const { quote, escape } = this.opts;
    let inQuote = false;
    const s = this.pending;
    for (let i = 0; i < s.length; i++) {
      const c = s[i]!;
      if (inQuote) {
        if (c === escape && escape !== quote && s[i + 1] === quote) i++;
        else if (c === quote) {
          if (escape === quote && s[i + 1] === quote) i++;
          else inQuote = false;
        }
      } else if (c === quote) inQuote = true;
      else if (c === '\n') return i;
    }
    return -1;
  }

  private parseText(line: string): (string | null)[] {
    const fields: (string | null)[] = [];
    const { delimiter, nullString } = this.opts;
    let raw = '';
    let value = '';
    const push = (): void => {
      fields.push(raw === nullString ? null : value);
      raw = '';
      value = '';
    };
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (c === delimiter) {
        push();
        continue;
      }
      if (c === '\\' && i + 1 < line.length) {
        const n = line[++i]!;
        raw += c + n;
        switch (n) {
          case 'b': value += '\b'; break;
          case 'f': value += '\f'; break;
          case 'n': value += '\n'; break;
          case 'r': value += '\r'; break;
          case 't': value += '\t'; break;
          case 'v': value += '\v'; break;
          case 'x': {
            const m = /^[0-9a-fA-F]{1,2}/.exec(line.slice(i + 1));
            if (m) {
              value += String.fromCharCode(parseInt(m[0], 16));
              raw += m[0];
              i += m[0].length;
            } else value += 'x';
            break;
          }
          default:
            if (n >= '0' && n <= '7') {
              const m = /^[0-7]{1,3}/.exec(line.slice(i))!;
              value += String.fromCharCode(parseInt(m[0], 8) & 0xff);
              raw += m[0].slice(1);
              i += m[0].length - 1;
            } else value += n;
        }
        continue;
      }
      raw += c;
      value += c;
    }
    push();
    return fields;
  }

  private parseCsv(line: string): (string | null)[] {
    const { delimiter, quote, escape, nullString } = this.opts;
    const fields: (string | null)[] = [];
    let value = '';
    let quoted = false;
    let inQuote = false;
    for (let i = 0; i <= line.length; i++) {
      const c = line[i];
      if (inQuote) {
        if (c === undefined) throw new SqlError(SqlState.badCopyFileFormat, 'unterminated CSV quoted field');
        if (escape !== quote && c === escape && (line[i + 1] === quote || line[i + 1] === escape)) {
          value += line[i + 1];
          i++;
          continue;
        }
        if (c === quote && escape === quote && line[i + 1] === quote) {
          value += quote;
          i++;
          continue;
        }
        if (c === quote) {
          inQuote = false;
          continue;
        }
        value += c;
        continue;
      }
      if (c === undefined || c === delimiter) {
        const idx = fields.length;
        fields.push(!quoted && value === nullString && !this.opts.forceNotNull.has(idx) ? null : value);
        value = '';
        quoted = false;
        continue;
      }
      if (c === quote) {
        inQuote = true;
        quoted = true;
        continue;
      }
      value += c;
    }
    return fields;
  }
}

// ─── text / csv output ────────────────────────────────────────────────────────────────────

export function formatCopyTextRow(fields: readonly (string | null)[], opts: CopyTextOptions): string {
  const out: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    if (opts.format === 'text') out.push(f === null || f === undefined ? opts.nullString : escapeText(f, opts.delimiter));
    else out.push(f === null || f === undefined ? opts.nullString : csvField(f, i, opts));
  }
  return out.join(opts.delimiter) + '\n';
}

export function formatCopyHeader(names: readonly string[], opts: CopyTextOptions): string {
  return names.map((n, i) => csvField(n, i, { ...opts, forceQuote: [] })).join(opts.delimiter) + '\n';
}

function escapeText(s: string, delimiter: string): string {
  let out = '';
  for (const c of s) {
    switch (c) {
      case '\\': out += '\\\\'; break;
      case '\n': out += '\\n'; break;
      case '\r': out += '\\r'; break;
      case '\t': out += delimiter === '\t' ? '\\t' : c; break;
      case '\b': out += '\\b'; break;
      case '\f': out += '\\f'; break;
      case '\v': out += '\\v'; break;
      default: out += c === delimiter ? '\\' + c : c;
    }
  }
  return out;
}

function csvField(s: string, index: number, opts: CopyTextOptions): string {
  const force = opts.forceQuote === 'all' || opts.forceQuote.includes(index);
  const needs =
    force ||
    s === opts.nullString ||
    s.includes(opts.delimiter) ||
    s.includes(opts.quote) ||
    s.includes('\n') ||
    s.includes('\r') ||
    s === '\\.';
  if (!needs) return s;
  let out = opts.quote;
  for (const c of s) {
    if (c === opts.quote || c === opts.escape) out += opts.escape;
    out += c;
  }
  return out + opts.quote;
}

// ─── binary ───────────────────────────────────────────────────────────────────────────────

const binarySignature = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

export function binaryCopyHeader(): Buffer {
  const b = Buffer.alloc(binarySignature.length + 8);
  binarySignature.copy(b, 0);
  return b; // flags 0, header extension length 0
}

export function binaryCopyTrailer(): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(-1, 0);
  return b;
}

export function binaryCopyRow(fields: readonly (Uint8Array | null)[]): Buffer {
  let size = 2;
  for (const f of fields) size += 4 + (f ? f.length : 0);
  const b = Buffer.alloc(size);
  let o = b.writeInt16BE(fields.length, 0);
  for (const f of fields) {
    if (f === null) o = b.writeInt32BE(-1, o);
    else {
      o = b.writeInt32BE(f.length, o);
      b.set(f, o);
      o += f.length;
    }
  }
  return b;
}

/** Incremental reader of the binary COPY format. */
export class CopyBinaryReader {
  private buf: Buffer = Buffer.alloc(0);
  private headerDone = false;
  private ended = false;

  constructor(private readonly columnCount: number) {}

  feed(chunk: Uint8Array): (Uint8Array | null)[][] {
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    if (this.buf.length > copyRowBytesMax) throw new SqlError(SqlState.programLimitExceeded, 'COPY row is too large');
    const rows: (Uint8Array | null)[][] = [];
    let o = 0;
    if (!this.headerDone) {
      if (this.buf.length < binarySignature.length + 8) return rows;
      if (!this.buf.subarray(0, binarySignature.length).equals(binarySignature)) {
        throw new SqlError(SqlState.badCopyFileFormat, 'COPY file signature not recognized');
      }
      const extLen = this.buf.readInt32BE(binarySignature.length + 4);
      if (this.buf.length < binarySignature.length + 8 + extLen) return rows;
      o = binarySignature.length + 8 + extLen;
      this.headerDone = true;
    }
    while (!this.ended && this.buf.length - o >= 2) {
      const n = this.buf.readInt16BE(o);
      if (n === -1) {
        this.ended = true;
        o += 2;
        break;
      }
      if (n !== this.columnCount) {
        throw new SqlError(SqlState.badCopyFileFormat, `row field count is ${n}, expected ${this.columnCount}`);
      }
      let p = o + 2;
      const fields: (Uint8Array | null)[] = [];
      let complete = true;
      for (let i = 0; i < n; i++) {
        if (this.buf.length - p < 4) {
          complete = false;
          break;
        }
        const len = this.buf.readInt32BE(p);
        p += 4;
        if (len === -1) {
          fields.push(null);
          continue;
        }
        if (len < 0) throw new SqlError(SqlState.badCopyFileFormat, 'invalid field size');
        if (this.buf.length - p < len) {
          complete = false;
          break;
        }
        fields.push(new Uint8Array(this.buf.subarray(p, p + len)));
        p += len;
      }
      if (!complete) break;
      rows.push(fields);
      o = p;
    }
    this.buf = this.buf.subarray(o);
    return rows;
  }

  finish(): void {
    if (!this.headerDone || (!this.ended && this.buf.length > 0)) {
      throw new SqlError(SqlState.badCopyFileFormat, 'unexpected EOF in COPY data');
    }
  }
}

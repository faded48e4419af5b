/**
 * Incremental parser for PostgreSQL protocol 3.0 frontend (client → server) messages.
 * Bytes arrive in arbitrary chunks; `next()` yields one complete message at a time or
 * `undefined` when more bytes are needed. Framing violations throw a SqlError 08P01: the
 * caller reports it and closes the connection (the stream cannot be resynchronised).
 */
import { isUtf8 } from 'node:buffer';
import { assert } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';

export const protocolCodes = {
  sslRequest: 80877103,
  gssEncRequest: 80877104,
  cancelRequest: 80877102,
} as const;

export type DescribeTarget = 'S' | 'P';

export type FrontendMessage =
  | {
      readonly kind: 'Startup';
      readonly protocolMajor: number;
      readonly protocolMinor: number;
      /** Name/value pairs in arrival order; empty unless protocolMajor is 3. */
      readonly params: ReadonlyMap<string, string>;
    }
  | { readonly kind: 'SSLRequest' }
  | { readonly kind: 'GSSENCRequest' }
  | { readonly kind: 'CancelRequest'; readonly pid: number; readonly secret: number }
  | { readonly kind: 'Query'; readonly sql: string }
  | { readonly kind: 'Parse'; readonly name: string; readonly sql: string; readonly paramTypes: readonly number[] }
  | {
      readonly kind: 'Bind';
      readonly portal: string;
      readonly statement: string;
      readonly paramFormats: readonly number[];
      readonly params: readonly (Uint8Array | null)[];
      readonly resultFormats: readonly number[];
    }
  | { readonly kind: 'Describe'; readonly target: DescribeTarget; readonly name: string }
  | { readonly kind: 'Execute'; readonly portal: string; readonly maxRows: number }
  | { readonly kind: 'Close'; readonly target: DescribeTarget; readonly name: string }
  | { readonly kind: 'Sync' }
  | { readonly kind: 'Flush' }
  | { readonly kind: 'Terminate' }
  | { readonly kind: 'CopyData'; readonly data: Uint8Array }
  | { readonly kind: 'CopyDone' }
  | { readonly kind: 'CopyFail'; readonly message: string }
  /** 'p': PasswordMessage, SASLInitialResponse or SASLResponse; which one depends on the auth exchange. */
  | { readonly kind: 'AuthResponse'; readonly data: Uint8Array }
  /** 'F': the legacy fastpath function call; answered with 0A000. */
  | { readonly kind: 'FunctionCall' }
  /** A well-framed message whose text is not valid UTF-8 (22021); the stream stays in sync. */
  | { readonly kind: 'InvalidText'; readonly messageType: string; readonly error: SqlError };

export type FrontendKind = FrontendMessage['kind'];

export interface FrontendParserOptions {
  /** Largest startup-phase packet (PostgreSQL: 10 000 bytes). */
  readonly startupBytesMax: number;
  /** Largest regular message, length word included (PostgreSQL: 1 GiB). */
  readonly messageBytesMax: number;
}

export const defaultParserOptions: FrontendParserOptions = {
  startupBytesMax: 10_000,
  messageBytesMax: 1024 * 1024 * 1024,
};

export function protocolViolation(message: string): SqlError {
  return new SqlError(SqlState.protocolViolation, message, { severity: 'FATAL' });
}

/**
 * Chunk queue + framing. Chunks are kept as given (no concatenation on push), so a large
 * message arriving in many chunks costs one copy when it is complete.
 */
export class FrontendParser {
  private readonly chunks: Buffer[] = [];
  /** Read offset into chunks[0]. */
  private headOffset = 0;
  private buffered = 0;
  private phase: 'startup' | 'normal' = 'startup';
  private broken = false;

  constructor(private readonly opts: FrontendParserOptions = defaultParserOptions) {
    assert(opts.startupBytesMax >= 8, 'startupBytesMax too small');
    assert(opts.messageBytesMax >= 5, 'messageBytesMax too small');
  }

  /** Bytes received and not yet returned as messages. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  get inStartupPhase(): boolean {
    return this.phase === 'startup';
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    this.chunks.push(buf);
    this.buffered += buf.length;
  }

  /** The next complete message, or undefined when more bytes are needed. Throws SqlError 08P01. */
  next(): FrontendMessage | undefined {
    assert(!this.broken, 'parser used after a protocol violation');
    try {
      return this.phase === 'startup' ? this.nextStartup() : this.nextRegular();
    } catch (err) {
      this.broken = true;
      throw err;
    }
  }

  private nextStartup(): FrontendMessage | undefined {
    if (this.buffered < 4) return undefined;
    const length = this.peekInt32(0);
    if (length < 8 || length > this.opts.startupBytesMax) throw protocolViolation('invalid length of startup packet');
    if (this.buffered < length) return undefined;
    const body = this.take(length).subarray(4);
    const msg = decodeStartupPacket(body);
    if (msg.kind === 'Startup' && msg.protocolMajor === 3) this.phase = 'normal';
    return msg;
  }

  private nextRegular(): FrontendMessage | undefined {
    if (this.buffered < 1) return undefined;
    const type = this.peekByte(0);
    // Checked before the length, as PostgreSQL does: an unknown type is not waited on.
    if (!regularTypes.has(type)) throw protocolViolation(`invalid frontend message type ${type}`);
    if (this.buffered < 5) return undefined;
    const length = this.peekInt32(1);
    if (length < 4) throw protocolViolation(`invalid message length ${length}`);
    if (length > this.opts.messageBytesMax - 1) {
      throw protocolViolation(`message of type "${printable(type)}" too large: ${length} bytes exceeds limit ${this.opts.messageBytesMax}`);
    }
    if (this.buffered < length + 1) return undefined;
    const whole = this.take(length + 1);
    return decodeRegular(type, whole.subarray(5));
  }

  private peekByte(at: number): number {
    let rel = this.headOffset + at;
    for (const c of this.chunks) {
      if (rel < c.length) return c[rel]!;
      rel -= c.length;
    }
    throw new Error('peek past end');
  }

  private peekInt32(at: number): number {
    const first = this.chunks[0]!;
    if (this.headOffset + at + 4 <= first.length) return first.readInt32BE(this.headOffset + at);
    return (
      ((this.peekByte(at) << 24) | (this.peekByte(at + 1) << 16) | (this.peekByte(at + 2) << 8) | this.peekByte(at + 3)) | 0
    );
  }

  /** Removes `n` bytes from the front; zero-copy when they lie in one chunk. */
  private take(n: number): Buffer {
    assert(n <= this.buffered, 'take past end');
    this.buffered -= n;
    const first = this.chunks[0]!;
    if (this.headOffset + n <= first.length) {
      const out = first.subarray(this.headOffset, this.headOffset + n);
      this.headOffset += n;
      if (this.headOffset === first.length) {
        this.chunks.shift();
        this.headOffset = 0;
      }
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0]!;
      const avail = c.length - this.headOffset;
      const want = Math.min(avail, n - filled);
      c.copy(out, filled, this.headOffset, this.headOffset + want);
      filled += want;
      if (want === avail) {
        this.chunks.shift();
        this.headOffset = 0;
      } else {
        this.headOffset += want;
      }
    }
    return out;
  }
}

/** Type bytes of the regular (post-startup) frontend messages decodeRegularBody knows. */
const regularTypes: ReadonlySet<number> = new Set(
  ['Q', 'P', 'B', 'D', 'E', 'C', 'S', 'H', 'X', 'd', 'c', 'f', 'p', 'F'].map((c) => c.charCodeAt(0)),
);

function printable(byte: number): string {
  return byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : `0x${byte.toString(16).padStart(2, '0')}`;
}

/** Reads fields of one message body; any overrun or leftover is 08P01 "invalid message format". */
class BodyReader {
  private offset = 0;
  constructor(private readonly buf: Buffer) {}

  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.offset);
    this.offset += 2;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  byte(): number {
    this.need(1);
    return this.buf[this.offset++]!;
  }

  bytes(n: number): Buffer {
    if (n < 0) throw invalidFormat();
    this.need(n);
    const out = this.buf.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  /** A NUL-terminated string's raw bytes (terminator consumed, not returned). */
  cstringBytes(): Buffer {
    const end = this.buf.indexOf(0, this.offset);
    if (end < 0) throw invalidFormat();
    const out = this.buf.subarray(this.offset, end);
    this.offset = end + 1;
    return out;
  }

  rest(): Buffer {
    const out = this.buf.subarray(this.offset);
    this.offset = this.buf.length;
    return out;
  }

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  end(): void {
    if (this.offset !== this.buf.length) throw invalidFormat();
  }

  private need(n: number): void {
    if (this.offset + n > this.buf.length) throw invalidFormat();
  }
}

function invalidFormat(): SqlError {
  return protocolViolation('invalid message format');
}

class InvalidTextError extends Error {}

function text(bytes: Buffer): string {
  if (!isUtf8(bytes)) throw new InvalidTextError();
  return bytes.toString('utf8');
}

function invalidUtf8(messageType: string): FrontendMessage {
  return {
    kind: 'InvalidText',
    messageType,
    error: new SqlError(SqlState.characterNotInRepertoire, 'invalid byte sequence for encoding "UTF8"'),
  };
}

function decodeStartupPacket(body: Buffer): FrontendMessage {
  const r = new BodyReader(body);
  const code = r.int32();
  switch (code) {
    case protocolCodes.sslRequest:
      r.end();
      return { kind: 'SSLRequest' };
    case protocolCodes.gssEncRequest:
      r.end();
      return { kind: 'GSSENCRequest' };
    case protocolCodes.cancelRequest: {
      const pid = r.int32();
      const secret = r.int32();
      r.end();
      return { kind: 'CancelRequest', pid, secret };
    }
    default:
      break;
  }
  const protocolMajor = code >>> 16;
  const protocolMinor = code & 0xffff;
  const params = new Map<string, string>();
  if (protocolMajor !== 3) return { kind: 'Startup', protocolMajor, protocolMinor, params };
  // name\0value\0 ... \0
  for (;;) {
    const nameBytes = r.cstringBytes();
    if (nameBytes.length === 0) break;
    const valueBytes = r.cstringBytes();
    if (!isUtf8(nameBytes) || !isUtf8(valueBytes)) throw protocolViolation('invalid byte sequence in startup packet');
    params.set(nameBytes.toString('utf8'), valueBytes.toString('utf8'));
  }
  if (r.remaining !== 0) throw protocolViolation('invalid startup packet layout: expected terminator as last byte');
  return { kind: 'Startup', protocolMajor, protocolMinor, params };
}

function decodeRegular(type: number, body: Buffer): FrontendMessage {
  const letter = String.fromCharCode(type);
  try {
    return decodeRegularBody(type, body);
  } catch (err) {
    if (err instanceof InvalidTextError) return invalidUtf8(letter);
    throw err;
  }
}

function decodeRegularBody(type: number, body: Buffer): FrontendMessage {
  const r = new BodyReader(body);
  switch (type) {
    case 0x51 /* Q */: {
      const sql = text(r.cstringBytes());
      r.end();
      return { kind: 'Query', sql };
    }
    case 0x50 /* P */: {
      const name = text(r.cstringBytes());
      const sql = text(r.cstringBytes());
      const n = r.int16();
      if (n < 0) throw invalidFormat();
      const paramTypes: number[] = new Array<number>(n);
      for (let i = 0; i < n; i++) paramTypes[i] = r.int32() >>> 0;
      r.end();
      return { kind: 'Parse', name, sql, paramTypes };
    }
    case 0x42 /* B */:
      return decodeBind(r);
    case 0x44 /* D */: {
      const target = describeTarget(r.byte());
      const name = text(r.cstringBytes());
      r.end();
      return { kind: 'Describe', target, name };
    }
    case 0x45 /* E */: {
      const portal = text(r.cstringBytes());
      const maxRows = r.int32();
      r.end();
      // PostgreSQL treats a non-positive row count as "no limit".
      return { kind: 'Execute', portal, maxRows: maxRows > 0 ? maxRows : 0 };
    }
    case 0x43 /* C */: {
      const target = describeTarget(r.byte());
      const name = text(r.cstringBytes());
      r.end();
      return { kind: 'Close', target, name };
    }
    case 0x53 /* S */:
      r.end();
      return { kind: 'Sync' };
    case 0x48 /* H */:
      r.end();
      return { kind: 'Flush' };
    case 0x58 /* X */:
      r.end();
      return { kind: 'Terminate' };
    case 0x64 /* d */:
      return { kind: 'CopyData', data: r.rest() };
    case 0x63 /* c */:
      r.end();
      return { kind: 'CopyDone' };
    case 0x66 /* f */: {
      const message = text(r.cstringBytes());
      r.end();
      return { kind: 'CopyFail', message };
    }
    case 0x70 /* p */:
      return { kind: 'AuthResponse', data: r.rest() };
    case 0x46 /* F */:
      r.rest();
      return { kind: 'FunctionCall' };
    default:
      throw protocolViolation(`invalid frontend message type ${type}`);
  }
}

function decodeBind(r: BodyReader): FrontendMessage {
  const portal = text(r.cstringBytes());
  const statement = text(r.cstringBytes());
  const nFormats = r.int16();
  if (nFormats < 0) throw invalidFormat();
  const paramFormats: number[] = new Array<number>(nFormats);
  for (let i = 0; i < nFormats; i++) paramFormats[i] = r.int16();
  const nParams = r.int16();
  if (nParams < 0) throw invalidFormat();
  if (nFormats > 1 && nFormats !== nParams) {
    throw protocolViolation(`bind message has ${nFormats} parameter formats but ${nParams} parameters`);
  }
  const params: (Uint8Array | null)[] = new Array<Uint8Array | null>(nParams);
  for (let i = 0; i < nParams; i++) {
    const len = r.int32();
    if (len === -1) params[i] = null;
    else if (len < 0) throw invalidFormat();
    else params[i] = r.bytes(len);
  }
  const nResults = r.int16();
  if (nResults < 0) throw invalidFormat();
  const resultFormats: number[] = new Array<number>(nResults);
  for (let i = 0; i < nResults; i++) resultFormats[i] = r.int16();
  r.end();
  for (const f of paramFormats) if (f !== 0 && f !== 1) throw protocolViolation(`unsupported format code: ${f}`);
  for (const f of resultFormats) if (f !== 0 && f !== 1) throw protocolViolation(`unsupported format code: ${f}`);
  return { kind: 'Bind', portal, statement, paramFormats, params, resultFormats };
}

function describeTarget(byte: number): DescribeTarget {
  if (byte === 0x53) return 'S';
  if (byte === 0x50) return 'P';
  throw protocolViolation(`invalid DESCRIBE/CLOSE message subtype ${byte}`);
}

/** SASLInitialResponse body: mechanism name, then Int32 length (-1 = none) and the data. */
export function decodeSaslInitialResponse(data: Uint8Array): { mechanism: string; response: Buffer | null } {
  const r = new BodyReader(Buffer.from(data.buffer, data.byteOffset, data.length));
  const mechBytes = r.cstringBytes();
  const len = r.int32();
  const response = len === -1 ? null : r.bytes(len);
  r.end();
  return { mechanism: mechBytes.toString('utf8'), response };
}

/**
 * Backend (server → client) message writer. Messages are appended to one growable buffer;
 * the connection takes the batch with `takeBatch()` and writes it to the socket once
 * (per ReadyForQuery, Flush, COPY start, or when the batch passes its flush bound), not
 * once per message.
 */
import { assert } from '../../util/assert.js';
import type { FieldDescription, NoticeFields, TransactionStatus } from '../../sql/session-api.js';
import type { SqlError } from '../../util/errors.js';

export const writerBufferBytesInitial = 16 * 1024;

/** One field of an ErrorResponse / NoticeResponse: the protocol's one-letter code and its text. */
export interface ResponseField {
  readonly code: string;
  readonly value: string;
}

export class BackendWriter {
  private buf: Buffer = Buffer.allocUnsafe(writerBufferBytesInitial);
  private len = 0;
  /** Start of the message being written (its type byte), or -1. */
  private messageStart = -1;

  /** Bytes written since the last takeBatch(). */
  get length(): number {
    return this.len;
  }

  /** Hands the pending bytes over (an owned copy) and empties the writer. */
  takeBatch(): Buffer {
    assert(this.messageStart === -1, 'takeBatch inside a message');
    const out = Buffer.allocUnsafe(this.len);
    this.buf.copy(out, 0, 0, this.len);
    this.len = 0;
    if (this.buf.length > writerBufferBytesInitial * 64) this.buf = Buffer.allocUnsafe(writerBufferBytesInitial);
    return out;
  }

  // --- primitives -------------------------------------------------------------------------

  private ensure(extra: number): void {
    const need = this.len + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  private begin(type: string): void {
    assert(this.messageStart === -1, 'nested message');
    this.ensure(5);
    this.messageStart = this.len;
    this.buf[this.len] = type.charCodeAt(0);
    this.len += 5;
  }

  private end(): void {
    assert(this.messageStart !== -1, 'end without begin');
    this.buf.writeInt32BE(this.len - this.messageStart - 1, this.messageStart + 1);
    this.messageStart = -1;
  }

  private int8(v: number): void {
    this.ensure(1);
    this.buf[this.len++] = v;
  }

  private int16(v: number): void {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.len);
    this.len += 2;
  }

  private int32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32BE(v | 0, this.len);
    this.len += 4;
  }

  private cstring(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    this.ensure(n + 1);
    this.buf.write(s, this.len, n, 'utf8');
    this.len += n;
    this.buf[this.len++] = 0;
  }

  private bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  // --- messages ---------------------------------------------------------------------------

  /** The single 'N' byte answering SSLRequest / GSSENCRequest (not a framed message). */
  encryptionRefused(): void {
    this.int8(0x4e);
  }

  authenticationOk(): void {
    this.begin('R');
    this.int32(0);
    this.end();
  }

  authenticationSasl(mechanisms: readonly string[]): void {
    this.begin('R');
    this.int32(10);
    for (const m of mechanisms) this.cstring(m);
    this.int8(0);
    this.end();
  }

  authenticationSaslContinue(data: Uint8Array): void {
    this.begin('R');
    this.int32(11);
    this.bytes(data);
    this.end();
  }

  authenticationSaslFinal(data: Uint8Array): void {
    this.begin('R');
    this.int32(12);
    this.bytes(data);
    this.end();
  }

  negotiateProtocolVersion(newestMinor: number, unrecognizedOptions: readonly string[]): void {
    this.begin('v');
    this.int32(newestMinor);
    this.int32(unrecognizedOptions.length);
    for (const o of unrecognizedOptions) this.cstring(o);
    this.end();
  }

  parameterStatus(name: string, value: string): void {
    this.begin('S');
    this.cstring(name);
    this.cstring(value);
    this.end();
  }

  backendKeyData(pid: number, secret: number): void {
    this.begin('K');
    this.int32(pid);
    this.int32(secret);
    this.end();
  }

  readyForQuery(status: TransactionStatus): void {
    this.begin('Z');
    this.int8(status.charCodeAt(0));
    this.end();
  }

  rowDescription(fields: readonly FieldDescription[]): void {
    this.begin('T');
    this.int16(fields.length);
    for (const f of fields) {
      this.cstring(f.name);
      this.int32(f.tableOid);
      this.int16(f.columnAttr);
      this.int32(f.typeOid);
      this.int16(f.typeSize);
      this.int32(f.typmod);
      this.int16(f.format);
    }
    this.end();
  }

  dataRow(values: readonly (Uint8Array | null)[]): void {
    let size = 7 + 4 * values.length;
    for (const v of values) if (v !== null) size += v.length;
    this.ensure(size);
    this.begin('D');
    this.int16(values.length);
    for (const v of values) {
      if (v === null) {
        this.int32(-1);
      } else {
        this.int32(v.length);
        this.bytes(v);
      }
    }
    this.end();
  }

  commandComplete(tag: string): void {
    this.begin('C');
    this.cstring(tag);
    this.end();
  }

  emptyQueryResponse(): void {
    this.begin('I');
    this.end();
  }

  errorResponse(fields: readonly ResponseField[]): void {
    this.fieldsMessage('E', fields);
  }

  noticeResponse(fields: readonly ResponseField[]): void {
    this.fieldsMessage('N', fields);
  }

  private fieldsMessage(type: string, fields: readonly ResponseField[]): void {
    this.begin(type);
    for (const f of fields) {
      assert(f.code.length === 1, 'response field code is one letter');
      this.int8(f.code.charCodeAt(0));
      this.cstring(f.value);
    }
    this.int8(0);
    this.end();
  }

  parseComplete(): void {
    this.empty('1');
  }

  bindComplete(): void {
    this.empty('2');
  }

  closeComplete(): void {
    this.empty('3');
  }

  noData(): void {
    this.empty('n');
  }

  portalSuspended(): void {
    this.empty('s');
  }

  parameterDescription(typeOids: readonly number[]): void {
    this.begin('t');
    this.int16(typeOids.length);
    for (const oid of typeOids) this.int32(oid);
    this.end();
  }

  copyInResponse(binary: boolean, columnCount: number): void {
    this.copyResponse('G', binary, columnCount);
  }

  copyOutResponse(binary: boolean, columnCount: number): void {
    this.copyResponse('H', binary, columnCount);
  }

  private copyResponse(type: string, binary: boolean, columnCount: number): void {
    this.begin(type);
    const fmt = binary ? 1 : 0;
    this.int8(fmt);
    this.int16(columnCount);
    for (let i = 0; i < columnCount; i++) this.int16(fmt);
    this.end();
  }

  copyData(data: Uint8Array): void {
    this.ensure(5 + data.length);
    this.begin('d');
    this.bytes(data);
    this.end();
  }

  copyDone(): void {
    this.empty('c');
  }

  private empty(type: string): void {
    this.begin(type);
    this.end();
  }
}

/** ErrorResponse / NoticeResponse fields for a notice from sql/. */
export function noticeFields(n: NoticeFields): ResponseField[] {
  const out: ResponseField[] = [
    { code: 'S', value: n.severity },
    { code: 'V', value: n.severity },
    { code: 'C', value: n.code },
    { code: 'M', value: n.message },
  ];
  if (n.detail !== undefined) out.push({ code: 'D', value: n.detail });
  if (n.hint !== undefined) out.push({ code: 'H', value: n.hint });
  return out;
}

/** ErrorResponse fields for a SqlError (severity ERROR unless the error says otherwise). */
export function errorFields(err: SqlError): ResponseField[] {
  const severity = err.fields.severity ?? 'ERROR';
  const f = err.fields;
  const out: ResponseField[] = [
    { code: 'S', value: severity },
    { code: 'V', value: severity },
    { code: 'C', value: err.code },
    { code: 'M', value: err.message },
  ];
  if (f.detail !== undefined) out.push({ code: 'D', value: f.detail });
  if (f.hint !== undefined) out.push({ code: 'H', value: f.hint });
  if (f.position !== undefined) out.push({ code: 'P', value: String(f.position) });
  if (f.where !== undefined) out.push({ code: 'W', value: f.where });
  if (f.schema !== undefined) out.push({ code: 's', value: f.schema });
  if (f.table !== undefined) out.push({ code: 't', value: f.table });
  if (f.column !== undefined) out.push({ code: 'c', value: f.column });
  if (f.dataType !== undefined) out.push({ code: 'd', value: f.dataType });
  if (f.constraint !== undefined) out.push({ code: 'n', value: f.constraint });
  return out;
}

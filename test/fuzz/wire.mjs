// A minimal raw pgwire v3 client for fuzzing: builds frontend messages byte by byte and reads
// backend messages incrementally, so tests can send anything (including malformed frames).
import { connect } from 'node:net';

const readBufferBytesMax = 64 * 1024 * 1024;

export function int32(n) {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n | 0);
  return b;
}
export function int16(n) {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n | 0);
  return b;
}
export function cstr(s) {
  return Buffer.concat([Buffer.isBuffer(s) ? s : Buffer.from(s, 'utf8'), Buffer.from([0])]);
}
/** A typed frontend message: type byte, int32 length (including itself), body. */
export function msg(type, ...parts) {
  const body = Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p))));
  return Buffer.concat([Buffer.from(type, 'latin1'), int32(body.length + 4), body]);
}
export function startupMessage(params) {
  const kv = Object.entries(params).flatMap(([k, v]) => [cstr(k), cstr(v)]);
  const body = Buffer.concat([int32(196608), ...kv, Buffer.from([0])]);
  return Buffer.concat([int32(body.length + 4), body]);
}
export const query = (sql) => msg('Q', cstr(sql));
export const parse = (name, sql, types = []) => msg('P', cstr(name), cstr(sql), int16(types.length), ...types.map(int32));
/** params: array of Buffer|null (text format unless formats given). */
export function bind(portal, stmt, params = [], paramFormats = [], resultFormats = []) {
  const vals = params.flatMap((p) => (p === null ? [int32(-1)] : [int32(p.length), p]));
  return msg('B', cstr(portal), cstr(stmt), int16(paramFormats.length), ...paramFormats.map(int16),
    int16(params.length), ...vals, int16(resultFormats.length), ...resultFormats.map(int16));
}
export const describe = (kind, name) => msg('D', Buffer.from(kind, 'latin1'), cstr(name));
export const execute = (portal, maxRows = 0) => msg('E', cstr(portal), int32(maxRows));
export const close = (kind, name) => msg('C', Buffer.from(kind, 'latin1'), cstr(name));
export const sync = () => msg('S');
export const flush = () => msg('H');
export const terminate = () => msg('X');

function parseFields(body) {
  const fields = {};
  let i = 0;
  while (i < body.length && body[i] !== 0) {
    const code = String.fromCharCode(body[i]);
    const end = body.indexOf(0, i + 1);
    fields[code] = body.subarray(i + 1, end < 0 ? body.length : end).toString('utf8');
    i = end < 0 ? body.length : end + 1;
  }
  return fields;
}

/** A connection with an incremental reader. */
export class WireConn {
  constructor(sock) {
    this.sock = sock;
    this.buf = Buffer.alloc(0);
    this.messages = [];
    this.closed = false;
    this.waiters = [];
    this.overflow = false;
    sock.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      if (this.buf.length > readBufferBytesMax) this.overflow = true;
      this.drain();
    });
    const onEnd = () => {
      this.closed = true;
      this.wake();
    };
    sock.on('close', onEnd);
    sock.on('error', onEnd);
  }

  static open(host, port, timeoutMs = 10_000) {
    return new Promise((resolve, reject) => {
      const sock = connect({ host, port });
      const t = setTimeout(() => { sock.destroy(); reject(new Error(`connect timeout to ${host}:${port}`)); }, timeoutMs);
      sock.once('connect', () => { clearTimeout(t); sock.setNoDelay(true); resolve(new WireConn(sock)); });
      sock.once('error', (e) => { clearTimeout(t); reject(e); });
    });
  }

  drain() {
    while (this.buf.length >= 5) {
      const len = this.buf.readInt32BE(1);
      if (this.buf.length < 1 + len) break;
      const type = String.fromCharCode(this.buf[0]);
      const body = this.buf.subarray(5, 1 + len);
      this.buf = this.buf.subarray(1 + len);
      const m = { type, body };
      if (type === 'E' || type === 'N') m.fields = parseFields(body);
      if (type === 'Z') m.status = String.fromCharCode(body[0]);
      this.messages.push(m);
    }
    this.wake();
  }

  wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  write(b) {
    if (!this.closed) this.sock.write(b);
  }

  /** Waits until pred(messages) is true, the connection closes, or the deadline passes. */
  async waitUntil(pred, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    while (!pred(this.messages) && !this.closed) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise((res) => {
        const t = setTimeout(res, left);
        this.waiters.push(() => { clearTimeout(t); res(); });
      });
    }
    return pred(this.messages);
  }

  /** Collects messages up to and including the next ReadyForQuery (or close / timeout). */
  async untilReady(timeoutMs) {
    const ok = await this.waitUntil((ms) => ms.some((m) => m.type === 'Z'), timeoutMs);
    const idx = this.messages.findIndex((m) => m.type === 'Z');
    const taken = idx >= 0 ? this.messages.splice(0, idx + 1) : this.messages.splice(0);
    return { messages: taken, ready: ok, closed: this.closed };
  }

  async startup(user, database, timeoutMs = 10_000) {
    this.write(startupMessage({ user, database, application_name: 'nodedb-fuzz', client_encoding: 'UTF8' }));
    return this.untilReady(timeoutMs);
  }

  destroy() {
    this.sock.destroy();
  }
}

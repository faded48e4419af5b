import { describe, expect, it } from 'vitest';
import { serialize } from 'pg-protocol';
import { FrontendParser, decodeSaslInitialResponse, type FrontendMessage } from './frontend.js';
import { SqlError } from '../../util/errors.js';

function parseAll(chunks: readonly Buffer[], opts?: ConstructorParameters<typeof FrontendParser>[0]): FrontendMessage[] {
  const p = new FrontendParser(opts);
  const out: FrontendMessage[] = [];
  for (const c of chunks) {
    p.push(c);
    for (let m = p.next(); m !== undefined; m = p.next()) out.push(m);
  }
  expect(p.bufferedBytes).toBe(0);
  return out;
}

function gssEncRequest(): Buffer {
  const b = Buffer.alloc(8);
  b.writeInt32BE(8, 0);
  b.writeInt32BE(80877104, 4);
  return b;
}

/** A realistic session from a client's point of view, built with pg-protocol's serializer. */
function sessionStream(): { bytes: Buffer; expected: FrontendMessage[] } {
  const parts: Buffer[] = [
    serialize.requestSsl(),
    gssEncRequest(),
    serialize.startup({ user: 'postgres', database: 'db', application_name: 'tést', options: '-c search_path=x' }),
    serialize.sendSASLInitialResponseMessage('SCRAM-SHA-256', 'n,,n=*,r=abc'),
    serialize.sendSCRAMClientFinalMessage('c=biws,r=abc,p=xyz'),
    serialize.password('pw'),
    serialize.query('SELECT 1; SELECT \'ünïcødé\''),
    serialize.parse({ name: 's1', text: 'SELECT $1::int, $2', types: [23, 0] }),
    serialize.bind({ portal: 'p1', statement: 's1', values: ['42', null], binary: true }),
    serialize.bind({}),
    serialize.describe({ type: 'S', name: 's1' }),
    serialize.describe({ type: 'P', name: '' }),
    serialize.execute({ portal: 'p1', rows: 10 }),
    serialize.execute({}),
    serialize.close({ type: 'S', name: 's1' }),
    serialize.close({ type: 'P', name: 'p1' }),
    serialize.flush(),
    serialize.sync(),
    serialize.copyData(Buffer.from('1\tone\n')),
    serialize.copyDone(),
    serialize.copyFail('no more'),
    serialize.query(''),
    serialize.end(),
  ];
  const expected: FrontendMessage[] = [
    { kind: 'SSLRequest' },
    { kind: 'GSSENCRequest' },
    {
      kind: 'Startup',
      protocolMajor: 3,
      protocolMinor: 0,
      params: new Map([
        ['user', 'postgres'],
        ['database', 'db'],
        ['application_name', 'tést'],
        ['options', '-c search_path=x'],
        ['client_encoding', 'UTF8'],
      ]),
    },
    { kind: 'AuthResponse', data: Buffer.concat([Buffer.from('SCRAM-SHA-256\0'), int32(12), Buffer.from('n,,n=*,r=abc')]) },
    { kind: 'AuthResponse', data: Buffer.from('c=biws,r=abc,p=xyz') },
    { kind: 'AuthResponse', data: Buffer.from('pw\0') },
    { kind: 'Query', sql: "SELECT 1; SELECT 'ünïcødé'" },
    { kind: 'Parse', name: 's1', sql: 'SELECT $1::int, $2', paramTypes: [23, 0] },
    { kind: 'Bind', portal: 'p1', statement: 's1', paramFormats: [0, 0], params: [Buffer.from('42'), null], resultFormats: [1] },
    { kind: 'Bind', portal: '', statement: '', paramFormats: [], params: [], resultFormats: [0] },
    { kind: 'Describe', target: 'S', name: 's1' },
    { kind: 'Describe', target: 'P', name: '' },
    { kind: 'Execute', portal: 'p1', maxRows: 10 },
    { kind: 'Execute', portal: '', maxRows: 0 },
    { kind: 'Close', target: 'S', name: 's1' },
    { kind: 'Close', target: 'P', name: 'p1' },
    { kind: 'Flush' },
    { kind: 'Sync' },
    { kind: 'CopyData', data: Buffer.from('1\tone\n') },
    { kind: 'CopyDone' },
    { kind: 'CopyFail', message: 'no more' },
    { kind: 'Query', sql: '' },
    { kind: 'Terminate' },
  ];
  return { bytes: Buffer.concat(parts), expected };
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

/** Buffers compared by content: normalise to plain arrays. */
function norm(msgs: readonly FrontendMessage[]): unknown {
  return JSON.parse(
    JSON.stringify(msgs, (_k, v: unknown) => {
      if (v instanceof Map) return [...v.entries()];
      if (v !== null && typeof v === 'object' && 'type' in v && (v as { type: unknown }).type === 'Buffer') return v;
      return v;
    }),
  );
}

describe('FrontendParser', () => {
  it('parses a whole session in one chunk as pg-protocol serialized it', () => {
    const { bytes, expected } = sessionStream();
    expect(norm(parseAll([bytes]))).toEqual(norm(expected));
  });

  it('parses the same messages when the stream is split at every byte offset', () => {
    const { bytes, expected } = sessionStream();
    const want = norm(expected);
    for (let at = 0; at <= bytes.length; at++) {
      expect(norm(parseAll([bytes.subarray(0, at), bytes.subarray(at)]))).toEqual(want);
    }
  });

  it('parses the same messages fed one byte at a time and in three uneven pieces', () => {
    const { bytes, expected } = sessionStream();
    const want = norm(expected);
    const single = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    expect(norm(parseAll(single))).toEqual(want);
    for (let a = 0; a < bytes.length; a += 7) {
      const b = Math.min(bytes.length, a + 13);
      expect(norm(parseAll([bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)]))).toEqual(want);
    }
  });

  it('decodes CancelRequest and protocol 2.0 startup packets', () => {
    const msgs = parseAll([serialize.cancel(1234, -99)]);
    expect(msgs).toEqual([{ kind: 'CancelRequest', pid: 1234, secret: -99 }]);
    const v2 = Buffer.concat([int32(8), int32(0x00020000)]);
    expect(parseAll([v2])).toEqual([{ kind: 'Startup', protocolMajor: 2, protocolMinor: 0, params: new Map() }]);
  });

  it('rejects an oversized message from its header, before the body arrives', () => {
    const p = new FrontendParser({ startupBytesMax: 10_000, messageBytesMax: 1000 });
    p.push(serialize.startup({ user: 'u' }));
    expect(p.next()?.kind).toBe('Startup');
    const header = Buffer.from([0x51, 0, 0, 0x10, 0]); // Query of length 4096
    p.push(header);
    expect(() => p.next()).toThrow(SqlError);
  });

  it('rejects an oversized or undersized startup packet', () => {
    for (const len of [10_001, 7, -1]) {
      const p = new FrontendParser();
      p.push(int32(len));
      let err: unknown;
      try {
        p.next();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SqlError);
      expect((err as SqlError).code).toBe('08P01');
    }
  });

  it('rejects unknown types, bad lengths and truncated bodies with 08P01', () => {
    const cases: Buffer[] = [
      Buffer.from([0x7a, 0, 0, 0, 4]), // unknown type 'z'
      Buffer.from([0x51, 0, 0, 0, 3]), // length < 4
      Buffer.from([0x51, 0, 0, 0, 6, 0x41, 0x42]), // Query without terminator
      Buffer.from([0x42, 0, 0, 0, 8, 0, 0, 0xff, 0xff]), // Bind with negative format count
      Buffer.from([0x44, 0, 0, 0, 6, 0x58, 0]), // Describe with bad target
      Buffer.from([0x53, 0, 0, 0, 5, 0]), // Sync with a body
    ];
    for (const c of cases) {
      const p = new FrontendParser();
      p.push(serialize.startup({ user: 'u' }));
      p.next();
      p.push(c);
      let err: unknown;
      try {
        p.next();
      } catch (e) {
        err = e;
      }
      expect(err, c.toString('hex')).toBeInstanceOf(SqlError);
      expect((err as SqlError).code).toBe('08P01');
      expect((err as SqlError).fields.severity).toBe('FATAL');
    }
  });

  it('rejects an unknown type byte at once, without waiting for its length or body', () => {
    for (const type of [0x00, 0x7a, 0xff]) {
      const p = new FrontendParser();
      p.push(serialize.startup({ user: 'u' }));
      p.next();
      p.push(Buffer.from([type])); // nothing after the type byte yet
      let err: unknown;
      try {
        p.next();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SqlError);
      expect((err as SqlError).code).toBe('08P01');
      expect((err as SqlError).message).toBe(`invalid frontend message type ${type}`);
      expect((err as SqlError).fields.severity).toBe('FATAL');
    }
  });

  it('reports invalid UTF-8 in a well-framed Query as 22021 and stays in sync', () => {
    const bad = Buffer.concat([Buffer.from([0x51]), int32(4 + 3), Buffer.from([0xc3, 0x28, 0])]);
    const msgs = parseAll([serialize.startup({ user: 'u' }), bad, serialize.sync()]);
    expect(msgs[1]?.kind).toBe('InvalidText');
    if (msgs[1]?.kind === 'InvalidText') expect(msgs[1].error.code).toBe('22021');
    expect(msgs[2]).toEqual({ kind: 'Sync' });
  });

  it('decodes SASLInitialResponse bodies', () => {
    const { bytes } = sessionStream();
    const msgs = parseAll([bytes]);
    const first = msgs[3];
    expect(first?.kind).toBe('AuthResponse');
    if (first?.kind === 'AuthResponse') {
      const d = decodeSaslInitialResponse(first.data);
      expect(d.mechanism).toBe('SCRAM-SHA-256');
      expect(d.response?.toString()).toBe('n,,n=*,r=abc');
    }
  });
});

import { describe, expect, it } from 'vitest';
import {
  CopyBinaryReader,
  CopyTextReader,
  binaryCopyHeader,
  binaryCopyRow,
  binaryCopyTrailer,
  formatCopyTextRow,
  resolveCopyOptions,
} from './copy-format.js';
import type { CopyOptions } from './ast.js';

const base: CopyOptions = { format: 'text', header: false, forceQuote: [], forceNotNull: [] };
const enc = new TextEncoder();

function readAll(reader: CopyTextReader, text: string, splitAt?: number): (string | null)[][] {
  const bytes = enc.encode(text);
  const rows =
    splitAt === undefined
      ? [...reader.feed(bytes), ...reader.finish()]
      : [...reader.feed(bytes.subarray(0, splitAt)), ...reader.feed(bytes.subarray(splitAt)), ...reader.finish()];
  return rows.map((r) => r.fields);
}

describe('COPY text format', () => {
  const opts = resolveCopyOptions(base, ['a', 'b', 'c']);
  const text = 'x\ty\\tz\t\\N\n1\t\\\\\t\\n\n';
  const expected = [
    ['x', 'y\tz', null],
    ['1', '\\', '\n'],
  ];

  it('reads escapes and NULL markers at every split point', () => {
    for (let i = 0; i <= enc.encode(text).length; i++) {
      expect(readAll(new CopyTextReader(opts), text, i)).toEqual(expected);
    }
  });

  it('round-trips through the writer', () => {
    const out = expected.map((r) => formatCopyTextRow(r, opts)).join('');
    expect(readAll(new CopyTextReader(opts), out)).toEqual(expected);
  });

  it('numbers rows by input line, header included', () => {
    const csv = resolveCopyOptions({ ...base, format: 'csv', header: true }, ['a', 'b']);
    const r = new CopyTextReader(csv);
    const rows = [...r.feed(enc.encode('a,b\n1,"x\ny"\n2,z\n')), ...r.finish()];
    expect(rows.map((x) => [x.line, x.raw])).toEqual([
      [2, '1,"x\ny"'],
      [3, '2,z'],
    ]);
  });

  it('stops at the end marker', () => {
    expect(readAll(new CopyTextReader(opts), 'a\tb\tc\n\\.\nignored\n')).toEqual([['a', 'b', 'c']]);
  });
});

describe('COPY csv format', () => {
  const opts = resolveCopyOptions({ ...base, format: 'csv', header: true }, ['a', 'b']);
  it('handles header, quotes, embedded newlines and NULL vs empty string', () => {
    const text = 'a,b\n"x,1","he said ""hi"""\n"line1\nline2",\n"",z\n';
    const rows = [
      ['x,1', 'he said "hi"'],
      ['line1\nline2', null],
      ['', 'z'],
    ];
    for (let i = 0; i <= enc.encode(text).length; i++) expect(readAll(new CopyTextReader(opts), text, i)).toEqual(rows);
    const written = rows.map((r) => formatCopyTextRow(r, opts)).join('');
    expect(written).toBe('"x,1","he said ""hi"""\n"line1\nline2",\n"",z\n');
  });
});

describe('COPY binary format', () => {
  it('round-trips rows split at every offset', () => {
    const rows = [
      [Uint8Array.of(0, 0, 0, 1), null],
      [Uint8Array.of(0, 0, 0, 2), enc.encode('two')],
    ];
    const stream = Buffer.concat([binaryCopyHeader(), ...rows.map((r) => binaryCopyRow(r)), binaryCopyTrailer()]);
    for (let i = 0; i <= stream.length; i++) {
      const r = new CopyBinaryReader(2);
      const got = [...r.feed(stream.subarray(0, i)), ...r.feed(stream.subarray(i))];
      r.finish();
      expect(got.map((row) => row.map((f) => (f ? [...f] : null)))).toEqual(rows.map((row) => row.map((f) => (f ? [...f] : null))));
    }
  });

  it('rejects a bad signature', () => {
    expect(() => new CopyBinaryReader(1).feed(Buffer.alloc(32))).toThrow(/signature/);
  });
});

import { describe, expect, it } from 'vitest';
import { defaultFormatContext, encodeBinary, formatText, Oid, PgRecord, sqlType } from './index.js';
import { recordFields, recordType } from './record.js';

describe('anonymous record types', () => {
  const t = recordType([
    { name: 'x', type: sqlType(Oid.text) },
    { name: 'n', type: sqlType(Oid.int4) },
  ]);

  it('interns one type per shape and keeps its fields', () => {
    expect(recordType([{ name: 'x', type: sqlType(Oid.text) }, { name: 'n', type: sqlType(Oid.int4) }])).toEqual(t);
    expect(recordType([{ name: 'y', type: sqlType(Oid.text) }])).not.toEqual(t);
    expect(recordFields(t)?.map((f) => f.name)).toEqual(['x', 'n']);
    expect(recordFields(sqlType(Oid.record))).toBeUndefined();
  });

  it('prints record_out text: quotes fields that need it, NULL as nothing', () => {
    const fmt = (fields: (string | number | null)[]): string => formatText(t, new PgRecord(fields), defaultFormatContext);
    expect(fmt(['a', 1])).toBe('(a,1)');
    expect(fmt(['b c', 2])).toBe('("b c",2)');
    expect(fmt(['', null])).toBe('("",)');
    expect(fmt(['say "hi", \\o/', 3])).toBe('("say ""hi"", \\\\o/",3)');
  });

  it('sends record_send binary: count, then oid + length + bytes per field (-1 for NULL)', () => {
    const b = Buffer.from(encodeBinary(t, new PgRecord(['ab', null]), defaultFormatContext));
    expect(b.readInt32BE(0)).toBe(2);
    expect(b.readUInt32BE(4)).toBe(Oid.text);
    expect(b.readInt32BE(8)).toBe(2);
    expect(b.subarray(12, 14).toString()).toBe('ab');
    expect(b.readUInt32BE(14)).toBe(Oid.int4);
    expect(b.readInt32BE(18)).toBe(-1);
    expect(b.length).toBe(22);
  });
});

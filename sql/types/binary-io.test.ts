/** Binary send/recv against bytes recorded from PostgreSQL 15's *_send functions. */
import { describe, expect, test } from 'vitest';
import { compare, decodeBinary, defaultFormatContext, encodeBinary, parseText, resolveTypeName, type SqlType } from './index.js';
import { numericScale } from './numeric.js';
import { Decimal } from './datum.js';

function typeOf(name: string): SqlType {
  const arr = name.endsWith('[]');
  return resolveTypeName([arr ? name.slice(0, -2) : name], [], arr ? 1 : 0).type;
}

/** [type, text input, hex of typsend output] from `select encode(<type>_send('<text>'::<type>), 'hex')`. */
const recorded: readonly (readonly [string, string, string])[] = [
  ['bool', "t", '01'],
  ['int2', "-2", 'fffe'],
  ['int4', "123456", '0001e240'],
  ['int8', "-9223372036854775808", '8000000000000000'],
  ['float4', "1.5", '3fc00000'],
  ['float8', "-0.1", 'bfb999999999999a'],
  ['float8', "NaN", '7ff8000000000000'],
  ['numeric', "1.50", '000200000000000200011388'],
  ['numeric', "-12345.6789", '0003000140000004000109291a85'],
  ['numeric', "0.00012", '0002ffff00000005000107d0'],
  ['numeric', "100000000", '00010002000000000001'],
  ['numeric', "0", '0000000000000000'],
  ['numeric', "0.000", '0000000000000003'],
  ['numeric', "NaN", '00000000c0000000'],
  ['numeric', "-Infinity", '00000000f0000020'],
  ['numeric', "123456789012345678901234567890.123", '0009000700000003000c0d801ed204d2162e23340d801ed204ce'],
  ['text', "héllo", '68c3a96c6c6f'],
  ['varchar', "abc", '616263'],
  ['bpchar', "ab", '6162'],
  ['bytea', "\\x00ff", '00ff'],
  ['uuid', "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", 'a0eebc999c0b4ef8bb6d6bb9bd380a11'],
  ['date', "2024-01-02", '0000223f'],
  ['date', "infinity", '7fffffff'],
  ['time', "03:04:05.5", '00000002925cf460'],
  ['timestamp', "2024-01-02 03:04:05.123456", '0002b0ec8517d580'],
  ['timestamptz', "2024-01-02 03:04:05+02", '0002b0ead7eeab40'],
  ['timestamp', "-infinity", '8000000000000000'],
  ['interval', "1 year 2 mons 3 days 04:05:06.5", '000000036c9361a0000000030000000e'],
  ['jsonb', "{\"b\":1,\"a\":[true,null]}", '017b2261223a205b747275652c206e756c6c5d2c202262223a20317d'],
  ['json', "{\"b\" : 1}", '7b226222203a20317d'],
  ['int4[]', "{1,NULL,3}", '00000001000000010000001700000003000000010000000400000001ffffffff0000000400000003'],
  ['text[]', "{{a,b},{c,d}}", '000000020000000000000019000000020000000100000002000000010000000161000000016200000001630000000164'],
  ['int4[]', "{}", '000000000000000000000017'],
  ['int4[]', "[0:1]={5,6}", '000000010000000000000017000000020000000000000004000000050000000400000006'],
];

describe('binary I/O matches PostgreSQL send/recv', () => {
  const ctx = defaultFormatContext;
  for (const [name, text, hex] of recorded) {
    test(`${name} ${text}`, () => {
      const type = typeOf(name);
      const datum = parseText(type, text, ctx);
      const bytes = encodeBinary(type, datum, ctx);
      expect(Buffer.from(bytes).toString('hex')).toBe(hex);
      const back = decodeBinary(type, Uint8Array.from(Buffer.from(hex, 'hex')), ctx);
      if (name === 'json') expect(back).toBe(datum);
      else expect(compare(type, back, datum)).toBe(0);
      if (Decimal.isDecimal(datum) && Decimal.isDecimal(back)) expect(numericScale(back)).toBe(numericScale(datum));
    });
  }

  test('malformed input is 22P03', () => {
    expect(() => decodeBinary(typeOf('int4'), Uint8Array.of(1, 2), ctx)).toThrow(expect.objectContaining({ code: '22P03' }));
    expect(() => decodeBinary(typeOf('numeric'), Uint8Array.of(0, 1, 0, 0, 0, 0, 0, 0), ctx)).toThrow(expect.objectContaining({ code: '22P03' }));
    expect(() => decodeBinary(typeOf('int4[]'), Uint8Array.of(0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 25), ctx)).toThrow(expect.objectContaining({ code: '22P03' }));
  });
});

/** Randomized invariants: text round trips, binary round trips, hashKey agrees with equals. Seed printed. */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  compare,
  decodeBinary,
  defaultFormatContext,
  encodeBinary,
  equals,
  formatText,
  hashKey,
  Interval,
  Oid,
  parseText,
  PgArray,
  sqlType,
  type Datum,
  type SqlType,
} from './index.js';
import { N, withScale } from './numeric.js';
import { Decimal } from './datum.js';
import { SqlError } from '../../util/errors.js';

const seed = Number(process.env.TYPES_TEST_SEED ?? Date.now() % 2 ** 31);
const numRuns = 300;
const ctx = defaultFormatContext;
const zoned = { ...defaultFormatContext, timeZone: 'America/New_York' };

const codePoint = fc.integer({ min: 1, max: 0x10ffff }).filter((c) => c < 0xd800 || c > 0xdfff);
const text = fc.array(fc.oneof(codePoint, fc.constantFrom(0x20, 0x22, 0x5c, 0x2c, 0x7b, 0x7d, 0x4e)), { maxLength: 10 }).map((cs) => String.fromCodePoint(...cs));
const numeric = fc
  .tuple(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), fc.integer({ min: 0, max: 30 }))
  .map(([m, s]) => withScale(new N(m.toString()).div(new N(10).pow(s)), s));

const cases: [string, SqlType, fc.Arbitrary<Datum>][] = [
  ['int2', sqlType(Oid.int2), fc.integer({ min: -32768, max: 32767 })],
  ['int4', sqlType(Oid.int4), fc.integer()],
  ['int8', sqlType(Oid.int8), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })],
  ['float8', sqlType(Oid.float8), fc.double()],
  ['float4', sqlType(Oid.float4), fc.float().map((x) => Math.fround(x))],
  ['numeric', sqlType(Oid.numeric), numeric],
  ['text', sqlType(Oid.text), text],
  ['bytea', sqlType(Oid.bytea), fc.uint8Array({ maxLength: 12 }).map((b) => Uint8Array.from(b))],
  ['bool', sqlType(Oid.bool), fc.boolean()],
  ['uuid', sqlType(Oid.uuid), fc.uuid()],
  ['date', sqlType(Oid.date), fc.integer({ min: -2451545, max: 2147483494 - 2451545 - 1 })],
  ['time', sqlType(Oid.time), fc.bigInt({ min: 0n, max: 86400000000n })],
  ['timestamp', sqlType(Oid.timestamp), fc.bigInt({ min: -211813488000000000n, max: 9223371331199999999n })],
  ['timestamptz', sqlType(Oid.timestamptz), fc.bigInt({ min: -211813488000000000n + 86400000000n, max: 9223371331199999999n - 86400000000n })],
  ['interval', sqlType(Oid.interval), fc.tuple(fc.integer({ min: -100000, max: 100000 }), fc.integer({ min: -100000, max: 100000 }), fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n })).map(([m, d, u]) => new Interval(m, d, u))],
  ['text[]', sqlType(Oid._text), fc.array(fc.option(text, { freq: 5 }), { maxLength: 5 }).map((xs) => new PgArray(Oid.text, xs))],
  ['int4[][]', sqlType(Oid._int4), fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: -3, max: 3 })).chain(([r, c, lb]) => fc.array(fc.option(fc.integer()), { minLength: r * c, maxLength: r * c }).map((xs) => new PgArray(Oid.int4, xs, [r, c], [lb, 1])))],
];

describe(`type invariants (seed ${seed}; replay with TYPES_TEST_SEED=${seed})`, () => {
  for (const [name, type, arb] of cases) {
    test(`${name}: parseText(formatText(x)) = x`, () => {
      fc.assert(
        fc.property(arb, (d) => {
          for (const c of [ctx, zoned]) {
            const back = parseText(type, formatText(type, d, c), c);
            expect(compare(type, back, d)).toBe(0);
            expect(formatText(type, back, c)).toBe(formatText(type, d, c));
          }
        }),
        { seed, numRuns },
      );
    });
    test(`${name}: decodeBinary(encodeBinary(x)) = x`, () => {
      fc.assert(
        fc.property(arb, (d) => {
          const back = decodeBinary(type, encodeBinary(type, d, ctx), ctx);
          expect(compare(type, back, d)).toBe(0);
        }),
        { seed, numRuns },
      );
    });
    test(`${name}: equal datums have equal hash keys; compare is antisymmetric`, () => {
      fc.assert(
        fc.property(arb, arb, (a, b) => {
          expect(Math.sign(compare(type, a, b))).toBe(-Math.sign(compare(type, b, a)) || 0);
          if (equals(type, a, b)) expect(hashKey(type, a)).toBe(hashKey(type, b));
          expect(hashKey(type, a)).toBe(hashKey(type, parseText(type, formatText(type, a, ctx), ctx)));
        }),
        { seed, numRuns },
      );
    });
  }

  test('hash keys of values PostgreSQL calls equal', () => {
    const eq = (t: SqlType, a: string, b: string): void => {
      const x = parseText(t, a, ctx);
      const y = parseText(t, b, ctx);
      expect(equals(t, x, y)).toBe(true);
      expect(hashKey(t, x)).toBe(hashKey(t, y));
    };
    eq(sqlType(Oid.numeric), '1.0', '1.00');
    eq(sqlType(Oid.numeric), '-0.0', '0');
    eq(sqlType(Oid.float8), '-0', '0');
    eq(sqlType(Oid.float8), 'NaN', 'nan');
    eq(sqlType(Oid.bpchar), 'ab', 'ab   ');
    eq(sqlType(Oid.interval), '1 mon', '30 days');
    eq(sqlType(Oid.interval), '1 day', '24 hours');
    eq(sqlType(Oid.jsonb), '{"a":1,"b":2}', '{"b":2, "a":1}');
    eq(sqlType(Oid.jsonb), '[1.0, {"x": -0}]', '[1.00, {"x": 0}]');
  });
});

describe('numerics created outside sql/types', () => {
  test('a plain decimal.js value prints without exponent notation and keeps its places', () => {
    const t = sqlType(Oid.numeric);
    expect(formatText(t, new Decimal('1e-7'), ctx)).toBe('0.0000001');
    expect(formatText(t, new Decimal('1.50'), ctx)).toBe('1.5');
    expect(formatText(t, new Decimal('1e25'), ctx)).toBe('10000000000000000000000000');
  });
});

describe(`malformed input fails with a SQLSTATE, never a crash (seed ${seed})`, () => {
  const types: SqlType[] = [
    Oid.bool, Oid.int2, Oid.int4, Oid.int8, Oid.float4, Oid.float8, Oid.numeric, Oid.bytea, Oid.uuid, Oid.json, Oid.jsonb,
    Oid.date, Oid.time, Oid.timestamp, Oid.timestamptz, Oid.interval, Oid._int4, Oid._text, Oid._date,
  ].map((o) => sqlType(o));
  const junk = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.array(fc.constantFrom('{', '}', '"', '\\', ',', '[', ']', ':', '=', '-', '+', '.', 'e', '1', '9', ' ', 'T', 'Z', 'a', 'NULL', 'day', 'P', '/', 'BC', 'x'), { maxLength: 20 }).map((p) => p.join('')),
  );
  for (const t of types) {
    test(`type ${t.oid}`, () => {
      fc.assert(
        fc.property(junk, (s) => {
          try {
            const d = parseText(t, s, ctx);
            if (d !== null) formatText(t, d, ctx);
          } catch (e) {
            if (!(e instanceof SqlError)) throw e;
          }
        }),
        { seed, numRuns: 500 },
      );
    });
  }
  test('binary decoders reject random bytes with SqlError', () => {
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.uint8Array({ maxLength: 40 }), (t, b) => {
        try {
          decodeBinary(t, Uint8Array.from(b), ctx);
        } catch (e) {
          if (!(e instanceof SqlError)) throw e;
        }
      }),
      { seed, numRuns: 2000 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareTs, decodeTs, encodeTs, Hlc, logicalMax, prevTs, timestampBytes, type Timestamp } from './hlc.js';

describe('hlc', () => {
  it('is strictly monotonic when the physical clock stalls or goes backwards', () => {
    let ms = 1000;
    const clock = new Hlc({ physicalClock: () => ms });
    const a = clock.now();
    const b = clock.now();
    ms = 900;
    const c = clock.now();
    ms = 2000;
    const d = clock.now();
    expect(a).toEqual({ wallMs: 1000, logical: 0 });
    expect(b).toEqual({ wallMs: 1000, logical: 1 });
    expect(c).toEqual({ wallMs: 1000, logical: 2 });
    expect(d).toEqual({ wallMs: 2000, logical: 0 });
  });

  it('update(remote) makes later timestamps exceed the remote one', () => {
    const ms = 1000;
    const clock = new Hlc({ physicalClock: () => ms });
    clock.update({ wallMs: 1500, logical: 7 });
    expect(clock.now()).toEqual({ wallMs: 1500, logical: 8 });
    clock.update({ wallMs: 10, logical: 0 }); // older: no effect
    expect(clock.now()).toEqual({ wallMs: 1500, logical: 9 });
    expect(() => clock.update({ wallMs: 1000 + 10_000_000, logical: 0 })).toThrow(/ahead/);
  });

  it('encoding preserves order; inverted encoding reverses it', () => {
    const tsArb = fc.record({ wallMs: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), logical: fc.integer({ min: 0, max: logicalMax }) });
    fc.assert(
      fc.property(tsArb, tsArb, (a: Timestamp, b: Timestamp) => {
        const ea = new Uint8Array(timestampBytes);
        const eb = new Uint8Array(timestampBytes);
        encodeTs(a, ea, 0, false);
        encodeTs(b, eb, 0, false);
        expect(Math.sign(Buffer.compare(ea, eb))).toBe(compareTs(a, b));
        expect(decodeTs(ea, 0, false)).toEqual(a);
        encodeTs(a, ea, 0, true);
        encodeTs(b, eb, 0, true);
        expect(Math.sign(Buffer.compare(ea, eb))).toBe(-compareTs(a, b));
        expect(decodeTs(eb, 0, true)).toEqual(b);
      }),
    );
  });

  it('prevTs is the immediate predecessor', () => {
    expect(prevTs({ wallMs: 5, logical: 3 })).toEqual({ wallMs: 5, logical: 2 });
    expect(prevTs({ wallMs: 5, logical: 0 })).toEqual({ wallMs: 4, logical: logicalMax });
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareTs, logicalMax, type Timestamp } from '../hlc/hlc.js';
import {
  decodeHistoryKey,
  decodeHistoryValue,
  decodeLatestValue,
  encodeHistoryValue,
  encodeLatestValue,
  historyBound,
  historyKey,
  historyKeyPrefix,
} from './keys.js';

const bytesArb = fc.uint8Array({ maxLength: 8 }).map((a) => a.map((b) => (b % 3 === 0 ? 0 : b)));
const tsArb: fc.Arbitrary<Timestamp> = fc.record({
  wallMs: fc.integer({ min: 0, max: 2 ** 45 }),
  logical: fc.integer({ min: 0, max: logicalMax }),
});

describe('mvcc key layout', () => {
  it('history keys sort by user key, then newest first; decode round-trips', () => {
    fc.assert(
      fc.property(bytesArb, tsArb, bytesArb, tsArb, (ka, ta, kb, tb) => {
        const a = historyKey(ka, ta);
        const b = historyKey(kb, tb);
        const byKey = Buffer.compare(Buffer.from(ka), Buffer.from(kb));
        const expected = byKey !== 0 ? byKey : -compareTs(ta, tb);
        expect(Math.sign(Buffer.compare(a, b))).toBe(Math.sign(expected));
        const da = decodeHistoryKey(a);
        expect([...da.userKey]).toEqual([...ka]);
        expect(da.ts).toEqual(ta);
        expect(a.subarray(0, historyKeyPrefix(ka).length).equals(historyKeyPrefix(ka))).toBe(true);
      }),
    );
  });

  it('span bounds in the history space contain exactly the keys of the span', () => {
    fc.assert(
      fc.property(bytesArb, bytesArb, bytesArb, tsArb, (k, s, e, ts) => {
        const inSpan = Buffer.compare(Buffer.from(k), Buffer.from(s)) >= 0 && Buffer.compare(Buffer.from(k), Buffer.from(e)) < 0;
        const hk = historyKey(k, ts);
        const inBounds = Buffer.compare(hk, historyBound(s)) >= 0 && Buffer.compare(hk, historyBound(e)) < 0;
        expect(inBounds).toBe(inSpan);
      }),
    );
  });

  it('record values round-trip, tombstones included', () => {
    fc.assert(
      fc.property(tsArb, fc.option(fc.uint8Array({ maxLength: 16 }), { nil: undefined }), (ts, value) => {
        const latest = decodeLatestValue(encodeLatestValue(ts, value));
        expect(latest.ts).toEqual(ts);
        expect(latest.value === undefined ? undefined : [...latest.value]).toEqual(value === undefined ? undefined : [...value]);
        const hv = decodeHistoryValue(encodeHistoryValue(value));
        expect(hv === undefined ? undefined : [...hv]).toEqual(value === undefined ? undefined : [...value]);
      }),
    );
  });
});

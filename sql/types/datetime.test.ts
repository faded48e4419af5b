import { describe, expect, test } from 'vitest';
import { defaultFormatContext, Oid, parseText, sqlType } from './index.js';

describe('datetime input errors carry PostgreSQL hints', () => {
  // select '2024-13-01'::date / '13/45/2024'::date → HINT; '2024-02-30'::date → no hint (PG 15)
  test('month/day out of range suggests DateStyle', () => {
    for (const s of ['2024-13-01', '13/45/2024', '2024-01-32']) {
      expect(() => parseText(sqlType(Oid.date), s, defaultFormatContext)).toThrow(
        expect.objectContaining({ code: '22008', fields: { hint: 'Perhaps you need a different "datestyle" setting.' } }),
      );
    }
  });
  test('day beyond the month has no hint', () => {
    expect(() => parseText(sqlType(Oid.date), '2024-02-30', defaultFormatContext)).toThrow(
      expect.objectContaining({ code: '22008', fields: {} }),
    );
  });
});

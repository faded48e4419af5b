import { describe, expect, test } from 'vitest';
import { defaultFormatContext, formatText, Oid, parseText, sqlType } from './index.js';

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

describe('session TimeZone values read as PostgreSQL does', () => {
  // set timezone = '<z>'; select '2024-01-02 03:04:05+00'::timestamptz;  (PostgreSQL 15)
  const cases: [string, string][] = [
    ['-7', '2024-01-01 20:04:05-07'],
    ['+5', '2024-01-02 08:04:05+05'],
    ['5', '2024-01-02 08:04:05+05'],
    ['UTC+3', '2024-01-02 00:04:05-03'],
    ['EST5EDT', '2024-01-01 22:04:05-05'],
    ['GMT', '2024-01-02 03:04:05+00'],
    ['Europe/berlin', '2024-01-02 04:04:05+01'],
    ['america/new_york', '2024-01-01 22:04:05-05'],
    ['Etc/GMT+3', '2024-01-02 00:04:05-03'],
    ['UTC-02:30', '2024-01-02 05:34:05+02:30'],
    ['+05:30', '2024-01-01 21:34:05-05:30'],
  ];
  for (const [zone, expected] of cases) {
    test(zone, () => {
      const t = sqlType(Oid.timestamptz);
      const ctx = { ...defaultFormatContext, timeZone: zone };
      expect(formatText(t, parseText(t, '2024-01-02 03:04:05+00', ctx), ctx)).toBe(expected);
    });
  }
});

test('isValidTimeZone', async () => {
  const { isValidTimeZone } = await import('./index.js');
  expect(['UTC', 'utc', '5', '-7', 'UTC+3', '+05:30', 'Europe/Berlin', 'america/new_york', 'EST5EDT', 'PST'].every(isValidTimeZone)).toBe(true);
  expect(['Mars/Olympus', 'foo', '', '+99:00'].some(isValidTimeZone)).toBe(false);
});

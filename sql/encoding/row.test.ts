import { describe, expect, test } from 'vitest';
import { Interval, Oid, PgArray, sqlType, type Datum } from '../types/datum.js';
import { compare } from '../types/compare.js';
import { parseNumeric, numericScale } from '../types/numeric.js';
import { decodeRow, encodeRow, type RowColumn } from './row.js';

const cols: RowColumn[] = [
  { id: 1, type: sqlType(Oid.int4) },
  { id: 2, type: sqlType(Oid.text) },
  { id: 3, type: sqlType(Oid.numeric) },
  { id: 5, type: sqlType(Oid.timestamptz) },
  { id: 200, type: sqlType(Oid.interval) },
  { id: 7, type: sqlType(Oid._int4) },
  { id: 8, type: sqlType(Oid.bool) },
];

describe('row encoding', () => {
  test('round-trips values, NULLs and numeric scale', () => {
    const values: Datum[] = [42, 'héllo', parseNumeric('1.500'), 123456789n, new Interval(1, 2, 3n), new PgArray(Oid.int4, [1, null, 3]), null];
    const bytes = encodeRow(cols, values);
    const back = decodeRow(bytes, cols);
    expect(back[6]).toBeNull();
    for (let i = 0; i < 6; i++) expect(compare(cols[i]!.type, back[i]!, values[i]!)).toBe(0);
    expect(numericScale(back[2] as never)).toBe(3);
  });

  test('columns absent from the bytes decode as undefined (ADD COLUMN), dropped ones are skipped', () => {
    const bytes = encodeRow(cols.slice(0, 2), [1, 'a']);
    const added: RowColumn[] = [{ id: 2, type: sqlType(Oid.text) }, { id: 9, type: sqlType(Oid.int8) }];
    expect(decodeRow(bytes, added)).toEqual(['a', undefined]);
  });

  test('rejects a truncated row', () => {
    const bytes = encodeRow(cols.slice(0, 2), [1, 'abcdef']);
    expect(() => decodeRow(bytes.subarray(0, bytes.length - 2), cols)).toThrow(/row ends inside a value/);
  });
});

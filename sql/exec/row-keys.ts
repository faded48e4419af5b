/**
 * Row keys shared by the executor's operators: the ORDER BY comparison of key values (sort,
 * window partitions, WITH TIES, merge join, ordered aggregates) and the hash-table key of a row
 * prefix with NULLs equal to each other (GROUP BY, DISTINCT, set operations).
 */
import { compare, hashKey, type Datum, type SqlType } from '../types/index.js';

/** How one key orders: its type, direction and NULL placement. */
export interface KeyOrder {
  readonly type: SqlType;
  readonly desc: boolean;
  readonly nullsFirst: boolean;
}

/** Compares two key-value tuples under `keys` (ORDER BY semantics: NULLs placed, not unknown). */
export function compareKeyValues(keys: readonly KeyOrder[], a: readonly Datum[], b: readonly Datum[]): number {
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const x = a[i]!;
    const y = b[i]!;
    if (x === null || y === null) {
      if (x === null && y === null) continue;
      return (x === null) === k.nullsFirst ? -1 : 1;
    }
    const c = compare(k.type, x, y);
    if (c !== 0) return k.desc ? -c : c;
  }
  return 0;
}

/**
 * The hash-table key of the first `types.length` values of `row`, NULLs equal to each other
 * (GROUP BY / DISTINCT / set-operation semantics), after `prefix`.
 */
export function hashRowKey(types: readonly SqlType[], row: readonly Datum[], prefix = ''): string {
  let key = prefix;
  for (let i = 0; i < types.length; i++) {
    const v = row[i]!;
    key += v === null ? '\u0000N\u0001' : `${String(hashKey(types[i]!, v))}\u0001`;
  }
  return key;
}

/**
 * Test-only: sql/encoding/key.ts prefix helpers while that module's bodies are still landing.
 * `withKeyFallback(actual)` returns the real module when it works, else these simple
 * order-preserving stand-ins (one byte per id below 0xf0, big-endian u32 above).
 */
import type * as KeyModule from '../../sql/encoding/key.js';

type KeyApi = typeof KeyModule;

function uvarint(value: number): number[] {
  if (value < 0xf0) return [value];
  return [0xf0, (value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
}

export function withKeyFallback(actual: KeyApi): KeyApi {
  try {
    actual.indexPrefix(1, 1);
    return actual;
  } catch {
    return {
      ...actual,
      encodeUvarintSortable: (out, value) => out.bytes(Uint8Array.from(uvarint(value))),
      tablePrefix: (tableId) => Uint8Array.from(uvarint(tableId)),
      indexPrefix: (tableId, indexId) => Uint8Array.from([...uvarint(tableId), ...uvarint(indexId)]),
      prefixEnd: (prefix) => {
        const out = Uint8Array.from(prefix);
        for (let i = out.length - 1; i >= 0; i--) {
          if (out[i]! < 0xff) {
            out[i]!++;
            return out.slice(0, i + 1);
          }
        }
        return Uint8Array.from([0xff, 0xff, 0xff, 0xff]);
      },
    };
  }
}

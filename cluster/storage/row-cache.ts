/**
 * A bounded cache of point reads in front of LevelDB (what RocksDB calls a row cache).
 *
 * Why: a classic-level `getSync` costs ~10 µs even when the block is in LevelDB's block cache
 * (N-API crossing, memtable + version lookup, block search); a prepared primary-key SELECT spends
 * about a sixth of the node's CPU there. A Map hit costs well under a microsecond.
 *
 * Coherence: every write goes through `StorageEngine.append`, which, once the batch is durable and
 * visible in LevelDB, replaces the cached value of each latest-version record the batch wrote and
 * drops every other key it touched (deletes, history and system keys; all of them when the write
 * failed). Until then a reader may get the old value from the cache — exactly what it could get
 * from LevelDB before the write lands, and no transaction depends on a write that has not been
 * acknowledged (writers of one key are serialised by row locks, and `append` resolves only after
 * the cache was updated). A read racing with the write may cache either version; the update
 * overrides it. Reads cache only keys that exist: the lookups that miss are mostly uniqueness
 * checks of rows about to be inserted.
 *
 * Bound: entries are charged their key + value bytes plus a fixed overhead and evicted oldest
 * first (FIFO: no reordering on hits, which keeps hits allocation-free). The cache only holds what
 * fits in `rowCacheBytesMax`.
 */
import { assert } from '../../util/assert.js';

/** Total bytes (keys + values + per-entry overhead) the cache may hold. */
export const rowCacheBytesMax = 64 * 1024 * 1024;
/** Values larger than this are never cached (one big row must not flush the cache). */
export const rowCacheValueBytesMax = 64 * 1024;
/** Rough per-entry cost of the Map slot, the key string and the Buffer object. */
const entryOverheadBytes = 96;

export class RowCache {
  private readonly entries = new Map<string, Buffer>();
  private bytes = 0;

  constructor(private readonly bytesMax: number = rowCacheBytesMax) {
    assert(bytesMax > 0, 'row cache bound must be positive');
  }

  /** Cache key of raw key bytes (latin1 maps each byte to one UTF-16 unit: injective, cheap). */
  static keyOf(key: Buffer): string {
    return key.toString('latin1');
  }

  get(k: string): Buffer | undefined {
    return this.entries.get(k);
  }

  set(k: string, value: Buffer): void {
    const size = RowCache.sizeOf(k, value);
    if (size - entryOverheadBytes - k.length > rowCacheValueBytesMax) return;
    const old = this.entries.get(k);
    if (old !== undefined) {
      this.bytes -= RowCache.sizeOf(k, old);
      this.entries.delete(k);
    }
    this.entries.set(k, value);
    this.bytes += size;
    this.evict();
  }

  invalidate(k: string): void {
    const old = this.entries.get(k);
    if (old === undefined) return;
    this.bytes -= RowCache.sizeOf(k, old);
    this.entries.delete(k);
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  /** Bytes currently charged (for tests and metrics). */
  get sizeBytes(): number {
    return this.bytes;
  }

  get size(): number {
    return this.entries.size;
  }

  private evict(): void {
    if (this.bytes <= this.bytesMax) return;
    for (const [k, v] of this.entries) {
      this.entries.delete(k);
      this.bytes -= RowCache.sizeOf(k, v);
      if (this.bytes <= this.bytesMax) return;
    }
  }

  private static sizeOf(k: string, v: Buffer): number {
    return entryOverheadBytes + k.length + v.length;
  }
}

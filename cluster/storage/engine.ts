/**
 * The node's one classic-level database, and the port through which batches become durable.
 *
 * `DurableLog` is the seam Raft will take over: the MVCC/lock/transaction layer (cluster/kv)
 * only builds batches of puts/deletes and hands them to `append`; on a single node the batch goes
 * straight into LevelDB with `sync: true`, later a range replica proposes it through its Raft
 * group and resolves when the entry is applied. `append` resolves only when the batch is durable
 * AND visible to `getSync`/iterators.
 */
import { ClassicLevel } from 'classic-level';
import { assert, assertNever } from '../../util/assert.js';
import { prefixMvccLatest } from './keys.js';
import { RowCache } from './row-cache.js';

export type WriteOp =
  | { readonly kind: 'put'; readonly key: Uint8Array; readonly value: Uint8Array }
  | { readonly kind: 'del'; readonly key: Uint8Array };

export interface DurableLog {
  /** One atomic batch; resolves when it is durable and readable. */
  append(ops: readonly WriteOp[]): Promise<void>;
}

export interface RawEntry {
  readonly key: Buffer;
  readonly value: Buffer;
}

export interface RangeIteratorOptions {
  readonly gte: Uint8Array;
  readonly lt: Uint8Array;
  readonly reverse?: boolean;
  readonly limit?: number;
}

/** Pull-based iterator over raw entries; callers must close it. */
export interface RawIterator {
  nextBatch(sizeMax: number): Promise<RawEntry[]>;
  close(): Promise<void>;
}

export interface StorageEngine extends DurableLog {
  /** The value stored under `key`. Callers must not modify the returned buffer (it may be cached). */
  getSync(key: Uint8Array): Buffer | undefined;
  iterate(opts: RangeIteratorOptions): RawIterator;
  approximateSize(start: Uint8Array, end: Uint8Array): Promise<number>;
  close(): Promise<void>;
}

type Db = ClassicLevel<Buffer, Buffer>;

class LevelEngine implements StorageEngine {
  private closed = false;
  private readonly cache = new RowCache();
  constructor(private readonly db: Db) {}

  getSync(key: Uint8Array): Buffer | undefined {
    assert(!this.closed, 'storage is closed');
    const k = toBuffer(key);
    const ck = RowCache.keyOf(k);
    const hit = this.cache.get(ck);
    if (hit !== undefined) return hit;
    const v = this.db.getSync(k);
    if (v !== undefined) this.cache.set(ck, v);
    return v;
  }

  iterate(opts: RangeIteratorOptions): RawIterator {
    assert(!this.closed, 'storage is closed');
    const it = this.db.iterator({
      gte: toBuffer(opts.gte),
      lt: toBuffer(opts.lt),
      reverse: opts.reverse ?? false,
      limit: opts.limit ?? -1,
    });
    return {
      async nextBatch(sizeMax: number): Promise<RawEntry[]> {
        assert(sizeMax > 0, 'nextBatch size must be positive');
        const rows = await it.nextv(sizeMax);
        return rows.map(([key, value]) => ({ key, value }));
      },
      close: () => it.close(),
    };
  }

  async append(ops: readonly WriteOp[]): Promise<void> {
    assert(!this.closed, 'storage is closed');
    if (ops.length === 0) return;
    // A chained batch hands each op straight to the native batch (the array form clones and
    // re-validates every op: several times slower for large commits).
    const batch = this.db.batch();
    for (const op of ops) {
      switch (op.kind) {
        case 'put':
          batch.put(toBuffer(op.key), toBuffer(op.value));
          break;
        case 'del':
          batch.del(toBuffer(op.key));
          break;
        default:
          assertNever(op, 'write op');
      }
    }
    try {
      await batch.write({ sync: true });
    } catch (err) {
      if (this.cache.size > 0) for (const op of ops) this.cache.invalidate(RowCache.keyOf(toBuffer(op.key)));
      throw err;
    }
    // The batch is visible: cached reads of its keys are replaced by what it wrote (row-cache.ts
    // says why that is coherent). Latest-version records are cached as written, so rows just
    // loaded or updated are read without LevelDB; other keys (history, system) are only dropped.
    for (const op of ops) {
      const key = toBuffer(op.key);
      if (op.kind === 'put' && key[0] === prefixMvccLatest) this.cache.set(RowCache.keyOf(key), ownCopy(op.value));
      else if (this.cache.size > 0) this.cache.invalidate(RowCache.keyOf(key));
    }
  }

  approximateSize(start: Uint8Array, end: Uint8Array): Promise<number> {
    return this.db.approximateSize(toBuffer(start), toBuffer(end));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.cache.clear();
    await this.db.close();
  }
}

/**
 * A copy with its own memory: small Buffers are slices of a shared 8 KiB pool, and a cached
 * slice would keep its whole pool alive.
 */
function ownCopy(b: Uint8Array): Buffer {
  const out = Buffer.allocUnsafeSlow(b.length);
  out.set(b);
  return out;
}

function toBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.length);
}

/**
 * LevelDB's LRU cache of uncompressed blocks (classic-level's default is 8 MiB). A point read that
 * misses it pays a file read and a Snappy decompression: pgbench's 100 000 accounts (scale 1) span
 * more than 8 MiB of blocks, and 64 MiB cut the node's CPU per select-only transaction by ~6%.
 */
export const blockCacheBytes = 64 * 1024 * 1024;

export async function openStorage(dir: string): Promise<StorageEngine> {
  const db: Db = new ClassicLevel<Buffer, Buffer>(dir, { keyEncoding: 'buffer', valueEncoding: 'buffer', cacheSize: blockCacheBytes });
  await db.open();
  return new LevelEngine(db);
}

/** A RaftDisk held in memory (tests): sorted keys, atomic batches, optional failure injection. */
import type { RaftDisk, RawEntry, WriteOp } from './log-store.js';

function hex(k: Uint8Array): string {
  return Buffer.from(k.buffer, k.byteOffset, k.length).toString('hex');
}

export class MemoryDisk implements RaftDisk {
  private data = new Map<string, Uint8Array>();
  batches = 0;
  /** When set, the next append fails (a disk write error). */
  failNext = false;

  async append(ops: readonly WriteOp[]): Promise<void> {
    await new Promise<void>((r) => setImmediate(r));
    if (this.failNext) {
      this.failNext = false;
      throw new Error('injected disk write failure');
    }
    for (const op of ops) {
      if (op.kind === 'put') this.data.set(hex(op.key), new Uint8Array(op.value));
      else this.data.delete(hex(op.key));
    }
    this.batches++;
  }

  getSync(key: Uint8Array): Uint8Array | undefined {
    return this.data.get(hex(key));
  }

  iterate(opts: { readonly gte: Uint8Array; readonly lt: Uint8Array }): {
    nextBatch(sizeMax: number): Promise<readonly RawEntry[]>;
    close(): Promise<void>;
  } {
    const lo = hex(opts.gte);
    const hi = hex(opts.lt);
    const keys = [...this.data.keys()].filter((k) => k >= lo && k < hi).sort();
    let pos = 0;
    return {
      nextBatch: async (sizeMax: number) => {
        const out = keys.slice(pos, pos + sizeMax).map((k) => ({ key: Buffer.from(k, 'hex'), value: this.data.get(k)! }));
        pos += out.length;
        return out;
      },
      close: async () => {},
    };
  }

  keyCount(): number {
    return this.data.size;
  }
}

/**
 * Concurrent sessions against one LocalKv: read-committed transfers that lock rows in random
 * order (deadlocks end in 40P01 and are retried), while repeatable-read readers check that every
 * snapshot they take sums to the invariant total. Seeded; the seed is printed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlError } from '../../util/errors.js';
import type { Isolation, TxnOptions } from './api.js';
import { openLocalKv, type LocalKv } from './local.js';
import { mulberry32 as rng } from '../../util/seeded-random.js';

const accountsCount = 8;
const initialBalance = 1000;
const writersCount = 12;
const transfersPerWriter = 25;
const readersCount = 3;
const retriesMax = 50;

function opts(isolation: Isolation): TxnOptions {
  return { isolation, readOnly: false, consistency: { kind: 'strong' } };
}
const acct = (i: number): Uint8Array => Buffer.from(`acct/${i}`);
const num = (b: Uint8Array | undefined): number => Number(Buffer.from(b!).toString());
const bytes = (n: number): Uint8Array => Buffer.from(String(n));


let dir: string;
let kv: LocalKv;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nodedb-conc-'));
  kv = await openLocalKv({ dir });
});
afterAll(async () => {
  await kv.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('concurrency', () => {
  it('transfers keep the total; snapshots are consistent; deadlocks are 40P01 only', async () => {
    const seed = Number(process.env['NODEDB_SEED'] ?? Date.now() % 1_000_000);
    console.log(`concurrency seed=${seed} (replay with NODEDB_SEED=${seed})`);
    const rand = rng(seed);
    const setup = kv.begin(opts('read committed'));
    for (let i = 0; i < accountsCount; i++) setup.put(acct(i), bytes(initialBalance));
    await setup.commit();
    const total = accountsCount * initialBalance;
    let deadlocks = 0;
    let done = false;
    let snapshots = 0;

    const writer = async (): Promise<void> => {
      for (let n = 0; n < transfersPerWriter; n++) {
        const from = Math.floor(rand() * accountsCount);
        const to = (from + 1 + Math.floor(rand() * (accountsCount - 1))) % accountsCount;
        const amount = 1 + Math.floor(rand() * 50);
        for (let attempt = 0; ; attempt++) {
          expect(attempt).toBeLessThan(retriesMax);
          const txn = kv.begin(opts('read committed'));
          try {
            txn.stepStatement();
            const a = await txn.lock(acct(from));
            await new Promise((r) => setImmediate(r)); // let others interleave between the two locks
            txn.stepStatement();
            const b = await txn.lock(acct(to));
            if (a.kind !== 'locked' || b.kind !== 'locked') throw new Error('lock skipped');
            txn.put(acct(from), bytes(num(a.value) - amount));
            txn.put(acct(to), bytes(num(b.value) + amount));
            await txn.commit();
            break;
          } catch (err) {
            await txn.rollback();
            if (err instanceof SqlError && err.code === '40P01') {
              deadlocks++;
              continue;
            }
            throw err;
          }
        }
      }
    };
    const reader = async (isolation: Isolation): Promise<void> => {
      while (!done) {
        const txn = kv.begin({ ...opts(isolation), readOnly: true });
        let sum = 0;
        for await (const e of txn.scan({ start: Buffer.from('acct/'), end: Buffer.from('acct0') })) sum += num(e.value);
        // a second read of the same snapshot must agree
        const again = await txn.getMany(Array.from({ length: accountsCount }, (_, i) => acct(i)));
        await txn.commit();
        expect(sum).toBe(total);
        expect(again.reduce((s, v) => s + num(v), 0)).toBe(total);
        snapshots++;
        await new Promise((r) => setImmediate(r));
      }
    };
    const readers = Array.from({ length: readersCount }, (_, i) => reader(i % 2 === 0 ? 'repeatable read' : 'serializable'));
    await Promise.all(Array.from({ length: writersCount }, writer));
    done = true;
    await Promise.all(readers);

    const check = kv.begin(opts('read committed'));
    let sum = 0;
    for await (const e of check.scan({ start: Buffer.from('acct/'), end: Buffer.from('acct0') })) sum += num(e.value);
    await check.commit();
    expect(sum).toBe(total);
    expect(snapshots).toBeGreaterThan(0);
    expect(kv.stats().locks).toEqual({ lockedKeys: 0, waiters: 0 });
    expect(kv.stats().activeTxns).toBe(0);
    console.log(`transfers=${writersCount * transfersPerWriter} deadlocks=${deadlocks} snapshots=${snapshots} batches=${kv.stats().groupCommit.batches}`);
  }, 20_000);
});

/**
 * Micro-benchmark of the local KV (not a test). Build only its own imports and run:
 *   npx tsc cluster/kv/bench.ts --outDir /tmp/nodedb-bench --rootDir . --module nodenext \
 *     --moduleResolution nodenext --target es2022 --strict --skipLibCheck --types node
 *   ln -sfn "$PWD/node_modules" /tmp/nodedb-bench/node_modules
 *   echo '{"type":"module"}' > /tmp/nodedb-bench/package.json
 *   node /tmp/nodedb-bench/cluster/kv/bench.js [seconds-per-case]
 * Reports commits/s with 1 and 16 concurrent committers (group commit), point-read txns/s
 * (begin / get / commit, the shape of pgbench select-only) and tpcb-like txns/s at the KV level
 * (shared table lock, account / teller / branch row locks with re-read, history row with a rowid
 * from atomicUpdate), where any error fails the run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLocalKv, type LocalKv } from './local.js';

const secondsPerCase = Number(process.argv[2] ?? '3');
const rowsForReads = 100_000;
const valueBytes = 100;
const rc = { isolation: 'read committed', readOnly: false, consistency: { kind: 'strong' } } as const;

function key(i: number): Uint8Array {
  return Buffer.from(`acct/${String(i).padStart(9, '0')}`);
}

async function commits(kv: LocalKv, concurrency: number): Promise<number> {
  const until = Date.now() + secondsPerCase * 1000;
  let n = 0;
  const value = new Uint8Array(valueBytes);
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      for (let i = 0; Date.now() < until; i++) {
        const txn = kv.begin(rc);
        txn.put(key(w * 1_000_000 + (i % 1000)), value);
        await txn.commit();
        n++;
      }
    }),
  );
  return n / secondsPerCase;
}

async function pointReads(kv: LocalKv, concurrency: number): Promise<number> {
  const until = Date.now() + secondsPerCase * 1000;
  let n = 0;
  let seed = 12345;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) {
        for (let j = 0; j < 100; j++) {
          seed = (seed * 1103515245 + 12345) & 0x7fffffff;
          const txn = kv.begin({ ...rc, readOnly: true });
          const v = await txn.get(key(seed % rowsForReads));
          if (v === undefined) throw new Error('missing row');
          await txn.commit();
          n++;
        }
      }
    }),
  );
  return n / secondsPerCase;
}

const tellersCount = 10;

/** pgbench tpcb-like at scale 1, KV level: every error is a failure. */
async function tpcb(kv: LocalKv, clients: number): Promise<number> {
  const until = Date.now() + secondsPerCase * 1000;
  let n = 0;
  let seed = 777;
  const next = (mod: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % mod;
  };
  const table = (name: string): Uint8Array => Buffer.from(`desc/${name}`);
  const bump = async (txn: ReturnType<LocalKv['begin']>, key: Uint8Array, delta: number): Promise<void> => {
    const r = await txn.lock(key);
    if (r.kind !== 'locked') throw new Error('lock skipped');
    txn.put(key, Buffer.from(String(Number(Buffer.from(r.value ?? Buffer.from('0')).toString()) + delta)));
  };
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (Date.now() < until) {
        const txn = kv.begin(rc);
        const delta = next(10_001) - 5000;
        for (const t of ['accounts', 'tellers', 'branches', 'history']) await txn.lock(table(t), { mode: 'shared' });
        txn.stepStatement();
        await bump(txn, key(next(rowsForReads)), delta);
        txn.stepStatement();
        await txn.get(key(next(rowsForReads)));
        txn.stepStatement();
        await bump(txn, Buffer.from(`teller/${next(tellersCount)}`), delta);
        txn.stepStatement();
        await bump(txn, Buffer.from('branch/1'), delta);
        const rowid = await kv.atomicUpdate(Buffer.from('seq/history'), (old) =>
          Buffer.from(String(old === undefined ? 1 : Number(Buffer.from(old).toString()) + 1)),
        );
        txn.put(Buffer.from(`history/${Buffer.from(rowid).toString().padStart(12, '0')}`), Buffer.from(String(delta)));
        await txn.commit();
        n++;
      }
    }),
  );
  return n / secondsPerCase;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'nodedb-bench-'));
  const kv = await openLocalKv({ dir });
  try {
    for (const c of [1, 16]) {
      const rate = await commits(kv, c);
      const s = kv.stats().groupCommit;
      console.log(`commits/s with ${c} concurrent committer(s): ${rate.toFixed(0)}  (batches so far ${s.batches}, largest batch ${s.largestBatchCommits})`);
    }
    for (let i = 0; i < rowsForReads; i += 10_000) {
      const txn = kv.begin(rc);
      for (let j = i; j < i + 10_000; j++) txn.put(key(j), new Uint8Array(valueBytes));
      await txn.commit();
    }
    for (const c of [1, 16]) {
      console.log(`point-read txns/s (begin, get, commit) with ${c} client(s): ${(await pointReads(kv, c)).toFixed(0)}`);
    }
    for (const c of [1, 16]) console.log(`tpcb-like txns/s with ${c} client(s): ${(await tpcb(kv, c)).toFixed(0)}`);
  } finally {
    await kv.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

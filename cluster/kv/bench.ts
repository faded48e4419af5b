/**
 * Micro-benchmark of the local KV (not a test). Build only its own imports and run:
 *   npx tsc cluster/kv/bench.ts --outDir /tmp/nodedb-bench --rootDir . --module nodenext \
 *     --moduleResolution nodenext --target es2022 --strict --skipLibCheck --types node
 *   ln -sfn "$PWD/node_modules" /tmp/nodedb-bench/node_modules
 *   echo '{"type":"module"}' > /tmp/nodedb-bench/package.json
 *   node /tmp/nodedb-bench/cluster/kv/bench.js [seconds-per-case]
 * Reports commits/s with 1 and 16 concurrent committers (group commit) and point-read txns/s
 * (begin / get / commit, the shape of pgbench select-only).
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
  } finally {
    await kv.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

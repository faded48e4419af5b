/**
 * npm run bench:raft — three replicas of one group in one process, each on its own
 * classic-level database with synced writes, connected by the in-memory transport.
 * Measures the raw fsync rate of the disk, then proposals/s and commit latency (propose
 * on the leader until applied there) with 1 and with 64 concurrent proposers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { StorageEngine } from '../storage/engine.js';
import { openStorage } from '../storage/engine.js';
import type { Entry, Snapshot } from '../raft/types.js';
import type { GroupStateMachine } from './host.js';
import { MultiRaftHost } from './host.js';
import { InMemoryNetwork } from './transport.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '3' } } });
const phaseMs = Number(values.seconds) * 1000;
const payloadBytes = 128;
const tickMs = 10;
const groupId = 1;
const leaderWaitMsMax = 10_000;

class CountingMachine implements GroupStateMachine {
  applied = 0;
  apply(_g: number, entries: readonly Entry[]): void {
    this.applied += entries.length;
  }
  snapshot(): Uint8Array {
    return new Uint8Array(8);
  }
  restore(_g: number, _s: Snapshot): void {}
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function fsyncRate(engine: StorageEngine, durationMs: number): Promise<{ perSec: number; p50Ms: number }> {
  const lat: number[] = [];
  const value = new Uint8Array(payloadBytes);
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < durationMs) {
    const key = Buffer.from(`fsync-${n++}`);
    const t = performance.now();
    await engine.append([{ kind: 'put', key, value }]);
    lat.push(performance.now() - t);
  }
  lat.sort((a, b) => a - b);
  return { perSec: n / ((performance.now() - start) / 1000), p50Ms: percentile(lat, 50) };
}

interface ProposerResult {
  perSec: number;
  p50Ms: number;
  p99Ms: number;
  n: number;
}

/** Three writers fsyncing at once on three databases: what the three replicas experience. */
async function parallelFsyncRate(engines: readonly StorageEngine[], durationMs: number): Promise<number> {
  const rates = await Promise.all(engines.map((e) => fsyncRate(e, durationMs)));
  return rates.reduce((a, r) => a + r.perSec, 0) / rates.length;
}

async function proposers(leader: MultiRaftHost, concurrency: number, durationMs: number): Promise<ProposerResult> {
  const lat: number[] = [];
  const payload = new Uint8Array(payloadBytes);
  const deadline = performance.now() + durationMs;
  const start = performance.now();
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const t = performance.now();
      await leader.propose(groupId, payload);
      lat.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedS = (performance.now() - start) / 1000;
  lat.sort((a, b) => a - b);
  return { perSec: lat.length / elapsedS, p50Ms: percentile(lat, 50), p99Ms: percentile(lat, 99), n: lat.length };
}

async function waitForLeader(hosts: MultiRaftHost[]): Promise<MultiRaftHost> {
  const start = Date.now();
  for (;;) {
    const l = hosts.find((h) => h.status(groupId)?.role === 'leader');
    if (l !== undefined) return l;
    if (Date.now() - start > leaderWaitMsMax) throw new Error('no leader elected');
    await new Promise((r) => setTimeout(r, tickMs));
  }
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'nodedb-bench-raft-'));
  const engines: StorageEngine[] = [];
  try {
    const raw = await openStorage(join(root, 'fsync'));
    engines.push(raw);
    const trio: StorageEngine[] = [];
    for (const k of [1, 2, 3]) trio.push(await openStorage(join(root, `fsync-parallel-${k}`)));
    engines.push(...trio);
    const net = new InMemoryNetwork();
    const hosts: MultiRaftHost[] = [];
    for (const id of [1, 2, 3]) {
      const engine = await openStorage(join(root, `node${id}`));
      engines.push(engine);
      const h = new MultiRaftHost({ nodeId: id, disk: engine, transport: net.transport(id), seed: id, tuning: { electionTimeoutTicks: 10, heartbeatIntervalTicks: 2 } });
      await h.createGroup({ groupId, bootstrap: { voters: [1, 2, 3], learners: [] }, stateMachine: new CountingMachine() });
      hosts.push(h);
      h.start(tickMs);
    }
    hosts[0]!.campaign(groupId);
    const leader = await waitForLeader(hosts);
    await proposers(leader, 1, phaseMs / 2); // warm-up: JIT and LevelDB settle
    // The disk is shared with other processes and its speed drifts: interleave short
    // windows of raw fsync and of the single proposer so both see the same conditions.
    const windows = Math.max(1, Math.round(phaseMs / 500));
    const fsRuns: { perSec: number; p50Ms: number }[] = [];
    const parallelRuns: number[] = [];
    const oneRuns: ProposerResult[] = [];
    for (let w = 0; w < windows; w++) {
      fsRuns.push(await fsyncRate(raw, 500));
      parallelRuns.push(await parallelFsyncRate(trio, 500));
      oneRuns.push(await proposers(leader, 1, 500));
    }
    const parallelPerSec = parallelRuns.reduce((a, r) => a + r, 0) / windows;
    const many = await proposers(leader, 64, phaseMs);
    const fsPerSec = fsRuns.reduce((a, r) => a + r.perSec, 0) / windows;
    const fsP50Ms = fsRuns.map((r) => r.p50Ms).sort((a, b) => a - b)[Math.floor(windows / 2)]!;
    const one: ProposerResult = {
      perSec: oneRuns.reduce((a, r) => a + r.perSec, 0) / windows,
      p50Ms: oneRuns.map((r) => r.p50Ms).sort((a, b) => a - b)[Math.floor(windows / 2)]!,
      p99Ms: Math.max(...oneRuns.map((r) => r.p99Ms)),
      n: oneRuns.reduce((a, r) => a + r.n, 0),
    };
    const line = (label: string, r: ProposerResult): string =>
      `${label}: ${r.perSec.toFixed(0)} proposals/s, commit latency p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms (${r.n} proposals)`;
    console.log(`raw fsync (one synced classic-level batch at a time, ${windows} windows): ${fsPerSec.toFixed(0)}/s, p50 ${fsP50Ms.toFixed(2)} ms`);
    console.log(`fsync with three writers at once (as the three replicas do): ${parallelPerSec.toFixed(0)}/s per writer`);
    console.log(
      `${line('1 proposer', one)} = ${((100 * one.perSec) / fsPerSec).toFixed(0)}% of the single-writer fsync rate, ` +
        `${((100 * one.perSec) / parallelPerSec).toFixed(0)}% of the three-writer rate`,
    );
    console.log(line('64 proposers', many));
    console.log(`leader turns ${leader.stats.turns}, synced batches ${leader.stats.syncedBatches}, entries applied ${leader.stats.entriesApplied}`);
    for (const h of hosts) {
      h.stop();
      await h.idle();
    }
  } finally {
    for (const e of engines) await e.close();
    rmSync(root, { recursive: true, force: true });
  }
}

await main();

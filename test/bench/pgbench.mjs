#!/usr/bin/env node
// npm run bench [-- --runs N | --short | --duration S | --only nodedb|pg | --json FILE]
// pgbench -i -s 1, then select-only (-S -M prepared -c 4 -T 20) and TPC-B (-M prepared -c 4 -T 20)
// against a nodedb node and a scratch PostgreSQL 15 (fsync on, default durability) on this
// machine. Prints each run's tps, the median per workload, the ratio nodedb/PostgreSQL, failed
// transactions, and nodedb's peak RSS (VmHWM). Bar (issue 2): select-only >= 30% of PostgreSQL,
// TPC-B with zero failed transactions; exit code 1 when the bar is missed or pgbench fails.
import { parseArgs } from 'node:util';
import { readFileSync, writeFileSync } from 'node:fs';
import { startNode, startPostgres } from '../harness/index.mjs';
import { pgbench } from '../clients/pgbench.mjs';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    short: { type: 'boolean', default: false },
    duration: { type: 'string' },
    clients: { type: 'string', default: '4' },
    only: { type: 'string' },
    json: { type: 'string' },
  },
});
const runs = values.short ? 1 : Number(values.runs);
const durationS = Number(values.duration ?? (values.short ? 3 : 20));
const clients = values.clients;
const selectOnlyRatioMin = 0.3;
if (!(runs >= 1) || !(durationS >= 1)) throw new Error('--runs and --duration must be >= 1');
if (values.only !== undefined && values.only !== 'nodedb' && values.only !== 'pg') throw new Error('--only takes nodedb or pg');

const workloads = [
  { name: 'select-only', args: ['-S', '-M', 'prepared', '-c', clients, '-T', String(durationS)] },
  { name: 'tpc-b', args: ['-M', 'prepared', '-c', clients, '-T', String(durationS)] },
];

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function peakRssKb(pid) {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

async function benchTarget(label, start) {
  const h = await start();
  const out = { label, workloads: {}, peakRssKb: null, errors: [] };
  try {
    console.log(`\n== ${label} (127.0.0.1:${h.port}) ==`);
    const init = await pgbench(h, ['-i', '-s', '1', '-q']);
    if (init.code !== 0) {
      out.errors.push(`pgbench -i failed: ${init.stderr.trim()}`);
      console.log(`pgbench -i -s 1: FAILED\n${init.stderr}`);
      return out;
    }
    console.log(`pgbench -i -s 1: ${(init.stderr.match(/done in [^\n]*/) ?? ['ok'])[0]}`);
    for (const wl of workloads) {
      const tps = [];
      let failed = 0;
      for (let i = 0; i < runs; i += 1) {
        const r = await pgbench(h, wl.args, { timeoutMs: (durationS + 120) * 1000 });
        const s = r.summary;
        if (r.code !== 0 || s.tps === null) {
          out.errors.push(`${wl.name} run ${i + 1}: pgbench exited ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
          console.log(`${wl.name.padEnd(12)} run ${i + 1}: FAILED (exit ${r.code})\n${r.stderr.trim().split('\n').slice(-5).join('\n')}`);
          failed += s.failed ?? 0;
          continue;
        }
        tps.push(s.tps);
        failed += s.failed ?? 0;
        console.log(`${wl.name.padEnd(12)} run ${i + 1}: ${s.tps.toFixed(1)} tps, ${s.processed} transactions, ${s.failed} failed, latency ${s.latencyMsAvg} ms`);
      }
      out.workloads[wl.name] = { tps, medianTps: tps.length ? median(tps) : null, failed };
    }
    if (h.kind === 'nodedb') out.peakRssKb = peakRssKb(h.pid);
  } finally {
    await h.stop();
  }
  return out;
}

async function main() {
  console.log(`pgbench benchmark: ${runs} run(s) of ${durationS} s per workload, ${clients} clients, scale 1`);
  const results = {};
  if (values.only !== 'pg') results.nodedb = await benchTarget('nodedb', () => startNode());
  if (values.only !== 'nodedb') results.pg = await benchTarget('PostgreSQL 15', () => startPostgres({ fsync: true }));

  console.log('\n== summary (median tps) ==');
  console.log(`${'workload'.padEnd(12)} ${'nodedb'.padStart(10)} ${'PostgreSQL'.padStart(11)} ${'ratio'.padStart(7)} ${'failed(nodedb)'.padStart(15)}`);
  let barMissed = false;
  for (const wl of workloads) {
    const n = results.nodedb?.workloads[wl.name];
    const p = results.pg?.workloads[wl.name];
    const ratio = n?.medianTps != null && p?.medianTps ? n.medianTps / p.medianTps : null;
    console.log(`${wl.name.padEnd(12)} ${(n?.medianTps?.toFixed(1) ?? '-').padStart(10)} ${(p?.medianTps?.toFixed(1) ?? '-').padStart(11)} ` +
      `${(ratio === null ? '-' : `${(ratio * 100).toFixed(1)}%`).padStart(7)} ${String(n?.failed ?? '-').padStart(15)}`);
    if (n && n.failed > 0) barMissed = true;
    if (wl.name === 'select-only' && ratio !== null && ratio < selectOnlyRatioMin) barMissed = true;
  }
  if (results.nodedb) {
    const kb = results.nodedb.peakRssKb;
    console.log(`nodedb peak RSS (VmHWM): ${kb === null ? 'unknown' : `${(kb / 1024).toFixed(1)} MiB`}`);
  }
  const errors = Object.values(results).flatMap((r) => r.errors.map((e) => `${r.label}: ${e}`));
  for (const e of errors) console.log(`error: ${e}`);
  console.log(barMissed || errors.length
    ? `bar NOT met (select-only >= ${selectOnlyRatioMin * 100}% of PostgreSQL, TPC-B 0 failed${errors.length ? ', pgbench errors' : ''})`
    : (results.nodedb && results.pg ? `bar met (select-only >= ${selectOnlyRatioMin * 100}% of PostgreSQL, TPC-B 0 failed)` : 'bar not evaluated (one target only)'));
  if (values.json) writeFileSync(values.json, `${JSON.stringify({ runs, durationS, clients, results }, null, 2)}\n`);
  process.exitCode = barMissed || errors.length ? 1 : 0;
}

main().catch((e) => {
  console.error(e?.stack ?? e);
  process.exitCode = 2;
});

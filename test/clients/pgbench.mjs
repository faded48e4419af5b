// Shared pgbench helpers (client test and benchmark): run it, parse its summary.
import { run } from './proc.mjs';
import { pgEnv } from '../harness/index.mjs';

/** Parses pgbench's final report (PostgreSQL 15 format). */
export function parsePgbench(stdout) {
  const num = (re) => {
    const m = stdout.match(re);
    return m ? Number(m[1]) : null;
  };
  const processed = stdout.match(/number of transactions actually processed: (\d+)(?:\/(\d+))?/);
  return {
    processed: processed ? Number(processed[1]) : null,
    planned: processed && processed[2] !== undefined ? Number(processed[2]) : null,
    failed: num(/number of failed transactions: (\d+)/),
    tps: num(/tps = ([\d.]+) \(without initial connection time\)/),
    latencyMsAvg: num(/latency average = ([\d.]+) ms/),
  };
}

export async function pgbench(conn, args, { timeoutMs = 600_000 } = {}) {
  const r = await run('pgbench', args, { env: pgEnv(conn, { PGAPPNAME: 'pgbench' }), timeoutMs });
  return { ...r, summary: parsePgbench(r.stdout) };
}

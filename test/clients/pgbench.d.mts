import type { RunResult } from './proc.mjs';
export interface PgbenchSummary { processed: number | null; planned: number | null; failed: number | null; tps: number | null; latencyMsAvg: number | null }
export function parsePgbench(stdout: string): PgbenchSummary;
export function pgbench(
  conn: { host: string; port: number; user: string; database: string },
  args: string[],
  opts?: { timeoutMs?: number },
): Promise<RunResult & { summary: PgbenchSummary }>;

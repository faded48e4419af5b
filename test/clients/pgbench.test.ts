// pgbench as a client: -i -s 1, the default TPC-B-like script (simple protocol), -M prepared,
// and select-only -S, in short runs. Asserts zero failed transactions and that the bank's
// books still balance afterwards (every committed transaction applied whole).
import { describe, it, expect, afterAll } from 'vitest';
import { sharedTarget } from '../harness/shared-target.js';
import pg from 'pg';
import { pgbench } from './pgbench.mjs';

const tgt = sharedTarget();
const pgbenchTables = ['pgbench_accounts', 'pgbench_branches', 'pgbench_tellers', 'pgbench_history'];

async function query<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
  const c = new pg.Client({ host: tgt.host, port: tgt.port, user: tgt.user, database: tgt.database });
  await c.connect();
  try {
    return (await c.query<T>(text)).rows;
  } finally {
    await c.end();
  }
}

interface Books { accounts: number; branches: number; tellers: number; history: number; a: string; b: string; t: string; h: string }
function books(): Promise<Books[]> {
  return query<Books>(`SELECT
    (SELECT count(*)::int FROM pgbench_accounts) AS accounts,
    (SELECT count(*)::int FROM pgbench_branches) AS branches,
    (SELECT count(*)::int FROM pgbench_tellers) AS tellers,
    (SELECT count(*)::int FROM pgbench_history) AS history,
    (SELECT sum(abalance)::text FROM pgbench_accounts) AS a,
    (SELECT sum(bbalance)::text FROM pgbench_branches) AS b,
    (SELECT sum(tbalance)::text FROM pgbench_tellers) AS t,
    (SELECT coalesce(sum(delta), 0)::text FROM pgbench_history) AS h`);
}

describe(`pgbench against ${tgt.kind}`, () => {
  afterAll(async () => {
    await query(`DROP TABLE IF EXISTS ${pgbenchTables.join(', ')}`);
  });

  it('pgbench -i -s 1 creates and fills the tables', async () => {
    const r = await pgbench(tgt, ['-i', '-s', '1', '-q']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('done in');
    expect(await books()).toEqual([{ accounts: 100000, branches: 1, tellers: 10, history: 0, a: '0', b: '0', t: '0', h: '0' }]);
  });

  // The first run is exactly pgbench's default: it vacuums branches/tellers and truncates
  // pgbench_history before starting; the later ones pass -n (no vacuum) and keep the history.
  const runs: [string, string[], number][] = [
    ['default TPC-B-like, simple protocol (with its vacuum + truncate)', ['-c', '2', '-j', '2', '-t', '50'], 100],
    ['TPC-B-like, -M prepared', ['-n', '-M', 'prepared', '-c', '2', '-j', '2', '-t', '50'], 100],
    ['TPC-B-like, -M extended', ['-n', '-M', 'extended', '-c', '1', '-t', '30'], 30],
  ];
  let expectedHistory = 0;
  for (const [label, args, txns] of runs) {
    it(`${label}: every transaction succeeds and the books balance`, async () => {
      const r = await pgbench(tgt, args);
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
      expect(r.summary.failed).toBe(0);
      expect(r.summary.processed).toBe(txns);
      expect(r.summary.planned).toBe(txns);
      expectedHistory += txns;
      const [b] = await books();
      expect(b!.history).toBe(expectedHistory);
      expect(b!.a).toBe(b!.h);
      expect(b!.b).toBe(b!.h);
      expect(b!.t).toBe(b!.h);
    });
  }

  it('select-only -S -M prepared for a short -T run', async () => {
    const r = await pgbench(tgt, ['-n', '-S', '-M', 'prepared', '-c', '2', '-j', '2', '-T', '3']);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.summary.failed).toBe(0);
    expect(r.summary.processed).toBeGreaterThan(0);
    expect(r.summary.tps).toBeGreaterThan(0);
    const [b] = await books();
    expect(b!.history).toBe(expectedHistory);
  });
});

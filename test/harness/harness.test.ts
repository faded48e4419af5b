// Self-tests of the harness pieces other suites rely on: the scratch PostgreSQL handle
// (start, SIGKILL, restart on the same data, stop), free ports, waitFor deadlines, and the
// pgbench report parser.
import { describe, it, expect } from 'vitest';
import { existsSync } from 'node:fs';
import pg from 'pg';
import { startPostgres, freePort, waitFor } from './index.mjs';
import { parsePgbench } from '../clients/pgbench.mjs';

describe('harness', () => {
  it('freePort gives distinct usable ports', async () => {
    const a = await freePort();
    const b = await freePort();
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
  });

  it('waitFor returns the first truthy value and fails after its deadline', async () => {
    let n = 0;
    await expect(waitFor('n to reach 3', () => (++n >= 3 ? n : 0), { timeoutMs: 2000, intervalMs: 1 })).resolves.toBe(3);
    await expect(waitFor('never', () => false, { timeoutMs: 50, intervalMs: 10 })).rejects.toThrow(/timed out after 50 ms waiting for never/);
    const fatal = Object.assign(new Error('process exited'), { fatal: true });
    await expect(waitFor('fatal', () => { throw fatal; }, { timeoutMs: 10_000 })).rejects.toBe(fatal);
  });

  it('startPostgres: data survives SIGKILL + restart, stop removes everything', async () => {
    const h = await startPostgres({ fsync: true });
    const conn = () => new pg.Client({ host: h.host, port: h.port, user: h.user, database: h.database });
    try {
      expect(h.kind).toBe('pg');
      const c = conn();
      await c.connect();
      await c.query('CREATE TABLE harness_t (id int PRIMARY KEY)');
      await c.query('INSERT INTO harness_t VALUES (1), (2)');
      c.on('error', () => {});
      const pidBefore = h.pid;
      await h.kill('SIGKILL');
      await c.end().catch(() => {});
      await h.restart();
      expect(h.pid).not.toBe(pidBefore);
      const c2 = conn();
      await c2.connect();
      expect((await c2.query('SELECT count(*)::int AS n FROM harness_t')).rows).toEqual([{ n: 2 }]);
      await c2.end();
    } finally {
      await h.stop();
    }
    expect(existsSync(h.dataDir)).toBe(false);
  });

  it('parsePgbench reads the PostgreSQL 15 report', () => {
    const out = [
      'transaction type: <builtin: TPC-B (sort of)>',
      'scaling factor: 1',
      'number of transactions actually processed: 100/100',
      'number of failed transactions: 0 (0.000%)',
      'latency average = 7.778 ms',
      'initial connection time = 3.215 ms',
      'tps = 514.293651 (without initial connection time)',
    ].join('\n');
    expect(parsePgbench(out)).toEqual({ processed: 100, planned: 100, failed: 0, tps: 514.293651, latencyMsAvg: 7.778 });
    expect(parsePgbench('number of transactions actually processed: 42\nnumber of failed transactions: 3 (6.667%)'))
      .toMatchObject({ processed: 42, planned: null, failed: 3, tps: null });
  });
});

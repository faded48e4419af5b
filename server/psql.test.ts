/** The real psql client against the server (test-double engine): trust and SCRAM logins, simple queries. */
import { afterEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { PgServer } from './pg-server.js';
import { ServerMetrics } from './metrics.js';
import { silentLogger } from './log.js';
import { makeScramSecret } from './pgwire/scram.js';
import type { AuthConfig } from './connection.js';
import { FakeEngine } from './testing/fake-engine.js';

const psqlPath = ['/usr/bin/psql', '/usr/local/bin/psql'].find((p) => existsSync(p));
const psqlWaitMsMax = 20_000;

const servers: PgServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.shutdown({ statementWaitMs: 100, cancelWaitMs: 100, closeWaitMs: 1000 });
});

async function start(auth: AuthConfig): Promise<number> {
  const server = new PgServer({ engine: new FakeEngine(), auth, metrics: new ServerMetrics({ collectProcessMetrics: false }), log: silentLogger(), connectionsMax: 5 });
  servers.push(server);
  return (await server.listen('127.0.0.1', 0)).port;
}

function psql(port: number, args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      psqlPath!,
      ['-X', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', ...args],
      { env: { PATH: process.env['PATH'] ?? '', PGCONNECT_TIMEOUT: '10', PGSSLMODE: 'prefer', ...env }, timeout: psqlWaitMsMax },
      (err, stdout, stderr) => resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr }),
    );
  });
}

describe.skipIf(psqlPath === undefined)('psql against the pgwire server', () => {
  it('connects with trust (after SSLRequest is refused) and runs queries', async () => {
    const port = await start({ kind: 'trust' });
    const r = await psql(port, ['-A', '-t', '-c', 'select 3']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('1\n2\n3\n');
    const e = await psql(port, ['-c', 'error 42P01 relation "t" does not exist']);
    expect(e.code).toBe(1);
    expect(e.stderr).toMatch(/ERROR: {2}relation "t" does not exist/);
  });

  it('logs in with SCRAM-SHA-256 and refuses a wrong password', async () => {
    const port = await start({ kind: 'scram', bootstrapUser: 'postgres', bootstrapSecret: makeScramSecret('pw!') });
    const ok = await psql(port, ['-A', '-t', '-c', 'select 1'], { PGPASSWORD: 'pw!' });
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toBe('1\n');
    const bad = await psql(port, ['-c', 'select 1'], { PGPASSWORD: 'nope' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/password authentication failed for user "postgres"/);
  });
});

/**
 * The built CLI (dist/server/cli.js, from `npm run build`) as a process: help, usage errors
 * and exit codes. Skipped, saying so, when the build is missing.
 */
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cliPath = fileURLToPath(new URL('../dist/server/cli.js', import.meta.url));
const cliWaitMsMax = 20_000;
const built = existsSync(cliPath);
if (!built) console.log(`server/cli.test.ts skipped: ${cliPath} does not exist (run npm run build)`);

function run(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    encoding: 'utf8',
    timeout: cliWaitMsMax,
    env: { PATH: process.env['PATH'] ?? '', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!built)('nodedb CLI process', () => {
  it('prints help on --help and exits 0', () => {
    const r = run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: nodedb start/);
    expect(r.stdout).toMatch(/--join/);
  });

  it('exits 2 with a clear message on bad usage', () => {
    for (const [args, pattern] of [
      [['start', '--bogus'], /Unknown option '--bogus'/],
      [['start', '--sql-addr', 'nope'], /--sql-addr: expected HOST:PORT/],
      [['start', '--join', '127.0.0.1:7433'], /clustering is not available yet/],
      [['start', '--auth', 'scram'], /needs a bootstrap password/],
      [[], /missing command/],
    ] as const) {
      const r = run([...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(pattern);
      expect(r.stdout).toBe('');
    }
    const badLevel = run(['start'], { NODEDB_LOG_LEVEL: 'loud' });
    expect(badLevel.code).toBe(2);
    expect(badLevel.stderr).toMatch(/NODEDB_LOG_LEVEL/);
  });

  it('starts on OS-chosen ports, prints how to connect, and exits 0 on SIGTERM after draining', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'nodedb-cli-'));
    const child = spawn(process.execPath, [cliPath, 'start', '--data-dir', dataDir, '--sql-addr', '127.0.0.1:0', '--http-addr', '127.0.0.1:0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env['PATH'] ?? '', NODEDB_LOG_LEVEL: 'info' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + cliWaitMsMax;
      while (!/metrics\n/.test(stdout) && Date.now() < deadline && child.exitCode === null) {
        await new Promise((r) => setTimeout(r, 20));
      }
      const sql = /psql -h 127\.0\.0\.1 -p (\d+) -U postgres/.exec(stdout);
      const http = /http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(stdout);
      expect(sql, `stdout: ${stdout}\nstderr: ${stderr}`).not.toBeNull();
      expect(http).not.toBeNull();
      const ready = await fetch(`http://127.0.0.1:${http![1]}/health/ready`);
      expect(ready.status).toBe(200);
      const c = new pg.Client({ host: '127.0.0.1', port: Number(sql![1]), user: 'postgres' });
      c.on('error', () => {});
      await c.connect();
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stderr).toMatch(/"msg":"shutdown complete","ok":true/);
      await c.end().catch(() => {});
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

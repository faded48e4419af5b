/**
 * The built CLI (dist/server/cli.js, from `npm run build`) as a process: help, usage errors
 * and exit codes. Skipped, saying so, when the build is missing.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
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
});

#!/usr/bin/env node
// What `npm test` runs after the build: every suite, one count.
//   1. vitest: unit tests next to the code + client, regress-as-test, durability and fuzz tests
//      (counted from vitest's JSON reporter)
//   2. the SQL regression runner (what `npm run regress` runs after its build), one test per file
//   3. the Raft simulation `node dist/cluster/raft/sim/cli.js --seeds 1000`, when it has been built
// Ends with exactly one line `N passed, M failed`; exit code non-zero iff M > 0 or a suite
// crashed (a crashed suite counts as one failure). Target: NODEDB_TEST_TARGET=pg|nodedb.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'nodedb-run-all-'));
const suiteTimeoutMs = { vitest: 25 * 60_000, regress: 10 * 60_000, sim: 15 * 60_000 };
const tally = [];

function runInherit(cmd, args, timeoutMs) {
  return new Promise((res) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
    let out = '';
    child.stdout.on('data', (c) => { process.stdout.write(c); out += c.toString('utf8'); if (out.length > 1 << 20) out = out.slice(-(1 << 19)); });
    const t = setTimeout(() => { console.log(`\n${cmd} ${args.join(' ')}: timed out after ${timeoutMs} ms, killing it`); child.kill('SIGKILL'); }, timeoutMs);
    child.on('error', (e) => { clearTimeout(t); res({ code: -1, signal: null, out: `${out}\n${e.message}` }); });
    child.on('close', (code, signal) => { clearTimeout(t); res({ code, signal, out }); });
  });
}

function record(suite, passed, failed, crashed, note = '') {
  tally.push({ suite, passed, failed: failed + (crashed ? 1 : 0), crashed, note });
}

async function vitestSuite() {
  const jsonPath = join(work, 'vitest.json');
  console.log('\n#### vitest (unit, clients, regress, durability, fuzz)');
  const r = await runInherit(process.execPath, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run',
    '--reporter=default', '--reporter=json', `--outputFile.json=${jsonPath}`], suiteTimeoutMs.vitest);
  if (!existsSync(jsonPath)) return record('vitest', 0, 0, true, `no JSON report (exit ${r.code}${r.signal ? `, ${r.signal}` : ''})`);
  const j = JSON.parse(readFileSync(jsonPath, 'utf8'));
  // files that failed to load or whose hooks failed have no failed test of their own: count them
  const brokenFiles = (j.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).every((a) => a.status !== 'failed')).length;
  const crashed = r.code !== 0 && j.numFailedTests === 0 && brokenFiles === 0;
  record('vitest', j.numPassedTests, j.numFailedTests + brokenFiles, crashed,
    `${j.numPendingTests + (j.numTodoTests ?? 0)} skipped${brokenFiles ? `, ${brokenFiles} file(s) failed outside tests` : ''}`);
}

async function regressSuite() {
  const jsonPath = join(work, 'regress.json');
  console.log('\n#### regression suite (test/regress)');
  const r = await runInherit(process.execPath, [join(root, 'test', 'regress', 'run.mjs'), '--json', jsonPath], suiteTimeoutMs.regress);
  if (!existsSync(jsonPath)) return record('regress', 0, 0, true, `no result (exit ${r.code})`);
  const j = JSON.parse(readFileSync(jsonPath, 'utf8'));
  record('regress', j.passed, j.failed, r.code !== 0 && j.failed === 0);
}

async function simSuite() {
  const cli = join(root, 'dist', 'cluster', 'raft', 'sim', 'cli.js');
  if (!existsSync(cli)) {
    console.log('\n#### raft simulation: dist/cluster/raft/sim/cli.js not built, skipped');
    return;
  }
  console.log('\n#### raft simulation (--seeds 1000)');
  const r = await runInherit(process.execPath, [cli, '--seeds', '1000'], suiteTimeoutMs.sim);
  // count scenarios when the simulator reports `N scenarios, V violations` (or `N passed, M failed`);
  // otherwise the whole run is one test
  const sc = [...r.out.matchAll(/(\d+) scenarios, (\d+) violations?/g)].pop();
  const pf = [...r.out.matchAll(/(\d+) passed, (\d+) failed/g)].pop();
  if (sc) {
    const bad = Number(sc[2]);
    record('raft-sim', Number(sc[1]) - bad, bad, r.code !== 0 && bad === 0);
  } else if (pf) {
    record('raft-sim', Number(pf[1]), Number(pf[2]), r.code !== 0 && Number(pf[2]) === 0);
  } else {
    record('raft-sim', r.code === 0 ? 1 : 0, r.code === 0 ? 0 : 1, false, `exit ${r.code}`);
  }
}

async function main() {
  try {
    await vitestSuite();
    await regressSuite();
    await simSuite();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log('\n#### summary');
  for (const t of tally) {
    console.log(`${t.suite.padEnd(10)} ${t.passed} passed, ${t.failed} failed${t.crashed ? ' (suite crashed)' : ''}${t.note ? ` (${t.note})` : ''}`);
  }
  const passed = tally.reduce((a, t) => a + t.passed, 0);
  const failed = tally.reduce((a, t) => a + t.failed, 0);
  const crashed = tally.some((t) => t.crashed);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 || crashed ? 1 : 0;
}

main().catch((e) => {
  console.error(e?.stack ?? e);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
});

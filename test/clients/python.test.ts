// Python drivers (psycopg2, psycopg 3, asyncpg) and SQLAlchemy's ORM: each session script in python/ runs its named
// steps against the shared target and prints one JSON object; every step is compared with
// python/expected/<driver>.json, which was produced by PostgreSQL 15 and reviewed.
// Needs test/clients/.venv (bash test/clients/setup.sh; .ci/run does it).
import { describe, it, expect, beforeAll } from 'vitest';
import { sharedTarget } from '../harness/shared-target.js';
import { existsSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pgEnv } from '../harness/index.mjs';
import { run } from './proc.mjs';

const tgt = sharedTarget();
const here = dirname(fileURLToPath(import.meta.url));
const pythonBin = join(here, '.venv', 'bin', 'python');
const pyDir = join(here, 'python');
const scriptTimeoutMs = 100_000;
const setupHookMs = scriptTimeoutMs + 20_000;

type StepResult = { ok: unknown } | { error: string; sqlstate: string | null; message: string; trace: string };

/**
 * Steps nodedb does not answer like PostgreSQL 15 yet, each with the missing feature. They run
 * as expected failures (it.fails): when the feature lands the step passes, the test fails, and
 * the entry must be removed. Only against nodedb; against PostgreSQL every step must pass.
 */
const knownGaps: Readonly<Record<string, Readonly<Record<string, string>>>> = {};

for (const driver of ['psycopg2', 'psycopg3', 'asyncpg', 'sqlalchemy', 'sqlalchemy_inspect']) {
  describe(`${driver} against ${tgt.kind}`, () => {
    const expected = JSON.parse(readFileSync(join(pyDir, 'expected', `${driver}.json`), 'utf8')) as Record<string, StepResult>;
    let actual: Record<string, StepResult> = {};
    let runError = '';

    beforeAll(async () => {
      if (!existsSync(pythonBin)) {
        runError = `${pythonBin} is missing: run 'bash test/clients/setup.sh' first`;
        return;
      }
      const r = await run(pythonBin, [join(pyDir, `${driver}_session.py`)], {
        env: pgEnv(tgt, { PYTHONDONTWRITEBYTECODE: '1', PYTHONPATH: pyDir }),
        cwd: pyDir,
        timeoutMs: scriptTimeoutMs,
      });
      try {
        actual = JSON.parse(r.stdout) as Record<string, StepResult>;
      } catch {
        runError = `${driver}_session.py exited ${r.code}${r.timedOut ? ` (killed after ${scriptTimeoutMs} ms)` : ''} without JSON:\n${r.stdout}\n${r.stderr.slice(-4000)}`;
      }
    }, setupHookMs);

    for (const [step, want] of Object.entries(expected)) {
      const gap = tgt.kind === 'nodedb' ? knownGaps[driver]?.[step] : undefined;
      (gap === undefined ? it : it.fails)(gap === undefined ? step : `${step} (known gap: ${gap})`, () => {
        expect(runError).toBe('');
        const got = actual[step];
        if (got !== undefined && 'error' in got) {
          // show the driver's error (with SQLSTATE and a short trace) rather than a bare mismatch
          expect.fail(`${step}: ${got.error} [${got.sqlstate}] ${got.message}\n${got.trace}`);
        }
        expect(got).toEqual(want);
      });
    }
  });
}

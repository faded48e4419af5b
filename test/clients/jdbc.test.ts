// JDBC (pgjdbc 42.7.13 from the local Maven repository, Java 17): java/JdbcSession.java (with the shared java/Steps.java) is
// compiled with javac into a temp dir (no Maven), run against the shared target, and each of its
// steps is compared with java/expected.json (produced by PostgreSQL 15 and reviewed). JdbcMetadata.java
// does the same for DatabaseMetaData against java/metadata-expected.json.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { sharedTarget } from '../harness/shared-target.js';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pgEnv } from '../harness/index.mjs';
import { run } from './proc.mjs';

const tgt = sharedTarget();
const here = dirname(fileURLToPath(import.meta.url));
const javaDir = join(here, 'java');
const jar = process.env.NODEDB_PGJDBC_JAR
  ?? join(homedir(), '.m2', 'repository', 'org', 'postgresql', 'postgresql', '42.7.13', 'postgresql-42.7.13.jar');

const javacTimeoutMs = 60_000;
const javaTimeoutMs = 100_000;

type StepResult = { ok: unknown } | { error: string; sqlstate: string | null; message: string };

/**
 * Steps nodedb does not answer like PostgreSQL 15 yet, each with the missing feature. They run as
 * expected failures (it.fails) against nodedb only: when the feature lands the step passes, the
 * test fails, and the entry must be removed.
 */
const knownGaps: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  JdbcMetadata: {
  },
};

for (const [cls, expectedFile] of [['JdbcSession', 'expected.json'], ['JdbcMetadata', 'metadata-expected.json']] as const) {
  describe(`JDBC ${cls} against ${tgt.kind}`, () => {
    const expected = JSON.parse(readFileSync(join(javaDir, expectedFile), 'utf8')) as Record<string, StepResult>;
    let actual: Record<string, StepResult> = {};
    let runError = '';
    let classDir = '';

    beforeAll(async () => {
      if (!existsSync(jar)) {
        runError = `pgjdbc jar not found at ${jar}`;
        return;
      }
      classDir = mkdtempSync(join(tmpdir(), 'nodedb-jdbc-'));
      const javac = await run('javac', ['-d', classDir, '-cp', jar, '-sourcepath', javaDir, join(javaDir, `${cls}.java`)], { timeoutMs: javacTimeoutMs });
      if (javac.code !== 0) {
        runError = `javac failed:\n${javac.stdout}\n${javac.stderr}`;
        return;
      }
      const r = await run('java', ['-cp', `${classDir}:${jar}`, cls], { env: pgEnv(tgt), timeoutMs: javaTimeoutMs });
      try {
        actual = JSON.parse(r.stdout) as Record<string, StepResult>;
      } catch {
        runError = `${cls} exited ${r.code}${r.timedOut ? ` (killed after ${javaTimeoutMs} ms)` : ''} without JSON:\n${r.stdout}\n${r.stderr.slice(-4000)}`;
      }
    }, javacTimeoutMs + javaTimeoutMs + 20_000);
    afterAll(() => {
      if (classDir) rmSync(classDir, { recursive: true, force: true });
    });

    for (const [step, want] of Object.entries(expected)) {
      const gap = tgt.kind === 'nodedb' ? knownGaps[cls]?.[step] : undefined;
      (gap === undefined ? it : it.fails)(gap === undefined ? step : `${step} (known gap: ${gap})`, () => {
        expect(runError).toBe('');
        const got = actual[step];
        if (got !== undefined && 'error' in got) {
          expect.fail(`${step}: ${got.error} [${got.sqlstate}] ${got.message}`);
        }
        expect(got).toEqual(want);
      });
    }
  });
}

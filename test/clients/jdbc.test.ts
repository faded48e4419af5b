// JDBC (pgjdbc 42.7.13 from the local Maven repository, Java 17): java/JdbcSession.java is
// compiled with javac into a temp dir (no Maven), run against the shared target, and each of its
// steps is compared with java/expected.json (produced by PostgreSQL 15 and reviewed).
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

describe(`JDBC against ${tgt.kind}`, () => {
  const expected = JSON.parse(readFileSync(join(javaDir, 'expected.json'), 'utf8')) as Record<string, StepResult>;
  let actual: Record<string, StepResult> = {};
  let runError = '';
  let classDir = '';

  beforeAll(async () => {
    if (!existsSync(jar)) {
      runError = `pgjdbc jar not found at ${jar}`;
      return;
    }
    classDir = mkdtempSync(join(tmpdir(), 'nodedb-jdbc-'));
    const javac = await run('javac', ['-d', classDir, '-cp', jar, join(javaDir, 'JdbcSession.java')], { timeoutMs: javacTimeoutMs });
    if (javac.code !== 0) {
      runError = `javac failed:\n${javac.stdout}\n${javac.stderr}`;
      return;
    }
    const r = await run('java', ['-cp', `${classDir}:${jar}`, 'JdbcSession'], { env: pgEnv(tgt), timeoutMs: javaTimeoutMs });
    try {
      actual = JSON.parse(r.stdout) as Record<string, StepResult>;
    } catch {
      runError = `JdbcSession exited ${r.code}${r.timedOut ? ` (killed after ${javaTimeoutMs} ms)` : ''} without JSON:\n${r.stdout}\n${r.stderr.slice(-4000)}`;
    }
  }, javacTimeoutMs + javaTimeoutMs + 20_000);
  afterAll(() => {
    if (classDir) rmSync(classDir, { recursive: true, force: true });
  });

  for (const [step, want] of Object.entries(expected)) {
    it(step, () => {
      expect(runError).toBe('');
      const got = actual[step];
      if (got !== undefined && 'error' in got) {
        expect.fail(`${step}: ${got.error} [${got.sqlstate}] ${got.message}`);
      }
      expect(got).toEqual(want);
    });
  }
});

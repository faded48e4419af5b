// psql output of nodedb next to a scratch PostgreSQL 15's (pg_catalog's psql-describe tests).
// Call at the top level of a test file: a node and a PostgreSQL are started before the file's
// tests, both loaded with `schema`, and stopped (data dirs removed) after them.
import { afterAll, beforeAll, expect } from 'vitest';
import { run } from '../clients/proc.mjs';
import { pgEnv, startNode, startPostgres, type ServerHandle } from './index.mjs';

/** How long one psql run may take. */
const psqlTimeoutMs = 60_000;
/** How long starting both servers and loading the schema may take. */
const startTimeoutMs = 120_000;

export interface PsqlPair {
  /** The same psql run on nodedb and on PostgreSQL: [ours, theirs]. */
  both(args: string[]): Promise<[string, string]>;
  /** The nodedb server (set once the file's beforeAll ran). */
  readonly node: ServerHandle;
  /** The PostgreSQL 15 server (set once the file's beforeAll ran). */
  readonly pg: ServerHandle;
}

/** psql's stdout + stderr (LC_ALL=C, -X, ON_ERROR_STOP) on `h`; fails the test on a non-zero exit. */
async function psql(h: ServerHandle, args: string[]): Promise<string> {
  const r = await run('psql', ['-X', '-v', 'ON_ERROR_STOP=1', ...args], { env: pgEnv(h, { LC_ALL: 'C' }), timeoutMs: psqlTimeoutMs });
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stdout + r.stderr;
}

export function psqlAgainstPostgres(schema: string): PsqlPair {
  let node: ServerHandle | undefined;
  let pg: ServerHandle | undefined;
  const started = (h: ServerHandle | undefined): ServerHandle => {
    if (h === undefined) throw new Error('servers are not started (psqlAgainstPostgres at the top level of the file)');
    return h;
  };
  beforeAll(async () => {
    [node, pg] = await Promise.all([startNode(), startPostgres()]);
    await Promise.all([psql(node, ['-q', '-c', schema]), psql(pg, ['-q', '-c', schema])]);
  }, startTimeoutMs);
  afterAll(async () => {
    await node?.stop({ removeDataDir: true });
    await pg?.stop({ removeDataDir: true });
  });
  return {
    both: (args) => Promise.all([psql(started(node), args), psql(started(pg), args)]),
    get node() {
      return started(node);
    },
    get pg() {
      return started(pg);
    },
  };
}

import { defineConfig } from 'vitest/config';

// Three projects:
//  - unit:    *.test.ts next to the code (server/ sql/ catalog/ pg_catalog/ cluster/ util/) and test/harness.
//  - clients: real-client and regression tests; ONE shared target (nodedb or scratch PostgreSQL 15,
//             NODEDB_TEST_TARGET=pg|nodedb) started once by test/harness/global-setup.mjs.
//  - system:  durability (SIGKILL) and fuzz; each file starts and kills its own node.
// The machine has 2 cores shared by several people: at most 2 forked workers.
const exclude = ['**/node_modules/**', '**/dist/**', '**/.venv/**'];

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    exclude,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            '{server,sql,catalog,pg_catalog,cluster,util}/**/*.test.ts',
            'test/harness/**/*.test.ts',
          ],
          exclude,
        },
      },
      {
        extends: true,
        test: {
          name: 'clients',
          include: ['test/clients/**/*.test.ts', 'test/regress/**/*.test.ts'],
          exclude,
          globalSetup: ['test/harness/global-setup.mjs'],
          testTimeout: 180_000,
          // one file at a time against the shared server: results must not depend on which other
          // session happens to run DDL at the same moment (concurrency.test.ts tests that on purpose)
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'system',
          include: ['test/durability/**/*.test.ts', 'test/fuzz/**/*.test.ts'],
          exclude,
          testTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});

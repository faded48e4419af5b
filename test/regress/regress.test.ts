// The SQL regression files as vitest tests, one test per file, against the shared target of the
// 'clients' project (see test/harness/global-setup.mjs). `npm run regress` runs the same files
// from the command line with its own fresh target.
import { describe, it, expect } from 'vitest';
import { sharedTarget } from '../harness/shared-target.js';
import { join } from 'node:path';
import { listTests, runOne, diffFiles, expectedDir, resultsDir, handWritten } from './lib.mjs';

const tgt = sharedTarget();
const outDir = join(resultsDir, 'vitest');

describe(`regress against ${tgt.kind}`, () => {
  for (const name of listTests()) {
    const skip = tgt.kind === 'pg' && handWritten.has(name);
    it.skipIf(skip)(name, async () => {
      const { outPath, psqlExit } = await runOne(name, tgt, { outDir });
      expect(psqlExit, `psql lost the connection running ${name}.sql`).not.toBe(2);
      const diff = diffFiles(join(expectedDir, `${name}.out`), outPath);
      expect(diff, `output of ${name}.sql differs from expected/${name}.out`).toBe('');
    });
  }
});

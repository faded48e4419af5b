import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runDataDriven } from './testing/datadriven.js';
import { InteractionEnv } from './testing/interaction-env.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'testdata');

describe('raft interaction scripts (REWRITE=1 rewrites the golden traces)', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.txt')).sort()) {
    it(file, () => {
      const env = new InteractionEnv();
      const { failures } = runDataDriven(join(dir, file), (d) => env.run(d));
      expect(failures.join('\n\n')).toBe('');
    });
  }
});

/**
 * npm run sim -- --seeds N [--from S]   run seeds S..S+N-1 (default S=1)
 * npm run sim -- --seed S [--verbose]   replay one seed (with a full trace)
 * Prints exactly one summary line `N scenarios, V violations`; exits 1 on a violation.
 */
import { parseArgs } from 'node:util';
import { runScenario } from './simulation.js';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string' },
    seed: { type: 'string' },
    from: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});

function seedList(): number[] {
  if (values.seed !== undefined) return [Number(values.seed)];
  const n = Number(values.seeds ?? '1000');
  const from = Number(values.from ?? '1');
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(from)) throw new Error('--seeds and --from take integers');
  return Array.from({ length: n }, (_, i) => from + i);
}

const seeds = seedList();
const trace = values.verbose ? (line: string) => console.log(line) : undefined;
const startedMs = performance.now();
let violations = 0;
let commits = 0;
const progressEvery = 10_000;
for (const [k, seed] of seeds.entries()) {
  if (k > 0 && k % progressEvery === 0) console.error(`.. ${k} scenarios, ${violations} violations, ${((performance.now() - startedMs) / 1000).toFixed(0)}s`);
  const r = runScenario(seed, trace);
  commits += r.commits;
  if (r.violation !== undefined) {
    violations++;
    console.log(`seed ${seed}: ${r.violation} (at tick ${r.ticks})`);
    console.log(`  replay: npm run sim -- --seed ${seed} --verbose`);
  }
}
const seconds = ((performance.now() - startedMs) / 1000).toFixed(1);
console.error(`(${seconds}s, ${commits} entries applied)`);
console.log(`${seeds.length} scenarios, ${violations} violations`);
process.exitCode = violations > 0 ? 1 : 0;

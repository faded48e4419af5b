import { describe, expect, it } from 'vitest';
import { runScenario } from './simulation.js';

const seedsCount = 200;

describe('raft deterministic simulation', () => {
  it(`${seedsCount} seeded scenarios keep every safety property and recover after heals`, () => {
    const failures: string[] = [];
    for (let seed = 1; seed <= seedsCount; seed++) {
      const r = runScenario(seed);
      if (r.violation !== undefined) failures.push(`seed ${seed}: ${r.violation} — replay: npm run sim -- --seed ${seed} --verbose`);
    }
    expect(failures).toEqual([]);
  });

  it('replays a seed exactly', () => {
    const a = runScenario(4242);
    const b = runScenario(4242);
    expect(b).toEqual(a);
    expect(a.commits).toBeGreaterThan(0);
  });
});

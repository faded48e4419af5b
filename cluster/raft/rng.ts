/** A small seeded PRNG (mulberry32) for simulations and tests: same seed, same run. */
import { assert } from '../../util/assert.js';
import { mulberry32 } from '../../util/seeded-random.js';
import type { Rng } from './config.js';

export class SeededRng implements Rng {
  private readonly random: () => number;
  constructor(readonly seed: number) {
    assert(Number.isInteger(seed), 'seed must be an integer');
    this.random = mulberry32(seed);
  }
  next(): number {
    return this.random();
  }
  intBelow(n: number): number {
    assert(n > 0, 'intBelow needs a positive bound');
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    assert(xs.length > 0, 'pick from empty list');
    return xs[this.intBelow(xs.length)]!;
  }
}

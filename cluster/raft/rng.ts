/** A small seeded PRNG (mulberry32) for simulations and tests: same seed, same run. */
import { assert } from '../../util/assert.js';
import type { Rng } from './config.js';

export class SeededRng implements Rng {
  private state: number;
  constructor(readonly seed: number) {
    assert(Number.isInteger(seed), 'seed must be an integer');
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
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

// The target started once by global-setup.mjs for the 'clients' project. Call at the top level of
// a test file: when the target failed to start, every test of the file fails with the reason.
import { beforeAll, inject } from 'vitest';

export type SharedTarget = ReturnType<typeof inject<'target'>>;

export function sharedTarget(): SharedTarget {
  const t = inject('target');
  beforeAll(() => {
    if (t.startError) throw new Error(t.startError);
  });
  return t;
}

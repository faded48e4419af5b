/** Invariant checks. They stay on in production: a failed assertion is a bug, not a user error. */
export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function assert(condition: unknown, message = 'assertion failed'): asserts condition {
  if (!condition) throw new AssertionError(message);
}

/** Ends every switch over a discriminated union: adding a member breaks compilation until handled. */
export function assertNever(x: never, what = 'value'): never {
  throw new AssertionError(`unexpected ${what}: ${JSON.stringify(x)}`);
}

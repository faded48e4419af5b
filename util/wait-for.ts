/**
 * Polls `cond` on every turn of the event loop until it holds; throws when `deadlineMs` passes.
 * For tests that wait for a condition instead of sleeping.
 */
export async function waitFor(cond: () => boolean, deadlineMs = 5000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not reached before the deadline');
    await new Promise((r) => setImmediate(r));
  }
}

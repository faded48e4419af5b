/**
 * Executions that read at the snapshot of the moment they start, however late their rows are
 * fetched: a cursor (DECLARE ... FETCH) and an extended-protocol portal suspended by Execute's
 * row limit, as in PostgreSQL, where a portal keeps the snapshot it was started with. Reads go
 * through Txn.readView() (the read timestamp and the transaction's own writes as of now);
 * row locks (FOR UPDATE cursors) are the transaction's. The view is released when the
 * execution is exhausted or closed, and at the latest when the transaction ends.
 */
import type { ExecContext, Execution } from './plan/api.js';

export function executePinned(ctx: ExecContext, start: (ctx: ExecContext) => Execution): Execution {
  const view = ctx.txn.readView();
  let inner: Execution;
  try {
    inner = start({ ...ctx, txn: view });
  } catch (err) {
    view.release();
    throw err;
  }
  return {
    async fetch(maxRows: number) {
      const rows = await inner.fetch(maxRows);
      if (inner.done) view.release();
      return rows;
    },
    get done() {
      return inner.done;
    },
    get rowCount() {
      return inner.rowCount;
    },
    async close() {
      try {
        await inner.close();
      } finally {
        view.release();
      }
    },
  };
}

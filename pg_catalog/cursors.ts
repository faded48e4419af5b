/**
 * pg_cursors: the cursors the session has DECLAREd (sql/cursor.ts), with PostgreSQL's columns.
 * Protocol-level portals are not listed (they are not cursors a query can name).
 */
import { SqlError, SqlState } from '../util/errors.js';
import type { GenContext, VirtualRow } from './common.js';

/** One cursor as pg_cursors shows it. creationMicros: µs since 2000-01-01 UTC. */
export interface CursorInfo {
  readonly name: string;
  /** The query string the DECLARE came in (the whole client message, as PostgreSQL shows it). */
  readonly statement: string;
  readonly isHoldable: boolean;
  readonly isBinary: boolean;
  readonly isScrollable: boolean;
  readonly creationMicros: bigint;
}

export function pgCursors(ctx: GenContext): VirtualRow[] {
  const cursors = ctx.session.cursors;
  if (cursors === undefined) throw new SqlError(SqlState.featureNotSupported, 'pg_cursors is not available in this context');
  return cursors().map((c) => ({
    name: c.name,
    statement: c.statement,
    is_holdable: c.isHoldable,
    is_binary: c.isBinary,
    is_scrollable: c.isScrollable,
    creation_time: c.creationMicros,
  }));
}

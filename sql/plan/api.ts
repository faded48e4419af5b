/**
 * The SQL engine's public API for the session layer: bind + plan once (prepareQuery, cached
 * by the session per (statement, schema version)), then execute many times with parameters
 * (executeQuery returns a pull cursor). EXPLAIN is a separate consumer of the same plan.
 * COPY FROM and ANALYZE reuse the same table-access path (sql/exec/table.ts).
 *
 * Phases run one way: AST → bind (sql/bind) → plan (sql/plan) → execute (sql/exec).
 */
import type { DeleteStmt, InsertStmt, RangeVar, SelectStmt, UpdateStmt } from '../ast.js';
import type { Kv, Txn } from '../../cluster/kv/api.js';
import type { Datum, EvalContext, SqlType } from '../types/index.js';
import type { CatalogState } from '../../catalog/state.js';
import type { BackendActivity, BackendSignal } from '../../pg_catalog/index.js';
import type { CursorInfo } from '../../pg_catalog/cursors.js';
import type { Plan } from './plan.js';
import { prepare } from './prepare.js';
import { explainLines } from './explain.js';
import { QueryExecution } from '../exec/execute.js';
import type { NodeStats } from '../exec/expr.js';
import { prepareCopy, readTableRows } from '../exec/bulk.js';
import { analyzeWithStatistics, type TableStatistics } from '../exec/stats.js';

export type { CatalogState } from '../../catalog/state.js';

export interface BindContext {
  /** Catalog as seen by the session's transaction (overlay of buffered DDL). */
  readonly catalog: CatalogState;
  /** e.g. ['pg_catalog', 'public'] (pg_catalog implicitly first as in PostgreSQL). */
  readonly searchPath: readonly string[];
  /** Declared by Parse/PREPARE; oid 0 = to be inferred. May be shorter than the highest $n used. */
  readonly paramTypes: readonly SqlType[];
  /** ANALYZE statistics per table oid (the engine's cache, sql/exec/stats.ts); absent = none. */
  readonly tableStats?: (tableOid: number) => TableStatistics | undefined;
}

export interface ResultColumn {
  readonly name: string;
  readonly type: SqlType;
  /** Source table OID (RowDescription), 0 for computed columns. */
  readonly tableOid: number;
  /** Source attnum, 0 for computed columns. */
  readonly attnum: number;
}

/** Immutable and cacheable per (statement, schema version): executing it never re-binds. */
export interface PreparedQuery {
  readonly commandTag: 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';
  /** Inferred as PostgreSQL would (42P18 if it cannot be determined). */
  readonly paramTypes: readonly SqlType[];
  /** null => no rows (DML without RETURNING). */
  readonly columns: readonly ResultColumn[] | null;
  readonly schemaVersion: number;
  readonly readOnly: boolean;
  /** OIDs of tables read or written. executeQuery takes the SHARED table locks itself. */
  readonly tables: readonly number[];
  /** The physical plan (read by sql/exec and EXPLAIN only). */
  readonly plan: Plan;
}

/** Per-session state the engine keeps between statements. Create with newSessionState(). */
export interface SessionState {
  /** currval() memory: sequence OID → last value returned by nextval/setval in this session. */
  readonly sequenceValues: Map<number, bigint>;
  /** lastval(): the sequence most recently advanced in this session. */
  lastSequenceOid: number | undefined;
  /** lock_timeout in ms (0 = wait forever). */
  lockTimeoutMs: number;
  /** current_user / session_user. */
  user: string;
  /** current_database() / current_catalog. */
  database: string;
}

export function newSessionState(user: string, database: string): SessionState {
  return { sequenceValues: new Map(), lastSequenceOid: undefined, lockTimeoutMs: 0, user, database };
}

export interface ExecContext {
  readonly txn: Txn;
  readonly kv: Kv;
  readonly catalog: CatalogState;
  /** Timestamps, timezone, formats (sql/types). */
  readonly eval: EvalContext;
  /** Checked in every loop: aborted => throw signal.reason (a SqlError 57014). */
  readonly signal: AbortSignal;
  readonly session: SessionState;
  /** SHOW ALL rows (name, setting, description) for pg_catalog.pg_settings; absent => it is empty. */
  readonly showAllSettings?: () => readonly (readonly [string, string, string])[];
  /** The session's BackendKeyData process id (pg_backend_pid()); absent => pg_backend_pid() fails with 0A000. */
  readonly backendPid?: number;
  /** Every session of this node (pg_stat_activity); absent => pg_stat_activity fails with 0A000. */
  readonly activity?: () => readonly BackendActivity[];
  /** The session's DECLAREd cursors (pg_cursors); absent => pg_cursors fails with 0A000. */
  readonly cursors?: () => readonly CursorInfo[];
  /**
   * pg_cancel_backend / pg_terminate_backend: cancels the running statement of / terminates the
   * session with this pid on this node; false when there is none. Absent => they fail with 0A000.
   */
  readonly signalBackend?: (pid: number, signal: BackendSignal) => boolean;
  /** search_path for nextval('name') with a non-constant name (default: "$user", public). */
  readonly searchPath?: readonly string[];
  /** work_mem in bytes: each sort / hash table / hash aggregate spills past it (default 4MB). */
  readonly workMemBytes?: number;
  /** Directory for spill files (`<data-dir>/tmp`); absent => the OS temp directory. */
  readonly tempDir?: string;
}

/** A pull cursor (portals fetch N rows at a time). */
export interface Execution {
  /** Up to maxRows rows (0 = all remaining); [] when exhausted. */
  fetch(maxRows: number): Promise<readonly Datum[][]>;
  readonly done: boolean;
  /** For the command tag: rows returned / inserted / updated / deleted so far. */
  readonly rowCount: number;
  close(): Promise<void>;
}

export interface ExplainOptions {
  readonly analyze: boolean;
  readonly verbose: boolean;
  readonly costs: boolean;
}

/** What COPY FROM uses: the column types to parse, and an insert through the normal DML path. */
export interface CopyFromTarget {
  readonly columns: readonly ResultColumn[];
  /** Inserts rows (values aligned with `columns`; defaults for the others); returns rows inserted. */
  insert(rows: readonly Datum[][], ctx: ExecContext): Promise<number>;
  /** After the last insert: the statement's end-of-statement work (FOREIGN KEY checks of the inserted rows). */
  finish(ctx: ExecContext): Promise<void>;
}

/** Binds and plans a DML/query statement. Throws SqlError (42P01, 42703, 42702, 42803, 42P18, ...). */
export function prepareQuery(stmt: SelectStmt | InsertStmt | UpdateStmt | DeleteStmt, ctx: BindContext): PreparedQuery {
  return prepare(stmt, ctx);
}

/**
 * Starts executing; rows are produced as fetch() is called. Params are already typed per
 * q.paramTypes. Takes the SHARED lock on every table of q.tables (once per transaction).
 * The session calls txn.stepStatement() before each statement; this does not.
 */
export function executeQuery(q: PreparedQuery, params: readonly Datum[], ctx: ExecContext): Execution {
  return new QueryExecution(q, params, ctx);
}

/** EXPLAIN [ANALYZE] text lines (ANALYZE executes the query to completion, discarding rows). */
export async function explainQuery(
  q: PreparedQuery,
  opts: ExplainOptions,
  params: readonly Datum[],
  ctx: ExecContext,
): Promise<string[]> {
  const tableRows = await readTableRows(q.tables, ctx);
  if (!opts.analyze) return explainLines(q.plan, { verbose: opts.verbose, costs: opts.costs, tableRows, stats: undefined });
  const stats = new Map<object, NodeStats>();
  const started = performance.now();
  const exec = new QueryExecution(q, params, ctx, stats);
  try {
    while (!exec.done) await exec.fetch(explainAnalyzeFetchRowsMax);
  } finally {
    await exec.close();
  }
  const lines = explainLines(q.plan, { verbose: opts.verbose, costs: opts.costs, tableRows, stats });
  lines.push(`Execution Time: ${(performance.now() - started).toFixed(3)} ms`);
  return lines;
}

/** Rows pulled per fetch while EXPLAIN ANALYZE drains a query. */
const explainAnalyzeFetchRowsMax = 1024;

/** COPY t (cols) FROM STDIN: resolves the table and columns now; insert() goes through sql/exec/table.ts. */
export function prepareCopyFrom(table: RangeVar, columns: readonly string[], ctx: BindContext): CopyFromTarget {
  return prepareCopy(table, columns, ctx);
}

/** ANALYZE: row counts per table under table id 4 (read by EXPLAIN). */
export function analyzeTables(tables: readonly RangeVar[] | 'all', ctx: ExecContext): Promise<void> {
  return analyzeWithStatistics(tables, ctx);
}

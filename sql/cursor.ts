/**
 * SQL cursors (DECLARE / FETCH / MOVE / CLOSE) of one session, with PostgreSQL 15's semantics.
 *
 * A cursor pulls its rows lazily from the engine's pull cursor (Execution): FETCH 10 from a
 * million-row query reads ten rows. Backward movement needs the rows already read, so a
 * scrollable cursor keeps them (our executor only scans forward; PostgreSQL scans backward
 * instead). Scrollability is decided as PostgreSQL decides it: SCROLL keeps every row read (up to
 * scrollCursorRowsMax), NO SCROLL keeps none, and neither keeps them only when PostgreSQL's plan
 * would support backward scans (ExecSupportsBackwardScan) — and, to keep memory bounded, only
 * up to defaultScrollRowsMax rows; past that the cursor becomes NO SCROLL.
 *
 * Position model: `at` is where the next FETCH FORWARD starts after: 0 = before the first row,
 * k = on row k, total + 1 = after the last row. FETCH/MOVE follow PostgreSQL's PortalRunFetch
 * step by step (rewinds, the ABSOLUTE shortcut, FETCH 0 re-fetching the current row), built on
 * two primitives: runSelect(forward, count) and rewind().
 *
 * Transactions: cursors without HOLD end with their transaction; WITH HOLD cursors are read to
 * the end at COMMIT (while the transaction is still open) and then live until CLOSE or the end
 * of the session. ROLLBACK drops the cursors declared in the transaction; ROLLBACK TO SAVEPOINT
 * drops those declared after the savepoint.
 */
import type { CursorInfo } from '../pg_catalog/cursors.js';
import { assert, assertNever } from '../util/assert.js';
import { SqlError, SqlState } from '../util/errors.js';
import type * as A from './ast.js';
import type { Execution, PreparedQuery, ResultColumn } from './plan/api.js';
import type { Plan } from './plan/plan.js';
import type { ResultSink } from './session-api.js';
import type { Datum, EvalContext } from './types/index.js';
import { describeColumns, encodeRow } from './values.js';

/** Rows pulled from the engine per step of a forward fetch (and between socket drains). */
const pullBatchRowsMax = 256;
/** Rows a SCROLL cursor keeps for backward moves (PostgreSQL spills to disk; we refuse with 54000). */
export const scrollCursorRowsMax = 1_000_000;
/** Rows a cursor declared without [NO] SCROLL keeps before it stops being scrollable. */
export const defaultScrollRowsMax = 10_000;
/** Rows a WITH HOLD cursor may still have to read at COMMIT. */
export const holdCursorRowsMax = 1_000_000;
/** Bound on open cursors per session. */
export const cursorsPerSessionMax = 10_000;


type ScrollMode =
  /** Keeps every row read (SCROLL, bounded by scrollCursorRowsMax). */
  | { readonly kind: 'scroll' }
  /** Keeps rows read while they fit in defaultScrollRowsMax, then turns into 'forwardOnly'. */
  | { readonly kind: 'whilePossible' }
  | { readonly kind: 'forwardOnly' };

/** Rows of one cursor: the engine's pull cursor plus the rows kept for backward moves / WITH HOLD. */
class CursorRows {
  /** Rows numbered first .. first + kept.length - 1 (1-based). */
  private kept: Datum[][] = [];
  private first = 1;
  /** Rows pulled from the execution so far. */
  private pulled = 0;
  /** Known once the execution is exhausted. */
  total: number | undefined;

  constructor(private execution: Execution | undefined) {}

  /** Rows from..from+want-1 (fewer only at the end of the result). */
  async read(from: number, want: number): Promise<readonly Datum[][]> {
    assert(from >= this.first, 'cursor row no longer kept');
    assert(want > 0 && want <= pullBatchRowsMax, 'cursor read size out of range');
    const lastWanted = from + want - 1;
    while (this.pulled < lastWanted && this.total === undefined) {
      assert(this.execution !== undefined, 'cursor without a source');
      const rows = await this.execution.fetch(lastWanted - this.pulled);
      for (const r of rows) this.kept.push(r);
      this.pulled += rows.length;
      if (rows.length === 0 || this.execution.done) await this.finish();
    }
    return this.kept.slice(from - this.first, Math.min(lastWanted, this.pulled) - this.first + 1);
  }

  /** A kept row (backward moves only go over rows already read). */
  at(i: number): Datum[] {
    assert(i >= this.first && i <= this.pulled, 'cursor row not kept');
    return this.kept[i - this.first]!;
  }

  get keptCount(): number {
    return this.kept.length;
  }

  /** Drops kept rows numbered below `row`. */
  forgetBefore(row: number): void {
    if (row <= this.first) return;
    const n = Math.min(row - this.first, this.kept.length);
    this.kept.splice(0, n);
    this.first += n;
  }

  /** Reads the rest of the result into memory (WITH HOLD at COMMIT) and releases the execution. */
  async materialize(rowsMax: number): Promise<void> {
    while (this.total === undefined) {
      assert(this.execution !== undefined, 'cursor without a source');
      const rows = await this.execution.fetch(pullBatchRowsMax);
      for (const r of rows) this.kept.push(r);
      this.pulled += rows.length;
      if (this.kept.length > rowsMax) {
        throw new SqlError(SqlState.programLimitExceeded, `a WITH HOLD cursor can keep at most ${rowsMax} rows past COMMIT`);
      }
      if (rows.length === 0 || this.execution.done) await this.finish();
    }
  }

  private async finish(): Promise<void> {
    this.total = this.pulled;
    const e = this.execution;
    this.execution = undefined;
    if (e) await e.close();
  }

  get materialized(): boolean {
    return this.execution === undefined;
  }

  async close(): Promise<void> {
    const e = this.execution;
    this.execution = undefined;
    if (e && !e.done) await e.close();
  }
}

interface Cursor {
  readonly name: string;
  readonly statement: string;
  readonly columns: readonly ResultColumn[];
  readonly binary: boolean;
  readonly hold: boolean;
  readonly creationMicros: bigint;
  /** Declaration order, compared with savepoint marks. */
  readonly seq: number;
  /** Declared in the open transaction (not yet carried past a COMMIT). */
  inTxn: boolean;
  mode: ScrollMode;
  readonly rows: CursorRows;
  /** 0 = before the first row, k = on row k, total + 1 = after the last. */
  at: number;
  /** Aborted by a canceled FETCH (the engine's execution checks it). */
  readonly abort: AbortController;
}

/** What DECLARE hands over once the query is planned and started. */
export interface NewCursor {
  readonly stmt: A.DeclareCursorStmt;
  readonly statement: string;
  readonly query: PreparedQuery;
  readonly execution: Execution;
  readonly abort: AbortController;
  readonly creationMicros: bigint;
}

/** Where FETCH rows go. */
export interface FetchOutput {
  readonly sink: ResultSink;
  /** Simple protocol: FETCH sends its RowDescription; Execute of a bound FETCH does not. */
  readonly describe: boolean;
  /** Result formats of an extended-protocol portal; undefined = the cursor's own (BINARY or text). */
  readonly formats: readonly (0 | 1)[] | undefined;
  readonly format: EvalContext;
  readonly signal: AbortSignal;
}

type Emit = ((row: readonly Datum[]) => void) | null;

export class CursorSet {
  private readonly cursors = new Map<string, Cursor>();
  private nextSeq = 1;
  /** Savepoint → the first declaration number after it (ROLLBACK TO drops cursors from there). */
  private readonly savepointMarks = new WeakMap<object, number>();

  get size(): number {
    return this.cursors.size;
  }

  has(name: string): boolean {
    return this.cursors.has(name);
  }

  /** PostgreSQL's checks of DECLARE that precede planning-independent state (after binding). */
  static checkDeclare(s: A.DeclareCursorStmt, query: PreparedQuery): void {
    const locking = s.query.kind === 'Select' && s.query.locking.length > 0;
    if (locking && s.scroll) {
      throw new SqlError(SqlState.featureNotSupported, 'DECLARE SCROLL CURSOR ... FOR UPDATE is not supported', {
        detail: 'Scrollable cursors must be READ ONLY.',
      });
    }
    if (locking && s.hold) {
      throw new SqlError(SqlState.featureNotSupported, 'DECLARE CURSOR WITH HOLD ... FOR UPDATE is not supported', {
        detail: 'Holdable cursors must be READ ONLY.',
      });
    }
    if (!locking && !query.readOnly) {
      throw new SqlError(SqlState.featureNotSupported, 'DECLARE CURSOR must not contain data-modifying statements in WITH');
    }
    if (s.name === '') throw new SqlError(SqlState.invalidCursorName, 'invalid cursor name: must not be empty');
  }

  /** 42P03 when the name is taken (checked before the query starts). */
  checkName(name: string): void {
    if (this.cursors.has(name)) throw new SqlError(SqlState.duplicateCursor, `cursor "${name}" already exists`);
    if (this.cursors.size >= cursorsPerSessionMax) {
      throw new SqlError(SqlState.programLimitExceeded, `too many open cursors (at most ${cursorsPerSessionMax})`);
    }
  }

  declare(c: NewCursor): void {
    this.checkName(c.stmt.name);
    const mode: ScrollMode = c.stmt.scroll
      ? { kind: 'scroll' }
      : c.stmt.noScroll || !planScansBackward(c.query.plan)
        ? { kind: 'forwardOnly' }
        : { kind: 'whilePossible' };
    assert(c.query.columns !== null, 'cursor over a statement without rows');
    this.cursors.set(c.stmt.name, {
      name: c.stmt.name,
      statement: c.statement,
      columns: c.query.columns,
      binary: c.stmt.binary,
      hold: c.stmt.hold,
      creationMicros: c.creationMicros,
      seq: this.nextSeq++,
      inTxn: true,
      mode,
      rows: new CursorRows(c.execution),
      at: 0,
      abort: c.abort,
    });
  }

  /** Result columns of FETCH from this cursor (Describe of a bound FETCH), or null when there is none. */
  columns(name: string): readonly ResultColumn[] | null {
    return this.cursors.get(name)?.columns ?? null;
  }

  /** FETCH / MOVE: sends rows (FETCH) and the command tag. */
  async fetch(s: A.FetchStmt, out: FetchOutput): Promise<void> {
    const c = this.get(s.name);
    const formats = out.formats ?? c.columns.map(() => (c.binary ? 1 : 0));
    if (!s.move && out.describe) out.sink.rowDescription(describeColumns(c.columns, formats));
    const emit: Emit = s.move ? null : (row) => out.sink.dataRow(encodeRow(c.columns, row, formats, out.format));
    const n = await this.withSignal(c, out.signal, () => runFetch(c, s.direction, s.count, emit, out.sink));
    out.sink.commandComplete(`${s.move ? 'MOVE' : 'FETCH'} ${n}`);
  }

  /**
   * Execute of a declared cursor through the extended protocol (it is a portal): the next
   * maxRows rows (0 = all). 'suspended' when more may follow.
   */
  async executeAsPortal(name: string, maxRows: number, out: FetchOutput): Promise<'complete' | 'suspended'> {
    const c = this.get(name);
    const formats = out.formats ?? c.columns.map(() => (c.binary ? 1 : 0));
    const emit: Emit = (row) => out.sink.dataRow(encodeRow(c.columns, row, formats, out.format));
    const want = maxRows > 0 ? maxRows : Infinity;
    const n = await this.withSignal(c, out.signal, () => runSelect(c, true, want, emit, out.sink));
    if (maxRows > 0 && n === maxRows && !atEnd(c)) return 'suspended';
    out.sink.commandComplete(`SELECT ${n}`);
    return 'complete';
  }

  async close(s: A.ClosePortalStmt, sink: ResultSink): Promise<void> {
    if (s.name === undefined) {
      await this.closeAll();
      sink.commandComplete('CLOSE CURSOR ALL');
      return;
    }
    const c = this.get(s.name);
    this.cursors.delete(c.name);
    await c.rows.close();
    sink.commandComplete('CLOSE CURSOR');
  }

  async closeAll(): Promise<void> {
    const all = [...this.cursors.values()];
    this.cursors.clear();
    for (const c of all) await c.rows.close();
  }

  /** COMMIT, with the transaction still open: WITH HOLD cursors read the rest of their rows; the others end. */
  async beforeCommit(): Promise<void> {
    if (this.cursors.size === 0) return;
    for (const c of [...this.cursors.values()]) {
      if (!c.hold) {
        this.cursors.delete(c.name);
        await c.rows.close();
        continue;
      }
      if (!c.inTxn) continue;
      // Rows before the position are still needed by a scrollable cursor only.
      await c.rows.materialize(holdCursorRowsMax + c.rows.keptCount);
      c.inTxn = false;
    }
  }

  /** ROLLBACK: cursors declared in the transaction end; WITH HOLD cursors of earlier transactions stay. */
  async atRollback(): Promise<void> {
    if (this.cursors.size === 0) return;
    for (const c of [...this.cursors.values()]) {
      if (c.inTxn || !c.hold) {
        this.cursors.delete(c.name);
        await c.rows.close().catch(() => undefined);
      }
    }
  }

  savepoint(mark: object): void {
    this.savepointMarks.set(mark, this.nextSeq);
  }

  /** ROLLBACK TO SAVEPOINT: cursors declared after it end. */
  async rollbackTo(mark: object): Promise<void> {
    const from = this.savepointMarks.get(mark);
    if (from === undefined || this.cursors.size === 0) return;
    for (const c of [...this.cursors.values()]) {
      if (c.inTxn && c.seq >= from) {
        this.cursors.delete(c.name);
        await c.rows.close().catch(() => undefined);
      }
    }
  }

  /**
   * WHERE CURRENT OF: the values of the table's key columns (`attnums`) in the cursor's current
   * row, with PostgreSQL's 24000 errors. The cursor must return the key columns (PostgreSQL uses
   * the row's ctid, which nodedb rows do not have).
   */
  currentRow(name: string, table: { readonly oid: number; readonly name: string }, attnums: readonly number[]): Datum[] {
    const c = this.get(name);
    if (!c.columns.some((col) => col.tableOid === table.oid)) {
      throw new SqlError(SqlState.invalidCursorState, `cursor "${name}" is not a simply updatable scan of table "${table.name}"`);
    }
    if (atStart(c) || atEnd(c)) throw new SqlError(SqlState.invalidCursorState, `cursor "${name}" is not positioned on a row`);
    const row = c.rows.at(c.at);
    const slots = attnums.map((a) => c.columns.findIndex((col) => col.tableOid === table.oid && col.attnum === a));
    if (slots.length === 0 || slots.some((i) => i < 0)) {
      throw new SqlError(SqlState.featureNotSupported, `WHERE CURRENT OF needs cursor "${name}" to return the primary key columns of "${table.name}"`);
    }
    return slots.map((i) => row[i]!);
  }

  /** pg_cursors. */
  list(): CursorInfo[] {
    return [...this.cursors.values()].map((c) => ({
      name: c.name,
      statement: c.statement,
      isHoldable: c.hold,
      isBinary: c.binary,
      isScrollable: c.mode.kind !== 'forwardOnly',
      creationMicros: c.creationMicros,
    }));
  }

  private get(name: string): Cursor {
    const c = this.cursors.get(name);
    if (!c) throw new SqlError(SqlState.invalidCursorName, `cursor "${name}" does not exist`);
    return c;
  }

  /** Runs a fetch with the statement's cancel signal forwarded to the cursor's execution. */
  private async withSignal<T>(c: Cursor, signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
    const onAbort = (): void => c.abort.abort(signal.reason);
    if (signal.aborted) throw signal.reason;
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await fn();
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }
}

// ─── PortalRunFetch ─────────────────────────────────────────────────────────────────────────

function atEnd(c: Cursor): boolean {
  return c.rows.total !== undefined && c.at === c.rows.total + 1;
}

function atStart(c: Cursor): boolean {
  return c.at === 0 || c.rows.total === 0;
}

/** PostgreSQL's portalPos: rows before and including the current one. */
function portalPos(c: Cursor): number {
  return atEnd(c) ? c.rows.total! : c.at;
}

function scanForwardOnly(): SqlError {
  return new SqlError(SqlState.objectNotInPrerequisiteState, 'cursor can only scan forward', {
    hint: 'Declare it with SCROLL option to enable backward scan.',
  });
}

/** FETCH/MOVE with PostgreSQL's semantics (PortalRunFetch); returns the row count of the tag. */
async function runFetch(c: Cursor, direction: A.FetchStmt['direction'], count: number, emit: Emit, sink: ResultSink): Promise<number> {
  let forward: boolean;
  switch (direction) {
    case 'forward':
      forward = count >= 0;
      count = Math.abs(count);
      break;
    case 'backward':
      forward = count < 0;
      count = Math.abs(count);
      break;
    case 'absolute':
      if (count > 0) {
        const pos = portalPos(c);
        if (count - 1 <= pos / 2) {
          rewind(c);
          if (count > 1) await runSelect(c, true, count - 1, null, sink);
        } else {
          const p = atEnd(c) ? pos + 1 : pos;
          if (count <= p) await runSelect(c, false, p - count + 1, null, sink);
          else if (count > p + 1) await runSelect(c, true, count - p - 1, null, sink);
        }
        return runSelect(c, true, 1, emit, sink);
      }
      if (count < 0) {
        await runSelect(c, true, Infinity, null, sink);
        if (count < -1) await runSelect(c, false, -count - 1, null, sink);
        return runSelect(c, false, 1, emit, sink);
      }
      rewind(c);
      return 0;
    case 'relative':
      if (count > 0) {
        if (count > 1) await runSelect(c, true, count - 1, null, sink);
        return runSelect(c, true, 1, emit, sink);
      }
      if (count < 0) {
        if (count < -1) await runSelect(c, false, -count - 1, null, sink);
        return runSelect(c, false, 1, emit, sink);
      }
      forward = true;
      break;
    default:
      return assertNever(direction, 'fetch direction');
  }
  if (count === 0) {
    // FETCH 0 re-fetches the current row; MOVE 0 says whether there is one.
    const onRow = !atStart(c) && !atEnd(c);
    if (emit === null) return onRow ? 1 : 0;
    if (!onRow) return 0;
    await runSelect(c, false, 1, null, sink);
    return runSelect(c, true, 1, emit, sink);
  }
  if (!forward && count === Infinity && emit === null) {
    // MOVE BACKWARD ALL is a rewind.
    let result = portalPos(c);
    if (result > 0 && !atEnd(c)) result--;
    rewind(c);
    return result;
  }
  return runSelect(c, forward, count, emit, sink);
}

/** DoPortalRewind. */
function rewind(c: Cursor): void {
  if (c.at === 0) return;
  if (c.mode.kind === 'forwardOnly') throw scanForwardOnly();
  c.at = 0;
}

/** PortalRunSelect: `count` rows forward or backward from the position (Infinity = all). */
async function runSelect(c: Cursor, forward: boolean, count: number, emit: Emit, sink: ResultSink): Promise<number> {
  if (!forward) {
    if (c.mode.kind === 'forwardOnly') throw scanForwardOnly();
    if (atStart(c) || count <= 0) return 0;
    let n = 0;
    while (n < count) {
      const i = c.at - 1;
      if (i < 1) {
        c.at = 0;
        break;
      }
      if (emit) emit(c.rows.at(i));
      c.at = i;
      n++;
      if (emit && n % pullBatchRowsMax === 0) await sink.drain();
    }
    return n;
  }
  if (atEnd(c) || count <= 0) return 0;
  let n = 0;
  while (n < count) {
    const want = Math.min(count - n, pullBatchRowsMax);
    const rows = await c.rows.read(c.at + 1, want);
    if (emit) for (const r of rows) emit(r);
    n += rows.length;
    c.at += rows.length;
    keepOrForget(c);
    if (rows.length < want) {
      assert(c.rows.total !== undefined, 'short read before the end');
      c.at = c.rows.total + 1;
      break;
    }
    if (emit) await sink.drain();
  }
  return n;
}

/** After moving forward: a cursor that cannot scroll keeps no rows it has passed; scrollable ones are bounded. */
function keepOrForget(c: Cursor): void {
  switch (c.mode.kind) {
    case 'scroll':
      if (c.rows.keptCount > scrollCursorRowsMax) {
        throw new SqlError(SqlState.programLimitExceeded, `a SCROLL cursor can keep at most ${scrollCursorRowsMax} rows`);
      }
      return;
    case 'whilePossible':
      if (c.rows.keptCount <= defaultScrollRowsMax) return;
      c.mode = { kind: 'forwardOnly' };
      c.rows.forgetBefore(c.at);
      return;
    case 'forwardOnly':
      // The current row stays: WHERE CURRENT OF reads it.
      c.rows.forgetBefore(c.at);
      return;
    default:
      assertNever(c.mode, 'scroll mode');
  }
}

/**
 * Whether PostgreSQL's plan for this query would scan backward (ExecSupportsBackwardScan):
 * scans, sorts, VALUES, functions in FROM and WITH scans do; joins, aggregates, DISTINCT, set
 * operations, window functions and a bare SELECT without FROM (a Result node) do not.
 */
export function planScansBackward(p: Plan): boolean {
  switch (p.kind) {
    case 'scan':
    case 'virtualScan':
    case 'sort':
    case 'functionScan':
    case 'cteScan':
      return true;
    case 'values':
      return p.width > 0 && p.rows.length > 1;
    case 'subqueryScan':
    case 'filter':
    case 'project':
    case 'limit':
    case 'lockRows':
      return planScansBackward(p.input);
    case 'nestedLoop':
    case 'hashJoin':
    case 'mergeJoin':
    case 'aggregate':
    case 'distinct':
    case 'distinctOn':
    case 'window':
    case 'setOp':
    case 'recursiveUnion':
    case 'workTableScan':
    case 'withDml':
    case 'insert':
    case 'update':
    case 'delete':
      return false;
    default:
      return assertNever(p, 'plan node');
  }
}

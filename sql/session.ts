/**
 * One client session: the statement dispatcher between pgwire (server/) and the engine.
 *
 * Owns the transaction state machine (idle / in block / failed, implicit transactions of
 * the simple and extended protocols as PostgreSQL defines them), session settings, prepared
 * statements and portals, the per-transaction DDL buffer over a catalog overlay, and the COPY
 * sub-protocol. Queries are bound and planned once per (statement, schema version) and
 * executed through the engine's pull cursors.
 */
import type { Txn, TxnOptions } from '../cluster/kv/api.js';
import type { CatalogState } from '../catalog/state.js';
import type { DdlOp } from '../catalog/ops.js';
import { assert, assertNever } from '../util/assert.js';
import { SqlError, SqlState } from '../util/errors.js';
import type * as A from './ast.js';
import { executeDdl } from './ddl/index.js';
import type { EngineCore } from './engine.js';
import {
  analyzeTables,
  executeQuery,
  explainQuery,
  newSessionState,
  prepareQuery,
  type BindContext,
  type ExecContext,
  type Execution,
  type PreparedQuery,
  type ResultColumn,
  type SessionState,
} from './plan/api.js';
import type {
  ExecuteOutcome,
  FieldDescription,
  ResultSink,
  Session,
  StartupParams,
  StatementDescription,
  TransactionStatus,
} from './session-api.js';
import { Settings, type SettingChange } from './settings.js';
import { runCopy } from './copy.js';
import { CursorSet } from './cursor.js';
import { executePinned } from './pinned-execution.js';
import { CommitOrderedSink } from './commit-ordered-sink.js';
import type { BackendActivity } from '../pg_catalog/index.js';
import { regObjectName } from '../pg_catalog/functions.js';
import { engineDdlData } from './exec/ddl-data.js';
import { hasDeferredForeignKeyChecks, runDeferredForeignKeyChecks } from './exec/foreign-key.js';
import { tableStatsCache } from './exec/stats.js';
import { Oid, sqlType, type Datum, type EvalContext, type SessionSettingsAccess, type SqlType } from './types/index.js';
import { enterPrivateEnumTypes, leavePrivateEnumTypes, useCommittedEnumTypes, usePrivateEnumTypes } from './types/enum.js';
import { decodeParams, describeColumns, encodeRow, resultFormats, textColumn } from './values.js';

/** Rows sent between awaits of the client socket's drain. */
const rowsPerDrain = 256;
/** Bound on cached plans per session (simple-protocol texts and named statements re-planned on schema change). */
const planCacheEntriesMax = 256;
/** Bound on named prepared statements and portals per session. */
const preparedStatementsMax = 10_000;

type QueryStmt = A.SelectStmt | A.InsertStmt | A.UpdateStmt | A.DeleteStmt;

function isQuery(s: A.Statement): s is QueryStmt {
  return s.kind === 'Select' || s.kind === 'Values' || s.kind === 'SetOp' || s.kind === 'Insert' || s.kind === 'Update' || s.kind === 'Delete';
}

const ddlKinds = new Set<A.Statement['kind']>([
  'CreateTable', 'CreateIndex', 'Drop', 'AlterTable', 'Rename', 'CreateSchema', 'CreateSequence',
  'AlterSequence', 'CreateView', 'Truncate', 'Comment', 'CreateEnum', 'AlterEnum',
]);

function isDdl(s: A.Statement): s is A.DdlStatement {
  return ddlKinds.has(s.kind);
}

/** An open transaction: the KV transaction plus the buffered DDL and its catalog overlay. */
interface ActiveTxn {
  kv: Txn | undefined;
  /** Not inside BEGIN ... COMMIT: one statement (simple query) or up to Sync (extended). */
  implicit: boolean;
  isolation: TxnOptions['isolation'];
  readOnly: boolean;
  /** Catalog the buffered DDL was validated against (fixed at the first DDL). */
  ddlBase: CatalogState | undefined;
  /** Base + buffered ops; undefined while no DDL is buffered (statements see the latest catalog). */
  overlay: CatalogState | undefined;
  ops: DdlOp[];
  savepoints: Savepoint[];
  settingsAtStart: ReturnType<Settings['snapshot']>;
  startMicros: bigint;
  /** Set once any statement ran in this transaction (SET TRANSACTION must come first). */
  anyStatement: boolean;
}

interface Savepoint {
  readonly name: string;
  readonly kvSavepoint: number | undefined;
  readonly opsLength: number;
  readonly overlay: CatalogState | undefined;
  readonly ddlBase: CatalogState | undefined;
  readonly settings: ReturnType<Settings['snapshot']>;
}

/** A parsed statement (Parse message or PREPARE), with its plan cached per schema version. */
interface PreparedStatement {
  readonly name: string;
  readonly text: string;
  readonly parsed: A.ParsedStatement | undefined;
  readonly declaredTypes: readonly SqlType[];
  /** Valid for one catalog snapshot and one search_path (names bind differently under another). */
  plan: { readonly query: PreparedQuery; readonly catalog: CatalogState; readonly searchPath: readonly string[]; readonly statsVersion: number } | undefined;
  /** Parameter types fixed at Parse (re-planning must not change them). */
  paramTypes: readonly SqlType[] | undefined;
}

interface Portal {
  readonly name: string;
  readonly stmt: PreparedStatement;
  readonly params: readonly Datum[];
  readonly formatCodes: readonly number[];
  execution: Execution | undefined;
  query: PreparedQuery | undefined;
  /** For portals over utility statements: the rows/tag produced when first executed. */
  done: boolean;
}

const pgEpochMs = 946_684_800_000;

function noop(): void {}

export function nowMicros(): bigint {
  const ms = performance.timeOrigin + performance.now();
  return BigInt(Math.round((ms - pgEpochMs) * 1000));
}

export class SqlSession implements Session {
  readonly backendPid: number;
  private readonly settings: Settings;
  private readonly execState: SessionState;
  private txn: ActiveTxn | undefined;
  /** Explicit block failed: everything but ROLLBACK/COMMIT/ROLLBACK TO is refused (25P02). */
  private failed = false;
  /** An error happened in the extended protocol since the last Sync. */
  private extendedError = false;
  private readonly statements = new Map<string, PreparedStatement>();
  private readonly portals = new Map<string, Portal>();
  /** DECLAREd cursors (sql/cursor.ts). */
  private readonly cursors = new CursorSet();
  /** Simple-protocol plan cache: statement text → prepared statement (LRU by insertion order). */
  private readonly planCache = new Map<string, PreparedStatement>();
  private closed = false;
  /** The transaction has enum DDL of its own (counted in sql/types/enum.ts while it lasts). */
  private privateEnumTypes = false;
  // pg_stat_activity: what this backend is doing.
  private readonly backendStartMicros = nowMicros();
  private currentQuery = '';
  private queryStartMicros: bigint | null = null;
  private stateChangeMicros = this.backendStartMicros;
  private running = false;
  /** Reported parameters changed by set_config() during a statement, sent when it ends. */
  private pendingReports: SettingChange[] = [];
  private readonly settingsAccess: SessionSettingsAccess = {
    get: (name, missingOk) => {
      if (Settings.isTransactionParam(name)) return this.transactionParamValue(name);
      try {
        return this.settings.show(name).value;
      } catch (err) {
        if (missingOk && err instanceof SqlError && err.code === SqlState.undefinedObject) return null;
        throw err;
      }
    },
    set: (name, value, local) => {
      this.touchTxn();
      const change = this.settings.set(name, [value], local);
      if (change) this.pendingReports.push(change);
      return this.settings.show(name).value;
    },
  };

  constructor(
    private readonly core: EngineCore,
    readonly startup: StartupParams,
    backendPid: number,
  ) {
    this.backendPid = backendPid;
    const initial = new Map(startup.settings);
    if (startup.applicationName) initial.set('application_name', startup.applicationName);
    this.settings = new Settings(initial);
    this.execState = newSessionState(startup.user, startup.database);
  }

  initialParameterStatus(): ReadonlyMap<string, string> {
    const m = this.settings.reportedValues();
    m.set('session_authorization', this.startup.user);
    return m;
  }

  transactionStatus(): TransactionStatus {
    if (this.failed) return 'E';
    return this.txn && !this.txn.implicit ? 'T' : 'I';
  }

  // ─── simple query protocol ──────────────────────────────────────────────────────────────

  async simpleQuery(sql: string, sink: ResultSink, signal: AbortSignal): Promise<void> {
    this.startActivity(sql);
    try {
      await this.runSimpleQuery(sql, sink, signal);
    } finally {
      this.endActivity();
    }
  }

  private startActivity(text: string): void {
    this.running = true;
    this.currentQuery = text;
    this.queryStartMicros = this.stateChangeMicros = nowMicros();
  }

  private endActivity(): void {
    this.running = false;
    this.stateChangeMicros = nowMicros();
  }

  /** This backend as pg_stat_activity shows it. */
  activity(): BackendActivity {
    const state = this.running
      ? 'active'
      : this.failed
        ? 'idle in transaction (aborted)'
        : this.txn && !this.txn.implicit
          ? 'idle in transaction'
          : 'idle';
    return {
      pid: this.backendPid,
      user: this.startup.user,
      database: this.startup.database,
      applicationName: this.settings.get('application_name'),
      clientAddr: null,
      clientPort: null,
      backendStartMicros: this.backendStartMicros,
      xactStartMicros: this.txn?.startMicros ?? null,
      ...(this.txn?.kv === undefined ? {} : { kvTxnId: this.txn.kv.id }),
      queryStartMicros: this.queryStartMicros,
      stateChangeMicros: this.stateChangeMicros,
      state,
      query: this.currentQuery,
    };
  }

  private async runSimpleQuery(sql: string, sink: ResultSink, signal: AbortSignal): Promise<void> {
    const parsed = this.core.parse(sql);
    if (parsed.length === 0) {
      sink.emptyQuery();
      return;
    }
    // The last statement's CommandComplete waits for the implicit commit (commit-ordered-sink.ts).
    const ordered = new CommitOrderedSink(sink);
    try {
      for (let i = 0; i < parsed.length; i++) {
        const p = parsed[i]!;
        await this.runStatement(p, this.simpleStatement(p), [], [], i === parsed.length - 1 ? ordered : sink, signal, parsed.length > 1);
      }
      if (this.txn?.implicit) await this.commitTxn(ordered);
      ordered.release();
    } catch (err) {
      ordered.discard();
      await this.onError();
      throw err;
    }
  }

  private simpleStatement(p: A.ParsedStatement): PreparedStatement {
    if (!isQuery(p.statement)) return this.newStatement('', p.text, p, []);
    const key = p.text;
    const hit = this.planCache.get(key);
    if (hit) {
      this.planCache.delete(key);
      this.planCache.set(key, hit);
      return hit;
    }
    const stmt = this.newStatement('', p.text, p, []);
    this.planCache.set(key, stmt);
    if (this.planCache.size > planCacheEntriesMax) this.planCache.delete(this.planCache.keys().next().value!);
    return stmt;
  }

  private newStatement(name: string, text: string, parsed: A.ParsedStatement | undefined, declared: readonly SqlType[]): PreparedStatement {
    return { name, text, parsed, declaredTypes: declared, plan: undefined, paramTypes: undefined };
  }

  // ─── extended query protocol ────────────────────────────────────────────────────────────

  parse(name: string, sql: string, paramTypeOids: readonly number[]): void {
    if (name !== '' && this.statements.has(name)) {
      throw new SqlError(SqlState.duplicatePreparedStatement, `prepared statement "${name}" already exists`);
    }
    if (this.statements.size >= preparedStatementsMax) {
      throw new SqlError(SqlState.programLimitExceeded, `too many prepared statements (at most ${preparedStatementsMax})`);
    }
    const parsed = this.core.parse(sql);
    if (parsed.length > 1) throw new SqlError(SqlState.syntaxError, 'cannot insert multiple commands into a prepared statement');
    const stmt = this.newStatement(name, sql, parsed[0], paramTypeOids.map((oid) => sqlType(oid)));
    if (stmt.parsed && this.failed && !allowedInFailedBlock(stmt.parsed.statement)) throw abortedError();
    if (stmt.parsed && isQuery(stmt.parsed.statement)) {
      // Bind now so Describe can answer parameter types and errors surface at Parse, as in PostgreSQL.
      stmt.paramTypes = this.currentPlan(stmt).paramTypes;
    } else if (stmt.parsed?.statement.kind === 'DeclareCursor') {
      // DECLARE ... FOR a query with $n: the parameters are the query's.
      stmt.paramTypes = this.currentPlan(this.cursorQueryStatement(stmt.parsed.statement, stmt.declaredTypes)).paramTypes;
    }
    this.statements.set(name, stmt);
  }

  bind(
    portalName: string,
    statementName: string,
    params: readonly (Uint8Array | null)[],
    paramFormats: readonly number[],
    resultFormatCodes: readonly number[],
  ): void {
    const stmt = this.statements.get(statementName);
    if (!stmt) throw new SqlError(SqlState.invalidSqlStatementName, `prepared statement "${statementName}" does not exist`);
    if (portalName !== '' && this.portals.has(portalName)) {
      throw new SqlError(SqlState.duplicateCursor, `portal "${portalName}" already exists`);
    }
    if (stmt.parsed && this.failed && !allowedInFailedBlock(stmt.parsed.statement)) throw abortedError();
    let query: PreparedQuery | undefined;
    let types: readonly SqlType[] = [];
    if (stmt.parsed && isQuery(stmt.parsed.statement)) {
      query = this.currentPlan(stmt);
      types = query.paramTypes;
    } else if (stmt.parsed?.statement.kind === 'DeclareCursor') types = stmt.paramTypes ?? [];
    if (params.length !== types.length) {
      throw new SqlError(
        SqlState.protocolViolation,
        `bind message supplies ${params.length} parameters, but prepared statement "${statementName}" requires ${types.length}`,
      );
    }
    const values = decodeParams(types, params, paramFormats, this.formatContext());
    if (query?.columns) resultFormats(resultFormatCodes, query.columns.length);
    this.portals.delete(portalName);
    this.portals.set(portalName, {
      name: portalName,
      stmt,
      params: values,
      formatCodes: resultFormatCodes,
      execution: undefined,
      query,
      done: false,
    });
  }

  describeStatement(name: string): StatementDescription {
    const stmt = this.statements.get(name);
    if (!stmt) throw new SqlError(SqlState.invalidSqlStatementName, `prepared statement "${name}" does not exist`);
    if (!stmt.parsed) return { paramTypes: [], fields: null };
    const s = stmt.parsed.statement;
    if (isQuery(s)) {
      const q = this.currentPlan(stmt);
      return { paramTypes: q.paramTypes.map((t) => t.oid), fields: q.columns ? describeColumns(q.columns) : null };
    }
    const cols = this.utilityColumns(s);
    return { paramTypes: (stmt.paramTypes ?? stmt.declaredTypes).map((t) => t.oid), fields: cols ? describeColumns(cols) : null };
  }

  describePortal(name: string): readonly FieldDescription[] | null {
    const portal = this.portals.get(name);
    if (!portal && this.cursors.has(name)) return describeColumns(this.cursors.columns(name)!);
    if (!portal) throw new SqlError(SqlState.invalidCursorName, `portal "${name}" does not exist`);
    if (!portal.stmt.parsed) return null;
    const cols = portal.query ? portal.query.columns : this.utilityColumns(portal.stmt.parsed.statement);
    if (!cols) return null;
    return describeColumns(cols, resultFormats(portal.formatCodes, cols.length));
  }

  async execute(portalName: string, maxRows: number, sink: ResultSink, signal: AbortSignal): Promise<ExecuteOutcome> {
    const portal = this.portals.get(portalName);
    if (!portal && this.cursors.has(portalName)) {
      return this.cursors.executeAsPortal(portalName, maxRows, { sink, describe: false, formats: undefined, format: this.formatContext(), signal });
    }
    if (!portal) throw new SqlError(SqlState.invalidCursorName, `portal "${portalName}" does not exist`);
    if (!portal.stmt.parsed) {
      sink.emptyQuery();
      return 'complete';
    }
    if (portal.done) {
      // Re-executing a completed portal returns nothing more, as in PostgreSQL.
      const tag = portal.query ? commandTag(portal.query, 0) : 'SELECT 0';
      sink.commandComplete(tag);
      return 'complete';
    }
    const formats = portal.query?.columns ? resultFormats(portal.formatCodes, portal.query.columns.length) : [];
    this.startActivity(portal.stmt.text);
    let outcome: ExecuteOutcome;
    try {
      outcome = await this.runStatement(portal.stmt.parsed, portal.stmt, portal.params, formats, sink, signal, false, {
        portal,
        maxRows,
      });
    } finally {
      this.endActivity();
    }
    if (outcome === 'complete') portal.done = true;
    return outcome;
  }

  closeStatement(name: string): void {
    this.statements.delete(name);
  }

  closePortal(name: string): void {
    const p = this.portals.get(name);
    if (p?.execution && !p.execution.done) void p.execution.close();
    this.portals.delete(name);
  }

  async sync(): Promise<void> {
    this.closePortal('');
    if (this.extendedError) {
      this.extendedError = false;
      if (this.txn?.implicit) await this.rollbackTxn();
      return;
    }
    // A commit error is reported by the server as the Sync's error response.
    if (this.txn?.implicit) await this.commitTxn(undefined);
  }

  errorInExtended(err: SqlError): void {
    void err;
    this.extendedError = true;
    if (this.txn && !this.txn.implicit) this.failed = true;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.portals.values()) if (p.execution && !p.execution.done) await p.execution.close();
    this.portals.clear();
    this.statements.clear();
    await this.cursors.closeAll();
    if (this.txn) await this.rollbackTxn();
    this.endPrivateEnumTypes();
    this.core.sessionClosed(this);
  }

  // ─── statement execution ────────────────────────────────────────────────────────────────

  /**
   * Runs one statement. `inImplicitBlock` marks a statement of a multi-statement simple query
   * (they share one implicit transaction). For portals, `portal` carries the cursor state.
   */
  private async runStatement(
    p: A.ParsedStatement,
    stmt: PreparedStatement,
    params: readonly Datum[],
    formats: readonly (0 | 1)[],
    sink: ResultSink,
    outerSignal: AbortSignal,
    inImplicitBlock: boolean,
    portalRun?: { portal: Portal; maxRows: number },
  ): Promise<ExecuteOutcome> {
    const s = p.statement;
    if (this.failed && !allowedInFailedBlock(s)) throw abortedError();
    const { signal, dispose } = this.statementSignal(outerSignal);
    try {
      if ((s.kind === 'Update' || s.kind === 'Delete') && s.currentOf !== undefined && !portalRun) {
        await this.runCurrentOf(s, p, sink, signal);
        return 'complete';
      }
      if (isQuery(s)) {
        return await this.runQuery(stmt, params, formats, sink, signal, portalRun);
      }
      if (s.kind === 'DeclareCursor') {
        await this.runDeclare(s, sink, inImplicitBlock, params, stmt.paramTypes ?? []);
        return 'complete';
      }
      if (s.kind === 'Fetch' && portalRun) {
        // A bound FETCH: Describe sent its columns; the rows use the portal's result formats.
        await this.cursors.fetch(s, { sink, describe: false, formats, format: this.formatContext(), signal });
        return 'complete';
      }
      await this.runUtility(s, p, sink, signal, inImplicitBlock);
      return 'complete';
    } finally {
      dispose();
      if (this.pendingReports.length > 0) {
        this.reportSettings(sink, this.pendingReports);
        this.pendingReports = [];
      }
    }
  }

  /** Combines the server's cancel signal with statement_timeout. */
  private statementSignal(outer: AbortSignal): { signal: AbortSignal; dispose: () => void } {
    const timeoutMs = this.settings.statementTimeoutMs;
    if (timeoutMs <= 0) return { signal: outer, dispose: noop };
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(outer.reason);
    outer.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(
      () => controller.abort(new SqlError(SqlState.queryCanceled, 'canceling statement due to statement timeout')),
      timeoutMs,
    );
    return {
      signal: controller.signal,
      dispose: () => {
        clearTimeout(timer);
        outer.removeEventListener('abort', onAbort);
      },
    };
  }

  private async runQuery(
    stmt: PreparedStatement,
    params: readonly Datum[],
    formats: readonly (0 | 1)[],
    sink: ResultSink,
    signal: AbortSignal,
    portalRun: { portal: Portal; maxRows: number } | undefined,
  ): Promise<ExecuteOutcome> {
    let execution = portalRun?.portal.execution;
    let q = portalRun?.portal.query;
    let fmt: EvalContext | undefined;
    if (!execution) {
      q = this.currentPlan(stmt);
      const txn = await this.ensureTxn(q.readOnly, q.commandTag);
      const ctx = this.execContext(txn, signal);
      fmt = ctx.eval;
      const query = q;
      // A portal that may be suspended keeps its snapshot for its later Executes (PostgreSQL's portals do).
      execution =
        portalRun !== undefined && portalRun.maxRows > 0 && query.readOnly
          ? executePinned(ctx, (c) => executeQuery(query, params, c))
          : executeQuery(q, params, ctx);
      if (portalRun) {
        portalRun.portal.execution = execution;
        portalRun.portal.query = q;
      }
      if (q.columns && !portalRun) sink.rowDescription(describeColumns(q.columns, formats.length ? formats : undefined));
    }
    assert(q !== undefined, 'portal without plan');
    const maxRows = portalRun?.maxRows ?? 0;
    fmt ??= this.formatContext();
    const columns = q.columns;
    let sent = 0;
    for (;;) {
      const want = maxRows > 0 ? Math.min(rowsPerDrain, maxRows - sent) : rowsPerDrain;
      if (want <= 0) break;
      const rows = await execution.fetch(want);
      if (rows.length === 0) break;
      if (columns) for (const row of rows) sink.dataRow(encodeRow(columns, row, formats, fmt));
      sent += rows.length;
      await sink.drain();
      if (signal.aborted) throw signal.reason;
      if (execution.done) break; // no second fetch just to learn that nothing is left
    }
    if (!execution.done && maxRows > 0 && sent >= maxRows) return 'suspended';
    await execution.close();
    sink.commandComplete(commandTag(q, execution.rowCount));
    return 'complete';
  }

  /** The statement's plan for the current catalog (re-planned after a schema change). */
  private currentPlan(stmt: PreparedStatement): PreparedQuery {
    const catalog = this.catalogForStatement();
    const searchPath = this.settings.searchPath;
    // Re-planned after a schema change and after ANALYZE (new statistics may change the join order).
    const statsVersion = tableStatsCache(this.core.kv).version;
    if (stmt.plan && stmt.plan.catalog === catalog && stmt.plan.searchPath === searchPath && stmt.plan.statsVersion === statsVersion) return stmt.plan.query;
    assert(stmt.parsed && isQuery(stmt.parsed.statement), 'plan of a non-query');
    const q = prepareQuery(stmt.parsed.statement, this.bindContext(catalog, stmt.paramTypes ?? stmt.declaredTypes));
    if (stmt.paramTypes && !sameTypes(stmt.paramTypes, q.paramTypes)) {
      throw new SqlError(SqlState.featureNotSupported, 'cached plan must not change result type');
    }
    stmt.paramTypes = q.paramTypes;
    stmt.plan = { query: q, catalog, searchPath, statsVersion };
    return q;
  }

  // ─── catalog, contexts ──────────────────────────────────────────────────────────────────

  /** The catalog a statement binds against: the transaction's overlay, else the latest committed one. */
  private catalogForStatement(): CatalogState {
    const committed = this.core.catalog.current();
    const catalog = this.txn?.overlay ?? committed;
    // Enum value conversions of this statement's call chain use this snapshot's labels: the
    // committed ones, or the transaction's own when it changed an enum type (sql/types/enum.ts).
    if (catalog !== committed && !catalog.sameEnumTypesAs(committed)) {
      if (!this.privateEnumTypes) {
        this.privateEnumTypes = true;
        enterPrivateEnumTypes();
      }
      usePrivateEnumTypes(catalog.enumResolver(committed));
    } else {
      this.endPrivateEnumTypes();
      useCommittedEnumTypes(committed.enumResolver());
    }
    return catalog;
  }

  /** This session's transaction no longer has enum types of its own. */
  private endPrivateEnumTypes(): void {
    if (!this.privateEnumTypes) return;
    this.privateEnumTypes = false;
    leavePrivateEnumTypes();
  }

  private bindContext(catalog: CatalogState, paramTypes: readonly SqlType[]): BindContext {
    const stats = tableStatsCache(this.core.kv);
    return { catalog: catalog, searchPath: this.settings.searchPath, paramTypes, tableStats: (oid) => stats.get(oid) };
  }

  private formatContext(): EvalContext {
    this.catalogForStatement(); // parameters and cursor rows: enum labels of the current snapshot
    return this.evalContext(this.txn?.startMicros ?? nowMicros());
  }

  private evalContext(txnMicros: bigint): EvalContext {
    const statementMicros = nowMicros();
    const f = this.settings.hot.format;
    return {
      timeZone: f.timeZone,
      dateStyle: f.dateStyle,
      intervalStyle: f.intervalStyle,
      extraFloatDigits: f.extraFloatDigits,
      byteaOutput: f.byteaOutput,
      txnTimestampMicros: txnMicros,
      statementTimestampMicros: statementMicros,
      clockTimestampMicros: nowMicros,
      random: Math.random,
      versionString: this.core.versionString,
      settings: this.settingsAccess,
      regName: (typeOid: number, oid: number) =>
        regObjectName(
          {
            catalog: this.catalogForStatement(),
            session: { user: this.startup.user, database: this.startup.database },
            searchPath: this.settings.searchPath,
          },
          typeOid,
          oid,
        ),
    };
  }

  private execContext(txn: ActiveTxn, signal: AbortSignal): ExecContext {
    assert(txn.kv !== undefined, 'exec context without a KV transaction');
    this.execState.lockTimeoutMs = this.settings.lockTimeoutMs;
    return {
      txn: txn.kv,
      kv: this.core.kv,
      catalog: this.catalogForStatement(),
      eval: this.evalContext(txn.startMicros),
      signal,
      session: this.execState,
      searchPath: this.settings.searchPath,
      workMemBytes: this.settings.hot.workMemBytes,
      tempDir: this.core.tempDir,
      showAllSettings: this.showAllSettings,
      backendPid: this.backendPid,
      activity: this.allActivity,
      cursors: this.cursorList,
      signalBackend: this.signalBackend,
    };
  }

  // Made once per session, not per statement (every statement's ExecContext carries them).
  private readonly showAllSettings = (): ReturnType<Settings['showAll']> => this.settings.showAll();
  private readonly allActivity = (): ReturnType<EngineCore['activity']> => this.core.activity();
  private readonly cursorList: NonNullable<ExecContext['cursors']> = () => this.cursors.list();
  private readonly signalBackend: NonNullable<ExecContext['signalBackend']> = (pid, signal) => this.core.signalBackend(pid, signal);

  // ─── transactions ───────────────────────────────────────────────────────────────────────

  private beginTxn(implicit: boolean): ActiveTxn {
    assert(this.txn === undefined, 'transaction already open');
    const hot = this.settings.hot;
    this.txn = {
      kv: undefined,
      implicit,
      isolation: hot.defaultIsolation,
      readOnly: hot.defaultReadOnly,
      ddlBase: undefined,
      overlay: undefined,
      ops: [],
      savepoints: [],
      settingsAtStart: this.settings.snapshot(),
      startMicros: nowMicros(),
      anyStatement: false,
    };
    return this.txn;
  }

  /**
   * The transaction a statement runs in, with its KV transaction started. A read-only
   * statement in an implicit transaction reads at the session's nodedb.read_consistency;
   * reads inside a read-write transaction are always strong.
   */
  private async ensureTxn(statementReadOnly: boolean, commandName = 'statement'): Promise<ActiveTxn> {
    const txn = this.txn ?? this.beginTxn(true);
    txn.anyStatement = true;
    if (txn.kv && txn.implicit && txn.kv.options.readOnly && !statementReadOnly) {
      // A write after reads in one implicit transaction (pipelined extended protocol):
      // the read-only KV transaction has nothing to commit; continue read-write.
      await txn.kv.commit();
      txn.kv = undefined;
    }
    if (!txn.kv) {
      const readOnly = txn.readOnly || (txn.implicit && statementReadOnly);
      txn.kv = this.core.kv.begin({
        isolation: txn.isolation,
        readOnly,
        consistency: readOnly ? this.settings.readConsistency : { kind: 'strong' },
      });
    } else {
      txn.kv.stepStatement();
    }
    if (txn.readOnly && !statementReadOnly) {
      throw new SqlError(SqlState.readOnlySqlTransaction, `cannot execute ${commandName} in a read-only transaction`);
    }
    return txn;
  }

  private async commitTxn(sink: ResultSink | undefined): Promise<void> {
    const txn = this.txn;
    if (!txn) return;
    await this.cursors.beforeCommit();
    // INITIALLY DEFERRED foreign keys: their checks run now, in the transaction (its catalog overlay).
    const deferredFk = txn.kv !== undefined && hasDeferredForeignKeyChecks(txn.kv) ? this.execContext(txn, new AbortController().signal) : undefined;
    this.txn = undefined;
    this.failed = false;
    try {
      if (deferredFk !== undefined) await runDeferredForeignKeyChecks(deferredFk);
      if (txn.ops.length > 0) {
        assert(txn.ddlBase !== undefined, 'DDL buffered without a base catalog');
        const kv = txn.kv ?? this.core.kv.begin({ isolation: txn.isolation, readOnly: false, consistency: { kind: 'strong' } });
        const next = await this.core.catalog.stage(kv, txn.ddlBase, txn.ops);
        await kv.commit();
        this.core.catalog.install(next);
      } else if (txn.kv) {
        await txn.kv.commit();
      }
    } catch (err) {
      if (txn.kv && txn.kv.state === 'open') await txn.kv.rollback();
      this.reportSettings(sink, this.settings.restore(txn.settingsAtStart));
      throw err;
    } finally {
      this.endPrivateEnumTypes();
    }
    this.reportSettings(sink, this.settings.endTransaction());
  }

  private async rollbackTxn(sink?: ResultSink): Promise<void> {
    const txn = this.txn;
    this.txn = undefined;
    this.failed = false;
    if (!txn) return;
    await this.cursors.atRollback();
    if (txn.kv && txn.kv.state === 'open') await txn.kv.rollback();
    this.endPrivateEnumTypes();
    this.reportSettings(sink, this.settings.restore(txn.settingsAtStart));
    this.reportSettings(sink, this.settings.endTransaction());
  }

  /** After an error: an explicit block becomes failed; an implicit transaction is rolled back. */
  private async onError(): Promise<void> {
    if (!this.txn) return;
    if (this.txn.implicit) await this.rollbackTxn();
    else this.failed = true;
  }

  private reportSettings(sink: ResultSink | undefined, changes: readonly SettingChange[]): void {
    if (!sink) return;
    for (const c of changes) sink.parameterStatus(c.name, c.value);
  }

  // ─── utility statements ─────────────────────────────────────────────────────────────────

  /** Result columns of a non-query statement, or null when it returns no rows. */
  private utilityColumns(s: A.Statement): readonly ResultColumn[] | null {
    switch (s.kind) {
      case 'Show':
        if (s.name === 'all') return [textColumn('name'), textColumn('setting'), textColumn('description')];
        return [textColumn(this.showColumnName(s.name))];
      case 'Explain':
        return [textColumn('QUERY PLAN')];
      case 'ShowSchemaVersion':
        return [
          { name: 'node_id', type: sqlType(Oid.int4), tableOid: 0, attnum: 0 },
          { name: 'schema_version', type: sqlType(Oid.int8), tableOid: 0, attnum: 0 },
          { name: 'applied_version', type: sqlType(Oid.int8), tableOid: 0, attnum: 0 },
        ];
      case 'Execute': {
        const stmt = this.statements.get(s.name);
        if (stmt?.parsed && isQuery(stmt.parsed.statement)) return this.currentPlan(stmt).columns;
        return null;
      }
      case 'Fetch':
        return s.move ? null : this.cursors.columns(s.name);
      default:
        return null;
    }
  }

  private showColumnName(name: string): string {
    if (Settings.isTransactionParam(name)) return name.toLowerCase();
    try {
      return this.settings.show(name).column;
    } catch {
      return name;
    }
  }

  private async runUtility(
    s: A.Statement,
    p: A.ParsedStatement,
    sink: ResultSink,
    signal: AbortSignal,
    inImplicitBlock: boolean,
  ): Promise<void> {
    if (isDdl(s)) return this.runDdl(s, sink, signal);
    switch (s.kind) {
      case 'Begin':
      case 'Commit':
      case 'Rollback':
      case 'Savepoint':
      case 'ReleaseSavepoint':
      case 'RollbackToSavepoint':
      case 'SetTransaction':
        return this.runTransactionStatement(s, sink);
      case 'Set':
        return this.runSet(s, sink);
      case 'Reset': {
        this.touchTxn();
        for (const c of this.settings.reset(s.name)) sink.parameterStatus(c.name, c.value);
        sink.commandComplete('RESET');
        return;
      }
      case 'Show':
        return this.runShow(s, sink);
      case 'Explain':
        return this.runExplain(s, sink, signal);
      case 'Copy': {
        const txn = await this.ensureTxn(s.direction === 'to', 'COPY FROM');
        const n = await runCopy(s, {
          sink,
          bind: this.bindContext(this.catalogForStatement(), []),
          exec: this.execContext(txn, signal),
          format: this.formatContext(),
        });
        sink.commandComplete(`COPY ${n}`);
        return;
      }
      case 'Prepare': {
        if (this.statements.has(s.name)) {
          throw new SqlError(SqlState.duplicatePreparedStatement, `prepared statement "${s.name}" already exists`);
        }
        const declared = s.paramTypes.map((t) => this.core.resolveType(t, this.catalogForStatement(), this.settings.searchPath));
        const stmt = this.newStatement(s.name, s.source, { statement: s.statement, text: s.source, offset: p.offset }, declared);
        if (isQuery(s.statement)) stmt.paramTypes = this.currentPlan(stmt).paramTypes;
        this.statements.set(s.name, stmt);
        sink.commandComplete('PREPARE');
        return;
      }
      case 'Execute':
        return this.runExecute(s, sink, signal, inImplicitBlock);
      case 'Deallocate': {
        if (s.name === undefined) this.statements.clear();
        else if (!this.statements.delete(s.name)) {
          throw new SqlError(SqlState.invalidSqlStatementName, `prepared statement "${s.name}" does not exist`);
        }
        sink.commandComplete(s.name === undefined ? 'DEALLOCATE ALL' : 'DEALLOCATE');
        return;
      }
      case 'Vacuum':
        return this.runVacuum(s, sink, signal, inImplicitBlock);
      case 'Discard': {
        if (this.txn && !this.txn.implicit) {
          throw new SqlError(SqlState.activeSqlTransaction, `DISCARD ${s.target.toUpperCase()} cannot run inside a transaction block`);
        }
        if (s.target === 'all' || s.target === 'plans') {
          this.planCache.clear();
          for (const st of this.statements.values()) st.plan = undefined;
        }
        if (s.target === 'all') {
          this.statements.clear();
          this.portals.clear();
          await this.cursors.closeAll();
          for (const c of this.settings.reset('all')) sink.parameterStatus(c.name, c.value);
        }
        if (s.target === 'all' || s.target === 'sequences') {
          this.execState.sequenceValues.clear();
          this.execState.lastSequenceOid = undefined;
        }
        sink.commandComplete(`DISCARD ${s.target.toUpperCase()}`);
        return;
      }
      case 'ShowSchemaVersion': {
        const v = BigInt(this.core.catalog.current().version);
        sink.rowDescription(describeColumns(this.utilityColumns(s)!));
        sink.dataRow(encodeRow(this.utilityColumns(s)!, [this.core.nodeId, v, v], [], this.formatContext()));
        sink.commandComplete('SHOW 1');
        return;
      }
      case 'ShowNodes':
      case 'ShowRanges':
      case 'ShowRouting':
        throw new SqlError(
          SqlState.featureNotSupported,
          `${s.kind === 'ShowNodes' ? 'SHOW NODES' : s.kind === 'ShowRanges' ? 'SHOW RANGES' : 'SHOW ROUTING'} is not available yet: this build runs a single node without ranges`,
        );
      case 'CloseCursor':
        return this.cursors.close(s, sink);
      case 'DeclareCursor':
        return this.runDeclare(s, sink, inImplicitBlock, [], []);
      case 'Fetch':
        return this.cursors.fetch(s, { sink, describe: true, formats: undefined, format: this.formatContext(), signal });
      case 'Unlisten':
        // LISTEN is not supported, so no channel is ever listened to: UNLISTEN (any) removes nothing.
        sink.commandComplete('UNLISTEN');
        return;
      case 'Listen':
      case 'Notify':
        throw new SqlError(SqlState.featureNotSupported, `${s.kind.toUpperCase()} is not supported yet`);
      case 'Select':
      case 'Values':
      case 'SetOp':
      case 'Insert':
      case 'Update':
      case 'Delete':
        throw new SqlError(SqlState.internalError, 'query routed to the utility path');
      default:
        return assertNever(s, 'statement');
    }
  }

  /** Statements that do not read data still belong to the transaction (SET is undone by ROLLBACK). */
  private touchTxn(): void {
    if (!this.txn) this.beginTxn(true);
  }

  private async runTransactionStatement(
    s: Extract<A.Statement, { kind: 'Begin' | 'Commit' | 'Rollback' | 'Savepoint' | 'ReleaseSavepoint' | 'RollbackToSavepoint' | 'SetTransaction' }>,
    sink: ResultSink,
  ): Promise<void> {
    switch (s.kind) {
      case 'Begin': {
        if (this.txn && !this.txn.implicit) {
          sink.notice({ severity: 'WARNING', code: SqlState.activeSqlTransaction, message: 'there is already a transaction in progress' });
        } else {
          // BEGIN inside a multi-statement query turns its implicit transaction into a block.
          const txn = this.txn ?? this.beginTxn(false);
          txn.implicit = false;
        }
        this.applyModes(s.modes);
        sink.commandComplete('BEGIN');
        return;
      }
      case 'Commit': {
        const wasFailed = this.failed;
        const modes = this.chainModes(s.chain, 'COMMIT AND CHAIN');
        if (!this.txn || this.txn.implicit) {
          sink.notice({ severity: 'WARNING', code: SqlState.noActiveSqlTransaction, message: 'there is no transaction in progress' });
          if (this.txn) await this.commitTxn(sink);
        } else if (wasFailed) {
          await this.rollbackTxn(sink);
        } else {
          await this.commitTxn(sink);
        }
        sink.commandComplete(wasFailed ? 'ROLLBACK' : 'COMMIT');
        if (modes) this.chain(modes);
        return;
      }
      case 'Rollback': {
        const modes = this.chainModes(s.chain, 'ROLLBACK AND CHAIN');
        if (!this.txn || this.txn.implicit) {
          sink.notice({ severity: 'WARNING', code: SqlState.noActiveSqlTransaction, message: 'there is no transaction in progress' });
        }
        await this.rollbackTxn(sink);
        sink.commandComplete('ROLLBACK');
        if (modes) this.chain(modes);
        return;
      }
      case 'Savepoint': {
        const txn = this.requireBlock('SAVEPOINT');
        txn.savepoints.push({
          name: s.name,
          kvSavepoint: txn.kv?.savepoint(),
          opsLength: txn.ops.length,
          overlay: txn.overlay,
          ddlBase: txn.ddlBase,
          settings: this.settings.snapshot(),
        });
        this.cursors.savepoint(txn.savepoints[txn.savepoints.length - 1]!);
        sink.commandComplete('SAVEPOINT');
        return;
      }
      case 'ReleaseSavepoint': {
        const txn = this.requireBlock('RELEASE SAVEPOINT');
        const i = this.findSavepoint(txn, s.name);
        txn.savepoints.length = i;
        sink.commandComplete('RELEASE');
        return;
      }
      case 'RollbackToSavepoint': {
        const txn = this.requireBlock('ROLLBACK TO SAVEPOINT');
        const i = this.findSavepoint(txn, s.name);
        const sp = txn.savepoints[i]!;
        txn.savepoints.length = i + 1;
        if (txn.kv) {
          if (sp.kvSavepoint === undefined) {
            // The KV transaction started after the savepoint: everything it wrote is undone.
            txn.kv.rollbackToSavepoint(0);
          } else txn.kv.rollbackToSavepoint(sp.kvSavepoint);
        }
        await this.cursors.rollbackTo(sp);
        txn.ops.length = sp.opsLength;
        txn.overlay = sp.overlay;
        txn.ddlBase = sp.ddlBase;
        this.reportSettings(sink, this.settings.restore(sp.settings));
        this.failed = false;
        sink.commandComplete('ROLLBACK');
        return;
      }
      case 'SetTransaction': {
        if (s.session) {
          if (s.modes.isolation) this.settings.set('default_transaction_isolation', [s.modes.isolation], false);
          if (s.modes.readOnly !== undefined) this.settings.set('default_transaction_read_only', [s.modes.readOnly ? 'on' : 'off'], false);
        } else {
          if (!this.txn || this.txn.implicit) {
            sink.notice({ severity: 'WARNING', code: SqlState.noActiveSqlTransaction, message: 'SET TRANSACTION can only be used in transaction blocks' });
          } else this.applyModes(s.modes);
        }
        sink.commandComplete('SET');
        return;
      }
      default:
        return assertNever(s, 'transaction statement');
    }
  }

  /** AND CHAIN: the ending block's characteristics, to start the next one with (25P01 outside a block). */
  private chainModes(chain: boolean, what: string): { isolation: TxnOptions['isolation']; readOnly: boolean } | undefined {
    if (!chain) return undefined;
    if (!this.txn || this.txn.implicit) throw new SqlError(SqlState.noActiveSqlTransaction, `${what} can only be used in transaction blocks`);
    return { isolation: this.txn.isolation, readOnly: this.txn.readOnly };
  }

  private chain(modes: { isolation: TxnOptions['isolation']; readOnly: boolean }): void {
    const txn = this.beginTxn(false);
    txn.isolation = modes.isolation;
    txn.readOnly = modes.readOnly;
  }

  private applyModes(modes: A.TransactionModes): void {
    const txn = this.txn;
    assert(txn !== undefined, 'modes without a transaction');
    if (modes.isolation) {
      if (txn.kv && txn.anyStatement) {
        throw new SqlError(SqlState.activeSqlTransaction, 'SET TRANSACTION ISOLATION LEVEL must be called before any query');
      }
      txn.isolation = modes.isolation === 'serializable' ? 'serializable' : modes.isolation === 'repeatable read' ? 'repeatable read' : 'read committed';
    }
    if (modes.readOnly !== undefined) {
      if (!modes.readOnly && txn.readOnly && txn.anyStatement) {
        throw new SqlError(SqlState.activeSqlTransaction, 'transaction read-write mode must be set before any query');
      }
      txn.readOnly = modes.readOnly;
    }
  }

  private requireBlock(what: string): ActiveTxn {
    if (!this.txn || this.txn.implicit) {
      throw new SqlError(SqlState.noActiveSqlTransaction, `${what} can only be used in transaction blocks`);
    }
    return this.txn;
  }

  private findSavepoint(txn: ActiveTxn, name: string): number {
    for (let i = txn.savepoints.length - 1; i >= 0; i--) if (txn.savepoints[i]!.name === name) return i;
    throw new SqlError('3B001', `savepoint "${name}" does not exist`);
  }

  private runSet(s: A.SetStmt, sink: ResultSink): void {
    if (Settings.isTransactionParam(s.name)) {
      const value = s.value === 'default' ? undefined : s.value.join(' ');
      if (s.name === 'transaction_isolation' && value) {
        if (this.txn && !this.txn.implicit) this.applyModes({ isolation: value.toLowerCase() as A.IsolationLevel });
      } else if (s.name === 'transaction_read_only' && value) {
        if (this.txn && !this.txn.implicit) this.applyModes({ readOnly: ['on', 'true', '1', 'yes'].includes(value.toLowerCase()) });
      }
      sink.commandComplete('SET');
      return;
    }
    this.touchTxn();
    if (s.local && (!this.txn || this.txn.implicit)) {
      sink.notice({ severity: 'WARNING', code: SqlState.noActiveSqlTransaction, message: 'SET LOCAL can only be used in transaction blocks' });
    }
    const change = this.settings.set(s.name, s.value, s.local);
    if (change) sink.parameterStatus(change.name, change.value);
    sink.commandComplete('SET');
  }

  private runShow(s: A.ShowStmt, sink: ResultSink): void {
    const fmt = this.formatContext();
    const cols = this.utilityColumns(s)!;
    let rows: string[][];
    if (s.name === 'all') rows = this.settings.showAll();
    else if (Settings.isTransactionParam(s.name)) {
      rows = [[this.transactionParamValue(s.name)]];
    } else rows = [[this.settings.show(s.name).value]];
    sink.rowDescription(describeColumns(cols));
    for (const r of rows) sink.dataRow(encodeRow(cols, r, [], fmt));
    sink.commandComplete('SHOW');
  }

  /** transaction_isolation / transaction_read_only / transaction_deferrable of the current (or next) transaction. */
  private transactionParamValue(name: string): string {
    const txn = this.txn;
    switch (name.toLowerCase()) {
      case 'transaction_isolation':
        return txn?.isolation ?? this.settings.get('default_transaction_isolation');
      case 'transaction_read_only':
        return (txn?.readOnly ?? this.settings.get('default_transaction_read_only') === 'on') ? 'on' : 'off';
      default:
        return 'off';
    }
  }

  private async runExplain(s: A.ExplainStmt, sink: ResultSink, signal: AbortSignal): Promise<void> {
    if (!isQuery(s.statement)) throw new SqlError(SqlState.featureNotSupported, `EXPLAIN of ${s.statement.kind} is not supported`);
    if (s.format !== 'text') throw new SqlError(SqlState.featureNotSupported, 'EXPLAIN (FORMAT JSON) is not supported yet');
    const stmt = this.newStatement('', '', { statement: s.statement, text: '', offset: 0 }, []);
    const q = this.currentPlan(stmt);
    const txn = await this.ensureTxn(q.readOnly || !s.analyze);
    const lines = await explainQuery(q, { analyze: s.analyze, verbose: s.verbose, costs: s.costs }, [], this.execContext(txn, signal));
    const cols = this.utilityColumns(s)!;
    sink.rowDescription(describeColumns(cols));
    const fmt = this.formatContext();
    for (const line of lines) sink.dataRow(encodeRow(cols, [line], [], fmt));
    sink.commandComplete('EXPLAIN');
  }

  private async runExecute(s: A.ExecuteStmt, sink: ResultSink, signal: AbortSignal, inImplicitBlock: boolean): Promise<void> {
    const stmt = this.statements.get(s.name);
    if (!stmt) throw new SqlError(SqlState.invalidSqlStatementName, `prepared statement "${s.name}" does not exist`);
    if (!stmt.parsed) {
      sink.emptyQuery();
      return;
    }
    if (!isQuery(stmt.parsed.statement)) {
      if (s.params.length > 0) throw new SqlError(SqlState.syntaxError, 'wrong number of parameters for prepared statement');
      return this.runUtility(stmt.parsed.statement, stmt.parsed, sink, signal, inImplicitBlock);
    }
    const q = this.currentPlan(stmt);
    if (s.params.length !== q.paramTypes.length) {
      throw new SqlError(
        SqlState.syntaxError,
        `wrong number of parameters for prepared statement "${s.name}"`,
        { detail: `Expected ${q.paramTypes.length} parameters but got ${s.params.length}.` },
      );
    }
    // Parameters are expressions: evaluate them with a one-row SELECT through the engine.
    const params = await this.evaluateParams(s.params, q.paramTypes, signal);
    await this.runQuery(stmt, params, [], sink, signal, undefined);
  }

  private async evaluateParams(exprs: readonly A.Expr[], types: readonly SqlType[], signal: AbortSignal): Promise<Datum[]> {
    if (exprs.length === 0) return [];
    const select: A.SimpleSelect = {
      kind: 'Select',
      targets: exprs.map((e, i) => ({
        kind: 'ResTarget',
        expr: { kind: 'Cast', arg: e, type: this.core.typeNameOf(types[i]!, this.catalogForStatement()), location: -1 },
        location: -1,
      })),
      from: [],
      groupBy: [],
      groupByDistinct: false,
      windows: [],
      orderBy: [],
      limitWithTies: false,
      locking: [],
    };
    const q = prepareQuery(select, this.bindContext(this.catalogForStatement(), []));
    const txn = await this.ensureTxn(true);
    const exec = executeQuery(q, [], this.execContext(txn, signal));
    const rows = await exec.fetch(1);
    await exec.close();
    assert(rows.length === 1, 'parameter evaluation returned no row');
    return [...rows[0]!];
  }

  /** DECLARE: binds and plans the query, then starts it; rows are read by FETCH (sql/cursor.ts). */
  private async runDeclare(
    s: A.DeclareCursorStmt,
    sink: ResultSink,
    inImplicitBlock: boolean,
    params: readonly Datum[],
    paramTypes: readonly SqlType[],
  ): Promise<void> {
    const q = this.currentPlan(this.cursorQueryStatement(s, paramTypes));
    CursorSet.checkDeclare(s, q);
    if (!s.hold && (!this.txn || this.txn.implicit) && !inImplicitBlock) {
      throw new SqlError(SqlState.noActiveSqlTransaction, 'DECLARE CURSOR can only be used in transaction blocks');
    }
    this.cursors.checkName(s.name);
    const txn = await this.ensureTxn(q.readOnly, 'SELECT');
    // The cursor outlives this statement: its execution gets its own abort signal, which FETCH forwards cancels to.
    const abort = new AbortController();
    // It reads as of now (its own snapshot), however late FETCH comes.
    const execution = executePinned(this.execContext(txn, abort.signal), (ctx) => executeQuery(q, params, ctx));
    this.cursors.declare({ stmt: s, statement: this.currentQuery, query: q, execution, abort, creationMicros: nowMicros() });
    sink.commandComplete('DECLARE CURSOR');
  }

  /**
   * UPDATE/DELETE ... WHERE CURRENT OF c: the statement again with WHERE on the table's primary
   * key equal to the cursor's current row (parameters), planned for this execution only.
   */
  private async runCurrentOf(s: A.UpdateStmt | A.DeleteStmt, p: A.ParsedStatement, sink: ResultSink, signal: AbortSignal): Promise<void> {
    const cursor = s.currentOf;
    assert(cursor !== undefined, 'WHERE CURRENT OF without a cursor');
    const names = s.table.schema === undefined ? [s.table.name] : [s.table.schema, s.table.name];
    const table = this.catalogForStatement().resolveTable(this.settings.searchPath, names, this.startup.user);
    const key = [table.primaryIndex, ...table.indexes].find((i) => i.primary)?.columns.map((c) => c.attnum) ?? [];
    const values = this.cursors.currentRow(cursor, table, key);
    const alias = s.table.alias?.name ?? s.table.name;
    const columns = key.map((a) => table.columns.find((c) => c.attnum === a)!);
    const conds: A.Expr[] = columns.map((c, i) => ({
      kind: 'BinaryOp',
      op: '=',
      left: { kind: 'ColumnRef', names: [alias, c.name], location: -1 },
      right: { kind: 'ParamRef', number: i + 1, location: -1 },
      location: -1,
    }));
    const where: A.Expr = conds.length === 1 ? conds[0]! : { kind: 'BoolExpr', op: 'and', args: conds, location: -1 };
    const { currentOf: _cursor, ...rest } = s;
    const statement: A.UpdateStmt | A.DeleteStmt = { ...rest, where };
    const stmt = this.newStatement('', p.text, { statement, text: p.text, offset: p.offset }, columns.map((c) => c.type));
    await this.runQuery(stmt, values, [], sink, signal, undefined);
  }

  /** The query of a DECLARE as a statement to plan. */
  private cursorQueryStatement(s: A.DeclareCursorStmt, paramTypes: readonly SqlType[]): PreparedStatement {
    return this.newStatement('', this.currentQuery, { statement: s.query, text: this.currentQuery, offset: 0 }, paramTypes);
  }

  private async runVacuum(s: A.VacuumStmt, sink: ResultSink, signal: AbortSignal, inImplicitBlock: boolean): Promise<void> {
    const what = s.vacuum ? 'VACUUM' : 'ANALYZE';
    if (s.vacuum && ((this.txn && !this.txn.implicit) || inImplicitBlock)) {
      throw new SqlError(SqlState.activeSqlTransaction, 'VACUUM cannot run inside a transaction block');
    }
    if (s.vacuum) {
      const catalog = this.catalogForStatement();
      if (s.tables.length === 0) await this.core.kv.gc();
      for (const t of s.tables) {
        const table = catalog.resolveTable(this.settings.searchPath, t.schema ? [t.schema, t.name] : [t.name], this.startup.user);
        await this.core.kv.gc(this.core.tableSpan(table.oid));
      }
    }
    if (s.analyze) {
      const txn = await this.ensureTxn(false);
      await analyzeTables(s.tables.length === 0 ? 'all' : s.tables, this.execContext(txn, signal));
    }
    sink.commandComplete(what);
  }

  private async runDdl(s: A.DdlStatement, sink: ResultSink, signal: AbortSignal): Promise<void> {
    const txn = await this.ensureTxn(false, ddlCommandName(s));
    const base = txn.overlay ?? this.core.catalog.current();
    const exec = this.execContext(txn, signal);
    const result = await executeDdl(s, {
      catalog: base,
      searchPath: this.settings.searchPath,
      user: this.startup.user,
      txn: exec.txn,
      kv: this.core.kv,
      data: engineDdlData({ searchPath: this.settings.searchPath, exec }),
      lockOptions: { lockTimeoutMs: this.settings.lockTimeoutMs, signal },
    });
    if (result.ops.length > 0) {
      txn.ddlBase ??= base;
      txn.ops.push(...result.ops);
      txn.overlay = result.state;
    }
    for (const n of result.notices) sink.notice(n);
    sink.commandComplete(result.commandTag);
  }
}

/** The command name PostgreSQL uses in "cannot execute X in a read-only transaction". */
function ddlCommandName(s: A.DdlStatement): string {
  switch (s.kind) {
    case 'CreateTable':
      return 'CREATE TABLE';
    case 'CreateIndex':
      return 'CREATE INDEX';
    case 'Drop':
      return `DROP ${s.objectKind.toUpperCase()}`;
    case 'AlterTable':
      return 'ALTER TABLE';
    case 'Rename':
      return `ALTER ${s.objectKind.toUpperCase()}`;
    case 'CreateSchema':
      return 'CREATE SCHEMA';
    case 'CreateSequence':
      return 'CREATE SEQUENCE';
    case 'AlterSequence':
      return 'ALTER SEQUENCE';
    case 'CreateView':
      return 'CREATE VIEW';
    case 'Truncate':
      return 'TRUNCATE TABLE';
    case 'Comment':
      return 'COMMENT';
    case 'CreateEnum':
      return 'CREATE TYPE';
    case 'AlterEnum':
      return 'ALTER TYPE';
    default:
      return assertNever(s, 'DDL statement');
  }
}

function allowedInFailedBlock(s: A.Statement): boolean {
  return s.kind === 'Commit' || s.kind === 'Rollback' || s.kind === 'RollbackToSavepoint';
}

function abortedError(): SqlError {
  return new SqlError(SqlState.inFailedSqlTransaction, 'current transaction is aborted, commands ignored until end of transaction block');
}

function commandTag(q: PreparedQuery, rows: number): string {
  return q.commandTag === 'INSERT' ? `INSERT 0 ${rows}` : `${q.commandTag} ${rows}`;
}

function sameTypes(a: readonly SqlType[], b: readonly SqlType[]): boolean {
  return a.length === b.length && a.every((t, i) => t.oid === b[i]!.oid);
}

/**
 * Test-only mini engine: a temp-dir local KV, the bootstrap catalog, DDL through sql/ddl with
 * the engine's DdlDataOps, and queries through the public API (prepareQuery/executeQuery).
 * Each TestSession has its own transaction state, so tests can interleave sessions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Isolation, Txn } from '../../cluster/kv/api.js';
import { openLocalKv, type LocalKv } from '../../cluster/kv/local.js';
import { bootstrapState } from '../../catalog/bootstrap.js';
import type { CatalogState } from '../../catalog/state.js';
import { SqlError, SqlState } from '../../util/errors.js';
import type { DdlStatement, Statement } from '../ast.js';
import { executeDdl } from '../ddl/execute.js';
import { initParser, parseSql } from '../parser/index.js';
import {
  explainQuery,
  executeQuery,
  newSessionState,
  prepareQuery,
  type ExecContext,
  type PreparedQuery,
  type SessionState,
} from '../plan/api.js';
import { defaultFormatContext, defaultVersionString, sqlType, type Datum, type EvalContext, type SqlType } from '../types/index.js';
import { engineDdlData } from './ddl-data.js';

const ddlKinds = new Set<Statement['kind']>([
  'CreateTable', 'CreateIndex', 'Drop', 'AlterTable', 'Rename', 'CreateSchema', 'CreateSequence', 'AlterSequence',
  'CreateView', 'Truncate', 'Comment', 'CreateEnum', 'AlterEnum',
]);

const microsFrom2000 = 946684800000n * 1000n;

export function testEvalContext(): EvalContext {
  const now = BigInt(Date.now()) * 1000n - microsFrom2000;
  return {
    ...defaultFormatContext,
    txnTimestampMicros: now,
    statementTimestampMicros: now,
    clockTimestampMicros: () => BigInt(Date.now()) * 1000n - microsFrom2000,
    random: Math.random,
    versionString: defaultVersionString,
  };
}

export interface QueryResult {
  readonly tag: string;
  readonly rows: readonly Datum[][];
  readonly columns: readonly string[];
  readonly rowCount: number;
  readonly prepared?: PreparedQuery;
}

export class TestDb {
  state: CatalogState = bootstrapState();
  private constructor(
    readonly kv: LocalKv,
    private readonly dir: string,
  ) {}

  static async open(): Promise<TestDb> {
    await initParser();
    const dir = mkdtempSync(join(tmpdir(), 'nodedb-exec-'));
    return new TestDb(await openLocalKv({ dir }), dir);
  }

  session(): TestSession {
    return new TestSession(this);
  }

  async close(): Promise<void> {
    await this.kv.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export class TestSession {
  readonly session: SessionState = newSessionState('postgres', 'postgres');
  private txn: Txn | undefined;
  /** Wraps each statement's Txn (e.g. to count KV calls). */
  wrapTxn: (t: Txn) => Txn = (t) => t;
  /** work_mem and spill directory of the statements (ExecContext.workMemBytes / tempDir); unset = defaults. */
  workMemBytes: number | undefined;
  tempDir: string | undefined;
  constructor(readonly db: TestDb) {}

  begin(isolation: Isolation = 'read committed'): void {
    this.txn = this.db.kv.begin({ isolation, readOnly: false, consistency: { kind: 'strong' } });
  }

  async commit(): Promise<void> {
    const t = this.txn;
    this.txn = undefined;
    await t?.commit();
  }

  async rollback(): Promise<void> {
    const t = this.txn;
    this.txn = undefined;
    await t?.rollback();
  }

  execContext(txn: Txn): ExecContext {
    return {
      txn: this.wrapTxn(txn),
      kv: this.db.kv,
      catalog: this.db.state,
      eval: testEvalContext(),
      signal: new AbortController().signal,
      session: this.session,
      searchPath: ['$user', 'public'],
      ...(this.workMemBytes === undefined ? {} : { workMemBytes: this.workMemBytes }),
      ...(this.tempDir === undefined ? {} : { tempDir: this.tempDir }),
    };
  }

  /** Prepares one statement (param types as declared; 0 = infer). */
  prepare(sql: string, paramTypes: readonly SqlType[] = []): PreparedQuery {
    const parsed = parseSql(sql);
    const stmt = parsed[0]!.statement;
    if (stmt.kind !== 'Select' && stmt.kind !== 'Values' && stmt.kind !== 'SetOp' && stmt.kind !== 'Insert' && stmt.kind !== 'Update' && stmt.kind !== 'Delete') {
      throw new Error(`not a query: ${stmt.kind}`);
    }
    return prepareQuery(stmt, { catalog: this.db.state, searchPath: ['$user', 'public'], paramTypes });
  }

  async execPrepared(q: PreparedQuery, params: readonly Datum[] = []): Promise<QueryResult> {
    return this.inTxn(async (txn) => {
      txn.stepStatement();
      const e = executeQuery(q, params, this.execContext(txn));
      const rows: Datum[][] = [];
      while (!e.done) rows.push(...(await e.fetch(100)));
      await e.close();
      return { tag: q.commandTag, rows, columns: q.columns?.map((c) => c.name) ?? [], rowCount: e.rowCount, prepared: q };
    });
  }

  /** Runs every statement of `sql`; returns the last result. */
  async exec(sql: string, params: readonly Datum[] = []): Promise<QueryResult> {
    let last: QueryResult = { tag: '', rows: [], columns: [], rowCount: 0 };
    for (const p of parseSql(sql)) last = await this.execStatement(p.statement, params);
    return last;
  }

  private async execStatement(stmt: Statement, params: readonly Datum[]): Promise<QueryResult> {
    if (ddlKinds.has(stmt.kind)) {
      return this.inTxn(async (txn) => {
        const r = await executeDdl(stmt as DdlStatement, {
          catalog: this.db.state, searchPath: ['$user', 'public'], user: 'postgres', txn, kv: this.db.kv, data: engineDdlData(),
        });
        this.db.state = r.state;
        return { tag: r.commandTag, rows: [], columns: [], rowCount: 0 };
      });
    }
    switch (stmt.kind) {
      case 'Select':
      case 'Values':
      case 'SetOp':
      case 'Insert':
      case 'Update':
      case 'Delete': {
        const q = prepareQuery(stmt, {
          catalog: this.db.state, searchPath: ['$user', 'public'], paramTypes: params.map(() => sqlType(0)),
        });
        return this.execPrepared(q, params);
      }
      case 'Explain': {
        const inner = stmt.statement;
        if (inner.kind !== 'Select' && inner.kind !== 'Insert' && inner.kind !== 'Update' && inner.kind !== 'Delete' && inner.kind !== 'Values') {
          throw new SqlError(SqlState.featureNotSupported, 'EXPLAIN of this statement');
        }
        const q = prepareQuery(inner, { catalog: this.db.state, searchPath: ['$user', 'public'], paramTypes: [] });
        return this.inTxn(async (txn) => {
          const lines = await explainQuery(q, { analyze: stmt.analyze, verbose: stmt.verbose, costs: stmt.costs }, params, this.execContext(txn));
          return { tag: 'EXPLAIN', rows: lines.map((l) => [l]), columns: ['QUERY PLAN'], rowCount: lines.length };
        });
      }
      default:
        throw new SqlError(SqlState.featureNotSupported, `test session cannot run ${stmt.kind}`);
    }
  }

  private async inTxn<T>(f: (txn: Txn) => Promise<T>): Promise<T> {
    if (this.txn !== undefined) return f(this.txn);
    const txn = this.db.kv.begin({ isolation: 'read committed', readOnly: false, consistency: { kind: 'strong' } });
    try {
      const r = await f(txn);
      await txn.commit();
      return r;
    } catch (e) {
      await txn.rollback();
      throw e;
    }
  }
}

/** Event-loop turns a statement gets in `stillWaiting` before it must still be waiting. */
const stillWaitingTurns = 50;

/** A statement started on a session, tracked to see whether it waits (lock tests). */
export interface Tracked {
  readonly done: () => boolean;
  readonly result: Promise<readonly Datum[][]>;
}

/** Runs `sql` on `s` and tracks whether it finished (to see that it waits). */
export function track(s: TestSession, sql: string): Tracked {
  let finished = false;
  const result = s.exec(sql).then(
    (r) => {
      finished = true;
      return r.rows;
    },
    (e: unknown) => {
      finished = true;
      throw e;
    },
  );
  return { done: () => finished, result };
}

/** Gives a waiting statement many turns of the event loop; it must still be waiting (else this throws). */
export async function stillWaiting(t: Pick<Tracked, 'done'>): Promise<void> {
  for (let i = 0; i < stillWaitingTurns; i++) await new Promise((r) => setImmediate(r));
  if (t.done()) throw new Error('expected the statement to be still waiting, it finished');
}

/** The SqlError a promise rejects with (fails the test when it resolves). */
export async function sqlErrorOf(p: Promise<unknown>): Promise<SqlError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SqlError) return e;
    throw e;
  }
  throw new Error('expected a SqlError');
}

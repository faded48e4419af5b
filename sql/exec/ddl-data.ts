/**
 * The engine side of DDL (sql/ddl DdlDataOps): binding DEFAULT/CHECK expressions the way DML
 * does, index backfill and constraint validation over existing rows, attmissingval for
 * ADD COLUMN ... DEFAULT. All row access goes through ./table.ts.
 */
import type { Txn } from '../../cluster/kv/api.js';
import type { ColumnDescriptor, IndexDescriptor, StoredExpr, TableDescriptor } from '../../catalog/descriptors.js';
import type { CatalogState } from '../../catalog/state.js';
import { assert } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { noAggregates, Scope, type Binder } from '../bind/binder.js';
import type { BExpr } from '../bind/expr.js';
import { hasAsyncParts, isVolatile } from '../bind/walk.js';
import type { DdlDataOps, DdlExprPurpose, MissingValueResult } from '../ddl/context.js';
import { newBinder } from '../plan/prepare.js';
import { newSessionState, type ExecContext } from '../plan/api.js';
import { defaultFormatContext, defaultVersionString, formatText, formatType, Oid, type Datum, type EvalContext } from '../types/index.js';
import { compiled, evaluateSync, type Env } from './expr.js';
import { newEnv } from './execute.js';
import { validateForeignKeyRows } from './foreign-key.js';
import { indexEntry, indexSpan, indexValuesOf, scanTableRows, tableCodec, type IndexCodec } from './table.js';
import { bindGeneration, bindRewriteValues, rewriteTableRows } from './rewrite.js';

const defaultSearchPath = ['$user', 'public'];

/** The statement a DDL runs in: its search_path, and its execution context (session timestamps, cancel). */
export interface DdlDataContext {
  readonly searchPath: readonly string[];
  /** Absent in engine tests: a default context (UTC, no cancel) is used. */
  readonly exec?: ExecContext;
}
const microsFrom2000 = 946684800000n * 1000n;

function binderFor(ctx: DdlDataContext, state: CatalogState): Binder {
  return newBinder({ catalog: state, searchPath: ctx.searchPath, paramTypes: [] });
}

function tableScope(b: Binder, table: TableDescriptor): Scope {
  const scope = new Scope(null);
  scope.ranges.push(b.tableRange(table, table.name, '', 0, []));
  return scope;
}

function bindPurpose(ctx: DdlDataContext, state: CatalogState, table: TableDescriptor, expr: StoredExpr, purpose: DdlExprPurpose): BExpr {
  const b = binderFor(ctx, state);
  switch (purpose.kind) {
    case 'default': {
      const e = b.bind(expr.expr, new Scope(null), noAggregates('DEFAULT expressions'));
      return b.coerceAssign(e, purpose.type, purpose.column, -1, 'default expression');
    }
    case 'check': {
      const e = b.bind(expr.expr, tableScope(b, table), noAggregates('check constraints'));
      return b.coerceBool(e, 'CHECK', -1);
    }
    case 'generated':
      return bindGeneration(b, table, expr, purpose.type, purpose.column);
    case 'retypedDefault': {
      // PostgreSQL strips the implicit coercions of the stored default and casts what is left;
      // an untyped literal was stored as a constant of the old type.
      const e = b.bind(expr.expr, new Scope(null), noAggregates('DEFAULT expressions'));
      const stored = e.type.oid === Oid.unknown ? b.coerceAssign(e, purpose.from, purpose.column, -1, 'default expression') : e;
      const cast = b.tryCoerce(stored, purpose.type, 'assignment');
      if (cast !== undefined) return cast;
      throw new SqlError(SqlState.datatypeMismatch, `default for column "${purpose.column}" cannot be cast automatically to type ${formatType(purpose.type)}`);
    }
  }
}

function nowEvalContext(): EvalContext {
  const micros = BigInt(Date.now()) * 1000n - microsFrom2000;
  return {
    ...defaultFormatContext,
    txnTimestampMicros: micros,
    statementTimestampMicros: micros,
    clockTimestampMicros: () => BigInt(Date.now()) * 1000n - microsFrom2000,
    random: Math.random,
    versionString: defaultVersionString,
  };
}

/** An Env for evaluating DDL-time expressions (no parameters). */
function ddlEnv(ctx: DdlDataContext, state: CatalogState, txn: Txn | undefined): Env {
  const base: ExecContext = ctx.exec ?? {
    txn: txn as Txn,
    kv: undefined as never,
    catalog: state,
    eval: nowEvalContext(),
    signal: new AbortController().signal,
    session: newSessionState('postgres', 'postgres'),
  };
  return newEnv([], { ...base, catalog: state, txn: txn ?? base.txn });
}

function formatKey(ic: IndexCodec, row: readonly Datum[]): { names: string; values: string } {
  const names = ic.names.join(', ');
  const values = indexValuesOf(ic, row)
    .map((v, i) => (v === null ? 'null' : formatText(ic.keyColumns[i]!.type, v, defaultFormatContext)))
    .join(', ');
  return { names, values };
}

export function engineDdlData(ctx: DdlDataContext = { searchPath: defaultSearchPath }): DdlDataOps {
  const signal = ctx.exec?.signal;
  return {
    validateExpr(state, table, expr, purpose) {
      const bound = bindPurpose(ctx, state, table, expr, purpose);
      // Constants are coerced now, so `DEFAULT 'abc'` on an integer column fails at CREATE time as in PostgreSQL.
      if (purpose.kind === 'default' && !isVolatile(bound) && !hasAsyncParts(bound)) {
        evaluateSync(compiled(bound), [], ddlEnv(ctx, state, undefined));
      }
    },

    async tableHasRows(txn, state, table) {
      const codec = tableCodec(table, state);
      for await (const _kv of txn.scan(indexSpan(codec.primary), { limit: 1 })) return true;
      return false;
    },

    async backfillIndex(txn, state, table: TableDescriptor, index: IndexDescriptor) {
      const codec = tableCodec(table, state);
      const ic = codec.secondaries.find((s) => s.index.indexId === index.indexId);
      assert(ic !== undefined, `index ${index.name} is not on table ${table.name}`);
      for await (const row of scanTableRows(txn, codec, signal)) {
        const e = indexEntry(codec, ic, row);
        if (e === null) continue;
        if (e.unique && (await txn.get(e.key)) !== undefined) {
          const k = formatKey(ic, row);
          throw new SqlError(SqlState.uniqueViolation, `could not create unique index "${index.name}"`, {
            detail: `Key (${k.names})=(${k.values}) is duplicated.`,
            table: table.name,
            constraint: index.name,
          });
        }
        txn.put(e.key, e.value);
      }
    },

    async validateCheck(txn, state, table, name, check) {
      const bound = bindPurpose(ctx, state, table, check, { kind: 'check', constraint: name });
      const c = compiled(bound);
      const env = ddlEnv(ctx, state, txn);
      for await (const row of scanTableRows(txn, tableCodec(table, state), signal)) {
        if (evaluateSync(c, row, env) === false) {
          throw new SqlError(SqlState.checkViolation, `check constraint "${name}" of relation "${table.name}" is violated by some row`, {
            table: table.name,
            constraint: name,
          });
        }
      }
    },

    async validateForeignKey(txn, state, table, fk) {
      await validateForeignKeyRows(ddlEnv(ctx, state, txn), state, table, fk);
    },

    async validateNotNull(txn, state, table, column: ColumnDescriptor) {
      const slot = table.columns.findIndex((c) => c.attnum === column.attnum);
      assert(slot >= 0, `column ${column.name} is not in table ${table.name}`);
      for await (const row of scanTableRows(txn, tableCodec(table, state), signal)) {
        if (row[slot] === null) {
          throw new SqlError(SqlState.notNullViolation, `column "${column.name}" of relation "${table.name}" contains null values`, {
            table: table.name,
            column: column.name,
          });
        }
      }
    },

    checkRewrite(states, tables, values) {
      bindRewriteValues((state) => binderFor(ctx, state), states.before, tables, values);
    },

    async rewriteRows(txn, states, tables, values) {
      await rewriteTableRows({ txn, binder: (state) => binderFor(ctx, state), env: (state) => ddlEnv(ctx, state, txn), signal }, states, tables, values);
    },

    evaluateMissingValue(state, table, column, expr): MissingValueResult {
      const bound = bindPurpose(ctx, state, table, expr, { kind: 'default', type: column.type, column: column.name });
      if (isVolatile(bound) || hasAsyncParts(bound)) return { kind: 'volatile' };
      const v = evaluateSync(compiled(bound), [], ddlEnv(ctx, state, undefined));
      // Stored as text in the format sql/exec/table.ts reads it back with (defaultFormatContext).
      return { kind: 'constant', text: v === null ? null : formatText(column.type, v, defaultFormatContext) };
    },
  };
}

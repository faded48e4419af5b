/**
 * The data side of DDL (sql/ddl's DdlDataOps), built on the engine's binder and its table-access
 * module: expressions in DEFAULT/CHECK are bound exactly as DML binds them, and index backfill
 * and constraint validation read rows through sql/exec/table.ts, so DDL and DML never disagree
 * on how a row or an index entry looks.
 */
import type { ColumnDescriptor, IndexDescriptor, StoredExpr, TableDescriptor } from '../catalog/descriptors.js';
import type { CatalogState } from '../catalog/state.js';
import type { Txn } from '../cluster/kv/api.js';
import { SqlError, SqlState } from '../util/errors.js';
import { noAggregates, Scope, typeName, type ScopeColumn } from './bind/binder.js';
import type { BExpr } from './bind/expr.js';
import { hasAsyncParts, isVolatile } from './bind/walk.js';
import type { DdlDataOps, DdlExprPurpose, MissingValueResult } from './ddl/context.js';
import { newEnv } from './exec/execute.js';
import { compiled, evaluate, evaluateSync } from './exec/expr.js';
import { indexEntryOf, scanTableRows, tableCodec } from './exec/table.js';
import type { BindContext, ExecContext } from './plan/api.js';
import { newBinder } from './plan/prepare.js';
import { formatText, Oid, type Datum } from './types/index.js';

/** What the data operations need from the statement that runs the DDL. */
export interface DdlDataContext {
  readonly searchPath: readonly string[];
  /** An execution context for the statement (its txn is replaced by the one DDL passes). */
  readonly exec: ExecContext;
}

function tableScope(state: CatalogState, table: TableDescriptor): Scope {
  const scope = new Scope(null);
  const columns: ScopeColumn[] = [];
  table.columns.forEach((c, slot) => {
    if (c.dropped) return;
    columns.push({ name: c.name, type: c.type, slot, tableOid: table.oid, attnum: c.attnum, hidden: c.hidden });
  });
  scope.ranges.push({ alias: table.name, schema: state.schema(table.schemaOid)?.name, columns });
  return scope;
}

export function ddlDataOps(ctx: DdlDataContext): DdlDataOps {
  const bindCtx = (state: CatalogState): BindContext => ({ catalog: state, searchPath: ctx.searchPath, paramTypes: [] });
  const execFor = (txn: Txn, state: CatalogState): ExecContext => ({ ...ctx.exec, txn, catalog: state });

  const bindDefault = (state: CatalogState, column: { name: string; type: ColumnDescriptor['type'] }, expr: StoredExpr): BExpr => {
    const b = newBinder(bindCtx(state));
    const bound = b.bind(expr.expr, new Scope(null), noAggregates('DEFAULT expressions'));
    const r = b.tryCoerce(bound, column.type, 'assignment');
    if (r === undefined) {
      throw new SqlError(
        SqlState.datatypeMismatch,
        `column "${column.name}" is of type ${typeName(column.type)} but default expression is of type ${typeName(bound.type)}`,
        { hint: 'You will need to rewrite or cast the expression.' },
      );
    }
    return r;
  };

  const bindCheck = (state: CatalogState, table: TableDescriptor, expr: StoredExpr): BExpr => {
    const b = newBinder(bindCtx(state));
    const bound = b.bind(expr.expr, tableScope(state, table), noAggregates('check constraints'));
    if (bound.type.oid !== Oid.bool) {
      if (bound.type.oid === Oid.unknown) {
        const r = b.tryCoerce(bound, { oid: Oid.bool, typmod: -1 }, 'implicit');
        if (r) return r;
      }
      throw new SqlError(SqlState.datatypeMismatch, `argument of CHECK must be type boolean, not type ${typeName(bound.type)}`);
    }
    return bound;
  };

  return {
    validateExpr(state: CatalogState, table: TableDescriptor, expr: StoredExpr, purpose: DdlExprPurpose): void {
      switch (purpose.kind) {
        case 'default': {
          const e = bindDefault(state, { name: purpose.column, type: purpose.type }, expr);
          // Constants are coerced now, so `DEFAULT 'abc'` on an integer fails at CREATE time as in PostgreSQL.
          if (!isVolatile(e) && !hasAsyncParts(e)) evaluateSync(compiled(e), [], newEnv([], ctx.exec));
          return;
        }
        case 'check':
          bindCheck(state, table, expr);
          return;
        default: {
          const never: never = purpose;
          throw new SqlError(SqlState.internalError, `unexpected DDL expression purpose ${JSON.stringify(never)}`);
        }
      }
    },

    async tableHasRows(txn: Txn, state: CatalogState, table: TableDescriptor): Promise<boolean> {
      void state;
      for await (const row of scanTableRows(txn, tableCodec(table), ctx.exec.signal)) {
        void row;
        return true;
      }
      return false;
    },

    async backfillIndex(txn: Txn, state: CatalogState, table: TableDescriptor, index: IndexDescriptor): Promise<void> {
      void state;
      const codec = tableCodec(table);
      const ic = codec.secondaries.find((s) => s.index.indexId === index.indexId);
      if (!ic) throw new SqlError(SqlState.internalError, `index ${index.name} is not part of table ${table.name}`);
      const seen = new Set<string>();
      for await (const row of scanTableRows(txn, codec, ctx.exec.signal)) {
        const entry = indexEntryOf(codec, ic, row);
        if (entry.unique) {
          const k = Buffer.from(entry.key).toString('latin1');
          if (seen.has(k)) {
            const names = ic.slots.map((s) => table.columns[s]!.name).join(', ');
            const vals = ic.slots
              .map((s) => {
                const d = row[s]!;
                return d === null ? 'null' : formatText(table.columns[s]!.type, d, ctx.exec.eval);
              })
              .join(', ');
            throw new SqlError(SqlState.uniqueViolation, `could not create unique index "${index.name}"`, {
              detail: `Key (${names})=(${vals}) is duplicated.`,
              table: table.name,
              constraint: index.name,
            });
          }
          seen.add(k);
        }
        txn.put(entry.key, entry.value);
      }
    },

    async validateCheck(txn: Txn, state: CatalogState, table: TableDescriptor, name: string, check: StoredExpr): Promise<void> {
      const c = compiled(bindCheck(state, table, check));
      const env = newEnv([], execFor(txn, state));
      for await (const row of scanTableRows(txn, tableCodec(table), ctx.exec.signal)) {
        if ((await evaluate(c, row, env)) === false) {
          throw new SqlError(SqlState.checkViolation, `check constraint "${name}" of relation "${table.name}" is violated by some row`, {
            table: table.name,
            constraint: name,
          });
        }
      }
    },

    async validateNotNull(txn: Txn, state: CatalogState, table: TableDescriptor, column: ColumnDescriptor): Promise<void> {
      void state;
      const slot = table.columns.findIndex((c) => c.attnum === column.attnum);
      for await (const row of scanTableRows(txn, tableCodec(table), ctx.exec.signal)) {
        if (row[slot] === null) {
          throw new SqlError(SqlState.notNullViolation, `column "${column.name}" of relation "${table.name}" contains null values`, {
            table: table.name,
            column: column.name,
          });
        }
      }
    },

    evaluateMissingValue(state: CatalogState, table: TableDescriptor, column: ColumnDescriptor, expr: StoredExpr): MissingValueResult {
      void table;
      const e = bindDefault(state, column, expr);
      if (isVolatile(e) || hasAsyncParts(e)) return { kind: 'volatile' };
      const d: Datum = evaluateSync(compiled(e), [], newEnv([], ctx.exec));
      return { kind: 'constant', text: d === null ? null : formatText(column.type, d, { ...ctx.exec.eval, timeZone: 'UTC', dateStyle: 'ISO, MDY' }) };
    },
  };
}

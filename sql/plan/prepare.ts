/** prepareQuery: bind (sql/bind) then plan (./planner.ts) a query or DML statement once. */
import type { DeleteStmt, InsertStmt, SelectStmt, UpdateStmt } from '../ast.js';
import { assertNever } from '../../util/assert.js';
import { Binder, Scope, type SubqueryBinder } from '../bind/binder.js';
import { bindDelete, bindInsert, bindUpdate } from '../bind/dml.js';
import { bindQuery } from '../bind/select.js';
import { bindWithDml, markStatementWith, withDmlCtes } from '../bind/setop.js';
import type { BindContext, PreparedQuery } from './api.js';
import { planQuery } from './planner.js';

const bindSubquery: SubqueryBinder = (b, query, scope) => {
  const q = bindQuery(b, query, scope);
  return { plan: planQuery(q), columns: q.columns };
};

export function newBinder(ctx: BindContext): Binder {
  return new Binder(ctx, bindSubquery);
}

export function prepare(stmt: SelectStmt | InsertStmt | UpdateStmt | DeleteStmt, ctx: BindContext): PreparedQuery {
  const b = newBinder(ctx);
  const base = { schemaVersion: ctx.catalog.version };
  switch (stmt.kind) {
    case 'Select':
    case 'Values':
    case 'SetOp': {
      markStatementWith(b, stmt.with);
      const q = bindQuery(b, stmt, new Scope(null));
      const plan = withDmlCtes(b, planQuery(q));
      return Object.freeze({
        ...base,
        commandTag: 'SELECT' as const,
        paramTypes: b.paramTypes(),
        columns: q.columns,
        readOnly: b.readOnly,
        tables: [...b.tables],
        plan,
      });
    }
    case 'Insert':
    case 'Update':
    case 'Delete': {
      const d = bindWithDml(b, stmt.with, () =>
        stmt.kind === 'Insert'
          ? bindInsert(b, { ...stmt, with: undefined })
          : stmt.kind === 'Update'
            ? bindUpdate(b, { ...stmt, with: undefined })
            : bindDelete(b, { ...stmt, with: undefined }),
      );
      const commandTag = stmt.kind === 'Insert' ? ('INSERT' as const) : stmt.kind === 'Update' ? ('UPDATE' as const) : ('DELETE' as const);
      return Object.freeze({
        ...base,
        commandTag,
        paramTypes: b.paramTypes(),
        columns: d.columns,
        readOnly: false,
        tables: [...b.tables],
        plan: withDmlCtes(b, d.plan),
      });
    }
    default:
      return assertNever(stmt, 'statement');
  }
}

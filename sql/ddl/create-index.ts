/**
 * CREATE [UNIQUE] INDEX: plain columns, expression columns (`lower(email)`, `((a + b))`) and a
 * partial index predicate (`WHERE active`), validated as PostgreSQL 15 validates them (42P17 for
 * functions that are not IMMUTABLE, 42803 aggregates, 0A000 subqueries, 42804 a non-boolean
 * WHERE), named like PostgreSQL (`t_lower_idx`, `t_expr_idx`), then backfilled.
 */
import type { CreateIndexStmt, Expr } from '../ast.js';
import type { IndexColumn, StoredExpr, TableDescriptor } from '../../catalog/descriptors.js';
import { chooseRelationName, indexNameAddition } from '../../catalog/names.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { Scope } from '../bind/binder.js';
import { bindIndexExpr } from '../bind/index-exprs.js';
import { figureColname } from '../bind/select.js';
import { deparseExpr } from '../deparse.js';
import { newBinder } from '../plan/prepare.js';
import { withImplicitCasts } from '../../pg_catalog/typed-expr.js';
import type { DdlResult } from './context.js';
import { exprFacts } from './exprs.js';
import type { DdlRun } from './run.js';
import { rangeVarName } from './table.js';

function notSupported(what: string): SqlError {
  return new SqlError(SqlState.featureNotSupported, `${what} is not supported yet`);
}

function userColumn(t: TableDescriptor, name: string): TableDescriptor['columns'][number] | undefined {
  return t.columns.find((col) => !col.dropped && !col.hidden && col.name === name);
}

/** Table columns an expression reads (its ColumnRefs; unknown names fail later in the binder). */
function referencedAttnums(t: TableDescriptor, e: Expr, into: Set<number>): void {
  for (const { names } of exprFacts(e).columnRefs) {
    const c = userColumn(t, names[names.length - 1]!);
    if (c !== undefined) into.add(c.attnum);
  }
}

export async function createIndex(run: DdlRun, stmt: CreateIndexStmt): Promise<DdlResult> {
  const ctx = run.ctx;
  if (stmt.method !== 'btree') throw notSupported(`access method "${stmt.method}"`);
  if (stmt.include.length > 0) throw notSupported('CREATE INDEX ... INCLUDE');
  const rel = run.state.resolveRelation(ctx.searchPath, rangeVarName(stmt.table), ctx.user);
  if (rel.kind !== 'table') {
    throw new SqlError(SqlState.wrongObjectType, `cannot create index on relation "${stmt.table.name}"`, {
      detail: `This operation is not supported for ${rel.kind === 'index' ? 'indexes' : rel.kind + 's'}.`,
    });
  }
  const t = rel;
  const b = newBinder({ catalog: run.state, searchPath: ctx.searchPath, paramTypes: [] });
  const scope = new Scope(null);
  scope.ranges.push(b.tableRange(t, t.name, '', 0, []));
  const stored = (e: Expr, what: 'expression' | 'predicate'): StoredExpr => {
    const bound = bindIndexExpr(b, scope, e, what);
    return { expr: e, source: deparseExpr(withImplicitCasts(e, bound)) };
  };
  const columns: IndexColumn[] = [];
  const names: string[] = [];
  const exprAttnums = new Set<number>();
  for (const el of stmt.elements) {
    const direction = el.direction === 'desc' ? 'desc' : 'asc';
    const nulls = el.nulls === 'default' ? (direction === 'desc' ? 'first' : 'last') : el.nulls;
    // `((a))` is the column a, as in PostgreSQL.
    const colName = el.column ?? (el.expr?.kind === 'ColumnRef' && el.expr.names.length === 1 ? el.expr.names[0] : undefined);
    if (colName !== undefined) {
      const c = userColumn(t, colName);
      if (c === undefined) throw new SqlError(SqlState.undefinedColumn, `column "${colName}" does not exist`);
      columns.push({ attnum: c.attnum, direction, nulls });
      names.push(c.name);
      continue;
    }
    if (el.expr === undefined) throw new SqlError(SqlState.syntaxError, 'index element without a column or expression');
    columns.push({ attnum: 0, direction, nulls, expr: stored(el.expr, 'expression') });
    referencedAttnums(t, el.expr, exprAttnums);
    const figured = figureColname(el.expr);
    names.push(figured === '?column?' ? 'expr' : figured);
  }
  let predicate: StoredExpr | undefined;
  if (stmt.where !== undefined) {
    predicate = stored(stmt.where, 'predicate');
    referencedAttnums(t, stmt.where, exprAttnums);
  }
  let name: string;
  if (stmt.name !== undefined) {
    if (run.state.classEntry(t.schemaOid, stmt.name) !== undefined) {
      if (stmt.ifNotExists) {
        run.notice(SqlState.duplicateTable, `relation "${stmt.name}" already exists, skipping`);
        return run.finish('CREATE INDEX');
      }
      throw new SqlError(SqlState.duplicateTable, `relation "${stmt.name}" already exists`);
    }
    name = stmt.name;
  } else {
    name = chooseRelationName(run.state, t.schemaOid, { name1: t.name, name2: indexNameAddition(names), label: 'idx' }, { isConstraint: false });
  }
  await run.lockTable(t.oid);
  run.apply({
    kind: 'createIndex', oid: await run.allocOid(), tableOid: t.oid, name, unique: stmt.unique, primary: false, columns,
    nullsNotDistinct: stmt.nullsNotDistinct, state: 'backfilling',
    ...(predicate !== undefined ? { predicate } : {}),
    ...(exprAttnums.size > 0 ? { exprAttnums: [...exprAttnums].sort((x, y) => x - y) } : {}),
  });
  const schemaName = run.state.schema(t.schemaOid)?.name ?? '';
  const index = run.state.resolveIndex([], [schemaName, name]).index;
  await ctx.data.backfillIndex(ctx.txn, run.state, run.table(t.oid), index);
  run.apply({ kind: 'setIndexPublic', indexOid: index.oid });
  return run.finish('CREATE INDEX');
}

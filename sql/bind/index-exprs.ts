/**
 * Expression and partial indexes: their stored expressions (IndexColumn.expr,
 * IndexDescriptor.predicate) bound over the table row (slots in descriptor column order,
 * offset 0). Writers (sql/exec/table.ts) evaluate them to build index keys and to decide which
 * rows have an entry; the planner (sql/plan/index-match.ts) compares them structurally with the
 * query's expressions.
 *
 * Bound expressions are memoized per table descriptor (descriptors are immutable, so the
 * binding of an index's expressions never changes for one descriptor object).
 */
import type { IndexDescriptor, StoredExpr, TableDescriptor } from '../../catalog/descriptors.js';
import { SqlError, SqlState } from '../../util/errors.js';
import type { Expr } from '../ast.js';
import { noAggregates, Scope, type Binder } from './binder.js';
import type { BExpr } from './expr.js';
import { someExpr } from './walk.js';

export interface BoundIndex {
  /** Per index column: a `col` reference for a plain column, else the bound expression. */
  readonly keys: readonly BExpr[];
  /** The partial index predicate; null = every row has an entry. */
  readonly predicate: BExpr | null;
}

/** Bound expressions per indexId, for the indexes of a table that have expressions or a predicate. */
export type BoundIndexes = ReadonlyMap<number, BoundIndex>;

const memo = new WeakMap<TableDescriptor, BoundIndexes>();
/** Tables whose index expressions are being bound (binding calls Binder.tableRange again). */
const binding = new WeakSet<TableDescriptor>();

export function indexHasExprs(index: IndexDescriptor): boolean {
  return index.predicate !== undefined || index.columns.some((c) => c.expr !== undefined);
}

export function tableHasIndexExprs(table: TableDescriptor): boolean {
  return table.indexes.some(indexHasExprs);
}

/** The memoized binding (undefined when not bound yet or when the table has none). */
export function boundIndexesOf(table: TableDescriptor): BoundIndexes | undefined {
  return memo.get(table);
}

/**
 * Binds (once per descriptor) the expressions of every index of `table` that has any.
 * Returns undefined while the same table's expressions are being bound (re-entry).
 */
export function bindIndexes(table: TableDescriptor, newBinder: () => Binder): BoundIndexes | undefined {
  const cached = memo.get(table);
  if (cached !== undefined) return cached;
  if (binding.has(table)) return undefined;
  binding.add(table);
  try {
    const out = new Map<number, BoundIndex>();
    for (const index of table.indexes) {
      if (!indexHasExprs(index)) continue;
      out.set(index.indexId, bindIndex(newBinder(), table, index));
    }
    memo.set(table, out);
    return out;
  } finally {
    binding.delete(table);
  }
}

function tableScope(b: Binder, table: TableDescriptor): Scope {
  const scope = new Scope(null);
  scope.ranges.push(b.tableRange(table, table.name, '', 0, []));
  return scope;
}

function bindIndex(b: Binder, table: TableDescriptor, index: IndexDescriptor): BoundIndex {
  const scope = tableScope(b, table);
  const keys = index.columns.map((c): BExpr => {
    if (c.expr !== undefined) return bindIndexExpr(b, scope, c.expr.expr, 'expression');
    const slot = table.columns.findIndex((x) => x.attnum === c.attnum);
    const col = table.columns[slot]!;
    return { kind: 'col', slot, type: col.type, name: col.name };
  });
  const predicate = index.predicate === undefined ? null : bindIndexExpr(b, scope, index.predicate.expr, 'predicate');
  return { keys, predicate };
}

/**
 * Binds one index expression or predicate over the table's row with PostgreSQL's checks:
 * 42803 aggregates, 0A000 subqueries, 42P17 functions that are not IMMUTABLE, 42804 a
 * predicate that is not boolean.
 */
export function bindIndexExpr(b: Binder, scope: Scope, expr: Expr, what: 'expression' | 'predicate'): BExpr {
  const clause = what === 'expression' ? 'index expressions' : 'index predicates';
  let e = b.bind(expr, scope, noAggregates(clause));
  if (what === 'predicate') e = b.coerceBool(e, 'WHERE', 'location' in expr ? expr.location : -1);
  if (someExpr(e, (c) => c.kind === 'subquery')) {
    throw new SqlError(SqlState.featureNotSupported, `cannot use subquery in index ${what}`);
  }
  if (!isImmutable(e)) {
    throw new SqlError(SqlState.invalidObjectDefinition, `functions in index ${what} must be marked IMMUTABLE`);
  }
  return e;
}

/** Free of anything whose value can change for the same row (stable/volatile functions, session values, parameters). */
export function isImmutable(e: BExpr): boolean {
  return !someExpr(
    e,
    (c) =>
      c.kind === 'seqFn' ||
      c.kind === 'subquery' ||
      c.kind === 'sessionValue' ||
      c.kind === 'catalogFn' ||
      c.kind === 'param' ||
      c.kind === 'outer' ||
      (c.kind === 'func' && c.fn.volatility !== 'immutable'),
  );
}

/**
 * Binder.tableRange's hook: binds the table's index expressions so the planner can match them.
 * An expression that no longer binds leaves its indexes unused by the planner (writers report
 * the error).
 */
export function prepareIndexes(table: TableDescriptor, newBinder: () => Binder): void {
  if (!tableHasIndexExprs(table) || memo.has(table)) return;
  try {
    bindIndexes(table, newBinder);
  } catch (e) {
    if (!(e instanceof SqlError)) throw e;
  }
}

/** Binds a stored index expression for DDL validation (CREATE INDEX). */
export function validateIndexExpr(b: Binder, table: TableDescriptor, stored: StoredExpr, what: 'expression' | 'predicate'): BExpr {
  return bindIndexExpr(b, tableScope(b, table), stored.expr, what);
}

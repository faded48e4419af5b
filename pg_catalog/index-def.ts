/**
 * Index definitions as PostgreSQL 15's ruleutils prints them: pg_get_indexdef (whole statement
 * or one column, plain or pretty), pg_index.indexprs / indpred (what pg_get_expr prints for
 * them) for expression and partial indexes.
 *
 * Expressions are bound over the table (the ordinary binder) so the analyser's implicit casts
 * show (`n > (0)::numeric`), then printed by sql/deparse.
 */
import type { IndexColumn, IndexDescriptor, StoredExpr, TableDescriptor } from '../catalog/descriptors.js';
import type { CatalogState } from '../catalog/state.js';
import { SqlError } from '../util/errors.js';
import { noAggregates, Scope } from '../sql/bind/binder.js';
import { newBinder } from '../sql/plan/prepare.js';
import { deparseExpr, quoteIdentifier } from '../sql/deparse.js';
import { figureColname } from '../sql/bind/select.js';
import { fromStorage, withImplicitCasts } from './typed-expr.js';
import type { Expr } from '../sql/ast.js';
import type { BExpr } from '../sql/bind/expr.js';
import type { SqlType } from '../sql/types/index.js';

function bindOver(cat: CatalogState, table: TableDescriptor, e: Expr): BExpr {
  const b = newBinder({ catalog: cat, searchPath: [cat.schema(table.schemaOid)?.name ?? 'public'], paramTypes: [] });
  const scope = new Scope(null);
  scope.ranges.push(b.tableRange(table, table.name, '', 0, []));
  return b.bind(e, scope, noAggregates('index expressions'));
}

/** Type (and no explicit collation) of an expression column, for pg_index.indcollation / indclass. */
export function indexExprColumn(cat: CatalogState, table: TableDescriptor, stored: StoredExpr): { type: SqlType; collation: undefined } | undefined {
  try {
    return { type: bindOver(cat, table, fromStorage(stored.expr)).type, collation: undefined };
  } catch (err) {
    if (!(err instanceof SqlError)) throw err;
    return undefined;
  }
}

/** The expression as pg_get_expr prints it (`lower(email)`, `(a + b)`, `(n > (0)::numeric)`). */
export function indexExprText(cat: CatalogState, table: TableDescriptor, stored: StoredExpr, pretty: boolean): string {
  const e = fromStorage(stored.expr);
  let typed = e;
  try {
    typed = withImplicitCasts(e, bindOver(cat, table, e));
  } catch (err) {
    // A stored expression that no longer binds prints as written.
    if (!(err instanceof SqlError)) throw err;
  }
  return deparseExpr(typed, { pretty });
}

/** ruleutils' looks_like_function: such expressions need no extra parentheses in an index column list. */
function looksLikeFunction(stored: StoredExpr): boolean {
  const k = stored.expr.kind;
  return k === 'FuncCall' || k === 'Coalesce' || k === 'MinMax' || k === 'SqlValueFunction';
}

/** One index column as pg_get_indexdef(oid, n, pretty) prints it: `a`, `lower(email)`, `((a + b))`. */
export function indexColumnDef(cat: CatalogState, t: TableDescriptor, c: IndexColumn, pretty: boolean): string {
  if (c.expr === undefined) return quoteIdentifier(t.columns.find((x) => x.attnum === c.attnum)?.name ?? `#${c.attnum}`);
  const text = indexExprText(cat, t, c.expr, pretty);
  return looksLikeFunction(c.expr) ? text : `(${text})`;
}

/**
 * pg_get_indexdef text: `CREATE UNIQUE INDEX t_pkey ON public.t USING btree (id)`,
 * `... USING btree (lower(email)) WHERE (active = true)`; `tableName` is the (qualified) name
 * to print, `pretty` prints expressions the way psql \d shows them.
 */
export function indexDefinitionText(cat: CatalogState, t: TableDescriptor, i: IndexDescriptor, tableName: string, pretty: boolean): string {
  const cols = i.columns.map((c) => {
    const dir = c.direction === 'desc' ? ' DESC' : '';
    const nulls = c.direction === 'desc' ? (c.nulls === 'last' ? ' NULLS LAST' : '') : c.nulls === 'first' ? ' NULLS FIRST' : '';
    return `${indexColumnDef(cat, t, c, pretty)}${dir}${nulls}`;
  });
  const unique = i.unique || i.primary ? 'UNIQUE ' : '';
  const nnd = i.nullsNotDistinct ? ' NULLS NOT DISTINCT' : '';
  const where = i.predicate === undefined ? '' : ` WHERE ${indexExprText(cat, t, i.predicate, pretty)}`;
  return `CREATE ${unique}INDEX ${quoteIdentifier(i.name)} ON ${tableName} USING btree (${cols.join(', ')})${nnd}${where}`;
}

/** pg_index.indexprs as pg_get_expr(indexprs, indrelid) prints it (null without expression columns). */
export function indexExprsText(cat: CatalogState, t: TableDescriptor, i: IndexDescriptor): string | null {
  const exprs = i.columns.flatMap((c) => (c.expr === undefined ? [] : [indexExprText(cat, t, c.expr, false)]));
  return exprs.length === 0 ? null : exprs.join(', ');
}

/** pg_index.indpred as pg_get_expr(indpred, indrelid) prints it. */
export function indexPredicateText(cat: CatalogState, t: TableDescriptor, i: IndexDescriptor): string | null {
  return i.predicate === undefined ? null : indexExprText(cat, t, i.predicate, false);
}

/** pg_get_expr(text, rel, true) for index expressions and predicates of `t` (undefined: not one of them). */
export function prettyIndexExpr(cat: CatalogState, t: TableDescriptor, text: string): string | undefined {
  for (const i of t.indexes) {
    if (i.predicate !== undefined && indexExprText(cat, t, i.predicate, false) === text) return indexExprText(cat, t, i.predicate, true);
    const exprs = i.columns.flatMap((c) => (c.expr === undefined ? [] : [c.expr]));
    if (exprs.length > 0 && exprs.map((e) => indexExprText(cat, t, e, false)).join(', ') === text) {
      return exprs.map((e) => indexExprText(cat, t, e, true)).join(', ');
    }
  }
  return undefined;
}

/**
 * The index's pg_attribute names (PostgreSQL's ChooseIndexColumnNames): the column name, or for
 * an expression its FigureColname (`lower`) else `expr`; repeats get a number (`lower1`).
 */
export function indexAttributeNames(t: TableDescriptor, i: IndexDescriptor): string[] {
  const used = new Set<string>();
  return i.columns.map((c) => {
    let base: string;
    if (c.expr === undefined) base = t.columns.find((x) => x.attnum === c.attnum)?.name ?? `#${c.attnum}`;
    else {
      const figured = figureColname(fromStorage(c.expr.expr));
      base = figured === '?column?' ? 'expr' : figured;
    }
    let name = base;
    for (let n = 1; used.has(name); n++) name = `${base}${n}`;
    used.add(name);
    return name;
  });
}

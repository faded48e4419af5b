/**
 * Views in FROM: the view's stored query is bound as a subquery in FROM (no outer references:
 * a view sees only its own FROM), under the view's column names, as PostgreSQL's rewriter does.
 */
import type { ViewDescriptor } from '../../catalog/descriptors.js';
import type { FromItem } from '../ast.js';
import { assert } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { Binder, Scope } from './binder.js';
import type { Plan } from '../plan/plan.js';
import type { BoundFrom } from './query.js';

/** Nested view expansion bound (a view cannot reach itself, but a chain can be long). */
const viewDepthMax = 64;

export function bindViewRef(
  b: Binder,
  viewOid: number,
  item: Extract<FromItem, { kind: 'RangeVar' }>,
  scope: Scope,
  offset: number,
): BoundFrom {
  const view: ViewDescriptor | undefined = b.ctx.catalog.view(viewOid);
  assert(view !== undefined, 'a class entry of kind view names a view');
  const alias = item.alias?.name ?? item.name;
  if (scope.ranges.some((r) => r.alias === alias)) {
    throw positioned(new SqlError('42712', `table name "${alias}" specified more than once`), item.location);
  }
  const aliasColumns = item.alias?.columns ?? [];
  if (aliasColumns.length > view.columns.length) {
    throw positioned(
      new SqlError(SqlState.invalidColumnReference, `table "${alias}" has ${view.columns.length} columns available but ${aliasColumns.length} columns specified`),
      item.location,
    );
  }
  const depth = viewDepth.get(b) ?? 0;
  if (depth >= viewDepthMax) {
    throw new SqlError(SqlState.programLimitExceeded, `views nested more than ${viewDepthMax} deep are not supported`);
  }
  // A binder of its own: the view's query sees no outer scope, no CTE and no parameter of the
  // statement that reads it; the tables it reads are locked and tracked by the outer statement.
  // Names in the stored query resolve with the search_path of CREATE VIEW, as PostgreSQL
  // resolves them once when it stores the analysed query.
  const inner = new Binder({ ...b.ctx, searchPath: view.searchPath ?? b.ctx.searchPath }, b.bindSubquery);
  viewDepth.set(inner, depth + 1);
  const sub = inner.bindSubquery(inner, view.query, new Scope(null));
  for (const t of inner.tables) b.tables.add(t);
  // A `*` in the stored query expands to columns added to its tables since CREATE VIEW; the
  // view keeps the columns it was created with (PostgreSQL stores the expanded list).
  const width = view.columns.length;
  const drifted = sub.columns.length < width || view.columns.some((c, i) => sub.columns[i]!.type.oid !== c.type.oid);
  if (drifted) {
    throw new SqlError(SqlState.featureNotSupported, `view "${view.name}" no longer matches the tables it reads`, {
      detail: 'A table the view reads changed after CREATE VIEW in a way nodedb cannot follow yet.',
      hint: 'Recreate the view with CREATE OR REPLACE VIEW.',
    });
  }
  const plan: Plan =
    sub.columns.length === width
      ? sub.plan
      : { kind: 'project', input: sub.plan, exprs: view.columns.map((c, i) => ({ kind: 'col', slot: i, type: sub.columns[i]!.type })), width };
  b.relations.add(view.oid);
  const schema = b.ctx.catalog.schema(view.schemaOid)?.name ?? '';
  scope.ranges.push({
    alias,
    schema: item.alias === undefined ? schema : '',
    columns: view.columns.map((c, i) => ({
      name: aliasColumns[i] ?? c.name,
      type: sub.columns[i]!.type,
      slot: offset + i,
      tableOid: 0,
      attnum: 0,
      hidden: false,
    })),
  });
  return { kind: 'subquery', plan, alias, offset, span: width };
}

/** Expansion depth per statement binder (keyed weakly: no state outlives the binder). */
const viewDepth = new WeakMap<Binder, number>();

function positioned(e: SqlError, location: number): SqlError {
  return new SqlError(e.code, e.message, { position: location + 1 });
}

/**
 * INSERT / UPDATE / DELETE through automatically updatable views, as PostgreSQL 15's rewriter
 * does them (rewriteTargetView): a view whose query reads one table (or one updatable view)
 * with no DISTINCT, GROUP BY, HAVING, set operation, WITH, LIMIT/OFFSET, aggregate, window or
 * set-returning function is written by writing its base table. The statement is bound against
 * the view's columns, then every reference to a view column is replaced by the view's expression
 * over the base table row; UPDATE/DELETE also get the view's WHERE; WITH CHECK OPTION adds
 * conditions the new row must meet (44000).
 *
 * View columns are bound at pseudo slots (viewColumnSlotBase + i) and substituted right away,
 * so nothing downstream sees them; a correlated subquery could read them from inside its plan,
 * where they cannot be substituted, so those answer 0A000.
 */
import type { ColumnDescriptor, StoredExpr, TableDescriptor, ViewDescriptor } from '../../catalog/descriptors.js';
import type { DeleteStmt, Expr, InsertStmt, RangeVar, ResTarget, SimpleSelect, UpdateStmt } from '../ast.js';
import { assert } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';
import type { ResultColumn } from '../plan/api.js';
import type { CheckConstraint } from '../plan/plan.js';
import { planFromWhere } from '../plan/planner.js';
import { astLocation, Binder, boolType, noAggregates, Scope, type AggContext, type ScopeRange } from './binder.js';
import type { BExpr } from './expr.js';
import { expandTargets } from './select.js';
import { mapChildren } from './walk.js';
import { bindChecks, bindGenerated, bindInsert, defaultFor, targetFrom, type BoundDml } from './dml.js';
import type { BoundFrom } from './query.js';

/** Slots of view columns while a statement over the view is bound (far above any real row width). */
const viewColumnSlotBase = 1 << 24;
/** Views over views, followed down to the base table. */
const viewChainDepthMax = 64;

export type ViewWriteKind = 'insert' | 'update' | 'delete';

interface ViewColumnTarget {
  readonly name: string;
  /** The view column's value over the base table row. */
  readonly expr: BExpr;
  /** Base table column index when the view column is a plain reference to one (updatable). */
  readonly baseSlot: number | undefined;
  /** The view column's default (its own, else that of the view column it names one level down). */
  readonly default: StoredExpr | undefined;
}

/** A view resolved down to the table it writes. All expressions are over the base table row. */
export interface ViewTarget {
  readonly view: ViewDescriptor;
  readonly base: TableDescriptor;
  readonly columns: readonly ViewColumnTarget[];
  /** The WHERE of every view in the chain (UPDATE/DELETE only touch rows the view shows). */
  readonly where: BExpr | null;
  /** WITH CHECK OPTION conditions, innermost view first (PostgreSQL checks them in that order). */
  readonly checks: readonly CheckConstraint[];
}

function err(code: string, message: string, extra: { detail?: string; hint?: string; position?: number } = {}): SqlError {
  return new SqlError(code, message, extra);
}

const notUpdatableColumn = 'View columns that are not columns of their base relation are not updatable.';

const hints: Readonly<Record<ViewWriteKind, { verb: string; hint: string }>> = {
  insert: {
    verb: 'insert into',
    hint: 'To enable inserting into the view, provide an INSTEAD OF INSERT trigger or an unconditional ON INSERT DO INSTEAD rule.',
  },
  update: {
    verb: 'update',
    hint: 'To enable updating the view, provide an INSTEAD OF UPDATE trigger or an unconditional ON UPDATE DO INSTEAD rule.',
  },
  delete: {
    verb: 'delete from',
    hint: 'To enable deleting from the view, provide an INSTEAD OF DELETE trigger or an unconditional ON DELETE DO INSTEAD rule.',
  },
};

/** Why the view's query is not automatically updatable (PostgreSQL's view_query_is_auto_updatable), or undefined. */
export function viewQueryNotUpdatable(q: ViewDescriptor['query']): string | undefined {
  if (q.kind === 'SetOp') return 'Views containing UNION, INTERSECT, or EXCEPT are not automatically updatable.';
  if (q.kind === 'Values') return 'Views that do not select from a single table or view are not automatically updatable.';
  if (q.distinct !== undefined) return 'Views containing DISTINCT are not automatically updatable.';
  if (q.groupBy.length > 0) return 'Views containing GROUP BY are not automatically updatable.';
  if (q.having !== undefined) return 'Views containing HAVING are not automatically updatable.';
  if (q.with !== undefined) return 'Views containing WITH are not automatically updatable.';
  if (q.limit !== undefined || q.offset !== undefined) return 'Views containing LIMIT or OFFSET are not automatically updatable.';
  return undefined;
}

const singleRelation = 'Views that do not select from a single table or view are not automatically updatable.';

/** The view a DML statement names, or undefined when it names something else. */
export function targetView(b: Binder, rv: RangeVar): ViewDescriptor | undefined {
  const names = rv.schema === undefined ? [rv.name] : [rv.schema, rv.name];
  const entry = b.ctx.catalog.lookupClass(b.ctx.searchPath, names);
  if (entry?.kind !== 'view') return undefined;
  return b.ctx.catalog.view(entry.oid);
}

/**
 * Resolves the view down to its base table (PostgreSQL's errors for views it cannot write).
 * `checkCols`: INSERT/UPDATE also need at least one updatable column.
 */
export function resolveViewTarget(b: Binder, view: ViewDescriptor, kind: ViewWriteKind, cascadedCheck = false, depth = 0): ViewTarget {
  if (depth >= viewChainDepthMax) throw err(SqlState.programLimitExceeded, `views nested more than ${viewChainDepthMax} deep are not supported`);
  const refuse = (detail: string): SqlError =>
    err(SqlState.featureNotSupported, `cannot ${hints[kind].verb} view "${view.name}"`, { detail, hint: hints[kind].hint });
  const q = view.query;
  const structural = viewQueryNotUpdatable(q);
  if (structural !== undefined) throw refuse(structural);
  assert(q.kind === 'Select', 'an updatable view query is a plain SELECT');
  const inner = new Binder({ ...b.ctx, searchPath: view.searchPath ?? b.ctx.searchPath }, b.bindSubquery);
  const ac: AggContext = { aggs: [], forbiddenIn: undefined, inAggregate: false };
  const from = q.from.length === 1 ? q.from[0]! : undefined;
  if (from === undefined || from.kind !== 'RangeVar') throw refuse(singleRelation);
  const check = view.checkOption;
  const cascaded = cascadedCheck || check === 'cascaded';
  const hasCheck = cascadedCheck || check !== undefined;
  const innerView = targetView(inner, from);
  let base: TableDescriptor;
  let under: ViewTarget | undefined;
  let range: ScopeRange;
  const alias = from.alias?.name;
  if (innerView !== undefined) {
    under = resolveViewTarget(b, innerView, kind, cascaded, depth + 1);
    base = under.base;
    const schema = inner.ctx.catalog.schema(innerView.schemaOid)?.name ?? '';
    range = pseudoRange(alias ?? innerView.name, alias === undefined ? schema : '', under, from.alias?.columns ?? []);
    b.relations.add(innerView.oid);
  } else {
    const names = from.schema === undefined ? [from.name] : [from.schema, from.name];
    base = inner.ctx.catalog.resolveTable(inner.ctx.searchPath, names);
    const schema = inner.ctx.catalog.schema(base.schemaOid)?.name ?? '';
    range = inner.tableRange(base, alias ?? base.name, alias === undefined ? schema : '', 0, from.alias?.columns ?? []);
  }
  const scope = new Scope(null);
  scope.ranges.push(range);
  const substituteUnder = (e: BExpr): BExpr => (under === undefined ? e : substitute(e, under.columns));
  const targets = bindTargetsFor(inner, q, scope, ac, refuse);
  for (const t of inner.tables) b.tables.add(t);
  const columns: ViewColumnTarget[] = view.columns.map((c, i) => {
    const t = targets[i];
    assert(t !== undefined, 'view column without a target');
    const expr = substituteUnder(t.expr);
    const below = under !== undefined && t.expr.kind === 'col' && t.expr.slot >= viewColumnSlotBase ? under.columns[t.expr.slot - viewColumnSlotBase] : undefined;
    return {
      name: c.name,
      expr,
      baseSlot: expr.kind === 'col' && expr.slot < viewColumnSlotBase ? expr.slot : undefined,
      default: c.default ?? below?.default,
    };
  });
  if (kind !== 'delete' && columns.every((c) => c.baseSlot === undefined)) {
    throw refuse('Views that have no updatable columns are not automatically updatable.');
  }
  const own = q.where === undefined ? null : substituteUnder(inner.coerceBool(inner.bind(q.where, scope, noAggregates('WHERE')), 'WHERE', astLocation(q.where)));
  const where = andOf(under?.where ?? null, own);
  const checks = [...(under?.checks ?? [])];
  if (hasCheck && own !== null) checks.push({ name: view.name, expr: own, view: view.name });
  b.relations.add(view.oid);
  return { view, base, columns, where, checks };
}

/** Binds the view's target list, turning aggregates, window and set-returning functions into PostgreSQL's details. */
function bindTargetsFor(inner: Binder, q: SimpleSelect, scope: Scope, ac: AggContext, refuse: (detail: string) => SqlError) {
  let targets;
  try {
    targets = expandTargets(inner, q.targets, scope, ac, q.from.length > 0);
  } catch (e) {
    if (e instanceof SqlError && e.code === '42P20') throw refuse('Views that return window functions are not automatically updatable.');
    if (e instanceof SqlError && e.message.startsWith('set-returning functions are not allowed')) {
      throw refuse('Views that return set-returning functions are not automatically updatable.');
    }
    throw e;
  }
  if (ac.aggs.length > 0) throw refuse('Views that return aggregate functions are not automatically updatable.');
  return targets;
}

/** A scope range over a view's columns at pseudo slots (substituted by `substitute`). */
function pseudoRange(alias: string, schema: string, target: ViewTarget, aliasColumns: readonly string[]): ScopeRange {
  return {
    alias,
    schema,
    columns: target.columns.map((c, i) => {
      const col: ColumnDescriptor | undefined = c.baseSlot === undefined ? undefined : target.base.columns[c.baseSlot];
      return {
        name: aliasColumns[i] ?? c.name,
        type: c.expr.type,
        slot: viewColumnSlotBase + i,
        tableOid: col === undefined ? 0 : target.base.oid,
        attnum: col?.attnum ?? 0,
        hidden: false,
      };
    }),
  };
}

/** Replaces view-column pseudo slots by the view's expressions. */
function substitute(e: BExpr, columns: readonly ViewColumnTarget[]): BExpr {
  if (e.kind === 'col' && e.slot >= viewColumnSlotBase) {
    const c = columns[e.slot - viewColumnSlotBase];
    assert(c !== undefined, 'view column slot out of range');
    return c.expr;
  }
  if (e.kind === 'subquery' && e.sub.correlated) {
    throw err(SqlState.featureNotSupported, 'correlated subqueries in a statement that writes through a view are not supported yet');
  }
  return mapChildren(e, (c) => substitute(c, columns));
}

function andOf(a: BExpr | null, b: BExpr | null): BExpr | null {
  if (a === null) return b;
  if (b === null) return a;
  return { kind: 'and', args: [a, b], type: boolType };
}

/** The statement's scope: one range over the view's columns (alias as written), at pseudo slots. */
export function viewScope(b: Binder, target: ViewTarget, rv: RangeVar): Scope {
  const scope = new Scope(null);
  const schema = b.ctx.catalog.schema(target.view.schemaOid)?.name ?? '';
  scope.ranges.push(pseudoRange(rv.alias?.name ?? target.view.name, rv.alias === undefined ? schema : '', target, []));
  return scope;
}

/** Binds an expression over the view's scope and rewrites it over the base row. */
export function bindOverView(b: Binder, target: ViewTarget, e: Expr, scope: Scope, clause: string): BExpr {
  return substitute(b.bind(e, scope, noAggregates(clause)), target.columns);
}

export function viewReturning(b: Binder, target: ViewTarget, returning: readonly ResTarget[], scope: Scope): { exprs: BExpr[]; columns: ResultColumn[] } | null {
  if (returning.length === 0) return null;
  const targets = expandTargets(b, returning, scope, noAggregates('RETURNING'), true);
  return {
    exprs: targets.map((t) => substitute(t.expr, target.columns)),
    columns: targets.map((t) => ({ name: t.name, type: t.expr.type, tableOid: t.tableOid, attnum: t.attnum })),
  };
}

/** The view column a statement writes, with PostgreSQL's errors for unknown and non-updatable ones. */
function writableColumn(target: ViewTarget, name: string, kind: 'insert' | 'update', location: number | undefined): number {
  const i = target.columns.findIndex((c) => c.name === name);
  const position = location !== undefined && location >= 0 ? { position: location + 1 } : {};
  if (i < 0) throw err(SqlState.undefinedColumn, `column "${name}" of relation "${target.view.name}" does not exist`, position);
  const slot = target.columns[i]!.baseSlot;
  if (slot === undefined) {
    throw err(SqlState.featureNotSupported, `cannot ${kind === 'insert' ? 'insert into' : 'update'} column "${name}" of view "${target.view.name}"`, {
      detail: notUpdatableColumn,
    });
  }
  return slot;
}

/**
 * INSERT through a view: the same INSERT on the base table with the view's columns mapped to
 * base columns; `bindBase` binds that (sql/bind/dml.ts), then RETURNING and check options are
 * replaced by the view's.
 */
export function viewInsertStatement(b: Binder, target: ViewTarget, stmt: InsertStmt): InsertStmt {
  if (stmt.onConflict !== undefined) throw err(SqlState.featureNotSupported, 'INSERT ... ON CONFLICT on a view is not supported yet');
  let names = stmt.columns;
  if (names.length === 0) {
    const src = stmt.source;
    const width = src?.kind === 'Values' ? Math.max(...src.rows.map((r) => r.length)) : target.columns.length;
    names = target.columns.slice(0, Math.min(width, target.columns.length)).map((c) => c.name);
  }
  const seen = new Set<string>();
  const slots = new Set<number>();
  const baseNames = names.map((n, i) => {
    const slot = writableColumn(target, n, 'insert', stmt.columnLocations?.[i]);
    if (seen.has(n)) throw err(SqlState.duplicateColumn, `column "${n}" specified more than once`);
    seen.add(n);
    const baseName = target.base.columns[slot]!.name;
    // Two view columns over one base column (PostgreSQL's rewriter reports the base column).
    if (slots.has(slot)) throw err(SqlState.duplicateColumn, `multiple assignments to same column "${baseName}"`);
    slots.add(slot);
    return baseName;
  });
  const schema = b.ctx.catalog.schema(target.base.schemaOid)?.name;
  const { source, extra } = withViewDefaults(target, names, stmt.source);
  return {
    ...stmt,
    table: { kind: 'RangeVar', ...(schema === undefined ? {} : { schema }), name: target.base.name, inherit: true, location: stmt.table.location },
    columns: [...baseNames, ...extra.map((c) => target.base.columns[c.baseSlot!]!.name)],
    ...(source === undefined ? {} : { source }),
    returning: [],
    ...(stmt.columnLocations === undefined ? {} : { columnLocations: stmt.columnLocations }),
  };
}

/**
 * View column defaults in INSERT: DEFAULT in VALUES and the columns left out take the view's
 * default (PostgreSQL's rewriter); other columns keep the base table's.
 */
function withViewDefaults(
  target: ViewTarget,
  names: readonly string[],
  source: InsertStmt['source'],
): { source: InsertStmt['source']; extra: readonly ViewColumnTarget[] } {
  const given = new Set(names);
  const extra = target.columns.filter(
    (c) => c.default !== undefined && c.baseSlot !== undefined && !given.has(c.name) && !extraShadowed(target, c, names),
  );
  const named = names.map((n) => target.columns.find((c) => c.name === n)!);
  const plainValues = source?.kind === 'Values' && source.orderBy.length === 0 && source.limit === undefined && source.offset === undefined && source.with === undefined;
  if (!named.some((c) => c.default !== undefined) && extra.length === 0) return { source, extra };
  if (source === undefined) {
    return { source: { kind: 'Values', rows: [extra.map((c) => c.default!.expr)], orderBy: [], limitWithTies: false, locking: [] }, extra };
  }
  if (!plainValues || source.kind !== 'Values') {
    if (extra.length === 0) return { source, extra };
    throw err(SqlState.featureNotSupported, 'INSERT ... SELECT through a view with column defaults is not supported yet');
  }
  const rows = source.rows.map((row) => [
    ...row.map((e, i) => (e.kind === 'Default' && named[i]?.default !== undefined ? named[i]!.default!.expr : e)),
    ...extra.map((c) => c.default!.expr),
  ]);
  return { source: { ...source, rows }, extra };
}

/** A left-out column whose base column another written view column already sets. */
function extraShadowed(target: ViewTarget, c: ViewColumnTarget, names: readonly string[]): boolean {
  return names.some((n) => target.columns.find((x) => x.name === n)?.baseSlot === c.baseSlot);
}

/** UPDATE SET through a view: the new value per base column (null = unchanged). */
export function viewSetTargets(
  b: Binder,
  target: ViewTarget,
  targets: readonly ResTarget[],
  scope: Scope,
  defaultFor: (col: ColumnDescriptor) => BExpr,
): (BExpr | null)[] {
  const table = target.base;
  const set: (BExpr | null)[] = table.columns.map(() => null);
  for (const t of targets) {
    const name = t.name ?? '';
    const slot = writableColumn(target, name, 'update', t.location);
    const col = table.columns[slot]!;
    const viewDefault = target.columns.find((c) => c.name === name)?.default;
    if (set[slot] !== null) throw err(SqlState.duplicateColumn, `multiple assignments to same column "${col.name}"`);
    if (t.expr.kind === 'Default') {
      set[slot] =
        viewDefault === undefined
          ? defaultFor(col)
          : b.coerceAssign(b.bind(viewDefault.expr, new Scope(null), noAggregates('DEFAULT expressions')), col.type, col.name, -1);
      continue;
    }
    if (col.identity?.generated === 'always' || col.generated !== undefined) {
      throw err('428C9', `column "${col.name}" can only be updated to DEFAULT`, {
        detail: col.generated !== undefined ? `Column "${col.name}" is a generated column.` : `Column "${col.name}" is an identity column defined as GENERATED ALWAYS.`,
      });
    }
    set[slot] = b.coerceAssign(bindOverView(b, target, t.expr, scope, 'UPDATE'), col.type, col.name, astLocation(t.expr));
  }
  return set;
}

export interface ViewDmlParts {
  /** The view's columns (pseudo slots), then the UPDATE ... FROM / DELETE ... USING items. */
  readonly scope: Scope;
  /** The base table at slots [0, w), inner-joined with the FROM / USING items. */
  readonly from: BoundFrom;
  /** UPDATE/DELETE source rows: the base table filtered by the view's WHERE and the statement's. */
  readonly where: BExpr | null;
}

/** Scope, row source and WHERE of UPDATE/DELETE through a view. */
export function viewDmlParts(b: Binder, target: ViewTarget, stmt: UpdateStmt | DeleteStmt): ViewDmlParts {
  const table = target.base;
  b.tables.add(table.oid);
  b.readOnly = false;
  const scope = viewScope(b, target, stmt.table);
  const alias: RangeVar = { ...stmt.table, alias: { name: stmt.table.alias?.name ?? target.view.name, columns: [] } };
  const from = targetFrom(b, table, alias, stmt.kind === 'Update' ? stmt.from : stmt.using, scope);
  const own = stmt.where === undefined ? null : b.coerceBool(bindOverView(b, target, stmt.where, scope, 'WHERE'), 'WHERE', astLocation(stmt.where));
  return { scope, from, where: andOf(target.where, own) };
}

// ─── the statements ────────────────────────────────────────────────────────────────────────

export function bindViewInsert(b: Binder, stmt: InsertStmt, view: ViewDescriptor): BoundDml {
  const target = resolveViewTarget(b, view, 'insert');
  const bound = bindInsert(b, viewInsertStatement(b, target, stmt));
  assert(bound.plan.kind === 'insert', 'INSERT through a view binds an insert');
  const ret = viewReturning(b, target, stmt.returning, viewScope(b, target, stmt.table));
  return {
    plan: { ...bound.plan, checks: [...bound.plan.checks, ...target.checks], returning: ret?.exprs ?? null, width: ret?.exprs.length ?? 0 },
    columns: ret?.columns ?? null,
  };
}


export function bindViewUpdate(b: Binder, stmt: UpdateStmt, view: ViewDescriptor): BoundDml {
  const target = resolveViewTarget(b, view, 'update');
  const table = target.base;
  const { scope, from, where } = viewDmlParts(b, target, stmt);
  const set = viewSetTargets(b, target, stmt.set, scope, (col) => defaultFor(b, table, col));
  const plan = planFromWhere(from, where, from.span, null);
  const ret = viewReturning(b, target, stmt.returning, scope);
  return {
    plan: {
      kind: 'update', table, source: plan, recheck: where, set, generated: bindGenerated(b, table),
      checks: [...bindChecks(b, table), ...target.checks], returning: ret?.exprs ?? null, width: ret?.exprs.length ?? 0,
    },
    columns: ret?.columns ?? null,
  };
}

export function bindViewDelete(b: Binder, stmt: DeleteStmt, view: ViewDescriptor): BoundDml {
  const target = resolveViewTarget(b, view, 'delete');
  const { scope, from, where } = viewDmlParts(b, target, stmt);
  const plan = planFromWhere(from, where, from.span, null);
  const ret = viewReturning(b, target, stmt.returning, scope);
  return {
    plan: { kind: 'delete', table: target.base, source: plan, recheck: where, returning: ret?.exprs ?? null, width: ret?.exprs.length ?? 0 },
    columns: ret?.columns ?? null,
  };
}

/**
 * INSERT / UPDATE / DELETE binding and planning: target columns, defaults (DEFAULT expressions,
 * identity sequences), assignment casts, RETURNING; the row source of UPDATE/DELETE is planned
 * like a SELECT over the target table (so WHERE uses key bounds and indexes).
 */
import type { DeleteStmt, Expr, FromItem, InsertStmt, RangeVar, ResTarget, UpdateStmt } from '../ast.js';
import type { ColumnDescriptor, TableDescriptor } from '../../catalog/descriptors.js';
import { SqlError, SqlState } from '../../util/errors.js';
import type { ResultColumn } from '../plan/api.js';
import type { CheckConstraint, GeneratedColumn, Plan } from '../plan/plan.js';
import { planFromWhere, planQuery } from '../plan/planner.js';
import { astLocation, Binder, int8Type, noAggregates, Scope, withPosition } from './binder.js';
import type { BExpr } from './expr.js';
import type { BoundFrom } from './query.js';
import { bindFromItem, bindQuery, expandTargets } from './select.js';
import { aliasedTableReference, bindOnConflict } from './upsert.js';
import { nonLateralReference } from './setop.js';
import { bindViewDelete, bindViewInsert, bindViewUpdate, targetView } from './view-dml.js';

/** generated_always (not in util/errors.ts's list yet). */
const sqlStateGeneratedAlways = '428C9';

function err(code: string, message: string, location?: number, extra: { detail?: string; hint?: string } = {}): SqlError {
  return new SqlError(code, message, location !== undefined && location >= 0 ? { position: location + 1, ...extra } : extra);
}

/** WHERE CURRENT OF is rewritten by the session for a simple-protocol statement (sql/cursor.ts); anywhere else it is not built. */
function currentOfHere(): SqlError {
  return err(SqlState.featureNotSupported, 'WHERE CURRENT OF is supported only in statements of the simple query protocol');
}

export interface BoundDml {
  readonly plan: Plan;
  readonly columns: readonly ResultColumn[] | null;
}

export function resolveTargetTable(b: Binder, rv: RangeVar, verb: ViewWriteVerb = 'copy to'): TableDescriptor {
  const names = rv.schema === undefined ? [rv.name] : [rv.schema, rv.name];
  let table: TableDescriptor;
  try {
    rejectView(b, names, verb);
    table = b.ctx.catalog.resolveTable(b.ctx.searchPath, names);
  } catch (e) {
    throw withPosition(e, rv.location);
  }
  b.tables.add(table.oid);
  b.readOnly = false;
  return table;
}

type ViewWriteVerb = 'insert into' | 'update' | 'delete from' | 'copy to';

/**
 * INSERT/UPDATE/DELETE on a view are rewritten before they get here (./view-dml.ts); COPY FROM
 * into a view is PostgreSQL's 42809 without an INSTEAD OF trigger. Any other verb reaching a view
 * is the rewrite's bug.
 */
function rejectView(b: Binder, names: readonly string[], verb: ViewWriteVerb): void {
  const entry = b.ctx.catalog.lookupClass(b.ctx.searchPath, names);
  if (entry?.kind !== 'view') return;
  const name = names[names.length - 1]!;
  if (verb === 'copy to') {
    throw new SqlError(SqlState.wrongObjectType, `cannot copy to view "${name}"`, {
      hint: 'To enable copying to a view, provide an INSTEAD OF INSERT trigger.',
    });
  }
  throw new SqlError(SqlState.internalError, `${verb} view "${name}" was not rewritten to its base table`);
}

function tableScope(b: Binder, table: TableDescriptor, rv: RangeVar): Scope {
  const scope = new Scope(null);
  const schema = b.ctx.catalog.schema(table.schemaOid)?.name ?? '';
  scope.ranges.push(b.tableRange(table, rv.alias?.name ?? table.name, rv.alias === undefined ? schema : '', 0, []));
  return scope;
}

/** The value a column gets when none is given: identity sequence, DEFAULT expression, or NULL. */
export function defaultFor(b: Binder, table: TableDescriptor, col: ColumnDescriptor): BExpr {
  // A generated column's value is computed over the finished row (bindGenerated); NULL until then.
  if (col.generated !== undefined) return { kind: 'const', type: col.type, value: null };
  if (col.identity !== undefined) {
    const next: BExpr = { kind: 'seqFn', fn: 'nextval', seqOid: col.identity.sequenceOid, args: [], type: int8Type };
    return b.coerceAssign(next, col.type, col.name, -1);
  }
  if (col.default !== undefined) {
    const e = b.bind(col.default.expr, new Scope(null), noAggregates('DEFAULT expressions'));
    return b.coerceAssign(e, col.type, col.name, -1);
  }
  void table;
  return { kind: 'const', type: col.type, value: null };
}

function bindReturning(b: Binder, returning: readonly ResTarget[], scope: Scope): { exprs: BExpr[]; columns: ResultColumn[] } | null {
  if (returning.length === 0) return null;
  const targets = expandTargets(b, returning, scope, noAggregates('RETURNING'), true);
  return {
    exprs: targets.map((t) => t.expr),
    columns: targets.map((t) => ({ name: t.name, type: t.expr.type, tableOid: t.tableOid, attnum: t.attnum })),
  };
}

/** The table's stored generated columns bound over its row (slot = column index). */
export function bindGenerated(b: Binder, table: TableDescriptor): GeneratedColumn[] {
  const out: GeneratedColumn[] = [];
  table.columns.forEach((c, slot) => {
    if (c.dropped || c.generated === undefined) return;
    const scope = new Scope(null);
    scope.ranges.push(b.tableRange(table, table.name, '', 0, []));
    const e = b.bind(c.generated.expr, scope, noAggregates('column generation expressions'));
    out.push({ slot, expr: b.coerceAssign(e, c.type, c.name, -1) });
  });
  return out;
}

function generatedColumnError(col: ColumnDescriptor): SqlError {
  return err(sqlStateGeneratedAlways, `cannot insert a non-DEFAULT value into column "${col.name}"`, -1, {
    detail: `Column "${col.name}" is a generated column.`,
  });
}

/** The table's CHECK constraints bound over its row (slot = column index). */
export function bindChecks(b: Binder, table: TableDescriptor): CheckConstraint[] {
  const scope = new Scope(null);
  scope.ranges.push(b.tableRange(table, table.name, '', 0, []));
  const out: CheckConstraint[] = [];
  for (const c of table.constraints) {
    if (c.kind !== 'check') continue;
    const e = b.bind(c.check.expr, scope, noAggregates('check constraints'));
    out.push({ name: c.name, expr: b.coerceBool(e, 'CHECK', -1) });
  }
  return out;
}

function identityAlwaysError(col: ColumnDescriptor): SqlError {
  return err(sqlStateGeneratedAlways, `cannot insert a non-DEFAULT value into column "${col.name}"`, -1, {
    detail: `Column "${col.name}" is an identity column defined as GENERATED ALWAYS.`,
    hint: 'Use OVERRIDING SYSTEM VALUE to override.',
  });
}

// ─── INSERT ────────────────────────────────────────────────────────────────────────────────

export function bindInsert(b: Binder, stmt: InsertStmt): BoundDml {
  if (stmt.with !== undefined) throw err(SqlState.featureNotSupported, 'WITH queries are not supported yet');
  const view = targetView(b, stmt.table);
  if (view !== undefined) return bindViewInsert(b, stmt, view);
  const table = resolveTargetTable(b, stmt.table, 'insert into');
  const slotOf = new Map<string, number>();
  table.columns.forEach((c, i) => {
    if (!c.dropped) slotOf.set(c.name, i);
  });
  let targetSlots: number[];
  if (stmt.columns.length === 0) {
    // Without a column list, a shorter VALUES row fills the leading columns (the rest get defaults).
    const all = table.columns.flatMap((c, i) => (c.dropped || c.hidden ? [] : [i]));
    const src = stmt.source;
    targetSlots = src?.kind === 'Values' ? all.slice(0, Math.max(...src.rows.map((r) => r.length))) : all;
  } else {
    targetSlots = [];
    for (const [i, name] of stmt.columns.entries()) {
      const slot = slotOf.get(name);
      const location = stmt.columnLocations?.[i];
      if (slot === undefined) {
        throw err(SqlState.undefinedColumn, `column "${name}" of relation "${table.name}" does not exist`, location);
      }
      if (targetSlots.includes(slot)) throw err(SqlState.duplicateColumn, `column "${name}" specified more than once`, location);
      targetSlots.push(slot);
    }
  }
  const defaults = new Map<number, BExpr>();
  const defaultOf = (slot: number): BExpr => {
    let d = defaults.get(slot);
    if (d === undefined) {
      d = defaultFor(b, table, table.columns[slot]!);
      defaults.set(slot, d);
    }
    return d;
  };
  const valueFor = (slot: number, bound: BExpr, location: number): BExpr => {
    const col = table.columns[slot]!;
    if (col.identity?.generated === 'always' && stmt.overriding !== 'system') throw identityAlwaysError(col);
    // PostgreSQL reports this one without a position.
    if (col.generated !== undefined) throw generatedColumnError(col);
    return b.coerceAssign(bound, col.type, col.name, location);
  };
  const fullRow = (given: ReadonlyMap<number, BExpr>): BExpr[] =>
    table.columns.map((c, slot) => (c.dropped ? { kind: 'const', type: c.type, value: null } : (given.get(slot) ?? defaultOf(slot))));

  let source: Plan;
  let materialize = false;
  const src = stmt.source;
  if (src === undefined) {
    source = { kind: 'values', rows: [fullRow(new Map())], width: table.columns.length };
  } else if (src.kind === 'Values' && src.orderBy.length === 0 && src.limit === undefined && src.offset === undefined && src.with === undefined) {
    const rows = src.rows.map((row) => {
      if (row.length > targetSlots.length) throw err(SqlState.syntaxError, 'INSERT has more expressions than target columns', exprLocation(row[targetSlots.length]!));
      if (row.length < targetSlots.length) throw err(SqlState.syntaxError, 'INSERT has more target columns than expressions');
      const given = new Map<number, BExpr>();
      row.forEach((e, i) => {
        const slot = targetSlots[i]!;
        given.set(slot, e.kind === 'Default' ? defaultOf(slot) : valueFor(slot, b.bind(e, new Scope(null), noAggregates('VALUES')), exprLocation(e)));
      });
      return fullRow(given);
    });
    source = { kind: 'values', rows, width: table.columns.length };
  } else {
    const q = bindQuery(b, src, new Scope(null), true);
    const plan = planQuery(q);
    // Without a column list, a narrower query fills the leading columns (the rest get defaults).
    if (stmt.columns.length === 0 && q.columns.length < targetSlots.length) targetSlots = targetSlots.slice(0, q.columns.length);
    if (q.columns.length > targetSlots.length) throw err(SqlState.syntaxError, 'INSERT has more expressions than target columns');
    if (q.columns.length < targetSlots.length) throw err(SqlState.syntaxError, 'INSERT has more target columns than expressions');
    const given = new Map<number, BExpr>();
    q.columns.forEach((c, i) => given.set(targetSlots[i]!, valueFor(targetSlots[i]!, { kind: 'col', slot: i, type: c.type }, stmt.location)));
    source = { kind: 'project', input: plan, exprs: fullRow(given), width: table.columns.length };
    materialize = true;
  }
  const oc = stmt.onConflict;
  const onConflict = oc === undefined ? undefined : bindOnConflict(b, table, stmt.table, oc, (scope) => bindSetTargets(b, table, oc.set, scope));
  const ret = bindReturning(b, stmt.returning, tableScope(b, table, stmt.table));
  return {
    plan: {
      kind: 'insert',
      table,
      source,
      materialize,
      generated: bindGenerated(b, table),
      checks: bindChecks(b, table),
      returning: ret?.exprs ?? null,
      ...(onConflict === undefined ? {} : { onConflict }),
      width: ret?.exprs.length ?? 0,
    },
    columns: ret?.columns ?? null,
  };
}

function exprLocation(e: Expr): number {
  return 'location' in e ? e.location : -1;
}

// ─── UPDATE / DELETE ───────────────────────────────────────────────────────────────────────

/**
 * The target table at slots [0, w), then the UPDATE ... FROM / DELETE ... USING items (bound into
 * `scope`), inner-joined: source rows are the whole joined row, the target's row first.
 */
export function targetFrom(b: Binder, table: TableDescriptor, rv: RangeVar, items: readonly FromItem[], scope: Scope): BoundFrom {
  const target: BoundFrom = { kind: 'table', table, alias: rv.alias?.name ?? table.name, offset: 0, span: table.columns.length };
  let from: BoundFrom = target;
  if (items.length === 0) return from;
  // The FROM items cannot see the target (PostgreSQL: "invalid reference to FROM-clause entry"):
  // a JOIN ... ON naming it would be evaluated before the target row is joined in.
  const targetRanges = scope.ranges.splice(0, scope.ranges.length);
  const targetOnly = new Scope(null);
  targetOnly.ranges.push(...targetRanges);
  for (const item of items) {
    let next: BoundFrom;
    try {
      next = bindFromItem(b, item, scope, from.span);
    } catch (e) {
      throw nonLateralReference(e, targetOnly);
    }
    from = { kind: 'join', joinType: 'inner', left: from, right: next, on: null, offset: 0, span: from.span + next.span };
  }
  if (scope.ranges.some((r) => r.alias === target.alias)) {
    // PostgreSQL reports this one without a position.
    throw err('42712', `table name "${target.alias}" specified more than once`);
  }
  scope.ranges.unshift(...targetRanges);
  return from;
}

/** Source rows of UPDATE/DELETE; `recheck` is WHERE, re-evaluated over the newest target row (EvalPlanQual). */
function sourcePlan(b: Binder, from: BoundFrom, where: Expr | undefined, scope: Scope): { plan: Plan; recheck: BExpr | null } {
  const pred = where === undefined ? null : b.coerceBool(b.bind(where, scope, noAggregates('WHERE')), 'WHERE', astLocation(where));
  return { plan: planFromWhere(from, pred, from.span, null), recheck: pred };
}

export function bindUpdate(b: Binder, stmt: UpdateStmt): BoundDml {
  if (stmt.with !== undefined) throw err(SqlState.featureNotSupported, 'WITH queries are not supported yet');
  if (stmt.currentOf !== undefined) throw currentOfHere();
  const view = targetView(b, stmt.table);
  if (view !== undefined) return bindViewUpdate(b, stmt, view);
  const table = resolveTargetTable(b, stmt.table, 'update');
  return aliasedReferences(table, stmt.table, () => {
    const scope = tableScope(b, table, stmt.table);
    const from = targetFrom(b, table, stmt.table, stmt.from, scope);
    const set = bindSetTargets(b, table, stmt.set, scope);
    const { plan, recheck } = sourcePlan(b, from, stmt.where, scope);
    const ret = bindReturning(b, stmt.returning, scope);
    return {
      plan: {
        kind: 'update', table, source: plan, recheck, set, generated: bindGenerated(b, table), checks: bindChecks(b, table),
        returning: ret?.exprs ?? null, width: ret?.exprs.length ?? 0,
      },
      columns: ret?.columns ?? null,
    };
  });
}

/** Runs `bind`, turning `t.col` for an aliased target `t` into PostgreSQL's 42P01 with its hint. */
function aliasedReferences<T>(table: TableDescriptor, rv: RangeVar, bind: () => T): T {
  try {
    return bind();
  } catch (e) {
    throw aliasedTableReference(e, table, rv);
  }
}

/** UPDATE SET / ON CONFLICT DO UPDATE SET: the new value per table column (null = unchanged). */
export function bindSetTargets(b: Binder, table: TableDescriptor, targets: readonly ResTarget[], scope: Scope): (BExpr | null)[] {
  const set: (BExpr | null)[] = table.columns.map(() => null);
  for (const t of targets) {
    const name = t.name ?? '';
    const slot = table.columns.findIndex((c) => !c.dropped && c.name === name);
    if (slot < 0) throw err(SqlState.undefinedColumn, `column "${name}" of relation "${table.name}" does not exist`, t.location);
    if (set[slot] !== null) throw err(SqlState.duplicateColumn, `multiple assignments to same column "${name}"`, t.location);
    const col = table.columns[slot]!;
    if (t.expr.kind === 'Default') {
      set[slot] = defaultFor(b, table, col);
      continue;
    }
    if (col.identity?.generated === 'always' || col.generated !== undefined) {
      throw err(sqlStateGeneratedAlways, `column "${name}" can only be updated to DEFAULT`, col.generated !== undefined ? -1 : t.location, {
        detail: col.generated !== undefined ? `Column "${name}" is a generated column.` : `Column "${name}" is an identity column defined as GENERATED ALWAYS.`,
      });
    }
    set[slot] = b.coerceAssign(b.bind(t.expr, scope, noAggregates('UPDATE')), col.type, col.name, exprLocation(t.expr));
  }
  return set;
}

export function bindDelete(b: Binder, stmt: DeleteStmt): BoundDml {
  if (stmt.with !== undefined) throw err(SqlState.featureNotSupported, 'WITH queries are not supported yet');
  if (stmt.currentOf !== undefined) throw currentOfHere();
  const view = targetView(b, stmt.table);
  if (view !== undefined) return bindViewDelete(b, stmt, view);
  const table = resolveTargetTable(b, stmt.table, 'delete from');
  return aliasedReferences(table, stmt.table, () => {
    const scope = tableScope(b, table, stmt.table);
    const from = targetFrom(b, table, stmt.table, stmt.using, scope);
    const { plan, recheck } = sourcePlan(b, from, stmt.where, scope);
    const ret = bindReturning(b, stmt.returning, scope);
    return {
      plan: { kind: 'delete', table, source: plan, recheck, returning: ret?.exprs ?? null, width: ret?.exprs.length ?? 0 },
      columns: ret?.columns ?? null,
    };
  });
}

/**
 * SELECT / VALUES binding: FROM items into a slot layout and scope, WHERE, target lists with
 * `*` expansion, GROUP BY / aggregates / HAVING validation (42803), ORDER BY by output name,
 * position or expression, DISTINCT, LIMIT/OFFSET.
 */
import type { Expr, FromItem, ResTarget, SelectStmt, SortBy } from '../ast.js';
import { assertNever } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { Oid, type SqlType } from '../types/index.js';
import type { ResultColumn } from '../plan/api.js';
import { astLocation, Binder, int8Type, noAggregates, Scope, withPosition, type AggContext, type ScopeColumn } from './binder.js';
import type { AggCall, BExpr } from './expr.js';
import type { BoundFrom, BoundQuery, BoundSelect, BoundSortKey, BoundValues } from './query.js';
import { collectSlots, exprKey, mapChildren } from './walk.js';
import { lookupVirtualTable, type VirtualTable } from '../../pg_catalog/index.js';
import type { BoundLocking } from '../plan/locking.js';
import { bindLocking, lockingName } from './locking.js';
import { bindGroupBy } from './grouping.js';
import { distinctOnSort, forbidWindows, LateState } from './window.js';
import { aliasedRangeColumns, bindCteRef, bindLateralSubquery, bindRangeFunction, bindSetOp, bindWith, mayBeLateral, nonLateralReference } from './setop.js';
import { rewriteTargetSrfs } from './srf-targets.js';
import { bindViewRef } from './view.js';

function err(code: string, message: string, location?: number): SqlError {
  return new SqlError(code, message, location !== undefined && location >= 0 ? { position: location + 1 } : {});
}

/** A bound target before post-aggregation rewriting. */
export interface Target {
  readonly expr: BExpr;
  readonly name: string;
  readonly tableOid: number;
  readonly attnum: number;
}

/**
 * `keepUnknownOutputs`: INSERT ... SELECT leaves untyped literals in the top-level target list
 * unknown, so they are coerced to the target columns (PostgreSQL's p_resolve_unknowns = false).
 */
export function bindQuery(b: Binder, stmt: SelectStmt, scope: Scope, keepUnknownOutputs = false): BoundQuery {
  if (stmt.with !== undefined) return bindWith(b, stmt, scope, keepUnknownOutputs);
  if (stmt.locking.length > 0 && stmt.kind !== 'Select') {
    const name = lockingName(stmt.locking[0]!);
    throw err(SqlState.featureNotSupported, stmt.kind === 'Values' ? `${name} cannot be applied to VALUES` : `${name} is not allowed with UNION/INTERSECT/EXCEPT`);
  }
  if (stmt.limitWithTies && stmt.kind !== 'Select') throw err(SqlState.featureNotSupported, 'FETCH ... WITH TIES is not supported yet');
  switch (stmt.kind) {
    case 'Select':
      return bindSelect(b, stmt, scope, keepUnknownOutputs);
    case 'Values':
      return bindValues(b, stmt, scope);
    case 'SetOp':
      return bindSetOp(b, stmt, scope);
    default:
      return assertNever(stmt, 'select statement');
  }
}

// ─── FROM ──────────────────────────────────────────────────────────────────────────────────

export function bindFromItem(b: Binder, item: FromItem, scope: Scope, offset: number): BoundFrom {
  switch (item.kind) {
    case 'RangeVar': {
      const cte = bindCteRef(b, item, scope, offset);
      if (cte !== undefined) return cte;
      const virtual = lookupVirtualTable(b.ctx.catalog, b.ctx.searchPath, item.schema, item.name);
      if (virtual !== undefined) return bindVirtualTable(virtual, item, scope, offset);
      const names = item.schema === undefined ? [item.name] : [item.schema, item.name];
      const entry = withPositionSync(() => b.ctx.catalog.lookupClass(b.ctx.searchPath, names), item.location);
      if (entry === undefined) {
        throw err(SqlState.undefinedTable, `relation "${names.join('.')}" does not exist`, item.location);
      }
      if (entry.kind === 'view') return bindViewRef(b, entry.oid, item, scope, offset);
      if (entry.kind !== 'table') {
        const what = entry.kind === 'index' ? `"${item.name}" is an index` : `selecting from a ${entry.kind} is not supported yet`;
        throw err(entry.kind === 'index' ? SqlState.wrongObjectType : SqlState.featureNotSupported, what, item.location);
      }
      const table = b.ctx.catalog.mustTable(entry.oid);
      const alias = item.alias?.name ?? item.name;
      checkDuplicateAlias(scope, alias, item.location);
      const schema = b.ctx.catalog.schema(table.schemaOid)?.name;
      scope.ranges.push(b.tableRange(table, alias, item.alias === undefined ? (schema ?? '') : '', offset, item.alias?.columns ?? []));
      b.tables.add(table.oid);
      b.relations.add(table.oid);
      const stats = b.ctx.tableStats?.(table.oid);
      return { kind: 'table', table, alias, offset, span: table.columns.length, ...(stats === undefined ? {} : { stats }) };
    }
    case 'RangeSubselect': {
      if (item.lateral) return bindLateralSubquery(b, item, scope, offset);
      if (item.alias === undefined) throw err(SqlState.syntaxError, 'subquery in FROM must have an alias', item.location);
      const inner = new Scope(scope.parent);
      let sub: ReturnType<Binder['bindSubquery']>;
      try {
        sub = b.bindSubquery(b, item.query, inner);
      } catch (e) {
        throw nonLateralReference(e, scope);
      }
      if (inner.correlated) scope.correlated = true;
      const alias = item.alias.name;
      const columns = aliasedRangeColumns(scope, alias, item.alias.columns, sub.columns, offset, item.location);
      scope.ranges.push({ alias, schema: undefined, columns });
      return { kind: 'subquery', plan: sub.plan, alias, offset, span: sub.columns.length };
    }
    case 'Join': {
      if (item.alias !== undefined) throw err(SqlState.featureNotSupported, 'aliases on JOIN are not supported yet', item.location);
      // A LATERAL item reads the left row of its own join only: not inside a parenthesized right side, nor under RIGHT/FULL.
      if (item.right.kind === 'Join' && mayBeLateral(item.right)) {
        throw err(SqlState.featureNotSupported, 'LATERAL items or functions inside a parenthesized JOIN are not supported yet', item.location);
      }
      if ((item.joinType === 'right' || item.joinType === 'full') && mayBeLateral(item.right)) {
        throw err(SqlState.featureNotSupported, 'LATERAL items or functions on the right of a RIGHT or FULL JOIN are not supported yet', item.location);
      }
      const firstLeftRange = scope.ranges.length;
      const left = bindFromItem(b, item.left, scope, offset);
      const firstRightRange = scope.ranges.length;
      const right = bindFromItem(b, item.right, scope, offset + left.span);
      let on: BExpr | null = null;
      if (item.natural || item.using.length > 0) {
        if (item.joinType === 'full') throw err(SqlState.featureNotSupported, 'FULL JOIN ... USING is not supported yet', item.location);
        on = bindUsing(b, scope, item, firstLeftRange, firstRightRange);
      } else if (item.on !== undefined) {
        on = b.coerceBool(b.bind(item.on, scope, noAggregates('JOIN conditions')), 'JOIN/ON', astLocation(item.on));
      }
      // RIGHT JOIN is a LEFT JOIN with the sides swapped: rows live in one FROM-row space, so
      // swapping the plan's sides moves no slot (SELECT * still follows the written order).
      const swap = item.joinType === 'right';
      return {
        kind: 'join',
        joinType: item.joinType === 'cross' ? 'inner' : item.joinType === 'right' ? 'left' : item.joinType,
        left: swap ? right : left,
        right: swap ? left : right,
        on,
        offset,
        span: left.span + right.span,
      };
    }
    case 'RangeFunction':
      return bindRangeFunction(b, item, scope, offset);
    default:
      return assertNever(item, 'FROM item');
  }
}

/** pg_catalog / information_schema relation: columns as declared by PostgreSQL, rows at execution. */
function bindVirtualTable(table: VirtualTable, item: Extract<FromItem, { kind: 'RangeVar' }>, scope: Scope, offset: number): BoundFrom {
  const alias = item.alias?.name ?? item.name;
  const columns = aliasedRangeColumns(scope, alias, item.alias?.columns ?? [], table.columns, offset, item.location, table.def.oid);
  scope.ranges.push({ alias, schema: item.alias === undefined ? table.def.schema : '', columns });
  return { kind: 'virtual', table, alias, offset, span: table.columns.length };
}

/** Visible (not merged-away, not hidden) columns named `name` in scope.ranges[from, to). */
function sideColumns(scope: Scope, from: number, to: number, name?: string): ScopeColumn[] {
  const out: ScopeColumn[] = [];
  for (let i = from; i < to; i++) {
    for (const c of scope.ranges[i]!.columns) {
      if (c.mergedAway === true || c.hidden) continue;
      if (name === undefined || c.name === name) out.push(c);
    }
  }
  return out;
}

/**
 * JOIN ... USING (cols) / NATURAL JOIN: the join condition, and one merged column per name
 * (the preserved side's for LEFT/RIGHT, the left one's for INNER) that unqualified references
 * and `*` see first, in USING order, as PostgreSQL does.
 */
function bindUsing(b: Binder, scope: Scope, item: Extract<FromItem, { kind: 'Join' }>, firstLeft: number, firstRight: number): BExpr | null {
  const end = scope.ranges.length;
  let names: string[] = [...item.using];
  if (item.natural) {
    const rightNames = new Set(sideColumns(scope, firstRight, end).map((c) => c.name));
    names = [...new Set(sideColumns(scope, firstLeft, firstRight).map((c) => c.name))].filter((n) => rightNames.has(n));
  }
  const merged: ScopeColumn[] = [];
  const conds: BExpr[] = [];
  const away = new Set<ScopeColumn>();
  for (const name of names) {
    if (names.indexOf(name) !== names.lastIndexOf(name)) {
      throw err(SqlState.duplicateColumn, `column name "${name}" appears more than once in USING clause`, item.location);
    }
    const l = sideColumns(scope, firstLeft, firstRight, name);
    const r = sideColumns(scope, firstRight, end, name);
    if (l.length === 0) throw err(SqlState.undefinedColumn, `column "${name}" specified in USING clause does not exist in left table`, item.location);
    if (r.length === 0) throw err(SqlState.undefinedColumn, `column "${name}" specified in USING clause does not exist in right table`, item.location);
    if (l.length > 1) throw err(SqlState.ambiguousColumn, `common column name "${name}" appears more than once in left table`, item.location);
    if (r.length > 1) throw err(SqlState.ambiguousColumn, `common column name "${name}" appears more than once in right table`, item.location);
    const lc = l[0]!;
    const rc = r[0]!;
    conds.push(
      b.bindOperator(
        '=',
        { kind: 'col', slot: lc.slot, type: lc.type, name: lc.name },
        { kind: 'col', slot: rc.slot, type: rc.type, name: rc.name },
        item.location,
      ),
    );
    const keep = item.joinType === 'right' ? rc : lc;
    merged.push({ ...keep, mergedAway: false });
    away.add(lc);
    away.add(rc);
  }
  for (let i = firstLeft; i < end; i++) {
    const range = scope.ranges[i]!;
    if (range.columns.some((c) => away.has(c))) {
      scope.ranges[i] = { ...range, columns: range.columns.map((c) => (away.has(c) ? { ...c, mergedAway: true } : c)) };
    }
  }
  // An unnamed range: never matches a qualifier, listed first for `*`.
  scope.ranges.splice(firstLeft, 0, { alias: '', schema: undefined, columns: merged });
  if (conds.length === 0) return null;
  return conds.length === 1 ? conds[0]! : { kind: 'and', args: conds, type: conds[0]!.type };
}

function checkDuplicateAlias(scope: Scope, alias: string, location: number): void {
  if (scope.ranges.some((r) => r.alias === alias)) {
    throw err('42712', `table name "${alias}" specified more than once`, location);
  }
}

function withPositionSync<T>(f: () => T, location: number): T {
  try {
    return f();
  } catch (e) {
    throw withPosition(e, location);
  }
}

// ─── targets ───────────────────────────────────────────────────────────────────────────────

/** PostgreSQL's FigureColname. */
export function figureColname(e: Expr): string {
  return figure(e)?.name ?? '?column?';
}

/** FigureColnameInternal: a name and its strength (2 = a real name, 1 = a fallback like "case"). */
function figure(e: Expr): { name: string; strength: 1 | 2 } | undefined {
  switch (e.kind) {
    case 'ColumnRef':
      return { name: e.names[e.names.length - 1]!, strength: 2 };
    case 'FuncCall':
      return { name: e.name[e.name.length - 1]!, strength: 2 };
    case 'Cast': {
      const inner = figure(e.arg);
      if (inner !== undefined && inner.strength === 2) return inner;
      return { name: e.type.names[e.type.names.length - 1]!, strength: 1 };
    }
    case 'Case': {
      const inner = e.else === undefined ? undefined : figure(e.else);
      if (inner !== undefined && inner.strength === 2) return inner;
      return { name: 'case', strength: 1 };
    }
    case 'Coalesce':
      return { name: 'coalesce', strength: 2 };
    case 'NullIf':
      return { name: 'nullif', strength: 2 };
    case 'MinMax':
      return { name: e.op, strength: 2 };
    case 'SqlValueFunction':
      return { name: e.fn === 'user' ? 'current_user' : e.fn, strength: 2 };
    case 'SubLink':
      if (e.linkType === 'exists') return { name: 'exists', strength: 2 };
      if (e.linkType === 'array') return { name: 'array', strength: 2 };
      if (e.linkType === 'scalar' && e.query.kind === 'Select' && e.query.targets.length === 1) {
        const t = e.query.targets[0]!;
        if (t.name !== undefined) return { name: t.name, strength: 2 };
        return figure(t.expr);
      }
      return undefined;
    case 'Array':
      return { name: 'array', strength: 2 };
    case 'Row':
      return { name: 'row', strength: 2 };
    case 'Collate':
      return figure(e.arg);
    case 'Subscript':
      return figure(e.arg);
    case 'FieldSelect':
      return { name: e.field, strength: 2 };
    default:
      return undefined;
  }
}

export function expandTargets(
  b: Binder,
  targets: readonly ResTarget[],
  scope: Scope,
  ac: AggContext,
  hasFrom: boolean,
  keepUnknown = false,
): Target[] {
  const out: Target[] = [];
  for (const t of targets) {
    if (t.expr.kind === 'Star') {
      const star = t.expr;
      if (!hasFrom && star.qualifier.length === 0) {
        throw err(SqlState.syntaxError, 'SELECT * with no tables specified is not valid', star.location);
      }
      const ranges =
        star.qualifier.length === 0
          ? scope.ranges
          : scope.ranges.filter((r) => r.alias === star.qualifier[star.qualifier.length - 1]);
      if (ranges.length === 0) {
        throw err(SqlState.undefinedTable, `missing FROM-clause entry for table "${star.qualifier[star.qualifier.length - 1]}"`, star.location);
      }
      for (const r of ranges) {
        for (const c of r.columns) {
          if (c.hidden || (star.qualifier.length === 0 && c.mergedAway === true)) continue;
          out.push({
            expr: { kind: 'col', slot: c.slot, type: c.type, name: `${r.alias}.${c.name}`, location: star.location },
            name: c.name,
            tableOid: c.tableOid,
            attnum: c.attnum,
          });
        }
      }
      continue;
    }
    const bound = b.bind(t.expr, scope, ac);
    const expr = keepUnknown ? bound : b.resolveUnknownToText(bound);
    let tableOid = 0;
    let attnum = 0;
    if (t.expr.kind === 'ColumnRef' && expr.kind === 'col') {
      const src = findScopeColumn(scope, expr.slot);
      if (src !== undefined) {
        tableOid = src.tableOid;
        attnum = src.attnum;
      }
    }
    out.push({ expr, name: t.name ?? figureColname(t.expr), tableOid, attnum });
  }
  return out;
}

function findScopeColumn(scope: Scope, slot: number): ScopeColumn | undefined {
  for (const r of scope.ranges) for (const c of r.columns) if (c.slot === slot) return c;
  return undefined;
}

// ─── SELECT ────────────────────────────────────────────────────────────────────────────────

function bindSelect(b: Binder, stmt: Extract<SelectStmt, { kind: 'Select' }>, scope: Scope, keepUnknown: boolean): BoundSelect {
  stmt = rewriteTargetSrfs(stmt, figureColname);
  const late = new LateState(stmt.windows);
  let from: BoundFrom | null = null;
  let width = 0;
  for (const item of stmt.from) {
    const next = bindFromItem(b, item, scope, width);
    width += next.span;
    from = from === null ? next : { kind: 'join', joinType: 'inner', left: from, right: next, on: null, offset: 0, span: width };
  }
  const where =
    stmt.where === undefined ? null : b.coerceBool(b.bind(stmt.where, scope, noAggregates('WHERE')), 'WHERE', astLocation(stmt.where));

  const ac: AggContext = { aggs: [], forbiddenIn: undefined, inAggregate: false, late };
  const targets = expandTargets(b, stmt.targets, scope, ac, from !== null, keepUnknown && stmt.distinct === undefined);

  const grouping = bindGroupBy(stmt.groupBy, stmt.groupByDistinct, (e) => bindGroupItem(b, e, scope, targets));
  const groupBy = grouping.exprs;
  const havingAc: AggContext = { aggs: ac.aggs, forbiddenIn: undefined, inAggregate: false, late: forbidWindows(late, 'HAVING') };
  const having = stmt.having === undefined ? null : b.coerceBool(b.bind(stmt.having, scope, havingAc), 'HAVING', astLocation(stmt.having));

  const outputs = targets.map((t) => t.expr);
  const distinctOnExprs = stmt.distinct !== undefined && stmt.distinct.length > 0 ? stmt.distinct : undefined;
  const distinct = stmt.distinct !== undefined && distinctOnExprs === undefined;
  const orderBy = bindOrderBy(b, stmt.orderBy, scope, ac, targets, outputs, distinct);
  let distinctOn: BoundSelect['distinctOn'];
  if (distinctOnExprs !== undefined) {
    const asSort = distinctOnExprs.map((e): SortBy => ({ kind: 'SortBy', expr: e, direction: 'default', nulls: 'default', location: astLocation(e) }));
    const keys = bindOrderBy(b, asSort, scope, ac, targets, outputs, false);
    const slots = [...new Set(keys.map((k) => k.slot))];
    distinctOn = { slots, sort: distinctOnSort(keys, orderBy, astLocation(distinctOnExprs[0]!)) };
  }
  if (stmt.limitWithTies && orderBy.length === 0) throw err(SqlState.syntaxError, 'WITH TIES cannot be specified without ORDER BY clause');

  const usedSlots = new Set<number>();
  for (const e of [...outputs, ...groupBy, ...(where === null ? [] : [where]), ...(having === null ? [] : [having])]) collectSlots(e, usedSlots);
  for (const a of ac.aggs) {
    for (const x of a.args) collectSlots(x, usedSlots);
    for (const o of a.orderBy) collectSlots(o.expr, usedSlots);
    if (a.filter !== null) collectSlots(a.filter, usedSlots);
  }
  collectJoinSlots(from, usedSlots);
  late.collectSlots(usedSlots);

  const grouped = groupBy.length > 0 || ac.aggs.length > 0 || having !== null || grouping.sets !== undefined;
  let finalOutputs: BExpr[] = outputs;
  let finalHaving = having;
  const keys = groupBy.map(exprKey);
  const rewrite = (e: BExpr): BExpr => (grouped ? toPostAgg(e, keys, groupBy.length) : e);
  if (grouped) {
    finalOutputs = outputs.map(rewrite);
    finalHaving = having === null ? null : rewrite(having);
  }
  // Window results follow the (aggregate) row; GROUPING values follow the aggregate results.
  const groupingCalls = late.hasGrouping ? late.groupingCalls(keys) : undefined;
  const aggWidth = groupBy.length + ac.aggs.length + (groupingCalls?.length ?? 0);
  const lateOut = late.finish(grouped ? aggWidth : width, rewrite, groupBy.length + ac.aggs.length);
  finalOutputs = finalOutputs.map(lateOut.resolve);
  finalHaving = finalHaving === null ? null : lateOut.resolve(finalHaving);
  const columns: ResultColumn[] = targets.map((t) => ({ name: t.name, type: t.expr.type, tableOid: t.tableOid, attnum: t.attnum }));
  return {
    kind: 'select',
    from,
    fromWidth: width,
    where,
    grouped,
    groupBy,
    aggs: ac.aggs,
    having: finalHaving,
    outputs: finalOutputs,
    columns,
    distinct,
    orderBy,
    limit: bindLimit(b, stmt.limit, 'LIMIT'),
    offset: bindLimit(b, stmt.offset, 'OFFSET'),
    usedSlots: scope.hasCorrelatedChild ? allSlots(width) : usedSlots,
    ...(stmt.locking.length === 0 ? {} : { locking: bindSelectLocking(b, stmt, from, where, ac.aggs.length > 0) }),
    ...(grouping.sets === undefined ? {} : { groupingSets: grouping.sets }),
    ...(groupingCalls === undefined ? {} : { groupingCalls }),
    ...(lateOut.windows.length === 0 ? {} : { windows: lateOut.windows }),
    ...(distinctOn === undefined ? {} : { distinctOn }),
    ...(stmt.limitWithTies ? { withTies: true } : {}),
  };
}

/** FOR UPDATE/SHARE: the statement writes (row locks), so it needs a read-write transaction. */
function bindSelectLocking(b: Binder, stmt: Extract<SelectStmt, { kind: 'Select' }>, from: BoundFrom | null, where: BExpr | null, aggregates: boolean): BoundLocking {
  if (stmt.limitWithTies) throw err(SqlState.featureNotSupported, `${lockingName(stmt.locking[0]!)} with FETCH ... WITH TIES is not supported yet`);
  b.readOnly = false;
  const shape = { distinct: stmt.distinct !== undefined, groupBy: stmt.groupBy.length > 0, having: stmt.having !== undefined, aggregates };
  return bindLocking(stmt.locking, from, where, shape);
}

function collectJoinSlots(from: BoundFrom | null, into: Set<number>): void {
  if (from === null || from.kind !== 'join') return;
  if (from.on !== null) collectSlots(from.on, into);
  collectJoinSlots(from.left, into);
  collectJoinSlots(from.right, into);
}

function allSlots(width: number): Set<number> {
  const s = new Set<number>();
  for (let i = 0; i < width; i++) s.add(i);
  return s;
}

function bindGroupItem(b: Binder, e: Expr, scope: Scope, targets: readonly Target[]): BExpr {
  if (e.kind === 'Const' && e.type === 'integer') {
    const pos = Number(e.value);
    if (pos < 1 || pos > targets.length) throw err(SqlState.invalidColumnReference, `GROUP BY position ${pos} is not in select list`, e.location);
    const t = targets[pos - 1]!.expr;
    rejectAggregates(t, 'GROUP BY', e.location);
    return t;
  }
  if (e.kind === 'ColumnRef' && e.names.length === 1) {
    const name = e.names[0]!;
    const isInput = scope.ranges.some((r) => r.columns.some((c) => c.name === name));
    if (!isInput) {
      const matches = targets.filter((t) => t.name === name);
      if (matches.length > 0) {
        rejectAggregates(matches[0]!.expr, 'GROUP BY', e.location);
        return matches[0]!.expr;
      }
    }
  }
  return b.bind(e, scope, noAggregates('GROUP BY'));
}

function rejectAggregates(e: BExpr, clause: string, location: number): void {
  let found = false;
  const walk = (x: BExpr): BExpr => {
    if (x.kind === 'aggref') found = true;
    return mapChildren(x, walk);
  };
  walk(e);
  if (found) throw err(SqlState.groupingError, `aggregate functions are not allowed in ${clause}`, location);
}

/** Rewrites an expression over the FROM row into the aggregate output space. */
function toPostAgg(e: BExpr, groupKeys: readonly string[], groupCount: number): BExpr {
  const i = groupKeys.indexOf(exprKey(e));
  if (i >= 0) return { kind: 'col', slot: i, type: e.type };
  switch (e.kind) {
    case 'aggref':
      return { kind: 'col', slot: groupCount + e.index, type: e.type };
    case 'col':
      throw new SqlError(
        SqlState.groupingError,
        `column "${e.name ?? '?'}" must appear in the GROUP BY clause or be used in an aggregate function`,
        e.location !== undefined && e.location >= 0 ? { position: e.location + 1 } : {},
      );
    case 'subquery':
      if (e.sub.correlated) throw err(SqlState.featureNotSupported, 'correlated subqueries in grouped queries are not supported yet');
      return mapChildren(e, (c) => toPostAgg(c, groupKeys, groupCount));
    default:
      return mapChildren(e, (c) => toPostAgg(c, groupKeys, groupCount));
  }
}

// ─── ORDER BY / LIMIT ──────────────────────────────────────────────────────────────────────

function sortKey(slot: number, type: SqlType, s: SortBy): BoundSortKey {
  const desc = s.direction === 'desc';
  const nullsFirst = s.nulls === 'default' ? desc : s.nulls === 'first';
  return { slot, type, desc, nullsFirst };
}

/** Appends resjunk outputs for ORDER BY expressions not in the target list. */
function bindOrderBy(
  b: Binder,
  items: readonly SortBy[],
  scope: Scope,
  ac: AggContext,
  targets: readonly Target[],
  outputs: BExpr[],
  distinct: boolean,
): BoundSortKey[] {
  const keys: BoundSortKey[] = [];
  for (const s of items) {
    const e = s.expr;
    if (e.kind === 'Const' && e.type === 'integer') {
      const pos = Number(e.value);
      if (pos < 1 || pos > targets.length) {
        throw err(SqlState.invalidColumnReference, `ORDER BY position ${pos} is not in select list`, e.location);
      }
      keys.push(sortKey(pos - 1, outputs[pos - 1]!.type, s));
      continue;
    }
    if (e.kind === 'ColumnRef' && e.names.length === 1) {
      const name = e.names[0]!;
      const matches = targets.map((t, i) => ({ t, i })).filter((x) => x.t.name === name);
      if (matches.length > 0) {
        const first = matches[0]!;
        if (matches.some((m) => exprKey(m.t.expr) !== exprKey(first.t.expr))) {
          throw err(SqlState.ambiguousColumn, `ORDER BY "${name}" is ambiguous`, e.location);
        }
        keys.push(sortKey(first.i, first.t.expr.type, s));
        continue;
      }
    }
    const bound = b.resolveUnknownToText(b.bind(e, scope, ac));
    const key = exprKey(bound);
    let slot = outputs.findIndex((o) => exprKey(o) === key);
    if (slot < 0) {
      if (distinct) {
        throw err(SqlState.invalidColumnReference, 'for SELECT DISTINCT, ORDER BY expressions must appear in select list', e.location);
      }
      outputs.push(bound);
      slot = outputs.length - 1;
    }
    keys.push(sortKey(slot, bound.type, s));
  }
  return keys;
}

export function bindLimit(b: Binder, e: Expr | undefined, clause: 'LIMIT' | 'OFFSET'): BExpr | null {
  if (e === undefined) return null;
  if (e.kind === 'Const' && e.type === 'null') return null;
  const bound = b.bind(e, new Scope(null), noAggregates(clause));
  const r = b.tryCoerce(bound, int8Type, 'implicit');
  if (r === undefined) {
    throw err(SqlState.datatypeMismatch, `argument of ${clause} must be type bigint, not type ${bound.type.oid === Oid.unknown ? 'unknown' : String(bound.type.oid)}`);
  }
  return r;
}

// ─── VALUES ────────────────────────────────────────────────────────────────────────────────

function bindValues(b: Binder, stmt: Extract<SelectStmt, { kind: 'Values' }>, scope: Scope): BoundValues {
  const raw = stmt.rows.map((row) => row.map((e) => b.bind(e, scope, noAggregates('VALUES'))));
  const width = raw[0]?.length ?? 0;
  if (raw.some((r) => r.length !== width)) throw err(SqlState.syntaxError, 'VALUES lists must all be the same length');
  const types: SqlType[] = [];
  for (let c = 0; c < width; c++) types.push(b.commonType(raw.map((r) => r[c]!), 'VALUES', -1));
  const rows = raw.map((r) => r.map((e, c) => coerceCol(b, e, types[c]!)));
  const columns: ResultColumn[] = types.map((type, i) => ({ name: `column${i + 1}`, type, tableOid: 0, attnum: 0 }));
  const targets: Target[] = columns.map((c, i) => ({ expr: { kind: 'col', slot: i, type: c.type }, name: c.name, tableOid: 0, attnum: 0 }));
  const outputs = targets.map((t) => t.expr);
  const orderBy = bindOrderBy(b, stmt.orderBy, new Scope(null), noAggregates('ORDER BY'), targets, outputs, true);
  return {
    kind: 'values',
    rows,
    columns,
    orderBy,
    limit: bindLimit(b, stmt.limit, 'LIMIT'),
    offset: bindLimit(b, stmt.offset, 'OFFSET'),
  };
}

function coerceCol(b: Binder, e: BExpr, t: SqlType): BExpr {
  const r = b.tryCoerce(e, t, 'implicit');
  if (r === undefined) throw err(SqlState.datatypeMismatch, `VALUES types cannot be matched`);
  return r;
}

export type { AggCall };

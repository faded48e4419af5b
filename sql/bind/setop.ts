/**
 * Binding of set operations (UNION / INTERSECT / EXCEPT [ALL]), WITH [RECURSIVE] queries and
 * functions in FROM (generate_series, unnest, ROWS FROM, WITH ORDINALITY, plain functions),
 * plus LATERAL subqueries. Plan nodes: sql/plan/setop-plan.ts; executors: sql/exec/setop.ts.
 *
 * WITH queries are visible to everything bound while their WITH clause is open (nested
 * subqueries included); the stack of open WITH clauses belongs to the statement's Binder.
 */
import type { CommonTableExpr, DeleteStmt, Expr, FromItem, FuncCall, FunctionColumnDef, InsertStmt, SelectStmt, SortBy, UpdateStmt, WithClause } from '../ast.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { Oid, sqlType, type SqlType } from '../types/index.js';
import { arrayElemOid, arrayTypeOf, isArrayOid } from '../types/registry.js';
import type { ResultColumn } from '../plan/api.js';
import type { Plan } from '../plan/plan.js';
import { planQuery } from '../plan/planner.js';
import type { CteDef, SrfCall, SrfImpl, WorkTable } from '../plan/setop-plan.js';
import { astLocation, Binder, int8Type, noAggregates, Scope, typeName, type ScopeColumn } from './binder.js';
import type { BExpr } from './expr.js';
import type { BoundFrom, BoundQuery, BoundSetOp, BoundSortKey } from './query.js';
import { bindLimit, bindQuery } from './select.js';
import { bindDelete, bindInsert, bindUpdate, type BoundDml } from './dml.js';
import { targetSrfAlias } from './srf-targets.js';
import { recordType } from '../types/record.js';
import { bindRecordOrTextSrf, columnDefsNotAllowed, isRecordOrTextSrf } from './srf-record.js';

function err(code: string, message: string, location?: number, extra: { hint?: string; detail?: string } = {}): SqlError {
  return new SqlError(code, message, location !== undefined && location >= 0 ? { position: location + 1, ...extra } : extra);
}

// ─── WITH ──────────────────────────────────────────────────────────────────────────────────

interface CteColumn {
  readonly name: string;
  readonly type: SqlType;
}

type CteEntry =
  /** `level`: the enclosing query of the WITH clause (a correlated WITH query is read at that level only). */
  | { readonly kind: 'cte'; readonly def: CteDef; readonly columns: readonly CteColumn[]; readonly level: Scope | null }
  /** A data-modifying WITH query without RETURNING: it runs, but cannot be read. */
  | { readonly kind: 'noReturning'; readonly name: string }
  /** A recursive WITH query's own name inside its recursive term. */
  | {
      readonly kind: 'work';
      readonly work: WorkTable;
      readonly columns: readonly CteColumn[];
      /** The recursive term's own query level: read there or in FROM subqueries, not in expression subqueries. */
      readonly scope: Scope;
      referenced: boolean;
    };

/** Open WITH clauses per statement (innermost last). */
const withStacks = new WeakMap<Binder, Map<string, CteEntry>[]>();

function stackOf(b: Binder): Map<string, CteEntry>[] {
  let s = withStacks.get(b);
  if (s === undefined) {
    s = [];
    withStacks.set(b, s);
  }
  return s;
}

function lookupCte(b: Binder, name: string): CteEntry | undefined {
  const s = withStacks.get(b);
  if (s === undefined) return undefined;
  for (let i = s.length - 1; i >= 0; i--) {
    const e = s[i]!.get(name);
    if (e !== undefined) return e;
  }
  return undefined;
}

/** Binds `stmt` (whose `with` is set) with its WITH queries visible. */
export function bindWith(b: Binder, stmt: SelectStmt, scope: Scope, keepUnknownOutputs: boolean): BoundQuery {
  const w = stmt.with!;
  return withClause(b, w, scope, topLevelWith.get(b) === w, () => bindQuery(b, { ...stmt, with: undefined }, scope, keepUnknownOutputs));
}

/** The WITH clause of the statement itself (the only one that may hold data-modifying queries). */
const topLevelWith = new WeakMap<Binder, WithClause>();

/** Called with the statement's own WITH clause before binding it. */
export function markStatementWith(b: Binder, w: WithClause | undefined): void {
  if (w !== undefined) topLevelWith.set(b, w);
}

/** Binds the WITH queries of `w`, then `body` with them visible. */
function withClause<T>(b: Binder, w: WithClause, scope: Scope, topLevel: boolean, body: () => T): T {
  const frame = new Map<string, CteEntry>();
  const stack = stackOf(b);
  stack.push(frame);
  try {
    for (const cte of w.ctes) {
      if (frame.has(cte.name)) throw err('42712', `WITH query name "${cte.name}" specified more than once`, cte.location);
      const q = cte.query;
      const entry =
        q.kind === 'Insert' || q.kind === 'Update' || q.kind === 'Delete'
          ? bindDmlCte(b, cte, q, topLevel)
          : guardDmlTables(b, cte.location, () => bindCte(b, cte, w, scope, frame));
      frame.set(cte.name, entry);
    }
    return guardDmlTables(b, -1, body);
  } finally {
    stack.pop();
  }
}

// ─── data-modifying WITH queries ───────────────────────────────────────────────────────────

/**
 * Data-modifying WITH queries of the statement: run to completion before the main query
 * (`withDml` node). PostgreSQL runs every part of the statement on one snapshot, so no part sees
 * another's changes; here that holds because no other part may touch their tables (0A000 otherwise).
 */
interface DmlCtes {
  readonly defs: CteDef[];
  readonly tables: Set<number>;
}
const dmlCtes = new WeakMap<Binder, DmlCtes>();

function dmlOf(b: Binder): DmlCtes {
  let d = dmlCtes.get(b);
  if (d === undefined) {
    d = { defs: [], tables: new Set() };
    dmlCtes.set(b, d);
  }
  return d;
}

function overlapError(location: number): SqlError {
  return err(
    SqlState.featureNotSupported,
    'a data-modifying WITH query on a table that another part of the statement also reads or writes is not supported yet',
    location,
  );
}

/** b.tables = before ++ touched, in that order (the statement's table list keeps binding order). */
function restoreTables(b: Binder, before: ReadonlySet<number>, touched: ReadonlySet<number>): void {
  b.tables.clear();
  for (const t of before) b.tables.add(t);
  for (const t of touched) b.tables.add(t);
}

/** Runs `f`, recording the tables it binds; 0A000 when one of them is the target of a data-modifying WITH query. */
function guardDmlTables<T>(b: Binder, location: number, f: () => T): T {
  const before = new Set(b.tables);
  b.tables.clear();
  let touched: Set<number>;
  let r: T;
  try {
    r = f();
  } finally {
    touched = new Set(b.tables);
    restoreTables(b, before, touched);
  }
  const dml = dmlCtes.get(b);
  if (dml !== undefined && [...touched].some((t) => dml.tables.has(t))) throw overlapError(location);
  return r;
}

function bindDmlCte(b: Binder, cte: CommonTableExpr, q: InsertStmt | UpdateStmt | DeleteStmt, topLevel: boolean): CteEntry {
  if (!topLevel) throw err(SqlState.featureNotSupported, 'WITH clause containing a data-modifying statement must be at the top level', cte.location);
  if (q.with !== undefined) throw err(SqlState.featureNotSupported, 'WITH inside a data-modifying WITH query is not supported yet', cte.location);
  const dml = dmlOf(b);
  const before = new Set(b.tables);
  b.tables.clear();
  let touched: Set<number>;
  let d: BoundDml;
  try {
    d = q.kind === 'Insert' ? bindInsert(b, q) : q.kind === 'Update' ? bindUpdate(b, q) : bindDelete(b, q);
  } finally {
    touched = new Set(b.tables);
    restoreTables(b, before, touched);
  }
  if ([...touched].some((t) => before.has(t) || dml.tables.has(t))) throw overlapError(cte.location);
  for (const t of touched) dml.tables.add(t);
  b.readOnly = false;
  const def: CteDef = { name: cte.name, plan: d.plan, correlated: false, dml: true };
  dml.defs.push(def);
  if (d.columns === null) return { kind: 'noReturning', name: cte.name };
  return { kind: 'cte', def, columns: cteColumns(cte, d.columns), level: null };
}

/** The statement's plan, preceded by its data-modifying WITH queries when it has any. */
export function withDmlCtes(b: Binder, plan: Plan): Plan {
  const dml = dmlCtes.get(b);
  if (dml === undefined || dml.defs.length === 0) return plan;
  return { kind: 'withDml', ctes: [...dml.defs], input: plan, width: plan.width };
}

function cteColumns(cte: CommonTableExpr, columns: readonly ResultColumn[]): CteColumn[] {
  if (cte.columns.length > columns.length) {
    throw err(
      SqlState.invalidColumnReference,
      `WITH query "${cte.name}" has ${columns.length} columns available but ${cte.columns.length} columns specified`,
      cte.location,
    );
  }
  return columns.map((c, i) => ({ name: cte.columns[i] ?? c.name, type: c.type }));
}

function cteQuery(cte: CommonTableExpr): SelectStmt {
  const q = cte.query;
  if (q.kind === 'Select' || q.kind === 'Values' || q.kind === 'SetOp') return q;
  throw err(SqlState.featureNotSupported, 'data-modifying statements in WITH are not supported yet', cte.location);
}

function bindCte(b: Binder, cte: CommonTableExpr, w: WithClause, scope: Scope, frame: Map<string, CteEntry>): CteEntry {
  const query = cteQuery(cte);
  // Each branch is a query level of its own, one level below the WITH clause's enclosing query.
  const scopes: Scope[] = [];
  const level = (): Scope => {
    const s = new Scope(scope.parent);
    scopes.push(s);
    return s;
  };
  const finish = (name: string, plan: Plan, columns: readonly CteColumn[]): CteEntry => {
    const correlated = scopes.some((s) => s.correlated);
    if (correlated) scope.correlated = true;
    return { kind: 'cte', def: { name, plan, correlated, dml: false }, columns, level: scope.parent };
  };
  if (w.recursive && query.kind === 'SetOp' && query.op === 'union') {
    const r = bindRecursive(b, cte, query, level, frame);
    if (r !== undefined) return finish(cte.name, r.plan, r.columns);
  }
  const q = bindQuery(b, query, level());
  return finish(cte.name, planQuery(q), cteColumns(cte, q.columns));
}

/** `non-recursive UNION [ALL] recursive`; undefined when the right side never reads the WITH query itself. */
function bindRecursive(
  b: Binder,
  cte: CommonTableExpr,
  query: Extract<SelectStmt, { kind: 'SetOp' }>,
  level: () => Scope,
  frame: Map<string, CteEntry>,
): { readonly plan: Plan; readonly columns: readonly CteColumn[] } | undefined {
  if (query.with !== undefined) throw err(SqlState.featureNotSupported, 'WITH inside a recursive WITH query is not supported yet', cte.location);
  const lq = bindQuery(b, query.left, level());
  const columns = cteColumns(cte, lq.columns);
  const work: WorkTable = { name: cte.name };
  const recursiveScope = level();
  const entry: CteEntry = { kind: 'work', work, columns, scope: recursiveScope, referenced: false };
  frame.set(cte.name, entry);
  let rq: BoundQuery;
  try {
    rq = bindQuery(b, query.right, recursiveScope, true);
  } finally {
    frame.delete(cte.name);
  }
  if (!entry.referenced) return undefined;
  if (query.orderBy.length > 0) throw err(SqlState.featureNotSupported, 'ORDER BY in a recursive query is not implemented', cte.location);
  if (query.limit !== undefined || query.offset !== undefined) {
    throw err(SqlState.featureNotSupported, 'OFFSET/LIMIT in a recursive query is not implemented', cte.location);
  }
  if (rq.columns.length !== lq.columns.length) {
    throw err(SqlState.syntaxError, 'each UNION query must have the same number of columns', targetLocation(query.right, 0));
  }
  const types = lq.columns.map((c) => c.type);
  rq.columns.forEach((c, i) => {
    const overall = b.commonType([colExpr(i, types[i]!), colExpr(i, c.type)], 'UNION', cte.location);
    if (overall.oid !== types[i]!.oid) {
      throw err(
        SqlState.datatypeMismatch,
        `recursive query "${cte.name}" column ${i + 1} has type ${typeName(types[i]!)} in non-recursive term but type ${typeName(overall)} overall`,
        targetLocation(query.left, i),
        { hint: 'Cast the output of the non-recursive term to the correct type.' },
      );
    }
  });
  const plan: Plan = {
    kind: 'recursiveUnion',
    work,
    all: query.all,
    nonRecursive: planQuery(lq),
    recursive: coerceBranch(b, rq, types, 'UNION', cte.location),
    types,
    width: types.length,
  };
  return { plan, columns };
}

/** A reference to a WITH query in FROM, or undefined when `name` names none. */
export function bindCteRef(b: Binder, item: Extract<FromItem, { kind: 'RangeVar' }>, scope: Scope, offset: number): BoundFrom | undefined {
  if (item.schema !== undefined) return undefined;
  const entry = lookupCte(b, item.name);
  if (entry === undefined) return undefined;
  if (entry.kind === 'noReturning') {
    throw err(SqlState.featureNotSupported, `WITH query "${entry.name}" does not have a RETURNING clause`, item.location);
  }
  const alias = item.alias?.name ?? item.name;
  const columns = aliasedRangeColumns(scope, alias, item.alias?.columns ?? [], entry.columns, offset, item.location);
  const width = entry.columns.length;
  let plan: Plan;
  if (entry.kind === 'work') {
    // Subqueries in FROM run again with the recursive term; a subquery in an expression is computed
    // once per execution and would never see the next working table.
    if (scope.parent !== entry.scope.parent) {
      throw err('42P19', `recursive reference to query "${entry.work.name}" must not appear within a subquery`, item.location);
    }
    entry.referenced = true;
    plan = { kind: 'workTableScan', work: entry.work, width };
  } else {
    if (entry.def.correlated && scope.parent !== entry.level) {
      throw err(
        SqlState.featureNotSupported,
        `WITH query "${entry.def.name}" reads columns of an enclosing query; reading it from a nested subquery is not supported yet`,
        item.location,
      );
    }
    plan = { kind: 'cteScan', cte: entry.def, width };
  }
  scope.ranges.push({ alias, schema: undefined, columns });
  return { kind: 'subquery', plan, alias, offset, span: width };
}

// ─── UNION / INTERSECT / EXCEPT ────────────────────────────────────────────────────────────

function colExpr(slot: number, type: SqlType): BExpr {
  return { kind: 'col', slot, type };
}

/** Plans a branch with its output columns coerced to `types` (untyped literals take them directly). */
function coerceBranch(b: Binder, q: BoundQuery, types: readonly SqlType[], context: string, location: number): Plan {
  const coerce = (e: BExpr, t: SqlType): BExpr => {
    const r = b.tryCoerce(e, t, 'implicit');
    if (r === undefined) throw err(SqlState.datatypeMismatch, `${context} could not convert type ${typeName(e.type)} to ${typeName(t)}`, location);
    return r;
  };
  if (q.kind === 'select') {
    const outputs = q.outputs.map((o, i) => (i < types.length ? coerce(o, types[i]!) : o));
    return planQuery({ ...q, outputs });
  }
  const plan = planQuery(q);
  if (q.columns.every((c, i) => c.type.oid === types[i]!.oid)) return plan;
  return { kind: 'project', input: plan, exprs: q.columns.map((c, i) => coerce(colExpr(i, c.type), types[i]!)), width: types.length };
}

function bindBranch(b: Binder, stmt: SelectStmt, scope: Scope): BoundQuery {
  const inner = new Scope(scope.parent);
  const q = bindQuery(b, stmt, inner, true);
  if (inner.correlated) scope.correlated = true;
  return q;
}

export function bindSetOp(b: Binder, stmt: Extract<SelectStmt, { kind: 'SetOp' }>, scope: Scope): BoundSetOp {
  const context = stmt.op.toUpperCase();
  const l = bindBranch(b, stmt.left, scope);
  const r = bindBranch(b, stmt.right, scope);
  if (l.columns.length !== r.columns.length) {
    throw err(SqlState.syntaxError, `each ${context} query must have the same number of columns`, targetLocation(stmt.right, 0));
  }
  const types = l.columns.map((c, i) =>
    b.commonType([colExpr(i, c.type), colExpr(i, r.columns[i]!.type)], context, targetLocation(stmt.right, i)),
  );
  const columns: ResultColumn[] = l.columns.map((c, i) => ({ name: c.name, type: types[i]!, tableOid: 0, attnum: 0 }));
  return {
    kind: 'setop',
    op: stmt.op,
    all: stmt.all,
    left: coerceBranch(b, l, types, context, -1),
    right: coerceBranch(b, r, types, context, -1),
    columns,
    orderBy: stmt.orderBy.map((s) => setOpSortKey(s, columns)),
    limit: bindLimit(b, stmt.limit, 'LIMIT'),
    offset: bindLimit(b, stmt.offset, 'OFFSET'),
  };
}

/** ORDER BY of a set operation: result column names or positions only (as PostgreSQL). */
function setOpSortKey(s: SortBy, columns: readonly ResultColumn[]): BoundSortKey {
  const e = s.expr;
  let slot = -1;
  if (e.kind === 'Const' && e.type === 'integer') {
    const pos = Number(e.value);
    if (pos < 1 || pos > columns.length) throw err(SqlState.invalidColumnReference, `ORDER BY position ${pos} is not in select list`, e.location);
    slot = pos - 1;
  } else if (e.kind === 'ColumnRef' && e.names.length === 1 && e.names[0] !== undefined) {
    const name = e.names[0];
    slot = columns.findIndex((c) => c.name === name);
    if (slot < 0) throw err(SqlState.undefinedColumn, `column "${name}" does not exist`, e.location);
  } else {
    throw err(SqlState.featureNotSupported, 'invalid UNION/INTERSECT/EXCEPT ORDER BY clause', locationOf(e), {
      detail: 'Only result column names can be used, not expressions or functions.',
      hint: 'Add the expression/function to every SELECT, or move the UNION into a FROM clause.',
    });
  }
  const desc = s.direction === 'desc';
  return { slot, type: columns[slot]!.type, desc, nullsFirst: s.nulls === 'default' ? desc : s.nulls === 'first' };
}

function locationOf(e: Expr): number {
  return astLocation(e);
}

/** Where column `i` of a query is written (its leftmost token), for error positions as PostgreSQL reports them. */
function targetLocation(stmt: SelectStmt, i: number): number {
  switch (stmt.kind) {
    case 'Select': {
      const t = stmt.targets[Math.min(i, stmt.targets.length - 1)];
      return t === undefined ? -1 : astLocation(t.expr);
    }
    case 'Values': {
      const e = stmt.rows[0]?.[i];
      return e === undefined ? -1 : astLocation(e);
    }
    case 'SetOp':
      return targetLocation(stmt.left, i);
    default:
      return -1;
  }
}

// ─── LATERAL subqueries ────────────────────────────────────────────────────────────────────

/** LATERAL (subquery): earlier FROM items are outer depth 1 (the join's left row at run time). */
export function bindLateralSubquery(b: Binder, item: Extract<FromItem, { kind: 'RangeSubselect' }>, scope: Scope, offset: number): BoundFrom {
  if (item.alias === undefined) throw err(SqlState.syntaxError, 'subquery in FROM must have an alias', item.location);
  const inner = new Scope(scope);
  const sub = b.bindSubquery(b, item.query, inner);
  const alias = item.alias.name;
  const columns = aliasedRangeColumns(scope, alias, item.alias.columns, sub.columns, offset, item.location);
  // (The binder marks this level correlated itself when the subquery reaches past it.)
  if (inner.correlated) scope.hasCorrelatedChild = true;
  scope.ranges.push({ alias, schema: undefined, columns });
  return { kind: 'subquery', plan: sub.plan, alias, offset, span: sub.columns.length, lateral: inner.correlated };
}

/**
 * The scope columns of a FROM item called `alias` over `available` columns, renamed by the
 * item's column aliases; PostgreSQL's errors for a repeated alias (42712) and for more aliases
 * than columns. `virtualOid`: the columns are those of a catalog relation (attnum = position).
 */
export function aliasedRangeColumns(
  scope: Scope,
  alias: string,
  aliasColumns: readonly string[],
  available: readonly { readonly name: string; readonly type: SqlType }[],
  offset: number,
  location: number,
  virtualOid = 0,
): ScopeColumn[] {
  if (scope.ranges.some((r) => r.alias === alias)) throw err('42712', `table name "${alias}" specified more than once`, location);
  if (aliasColumns.length > available.length) {
    throw err(
      SqlState.invalidColumnReference,
      `table "${alias}" has ${available.length} columns available but ${aliasColumns.length} columns specified`,
      location,
    );
  }
  return available.map((c, i) => ({
    name: aliasColumns[i] ?? c.name,
    type: c.type,
    slot: offset + i,
    tableOid: virtualOid,
    attnum: virtualOid === 0 ? 0 : i + 1,
    hidden: false,
  }));
}

/** True when a FROM item may read earlier FROM items (LATERAL subqueries, functions). */
export function mayBeLateral(item: FromItem): boolean {
  switch (item.kind) {
    case 'RangeSubselect':
      return item.lateral;
    case 'RangeFunction':
      return true;
    case 'RangeVar':
      return false;
    case 'Join':
      return mayBeLateral(item.left) || mayBeLateral(item.right);
    default:
      return false;
  }
}

// ─── functions in FROM ─────────────────────────────────────────────────────────────────────

const noMatchHint = 'No function matches the given name and argument types. You might need to add explicit type casts.';

function signature(name: string, args: readonly BExpr[]): string {
  return `${name}(${args.map((a) => typeName(a.type)).join(', ')})`;
}

function noFunction(name: string, args: readonly BExpr[], location: number): SqlError {
  return err(SqlState.undefinedFunction, `function ${signature(name, args)} does not exist`, location, { hint: noMatchHint });
}

const intervalType = sqlType(Oid.interval);

/** generate_series: int4, int8, numeric, timestamp and timestamptz, resolved as PostgreSQL 15 does. */
function bindGenerateSeries(b: Binder, f: FuncCall, args: BExpr[]): SrfCall {
  const name = 'generate_series';
  if (args.length !== 2 && args.length !== 3) throw noFunction(name, args, f.location);
  const known = args.slice(0, 2).map((a) => a.type.oid).filter((o) => o !== Oid.unknown);
  const third = args[2]?.type.oid;
  let type: SqlType | undefined;
  const datetime: readonly number[] = [Oid.timestamp, Oid.timestamptz, Oid.date];
  if (known.some((o) => datetime.includes(o)) || third === Oid.interval) {
    // Untyped start and stop with an interval step: PostgreSQL prefers timestamptz (the preferred datetime type).
    type = known.length === 0 || known.some((o) => o === Oid.timestamptz || o === Oid.date) ? sqlType(Oid.timestamptz) : sqlType(Oid.timestamp);
    if (args.length !== 3) throw noFunction(name, args, f.location);
  } else if (known.includes(Oid.numeric) || third === Oid.numeric) {
    type = sqlType(Oid.numeric);
  } else if (known.includes(Oid.int8) || third === Oid.int8) {
    type = sqlType(Oid.int8);
  } else {
    type = sqlType(Oid.int4);
  }
  const targets = [type, type, type.oid === Oid.timestamp || type.oid === Oid.timestamptz ? intervalType : type];
  const coerced: BExpr[] = [];
  for (let i = 0; i < args.length; i++) {
    const c = b.tryCoerce(args[i]!, targets[i]!, 'implicit');
    if (c === undefined) throw noFunction(name, args, f.location);
    coerced.push(c);
  }
  return { name, impl: 'generate_series', args: coerced, type };
}

interface JsonSrf {
  readonly impl: SrfImpl;
  readonly arg: number;
  readonly result: number;
  /** Name of the OUT column in FROM, when PostgreSQL declares one. */
  readonly column?: string;
}

/** The json set-returning functions: argument type and result type. */
const jsonSrfs: ReadonlyMap<string, JsonSrf> = new Map([
  ['json_array_elements', { impl: 'json_array_elements', arg: Oid.json, result: Oid.json, column: 'value' }],
  ['json_array_elements_text', { impl: 'json_array_elements_text', arg: Oid.json, result: Oid.text, column: 'value' }],
  ['json_object_keys', { impl: 'json_object_keys', arg: Oid.json, result: Oid.text }],
  ['jsonb_array_elements', { impl: 'json_array_elements', arg: Oid.jsonb, result: Oid.jsonb, column: 'value' }],
  ['jsonb_array_elements_text', { impl: 'json_array_elements_text', arg: Oid.jsonb, result: Oid.text, column: 'value' }],
  ['jsonb_object_keys', { impl: 'json_object_keys', arg: Oid.jsonb, result: Oid.text }],
] as const);

function bindJsonSrf(b: Binder, f: FuncCall, name: string, def: JsonSrf, args: BExpr[]): SrfCall {
  const arg = args.length === 1 ? b.tryCoerce(args[0]!, sqlType(def.arg), 'implicit') : undefined;
  if (arg === undefined) throw noFunction(name, args, f.location);
  const call: SrfCall = { name, impl: def.impl, args: [arg], type: sqlType(def.result) };
  return def.column === undefined ? call : { ...call, column: def.column };
}

/** generate_subscripts(anyarray, dim int4 [, reverse bool]) → int4. */
function bindGenerateSubscripts(b: Binder, f: FuncCall, args: BExpr[]): SrfCall {
  const name = 'generate_subscripts';
  if (args.length !== 2 && args.length !== 3) throw noFunction(name, args, f.location);
  if (args[0]!.type.oid === Oid.unknown) {
    throw err(SqlState.ambiguousFunction, `function ${signature(name, args)} is not unique`, f.location, {
      hint: 'Could not choose a best candidate function. You might need to add explicit type casts.',
    });
  }
  if (!isArrayOid(args[0]!.type.oid)) throw noFunction(name, args, f.location);
  const dim = b.tryCoerce(args[1]!, sqlType(Oid.int4), 'implicit');
  const reverse = args.length === 3 ? b.tryCoerce(args[2]!, sqlType(Oid.bool), 'implicit') : undefined;
  if (dim === undefined || (args.length === 3 && reverse === undefined)) throw noFunction(name, args, f.location);
  return { name, impl: 'generate_subscripts', args: reverse === undefined ? [args[0]!, dim] : [args[0]!, dim, reverse], type: sqlType(Oid.int4) };
}

/** information_schema._pg_expandarray(...) (PostgreSQL declares it there only, so it must be qualified). */
export function isExpandArrayCall(f: FuncCall): boolean {
  return f.name.length === 2 && f.name[0] === 'information_schema' && f.name[1] === '_pg_expandarray';
}

/**
 * _pg_expandarray(anyarray) → setof record (x anyelement, n int4): two columns in FROM, one record
 * value in the select list (`selectList`), whose fields `(...).x` / `(...).n` select.
 */
function bindExpandArray(b: Binder, f: FuncCall, args: BExpr[], selectList: boolean): SrfCall {
  const name = '_pg_expandarray';
  const plain = !f.star && !f.distinct && !f.variadic && f.orderBy.length === 0 && f.filter === undefined && f.over === undefined && f.argNames.every((n) => n === undefined);
  if (!plain || args.length !== 1) throw noFunction(name, args, f.location);
  const a = args[0]!;
  if (a.type.oid === Oid.unknown) {
    throw err(SqlState.ambiguousFunction, `function ${signature(name, args)} is not unique`, f.location, {
      hint: 'Could not choose a best candidate function. You might need to add explicit type casts.',
    });
  }
  if (!isArrayOid(a.type.oid)) throw noFunction(name, args, f.location);
  const columns = [
    { name: 'x', type: sqlType(arrayElemOid(a.type.oid)) },
    { name: 'n', type: sqlType(Oid.int4) },
  ];
  if (selectList) return { name, impl: '_pg_expandarray', args: [a], type: recordType(columns) };
  return { name, impl: '_pg_expandarray', args: [a], type: columns[0]!.type, column: 'x', columns };
}

function bindFromFunction(b: Binder, f: FuncCall, scope: Scope, defs: readonly FunctionColumnDef[] | undefined, selectList: boolean): SrfCall[] {
  const name = f.name[f.name.length - 1]!;
  if (isExpandArrayCall(f)) {
    if (defs !== undefined) throw columnDefsNotAllowed(defs);
    return [bindExpandArray(b, f, f.args.map((a) => b.bind(a, scope, noAggregates('functions in FROM'))), selectList)];
  }
  const qualifiedOk = f.name.length === 1 || (f.name.length === 2 && f.name[0] === 'pg_catalog');
  const plain = !f.star && !f.distinct && !f.variadic && f.orderBy.length === 0 && f.filter === undefined && f.over === undefined;
  if (qualifiedOk && plain && f.argNames.every((n) => n === undefined) && isRecordOrTextSrf(name)) {
    return [bindRecordOrTextSrf(b, f, name, (a) => b.bind(a, scope, noAggregates('functions in FROM')), defs)];
  }
  if (defs !== undefined) throw columnDefsNotAllowed(defs);
  if (qualifiedOk && plain && name === 'pg_partition_ancestors' && f.args.length === 1 && f.argNames[0] === undefined) {
    // No partitioned tables: a relation is its only ancestor (psql's \d asks for foreign keys this way).
    const arg = b.tryCoerce(b.bind(f.args[0]!, scope, noAggregates('functions in FROM')), sqlType(Oid.regclass), 'implicit');
    if (arg === undefined) throw noFunction(name, [b.bind(f.args[0]!, scope, noAggregates('functions in FROM'))], f.location);
    const array: BExpr = { kind: 'array', elems: [arg], elemOid: Oid.regclass, type: sqlType(arrayTypeOf(Oid.regclass)) };
    return [{ name, impl: 'unnest', args: [array], type: sqlType(Oid.regclass), column: 'relid' }];
  }
  if (qualifiedOk && plain && f.argNames.every((n) => n === undefined) && (name === 'generate_series' || name === 'unnest' || name === 'generate_subscripts' || jsonSrfs.has(name))) {
    const args = f.args.map((a) => b.bind(a, scope, noAggregates('functions in FROM')));
    if (name === 'generate_series') return [bindGenerateSeries(b, f, args)];
    if (name === 'generate_subscripts') return [bindGenerateSubscripts(b, f, args)];
    const json = jsonSrfs.get(name);
    if (json !== undefined) return [bindJsonSrf(b, f, name, json, args)];
    if (args.length === 0) throw noFunction(name, args, f.location);
    return args.map((a) => {
      if (a.type.oid === Oid.unknown) {
        throw err(SqlState.ambiguousFunction, `function unnest(unknown) is not unique`, f.location, {
          hint: 'Could not choose a best candidate function. You might need to add explicit type casts.',
        });
      }
      if (!isArrayOid(a.type.oid)) throw noFunction(name, [a], f.location);
      return { name, impl: 'unnest', args: [a], type: sqlType(arrayElemOid(a.type.oid)) } satisfies SrfCall;
    });
  }
  // Any other function: one row holding its value.
  const e = b.resolveUnknownToText(b.bind(f, scope, noAggregates('functions in FROM')));
  if (e.kind === 'aggref') throw err(SqlState.groupingError, 'aggregate functions are not allowed in functions in FROM', f.location);
  return [{ name, impl: 'scalar', args: [e], type: e.type }];
}

/** f(...) / ROWS FROM (f(...), g(...)) [WITH ORDINALITY] [AS alias(cols)]: implicitly LATERAL. */
export function bindRangeFunction(b: Binder, item: Extract<FromItem, { kind: 'RangeFunction' }>, scope: Scope, offset: number): BoundFrom {
  const inner = new Scope(scope);
  const calls = item.functions.flatMap((f, i) => bindFromFunction(b, f, inner, item.columnDefs?.[i], item.alias?.name === targetSrfAlias));
  const names = calls.map((c) => c.name);
  const alias = item.alias?.name ?? names[0] ?? 'function';
  if (scope.ranges.some((r) => r.alias === alias)) throw err('42712', `table name "${alias}" specified more than once`, item.location);
  const types = calls.flatMap((c) => c.columns?.map((col) => col.type) ?? [c.type]);
  // A single function returning one unnamed column takes the alias as its column name (PostgreSQL);
  // a named OUT column (json[b]_array_elements' "value") keeps its name.
  const defaults =
    calls.length === 1 && item.alias !== undefined && calls[0]!.column === undefined ? [item.alias.name] : calls.flatMap((c) => c.columns?.map((col) => col.name) ?? [c.column ?? c.name]);
  if (item.ordinality) {
    defaults.push('ordinality');
    types.push(int8Type);
  }
  const aliasColumns = item.alias?.columns ?? [];
  if (aliasColumns.length > types.length) {
    throw err(SqlState.invalidColumnReference, `table "${alias}" has ${types.length} columns available but ${aliasColumns.length} columns specified`, item.location);
  }
  // The item made for set-returning functions of the select list is invisible to `*`.
  const hidden = alias === targetSrfAlias;
  const columns: ScopeColumn[] = types.map((type, i) => ({
    name: aliasColumns[i] ?? defaults[i]!,
    type,
    slot: offset + i,
    tableOid: 0,
    attnum: 0,
    hidden,
  }));
  if (inner.correlated) scope.hasCorrelatedChild = true;
  scope.ranges.push({ alias, schema: undefined, columns });
  const plan: Plan = { kind: 'functionScan', calls, ordinality: item.ordinality, width: types.length };
  return { kind: 'subquery', plan, alias, offset, span: types.length, lateral: inner.correlated };
}

/**
 * A subquery in FROM without LATERAL that names an earlier FROM item of its own level: PostgreSQL's
 * 42P01 `invalid reference to FROM-clause entry` with its hint, instead of `missing FROM-clause entry`.
 */
export function nonLateralReference(e: unknown, scope: Scope): unknown {
  if (!(e instanceof SqlError) || e.code !== SqlState.undefinedTable) return e;
  const m = /^missing FROM-clause entry for table "(.*)"$/.exec(e.message);
  if (m === null || !scope.ranges.some((r) => r.alias === m[1])) return e;
  return new SqlError(e.code, `invalid reference to FROM-clause entry for table "${m[1]}"`, {
    ...e.fields,
    hint: `There is an entry for table "${m[1]}", but it cannot be referenced from this part of the query.`,
  });
}

/** INSERT / UPDATE / DELETE with a WITH clause: `bind` runs with the (read-only) WITH queries visible. */
export function bindWithDml<T>(b: Binder, w: WithClause | undefined, bind: () => T): T {
  if (w === undefined) return bind();
  return withClause(b, w, new Scope(null), true, bind);
}

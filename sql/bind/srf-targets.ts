/**
 * Set-returning functions in the select list (`SELECT unnest(tags) FROM t`,
 * `SELECT generate_series(1, 3)`), PostgreSQL 10+ semantics: per input row, the SRFs of the list
 * run in lockstep, shorter ones padded with NULLs, and a row whose SRFs return nothing
 * disappears. That is exactly `FROM ..., LATERAL ROWS FROM (f1(...), f2(...))` with the calls
 * replaced by the function columns, which is how they are bound here (before aggregation,
 * DISTINCT, ORDER BY and LIMIT, as PostgreSQL's ProjectSet). Queries where that rewrite would
 * change the answer (aggregates, window functions, GROUP BY, SRFs nested in expressions) are
 * refused with 0A000.
 */
import type { Expr, FromItem, FuncCall, ResTarget, SimpleSelect } from '../ast.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { isAggregateName } from '../types/aggregates.js';

/** Alias of the generated function item: not writable as an unquoted identifier. */
export const targetSrfAlias = '?select-list functions?';

const setReturning = new Set([
  'generate_series',
  'generate_subscripts',
  'unnest',
  'json_array_elements',
  'json_array_elements_text',
  'json_object_keys',
  'jsonb_array_elements',
  'jsonb_array_elements_text',
  'jsonb_object_keys',
  'regexp_matches',
  'regexp_split_to_table',
  'string_to_table',
  'pg_partition_ancestors',
  // Returning record: refused below (no record values in the select list yet).
  'json_each',
  'json_each_text',
  'jsonb_each',
  'jsonb_each_text',
  'json_to_recordset',
  'jsonb_to_recordset',
]);
const returningRecord = new Set(['json_each', 'json_each_text', 'jsonb_each', 'jsonb_each_text', 'json_to_recordset', 'jsonb_to_recordset']);

function isSrfCall(e: Expr): e is FuncCall {
  if (e.kind !== 'FuncCall') return false;
  const n = e.name;
  // Returns one record value per element here (its fields selected with (...).x / (...).n).
  if (n.length === 2 && n[0] === 'information_schema' && n[1] === '_pg_expandarray') return true;
  return (n.length === 1 || (n.length === 2 && n[0] === 'pg_catalog')) && setReturning.has(n[n.length - 1]!);
}

/** Fields of an AST node that belong to this query level (a SubLink's query is a level of its own). */
function ownFields(node: object): [string, unknown][] {
  const entries = Object.entries(node);
  return (node as { readonly kind?: unknown }).kind === 'SubLink' ? entries.filter(([k]) => k !== 'query') : entries;
}

/** Deep search of an AST subtree (plain frozen objects) at this query level for FuncCall nodes matching `pred`. */
function someCall(node: unknown, pred: (f: FuncCall) => boolean): boolean {
  if (node === null || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some((x) => someCall(x, pred));
  const o = node as { readonly kind?: unknown };
  if (o.kind === 'FuncCall' && pred(node as FuncCall)) return true;
  return ownFields(node).some(([, x]) => someCall(x, pred));
}

/** `node` with every set-returning call at this query level replaced by `f(call)` (same object when none). */
function mapCalls(node: unknown, f: (call: FuncCall) => Expr): unknown {
  if (node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) {
    const out = node.map((x) => mapCalls(x, f));
    return out.some((x, i) => x !== node[i]) ? out : node;
  }
  if ((node as { readonly kind?: unknown }).kind === 'FuncCall' && isSrfCall(node as FuncCall)) return f(node as FuncCall);
  let changed = false;
  const out: Record<string, unknown> = { ...node };
  for (const [k, v] of ownFields(node)) {
    const m = mapCalls(v, f);
    if (m !== v) {
      out[k] = m;
      changed = true;
    }
  }
  return changed ? out : node;
}

/** PostgreSQL refuses set-returning functions inside conditional expressions (0A000 there too). */
const conditional = new Set(['Case', 'Coalesce', 'NullIf', 'MinMax']);
function inConditional(node: unknown, inside = false): boolean {
  if (node === null || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some((x) => inConditional(x, inside));
  const kind = (node as { readonly kind?: unknown }).kind;
  if (kind === 'FuncCall' && isSrfCall(node as FuncCall) && inside) return true;
  const now = inside || (typeof kind === 'string' && conditional.has(kind));
  return ownFields(node).some(([, x]) => inConditional(x, now));
}

function unsupported(what: string, location: number): SqlError {
  return new SqlError(SqlState.featureNotSupported, `set-returning functions in the select list ${what} are not supported yet`, location >= 0 ? { position: location + 1 } : {});
}

/**
 * `stmt` itself when its select list has no set-returning function; otherwise the equivalent
 * query with a LATERAL ROWS FROM item. `nameOf` names an output column as PostgreSQL does.
 */
export function rewriteTargetSrfs(stmt: SimpleSelect, nameOf: (e: Expr) => string): SimpleSelect {
  if (!someCall(stmt.targets, (f) => isSrfCall(f))) return stmt;
  const firstSrf = stmt.targets.find((t) => someCall(t, (f) => isSrfCall(f)));
  const location = firstSrf?.location ?? -1;
  if (stmt.groupBy.length > 0 || stmt.having !== undefined) throw unsupported('with GROUP BY or HAVING', location);
  if (someCall(stmt.targets, (f) => f.over !== undefined || (f.name.length === 1 && isAggregateName(f.name[0]!)))) {
    throw unsupported('with aggregates or window functions', location);
  }
  if (stmt.distinct !== undefined && stmt.distinct.length > 0) throw unsupported('with DISTINCT ON', location);
  const calls: FuncCall[] = [];
  if (inConditional(stmt.targets)) throw unsupported('inside CASE, COALESCE, NULLIF, GREATEST or LEAST', location);
  const replace = (e: FuncCall): Expr => {
    if (someCall(e.args, (f) => isSrfCall(f))) throw unsupported('nested in one another', e.location);
    if (e.name[e.name.length - 1] === 'unnest' && e.args.length !== 1) throw unsupported('with several arrays for unnest', e.location);
    if (returningRecord.has(e.name[e.name.length - 1]!)) throw unsupported(`returning record (${e.name[e.name.length - 1]!})`, e.location);
    calls.push(e);
    return { kind: 'ColumnRef', names: [targetSrfAlias, `f${calls.length}`], location: e.location };
  };
  const targets: ResTarget[] = stmt.targets.map((t) => {
    const expr = mapCalls(t.expr, replace) as Expr;
    return expr === t.expr ? t : { ...t, expr, name: t.name ?? nameOf(t.expr) };
  });
  const item: FromItem = {
    kind: 'RangeFunction',
    functions: calls,
    alias: { name: targetSrfAlias, columns: calls.map((_, i) => `f${i + 1}`) },
    lateral: true,
    ordinality: false,
    location,
  };
  return { ...stmt, targets, from: [...stmt.from, item] };
}

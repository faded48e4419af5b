/**
 * INSERT ... ON CONFLICT binding: arbiter index inference (conflict target columns or ON
 * CONSTRAINT, as PostgreSQL's infer_arbiter_indexes), and DO UPDATE's SET / WHERE over the
 * existing row (the target's name or alias) and the proposed row (EXCLUDED).
 */
import type { OnConflict, RangeVar } from '../ast.js';
import type { IndexDescriptor, TableDescriptor } from '../../catalog/descriptors.js';
import { SqlError, SqlState } from '../../util/errors.js';
import type { OnConflictPlan } from '../plan/plan.js';
import { astLocation, Binder, noAggregates, Scope } from './binder.js';
import type { BExpr } from './expr.js';
import { andParts, impliedPredicate } from '../plan/index-match.js';
import { boundIndexesOf } from './index-exprs.js';
import { exprKey } from './walk.js';

function err(code: string, message: string, extra: { hint?: string; position?: number } = {}): SqlError {
  return new SqlError(code, message, extra);
}

/** Unique indexes that can arbitrate (readable or being backfilled: writes maintain both). */
function uniqueIndexes(table: TableDescriptor): IndexDescriptor[] {
  return [table.primaryIndex, ...table.indexes].filter((i) => (i.unique || i.indexId === 1) && !i.hidden);
}

function inferArbiters(b: Binder, table: TableDescriptor, oc: OnConflict, scope: Scope): IndexDescriptor[] {
  if (oc.constraint !== undefined) {
    const c = table.constraints.find((x) => x.name === oc.constraint);
    if (c === undefined) throw err(SqlState.undefinedObject, `constraint "${oc.constraint}" for table "${table.name}" does not exist`);
    if (c.kind !== 'primaryKey' && c.kind !== 'unique') throw err(SqlState.wrongObjectType, 'constraint in ON CONFLICT clause has no associated index');
    const idx = uniqueIndexes(table).find((i) => i.oid === c.indexOid);
    if (idx === undefined) throw err(SqlState.wrongObjectType, 'constraint in ON CONFLICT clause has no associated index');
    return [idx];
  }
  if (oc.target.length === 0 && (oc.targetExprs ?? []).length === 0) {
    if (oc.action === 'update') {
      throw err(SqlState.syntaxError, 'ON CONFLICT DO UPDATE requires inference specification or constraint name', {
        hint: 'For example, ON CONFLICT (column_name).',
        ...(oc.location !== undefined && oc.location >= 0 ? { position: oc.location + 1 } : {}),
      });
    }
    // DO NOTHING without a target: a conflict on any unique index (partial ones included) is skipped.
    return uniqueIndexes(table);
  }
  const attnums = new Set<number>();
  for (const name of oc.target) {
    const col = table.columns.find((c) => !c.dropped && c.name === name);
    if (col === undefined) {
      const loc = oc.targetLocation ?? -1;
      throw err(SqlState.undefinedColumn, `column "${name}" does not exist`, loc >= 0 ? { position: loc + 1 } : {});
    }
    attnums.add(col.attnum);
  }
  // Decides which partial indexes may arbitrate: those whose predicate it implies.
  const targetWhere =
    oc.targetWhere === undefined
      ? []
      : andParts(b.coerceBool(b.bind(oc.targetWhere, scope, noAggregates('index predicates')), 'ON CONFLICT WHERE', astLocation(oc.targetWhere)));
  const exprKeys = new Set((oc.targetExprs ?? []).map((e) => exprKey(b.bind(e, scope, noAggregates('index expressions')))));
  const bound = boundIndexesOf(table);
  const out: IndexDescriptor[] = [];
  for (const idx of uniqueIndexes(table)) {
    const cols = new Set(idx.columns.flatMap((c) => (c.expr === undefined ? [c.attnum] : [])));
    if (cols.size !== attnums.size || [...attnums].some((a) => !cols.has(a))) continue;
    const keys = bound?.get(idx.indexId)?.keys ?? [];
    const idxExprs = new Set(idx.columns.flatMap((c, i) => (c.expr === undefined || keys[i] === undefined ? [] : [exprKey(keys[i])])));
    if (idxExprs.size !== exprKeys.size || [...exprKeys].some((k) => !idxExprs.has(k))) continue;
    if (idx.predicate !== undefined && impliedPredicate(table, idx, 0, targetWhere) === undefined) continue;
    out.push(idx);
  }
  if (out.length === 0) throw err(SqlState.invalidColumnReference, 'there is no unique or exclusion constraint matching the ON CONFLICT specification');
  return out;
}

/**
 * Binds ON CONFLICT for `table` (target alias from `rv`). DO UPDATE expressions see the existing
 * row at slots [0, w) and EXCLUDED at [w, 2w).
 */
export function bindOnConflict(
  b: Binder,
  table: TableDescriptor,
  rv: RangeVar,
  oc: OnConflict,
  bindSet: (scope: Scope) => (BExpr | null)[],
): OnConflictPlan {
  const scope = new Scope(null);
  const schema = b.ctx.catalog.schema(table.schemaOid)?.name ?? '';
  scope.ranges.push(b.tableRange(table, rv.alias?.name ?? table.name, rv.alias === undefined ? schema : '', 0, []));
  const arbiters = inferArbiters(b, table, oc, scope);
  if (oc.action === 'nothing') return { action: 'nothing', arbiters, anyUnique: oc.constraint === undefined && oc.target.length === 0 };
  scope.ranges.push(b.tableRange(table, 'excluded', '', table.columns.length, []));
  try {
    const set = bindSet(scope);
    const where =
      oc.where === undefined ? null : b.coerceBool(b.bind(oc.where, scope, noAggregates('WHERE')), 'WHERE', astLocation(oc.where));
    return { action: 'update', arbiters, set, where };
  } catch (e) {
    throw aliasedTableReference(e, table, rv);
  }
}

/** `t.col` where the target is aliased: PostgreSQL's "invalid reference to FROM-clause entry" with its hint. */
export function aliasedTableReference(e: unknown, table: TableDescriptor, rv: RangeVar): unknown {
  const alias = rv.alias?.name;
  if (alias === undefined || !(e instanceof SqlError) || e.code !== SqlState.undefinedTable) return e;
  if (e.message !== `missing FROM-clause entry for table "${rv.name}"`) return e;
  return new SqlError(e.code, `invalid reference to FROM-clause entry for table "${rv.name}"`, {
    ...e.fields,
    hint: `Perhaps you meant to reference the table alias "${alias}".`,
  });
}

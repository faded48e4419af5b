/**
 * SELECT ... FOR UPDATE / NO KEY UPDATE / SHARE / KEY SHARE [OF t, ...] [NOWAIT | SKIP LOCKED]:
 * which FROM tables are locked, how, and PostgreSQL's restrictions (0A000 with its messages).
 * A table named by several clauses takes the strongest strength and the strictest wait policy
 * (NOWAIT over SKIP LOCKED over waiting), as PostgreSQL's applyLockingClause.
 */
import type { LockingClause } from '../ast.js';
import { assertNever } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';
import type { BoundLocking, LockStrength, LockTarget, LockWaitPolicy } from '../plan/locking.js';
import { andOf, splitAnd } from '../plan/planner.js';
import type { BExpr } from './expr.js';
import type { BoundFrom } from './query.js';

const strengthRank: Readonly<Record<LockStrength, number>> = { 'key share': 0, share: 1, 'no key update': 2, update: 3 };
const waitRank: Readonly<Record<LockWaitPolicy, number>> = { block: 0, 'skip locked': 1, nowait: 2 };

/** "FOR UPDATE", "FOR NO KEY UPDATE", ... as PostgreSQL's LCS_asString. */
export function lockingName(c: LockingClause): string {
  return `FOR ${c.strength.toUpperCase()}`;
}

function unsupported(message: string): SqlError {
  return new SqlError(SqlState.featureNotSupported, message);
}

interface FromEntry {
  readonly from: Exclude<BoundFrom, { kind: 'join' }>;
  readonly nullable: boolean;
}

function fromEntries(from: BoundFrom | null, nullable: boolean, out: FromEntry[], inner: BExpr[]): void {
  if (from === null) return;
  switch (from.kind) {
    case 'table':
    case 'subquery':
    case 'virtual':
      out.push({ from, nullable });
      return;
    case 'join':
      if (from.joinType === 'inner' && from.on !== null) inner.push(from.on);
      fromEntries(from.left, nullable || from.joinType === 'full', out, inner);
      fromEntries(from.right, nullable || from.joinType !== 'inner', out, inner);
      return;
    default:
      assertNever(from, 'FROM node');
  }
}

/**
 * `shape` says what the SELECT has that PostgreSQL refuses to lock rows of (checked in its order:
 * DISTINCT, GROUP BY, HAVING, aggregates).
 */
export function bindLocking(
  clauses: readonly LockingClause[],
  from: BoundFrom | null,
  where: BExpr | null,
  shape: { readonly distinct: boolean; readonly groupBy: boolean; readonly having: boolean; readonly aggregates: boolean },
): BoundLocking {
  const first = clauses[0]!;
  const name = lockingName(first);
  if (shape.distinct) throw unsupported(`${name} is not allowed with DISTINCT clause`);
  if (shape.groupBy) throw unsupported(`${name} is not allowed with GROUP BY clause`);
  if (shape.having) throw unsupported(`${name} is not allowed with HAVING clause`);
  if (shape.aggregates) throw unsupported(`${name} is not allowed with aggregate functions`);
  const entries: FromEntry[] = [];
  const inner: BExpr[] = [];
  fromEntries(from, false, entries, inner);
  const chosen = new Map<FromEntry, { strength: LockStrength; waitPolicy: LockWaitPolicy }>();
  const apply = (e: FromEntry, c: LockingClause): void => {
    const prev = chosen.get(e);
    if (prev === undefined) {
      chosen.set(e, { strength: c.strength, waitPolicy: c.waitPolicy });
      return;
    }
    if (strengthRank[c.strength] > strengthRank[prev.strength]) prev.strength = c.strength;
    if (waitRank[c.waitPolicy] > waitRank[prev.waitPolicy]) prev.waitPolicy = c.waitPolicy;
  };
  for (const c of clauses) {
    if (c.of.length === 0) {
      for (const e of entries) apply(e, c);
      continue;
    }
    for (const [i, rel] of c.of.entries()) {
      const e = entries.find((x) => x.from.alias === rel);
      if (e === undefined) {
        const loc = c.ofLocations?.[i] ?? -1;
        throw new SqlError(SqlState.undefinedTable, `relation "${rel}" in ${lockingName(c)} clause not found in FROM clause`, loc >= 0 ? { position: loc + 1 } : {});
      }
      apply(e, c);
    }
  }
  const targets: LockTarget[] = [];
  for (const [e, how] of chosen) {
    const lockName = lockingName({ strength: how.strength, of: [], waitPolicy: how.waitPolicy });
    if (e.nullable) throw unsupported(`${lockName} cannot be applied to the nullable side of an outer join`);
    const f = e.from;
    switch (f.kind) {
      case 'table':
        targets.push({ table: f.table, alias: f.alias, offset: f.offset, strength: how.strength, waitPolicy: how.waitPolicy });
        break;
      case 'subquery':
        throw unsupported(`${lockName} on a subquery or function in FROM is not supported yet`);
      case 'virtual':
        throw unsupported(`${lockName} on a system catalog view is not supported yet`);
      default:
        assertNever(f, 'FROM item');
    }
  }
  return { targets, recheck: andOf([...splitAnd(where), ...inner]) };
}

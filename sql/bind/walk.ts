/** Generic traversal of bound expressions: child mapping, visiting, and structural keys. */
import { assertNever } from '../../util/assert.js';
import { Decimal, Interval, PgArray, PgRecord, type Datum } from '../types/index.js';
import type { BExpr, SubqueryExpr } from './expr.js';

/** Rebuilds `e` with `f` applied to each direct child expression (not into subquery plans). */
export function mapChildren(e: BExpr, f: (c: BExpr) => BExpr): BExpr {
  switch (e.kind) {
    case 'const':
    case 'param':
    case 'col':
    case 'outer':
    case 'sessionValue':
    case 'aggref':
    case 'lateRef':
      return e;
    case 'op':
      return { ...e, left: e.left === null ? null : f(e.left), right: f(e.right) };
    case 'func':
    case 'catalogFn':
      return { ...e, args: e.args.map(f) };
    case 'cast':
      return { ...e, arg: f(e.arg) };
    case 'and':
    case 'or':
      return { ...e, args: e.args.map(f) };
    case 'not':
    case 'isNull':
    case 'boolTest':
      return { ...e, arg: f(e.arg) };
    case 'case':
      return { ...e, whens: e.whens.map((w) => ({ cond: f(w.cond), result: f(w.result) })), else: f(e.else) };
    case 'coalesce':
    case 'minmax':
      return { ...e, args: e.args.map(f) };
    case 'nullif':
      return { ...e, left: f(e.left), eq: f(e.eq) };
    case 'inList':
      return { ...e, tests: e.tests.map(f) };
    case 'isDistinct':
      return { ...e, left: f(e.left), right: f(e.right), eq: f(e.eq) };
    case 'subquery': {
      const t = e.sub.test;
      if (t === undefined) return e;
      return { ...e, sub: { ...e.sub, test: { ...t, left: f(t.left) } } };
    }
    case 'seqFn':
      return { ...e, args: e.args.map(f) };
    case 'anyArray':
      return { ...e, left: f(e.left), array: f(e.array) };
    case 'array':
      return { ...e, elems: e.elems.map(f) };
    case 'row':
      return { ...e, args: e.args.map(f) };
    case 'fieldSelect':
      return { ...e, arg: f(e.arg) };
    case 'subscript':
      return {
        ...e,
        arg: f(e.arg),
        indices: e.indices.map((i) => ({ lower: i.lower === null ? null : f(i.lower), upper: i.upper === null ? null : f(i.upper) })),
      };
    default:
      return assertNever(e, 'bound expression');
  }
}

/** Visits `e` and every descendant (pre-order; not into subquery plans). */
export function visit(e: BExpr, f: (c: BExpr) => void): void {
  f(e);
  mapChildren(e, (c) => {
    visit(c, f);
    return c;
  });
}

export function someExpr(e: BExpr, pred: (c: BExpr) => boolean): boolean {
  let found = false;
  visit(e, (c) => {
    if (!found && pred(c)) found = true;
  });
  return found;
}

/** FROM-row slots read by `e` (depth-0 column references). */
export function collectSlots(e: BExpr, into: Set<number>): void {
  visit(e, (c) => {
    if (c.kind === 'col') into.add(c.slot);
  });
}

/** Whether evaluating `e` needs an await (subqueries, nextval/setval). */
export function hasAsyncParts(e: BExpr): boolean {
  return someExpr(
    e,
    (c) => c.kind === 'subquery' || (c.kind === 'seqFn' && (c.fn === 'nextval' || c.fn === 'setval')) || (c.kind === 'catalogFn' && c.fn.kind === 'async'),
  );
}

/** Volatile or session-dependent parts that must not be evaluated once for many rows. */
export function isVolatile(e: BExpr): boolean {
  return someExpr(e, (c) => c.kind === 'seqFn' || c.kind === 'subquery' || (c.kind === 'func' && c.fn.volatility === 'volatile'));
}

const subqueryIds = new WeakMap<SubqueryExpr, number>();
let nextSubqueryId = 1;

function datumKey(d: Datum): string {
  if (d === null) return 'N';
  if (typeof d === 'bigint') return `${d}n`;
  if (typeof d === 'string') return JSON.stringify(d);
  if (typeof d === 'number' || typeof d === 'boolean') return String(d);
  if (d instanceof Decimal) return `D${d.toString()}`;
  if (d instanceof Uint8Array) return `B${Buffer.from(d).toString('hex')}`;
  if (d instanceof Interval) return `I${d.months},${d.days},${d.micros}`;
  if (d instanceof PgArray) return `A${d.elemOid}[${d.items.map(datumKey).join(',')}]`;
  if (d instanceof PgRecord) return `R(${d.fields.map(datumKey).join(',')})`;
  return assertNever(d, 'datum');
}

/** A structural key: equal keys = the same expression (GROUP BY / ORDER BY matching). */
export function exprKey(e: BExpr): string {
  const t = `${e.type.oid}/${e.type.typmod}`;
  const kids: string[] = [];
  mapChildren(e, (c) => {
    kids.push(exprKey(c));
    return c;
  });
  let own: string;
  switch (e.kind) {
    case 'const':
      own = datumKey(e.value);
      break;
    case 'param':
      own = String(e.index);
      break;
    case 'col':
      own = String(e.slot);
      break;
    case 'outer':
      own = `${e.depth}.${e.slot}`;
      break;
    case 'op':
      own = `${e.op.name}${e.left === null ? 'u' : 'b'}`;
      break;
    case 'func':
    case 'catalogFn':
      own = e.fn.name;
      break;
    case 'subquery': {
      let id = subqueryIds.get(e.sub);
      if (id === undefined) {
        id = nextSubqueryId++;
        subqueryIds.set(e.sub, id);
      }
      own = String(id);
      break;
    }
    case 'seqFn':
      own = `${e.fn}${e.seqOid}`;
      break;
    case 'sessionValue':
      own = e.what;
      break;
    case 'aggref':
      own = String(e.index);
      break;
    case 'lateRef':
      own = `${e.ref}${e.index}`;
      break;
    case 'minmax':
      own = e.op;
      break;
    case 'boolTest':
      own = `${e.test}${e.negated}`;
      break;
    case 'isNull':
    case 'inList':
    case 'isDistinct':
      own = String(e.negated);
      break;
    case 'anyArray':
      own = `${e.quantifier}${e.op.name}`;
      break;
    case 'fieldSelect':
      own = String(e.index);
      break;
    case 'row':
      own = '';
      break;
    case 'subscript':
      own = `${e.slice}${e.indices.map((i) => `${i.lower === null ? '-' : 'l'}${i.upper === null ? '-' : 'u'}`).join('')}`;
      break;
    case 'cast':
    case 'and':
    case 'or':
    case 'not':
    case 'case':
    case 'coalesce':
    case 'nullif':
    case 'array':
      own = '';
      break;
    default:
      return assertNever(e, 'bound expression');
  }
  return `${e.kind}:${t}:${own}(${kids.join(',')})`;
}

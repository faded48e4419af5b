/**
 * EXPLAIN: a separate consumer of the plan tree, printing PostgreSQL-style text
 * ("Index Scan using t_pkey on t", "Index Cond:", "Filter:", "->  " children). There is no
 * cost model yet: COSTS prints the row estimate the planner's access path implies
 * (1 for a point lookup, ANALYZE's row count for a full scan when known), never invented costs.
 */
import { assertNever } from '../../util/assert.js';
import type { AggCall, BExpr } from '../bind/expr.js';
import type { NodeStats } from '../exec/expr.js';
import type { SpillReport } from '../exec/spill.js';
import { formatType, type Datum } from '../types/index.js';
import type { Plan } from './plan.js';
import { planRowEstimates } from './cost.js';
import { deparseExpr } from '../deparse.js';
import { fromStorage } from '../../pg_catalog/typed-expr.js';

export interface ExplainInput {
  readonly verbose: boolean;
  readonly costs: boolean;
  /** Row counts per table oid from ANALYZE (absent = never analyzed). */
  readonly tableRows: ReadonlyMap<number, number>;
  /** EXPLAIN ANALYZE counters per plan node. */
  readonly stats: ReadonlyMap<object, NodeStats> | undefined;
}

type Names = readonly string[];

function quoteLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function datumText(d: Datum, e: BExpr): string {
  if (d === null) return 'NULL';
  if (typeof d === 'number' || typeof d === 'bigint') return String(d);
  if (typeof d === 'boolean') return d ? 'true' : 'false';
  if (typeof d === 'string') return `${quoteLiteral(d)}::${safeType(e)}`;
  return `${quoteLiteral(String(d))}::${safeType(e)}`;
}

function safeType(e: BExpr): string {
  try {
    return formatType(e.type);
  } catch {
    return String(e.type.oid);
  }
}

export function deparse(e: BExpr, names: Names): string {
  const d = (x: BExpr): string => deparse(x, names);
  switch (e.kind) {
    case 'const':
      return datumText(e.value, e);
    case 'param':
      return `$${e.index + 1}`;
    case 'col':
      return names[e.slot] ?? `col${e.slot}`;
    case 'outer':
      return `outer${e.depth}.col${e.slot}`;
    case 'op':
      return e.left === null ? `(${e.op.name} ${d(e.right)})` : `(${d(e.left)} ${e.op.name} ${d(e.right)})`;
    case 'func':
    case 'catalogFn':
      return `${e.fn.name}(${e.args.map(d).join(', ')})`;
    case 'cast':
      return `(${d(e.arg)})::${safeType(e)}`;
    case 'and':
    case 'or':
      return `(${e.args.map(d).join(e.kind === 'and' ? ' AND ' : ' OR ')})`;
    case 'not':
      return `(NOT ${d(e.arg)})`;
    case 'isNull':
      return `(${d(e.arg)} IS ${e.negated ? 'NOT ' : ''}NULL)`;
    case 'boolTest':
      return `(${d(e.arg)} IS ${e.negated ? 'NOT ' : ''}${e.test.toUpperCase()})`;
    case 'case':
      return `CASE ${e.whens.map((w) => `WHEN ${d(w.cond)} THEN ${d(w.result)}`).join(' ')} ELSE ${d(e.else)} END`;
    case 'coalesce':
      return `COALESCE(${e.args.map(d).join(', ')})`;
    case 'nullif':
      return `NULLIF(${d(e.left)}, ...)`;
    case 'minmax':
      return `${e.op.toUpperCase()}(${e.args.map(d).join(', ')})`;
    case 'inList':
      return `(${e.tests.map(d).join(e.negated ? ' AND NOT ' : ' OR ')})`;
    case 'isDistinct':
      return `(${d(e.left)} IS ${e.negated ? 'NOT ' : ''}DISTINCT FROM ${d(e.right)})`;
    case 'subquery':
      return `(SubPlan ${e.sub.linkType})`;
    case 'seqFn':
      return `${e.fn}(${e.seqOid !== null ? String(e.seqOid) : e.args.map(d).join(', ')})`;
    case 'sessionValue':
      return e.what.toUpperCase();
    case 'array':
      return `ARRAY[${e.elems.map(d).join(', ')}]`;
    case 'anyArray':
      return `(${d(e.left)} ${e.op.name} ${e.quantifier.toUpperCase()} (${d(e.array)}))`;
    case 'subscript':
      return `${d(e.arg)}${e.indices.map((i) => (e.slice ? `[${i.lower === null ? '' : d(i.lower)}:${i.upper === null ? '' : d(i.upper)}]` : `[${i.upper === null ? '' : d(i.upper)}]`)).join('')}`;
    case 'row':
      return `ROW(${e.args.map(d).join(', ')})`;
    case 'fieldSelect':
      return `(${d(e.arg)}).${e.field}`;
    case 'aggref':
      return `agg${e.index}`;
    case 'lateRef':
      return `${e.ref}${e.index}`;
    default:
      return assertNever(e, 'bound expression');
  }
}

function deparseAgg(a: AggCall, names: Names): string {
  const args = a.args.length === 0 && a.agg.name === 'count' ? '*' : a.args.map((x) => deparse(x, names)).join(', ');
  const order = a.orderBy.map((o) => `${deparse(o.expr, names)}${o.desc ? ' DESC' : ''}`).join(', ');
  return `${a.agg.name}(${a.distinct ? 'DISTINCT ' : ''}${args}${order === '' ? '' : ` ORDER BY ${order}`})`;
}

/** Names of the FROM-row slots, from the scans and subquery scans under `plan`. */
function fromNames(plan: Plan, out: string[]): void {
  switch (plan.kind) {
    case 'scan':
      plan.table.columns.forEach((c, i) => {
        out[plan.offset + i] = `${plan.alias}.${c.name}`;
      });
      return;
    case 'subqueryScan':
      for (let i = 0; i < plan.width - plan.offset; i++) if (out[plan.offset + i] === undefined) out[plan.offset + i] = `${plan.alias}.column${i + 1}`;
      return;
    case 'virtualScan':
      plan.table.columns.forEach((c, i) => {
        out[plan.offset + i] = `${plan.alias}.${c.name}`;
      });
      return;
    case 'nestedLoop':
    case 'hashJoin':
    case 'mergeJoin':
      fromNames(plan.left, out);
      fromNames(plan.right, out);
      return;
    case 'filter':
      fromNames(plan.input, out);
      return;
    default:
      return;
  }
}

/** The names of a node's output slots. */
function outputNames(plan: Plan): Names {
  switch (plan.kind) {
    case 'scan':
    case 'subqueryScan':
    case 'virtualScan':
    case 'nestedLoop':
    case 'hashJoin':
    case 'mergeJoin': {
      const out: string[] = [];
      fromNames(plan, out);
      return out;
    }
    case 'filter':
    case 'lockRows':
    case 'sort':
    case 'distinct':
    case 'distinctOn':
    case 'limit':
      return outputNames(plan.input);
    case 'window': {
      const inNames = outputNames(plan.input);
      return [...inNames, ...plan.spec.calls.map((c) => `${c.fn.kind === 'agg' ? c.fn.agg.name : c.fn.name}(${c.args.map((a) => deparse(a, inNames)).join(', ')})`)];
    }
    case 'aggregate': {
      const inNames = outputNames(plan.input);
      const grouping = (plan.groupingCalls ?? []).map((g) => `GROUPING(${g.map((i) => deparse(plan.groupBy[i]!, inNames)).join(', ')})`);
      return [...plan.groupBy.map((g) => deparse(g, inNames)), ...plan.aggs.map((a) => deparseAgg(a, inNames)), ...grouping];
    }
    case 'project': {
      const inNames = outputNames(plan.input);
      return plan.exprs.map((e) => deparse(e, inNames));
    }
    case 'values':
      return plan.rows[0]?.map((_, i) => `column${i + 1}`) ?? [];
    case 'setOp':
    case 'recursiveUnion':
    case 'cteScan':
    case 'workTableScan':
    case 'functionScan':
      return Array.from({ length: plan.width }, (_, i) => `column${i + 1}`);
    case 'withDml':
      return outputNames(plan.input);
    case 'insert':
    case 'update':
    case 'delete':
      return [];
    default:
      return assertNever(plan, 'plan node');
  }
}

interface Node {
  readonly header: string;
  readonly details: string[];
  readonly children: Node[];
  readonly plan: Plan;
}

function scanIndexCond(plan: Extract<Plan, { kind: 'scan' }>, names: Names): string | undefined {
  const colName = (i: number): string => {
    const expr = plan.index.columns[i]!.expr;
    if (expr !== undefined) return deparseExpr(fromStorage(expr.expr));
    const attnum = plan.index.columns[i]!.attnum;
    const c = plan.table.columns.find((x) => x.attnum === attnum);
    return c?.name ?? `#${attnum}`;
  };
  const b = plan.bounds;
  const parts: string[] = [];
  switch (b.kind) {
    case 'full':
      return undefined;
    case 'point':
      b.key.forEach((k, i) => parts.push(`(${colName(i)} = ${deparse(k, names)})`));
      break;
    case 'range':
      b.prefix.forEach((k, i) => parts.push(`(${colName(i)} = ${deparse(k, names)})`));
      if (b.lower !== undefined) parts.push(`(${colName(b.prefix.length)} ${b.lower.inclusive ? '>=' : '>'} ${deparse(b.lower.expr, names)})`);
      if (b.upper !== undefined) parts.push(`(${colName(b.prefix.length)} ${b.upper.inclusive ? '<=' : '<'} ${deparse(b.upper.expr, names)})`);
      break;
    case 'in':
      b.prefix.forEach((k, i) => parts.push(`(${colName(i)} = ${deparse(k, names)})`));
      parts.push(`(${colName(b.prefix.length)} = ANY (ARRAY[${b.values.map((v) => deparse(v, names)).join(', ')}]))`);
      break;
    default:
      return assertNever(b, 'scan bounds');
  }
  return parts.length === 1 ? parts[0] : `(${parts.join(' AND ')})`;
}

function estimateRows(plan: Plan, input: ExplainInput): number | undefined {
  const joinOrderEstimate = planRowEstimates.get(plan);
  if (joinOrderEstimate !== undefined) return joinOrderEstimate;
  if (plan.kind !== 'scan') return undefined;
  if (plan.bounds.kind === 'point') return 1;
  if (plan.bounds.kind === 'full' && plan.filter === null) return input.tableRows.get(plan.table.oid);
  return undefined;
}

function build(plan: Plan, input: ExplainInput): Node {
  const node = (header: string, details: string[], children: Node[]): Node => ({ header, details, children, plan });
  switch (plan.kind) {
    case 'scan': {
      const names = outputNames(plan);
      const aliasPart = plan.alias === plan.table.name ? plan.table.name : `${plan.table.name} ${plan.alias}`;
      const details: string[] = [];
      const cond = scanIndexCond(plan, []);
      let header: string;
      if (plan.bounds.kind === 'full' && plan.index.indexId === 1 && !plan.reverse) header = `Seq Scan on ${aliasPart}`;
      else header = `${plan.indexOnly ? 'Index Only Scan' : 'Index Scan'}${plan.reverse ? ' Backward' : ''} using ${plan.index.name || `${plan.table.name}_rowid`} on ${aliasPart}`;
      if (cond !== undefined) details.push(`Index Cond: ${cond}`);
      if (plan.filter !== null) details.push(`Filter: ${deparse(plan.filter, names)}`);
      if (input.verbose) {
        const cols = plan.table.columns.flatMap((c, i) => (c.dropped ? [] : [names[plan.offset + i]!]));
        details.unshift(`Output: ${cols.join(', ')}`);
      }
      return node(header, details, []);
    }
    case 'subqueryScan':
      if (plan.input.kind === 'cteScan') return node(`CTE Scan on ${plan.alias}`, [], [build(plan.input.cte.plan, input)]);
      if (plan.input.kind === 'workTableScan') return node(`WorkTable Scan on ${plan.alias}`, [], []);
      if (plan.input.kind === 'functionScan') return node(`Function Scan on ${plan.input.calls.map((c) => c.name).join(', ')} ${plan.alias}`, [], []);
      return node(`Subquery Scan on ${plan.alias}`, [], [build(plan.input, input)]);
    case 'setOp': {
      const header =
        plan.op === 'union' ? (plan.all ? 'Append' : 'HashAggregate') : `HashSetOp ${plan.op === 'intersect' ? 'Intersect' : 'Except'}${plan.all ? ' All' : ''}`;
      return node(header, [], [build(plan.left, input), build(plan.right, input)]);
    }
    case 'recursiveUnion':
      return node('Recursive Union', [], [build(plan.nonRecursive, input), build(plan.recursive, input)]);
    case 'cteScan':
      return node(`CTE Scan on ${plan.cte.name}`, [], [build(plan.cte.plan, input)]);
    case 'workTableScan':
      return node(`WorkTable Scan on ${plan.work.name}`, [], []);
    case 'functionScan':
      return node(`Function Scan on ${plan.calls.map((c) => c.name).join(', ')}`, [], []);
    case 'withDml': {
      const ctes = plan.ctes.map((c): Node => ({ header: `CTE ${c.name}`, details: [], children: [build(c.plan, input)], plan: c.plan }));
      const main = build(plan.input, input);
      return { ...main, children: [...ctes, ...main.children] };
    }
    case 'virtualScan': {
      const names = outputNames(plan);
      const aliasPart = plan.alias === plan.table.def.name ? plan.table.def.name : `${plan.table.def.name} ${plan.alias}`;
      const details = plan.filter === null ? [] : [`Filter: ${deparse(plan.filter, names)}`];
      if (input.verbose) details.unshift(`Output: ${plan.table.columns.map((_, i) => names[plan.offset + i]!).join(', ')}`);
      return node(`Virtual Scan on ${aliasPart}`, details, []);
    }
    case 'filter': {
      const child = build(plan.input, input);
      child.details.push(`Filter: ${deparse(plan.pred, outputNames(plan.input))}`);
      return child;
    }
    case 'project': {
      if (plan.input.kind === 'values' && plan.input.rows.length === 1 && plan.input.width === 0) {
        const details = input.verbose ? [`Output: ${outputNames(plan).join(', ')}`] : [];
        return node('Result', details, []);
      }
      const child = build(plan.input, input);
      if (input.verbose) child.details.unshift(`Output: ${outputNames(plan).join(', ')}`);
      return child;
    }
    case 'values':
      return node(plan.rows.length === 1 ? 'Result' : 'Values Scan on "*VALUES*"', [], []);
    case 'nestedLoop': {
      const names = outputNames(plan);
      const details = plan.on === null ? [] : [`Join Filter: ${deparse(plan.on, names)}`];
      const header = plan.joinType === 'left' ? 'Nested Loop Left Join' : plan.joinType === 'full' ? 'Nested Loop Full Join' : 'Nested Loop';
      const right = build(plan.right, input);
      // An index lookup per left row: its key values are the left row's columns, named as such.
      const cond = plan.parameterized && plan.right.kind === 'scan' ? scanIndexCond(plan.right, names) : undefined;
      const at = right.details.findIndex((d) => d.startsWith('Index Cond: '));
      if (cond !== undefined && at >= 0) right.details[at] = `Index Cond: ${cond}`;
      return node(header, details, [build(plan.left, input), right]);
    }
    case 'hashJoin': {
      const names = outputNames(plan);
      const conds = plan.leftKeys.map((l, i) => `(${deparse(l, names)} = ${deparse(plan.rightKeys[i]!, names)})`);
      const details = [`Hash Cond: ${conds.length === 1 ? conds[0] : `(${conds.join(' AND ')})`}`];
      if (plan.on !== null) details.push(`Join Filter: ${deparse(plan.on, names)}`);
      const header = plan.joinType === 'left' ? 'Hash Left Join' : plan.joinType === 'full' ? 'Hash Full Join' : 'Hash Join';
      const hash: Node = { header: 'Hash', details: [], children: [build(plan.right, input)], plan: plan.right };
      return node(header, details, [build(plan.left, input), hash]);
    }
    case 'mergeJoin': {
      const names = outputNames(plan);
      const conds = plan.leftKeys.map((l, i) => `(${deparse(l, names)} = ${deparse(plan.rightKeys[i]!, names)})`);
      const details = [`Merge Cond: ${conds.length === 1 ? conds[0] : `(${conds.join(' AND ')})`}`];
      if (plan.on !== null) details.push(`Join Filter: ${deparse(plan.on, names)}`);
      const header = plan.joinType === 'left' ? 'Merge Left Join' : plan.joinType === 'full' ? 'Merge Full Join' : 'Merge Join';
      return node(header, details, [build(plan.left, input), build(plan.right, input)]);
    }
    case 'aggregate': {
      const names = outputNames(plan.input);
      if (plan.sets !== undefined) {
        // GROUPING SETS: one hash table per non-empty set, the empty set as a plain group (PostgreSQL's MixedAggregate).
        const keys = plan.sets.map((set) => (set.length === 0 ? 'Group Key: ()' : `Hash Key: ${set.map((i) => deparse(plan.groupBy[i]!, names)).join(', ')}`));
        const mixed = plan.sets.some((set) => set.length === 0);
        return node(mixed ? 'MixedAggregate' : 'HashAggregate', keys, [build(plan.input, input)]);
      }
      if (plan.groupBy.length === 0) return node('Aggregate', [], [build(plan.input, input)]);
      return node('HashAggregate', [`Group Key: ${plan.groupBy.map((g) => deparse(g, names)).join(', ')}`], [build(plan.input, input)]);
    }
    case 'sort': {
      const names = outputNames(plan.input);
      const keys = plan.keys.map((k) => {
        let s = deparse(k.expr, names);
        if (k.desc) s += ' DESC';
        if (k.nullsFirst !== k.desc) s += k.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST';
        return s;
      });
      return node('Sort', [`Sort Key: ${keys.join(', ')}`], [build(plan.input, input)]);
    }
    case 'distinct':
      return node('HashAggregate', [`Group Key: ${outputNames(plan.input).join(', ')}`], [build(plan.input, input)]);
    case 'limit':
      return node('Limit', [], [build(plan.input, input)]);
    case 'lockRows':
      return node('LockRows', [], [build(plan.input, input)]);
    case 'window':
      return node('WindowAgg', [], [build(plan.input, input)]);
    case 'distinctOn':
      return node('Unique', [], [build(plan.input, input)]);
    case 'insert': {
      const oc = plan.onConflict;
      const details: string[] = [];
      if (oc !== undefined) {
        details.push(`Conflict Resolution: ${oc.action.toUpperCase()}`);
        if (oc.action === 'update' || !oc.anyUnique) details.push(`Conflict Arbiter Indexes: ${oc.arbiters.map((i) => i.name).join(', ')}`);
        if (oc.action === 'update' && oc.where !== null) {
          const names = plan.table.columns.map((c) => `${plan.table.name}.${c.name}`);
          details.push(`Conflict Filter: ${deparse(oc.where, [...names, ...plan.table.columns.map((c) => `excluded.${c.name}`)])}`);
        }
      }
      return node(`Insert on ${plan.table.name}`, details, [build(plan.source, input)]);
    }
    case 'update':
      return node(`Update on ${plan.table.name}`, [], [build(plan.source, input)]);
    case 'delete':
      return node(`Delete on ${plan.table.name}`, [], [build(plan.source, input)]);
    default:
      return assertNever(plan, 'plan node');
  }
}

function annotate(n: Node, input: ExplainInput): string {
  let h = n.header;
  if (input.costs) {
    const est = estimateRows(n.plan, input);
    if (est !== undefined) h += `  (rows=${est})`;
  }
  if (input.stats !== undefined) {
    const s = input.stats.get(n.plan);
    if (s === undefined) h += ' (never executed)';
    else h += ` (actual time=${(s.firstRowMs / s.loops).toFixed(3)}..${(s.totalMs / s.loops).toFixed(3)} rows=${Math.round(s.rows / s.loops)} loops=${s.loops})`;
  }
  return h;
}

function render(n: Node, col: number, arrow: boolean, out: string[], input: ExplainInput): void {
  const pad = ' '.repeat(col);
  out.push(arrow ? `${pad}->  ${annotate(n, input)}` : `${pad}${annotate(n, input)}`);
  const textCol = arrow ? col + 4 : col;
  for (const d of n.details) out.push(`${' '.repeat(textCol + 2)}${d}`);
  const spill = input.stats?.get(n.plan)?.spill;
  if (spill !== undefined) out.push(`${' '.repeat(textCol + 2)}${spillLine(n.plan, spill)}`);
  for (const c of n.children) render(c, textCol + 2, true, out, input);
}

/** EXPLAIN ANALYZE: memory and spill of a Sort / hash join / hash aggregate, worded as PostgreSQL's. */
function spillLine(plan: Plan, r: SpillReport): string {
  const kb = (bytes: number): string => `${Math.ceil(bytes / 1024)}kB`;
  if (plan.kind === 'sort') return r.diskBytes > 0 ? `Sort Method: external merge  Disk: ${kb(r.diskBytes)}` : `Sort Method: quicksort  Memory: ${kb(r.peakMemoryBytes)}`;
  // Partition files: one per batch (a hash join writes a left and a right file per batch).
  const batches = 1 + (plan.kind === 'hashJoin' ? r.files / 2 : r.files);
  return `Batches: ${batches}  Memory Usage: ${kb(r.peakMemoryBytes)}${r.diskBytes > 0 ? `  Disk Usage: ${kb(r.diskBytes)}` : ''}`;
}

export function explainLines(plan: Plan, input: ExplainInput): string[] {
  const out: string[] = [];
  render(build(plan, input), 0, false, out, input);
  return out;
}

/** libpg-query SelectStmt / InsertStmt / UpdateStmt / DeleteStmt → nodedb AST. */
import type * as pg from '@pgsql/types';
import type * as ast from '../ast.js';
import type { ExprConverter } from './convert-expr.js';
import { convertStatementNode } from './convert-stmt.js';
import { bodyOf, internal, list, strings, tagOf, unsupported, type Node } from './pg.js';
import { SqlError, SqlState } from '../../util/errors.js';

export function convertSelect(c: ExprConverter, node: Node | undefined, where: string): ast.SelectStmt {
  const s = bodyOf(node, 'SelectStmt');
  if (s === undefined) throw unsupported(`${node === undefined ? 'nothing' : tagOf(node)} as ${where}`);
  return selectStmt(c, s);
}

function selectStmt(c: ExprConverter, s: pg.SelectStmt): ast.SelectStmt {
  if (s.intoClause !== undefined) throw unsupported('SELECT INTO');
  const common = selectCommon(c, s);
  const op = s.op ?? 'SETOP_NONE';
  switch (op) {
    case 'SETOP_NONE':
      break;
    case 'SETOP_UNION':
    case 'SETOP_INTERSECT':
    case 'SETOP_EXCEPT':
      return {
        kind: 'SetOp',
        ...common,
        op: op === 'SETOP_UNION' ? 'union' : op === 'SETOP_INTERSECT' ? 'intersect' : 'except',
        all: s.all === true,
        left: selectStmt(c, expectSelect(s.larg)),
        right: selectStmt(c, expectSelect(s.rarg)),
      };
    default:
      throw unsupported(`set operation ${String(op)}`);
  }
  const values = list(s.valuesLists);
  if (values.length > 0) {
    const rows = values.map((r) => {
      const l = bodyOf(r, 'List');
      if (l === undefined) throw internal(`${tagOf(r)} in VALUES`);
      return c.exprs(l.items, 'VALUES');
    });
    return { kind: 'Values', ...common, rows };
  }
  const distinctNodes = s.distinctClause;
  const distinct =
    distinctNodes === undefined
      ? undefined
      : list(distinctNodes).filter((n) => Object.keys(n).length > 0).map((n) => c.expr(n, 'DISTINCT ON'));
  const base: ast.SimpleSelect = {
    kind: 'Select',
    ...common,
    targets: resTargets(c, s.targetList, 'SELECT list'),
    from: fromItems(c, s.fromClause),
    groupBy: list(s.groupClause).map((g) => groupingElement(c, g)),
    groupByDistinct: s.groupDistinct === true,
    windows: list(s.windowClause).map((w) => {
      const def = bodyOf(w, 'WindowDef');
      if (def === undefined) throw internal(`${tagOf(w)} in WINDOW`);
      return { name: def.name ?? '', spec: c.windowSpec(def) };
    }),
  };
  const where = c.optExpr(s.whereClause, 'WHERE');
  const having = c.optExpr(s.havingClause, 'HAVING');
  let out: ast.SimpleSelect = base;
  if (distinct !== undefined) out = { ...out, distinct };
  if (where !== undefined) out = { ...out, where };
  if (having !== undefined) out = { ...out, having };
  return out;
}

function expectSelect(n: pg.SelectStmt | undefined): pg.SelectStmt {
  if (n === undefined) throw internal('set operation without an operand');
  return n;
}

function selectCommon(c: ExprConverter, s: pg.SelectStmt): ast.SelectCommon {
  const limitOption = s.limitOption ?? 'LIMIT_OPTION_DEFAULT';
  let common: ast.SelectCommon = {
    orderBy: c.sortBys(s.sortClause, 'ORDER BY'),
    limitWithTies: limitOption === 'LIMIT_OPTION_WITH_TIES',
    locking: list(s.lockingClause).map((l) => lockingClause(c, l)),
  };
  const withClause = s.withClause === undefined ? undefined : convertWith(c, s.withClause);
  const limit = c.optExpr(s.limitCount, 'LIMIT');
  const offset = c.optExpr(s.limitOffset, 'OFFSET');
  if (withClause !== undefined) common = { ...common, with: withClause };
  if (limit !== undefined && !isNullConst(limit)) common = { ...common, limit };
  if (offset !== undefined) common = { ...common, offset };
  return common;
}

/** LIMIT ALL arrives as a NULL constant; LIMIT NULL means the same. */
function isNullConst(e: ast.Expr): boolean {
  return e.kind === 'Const' && e.type === 'null';
}

function lockingClause(c: ExprConverter, n: Node): ast.LockingClause {
  const l = bodyOf(n, 'LockingClause');
  if (l === undefined) throw internal(`${tagOf(n)} in locking clause`);
  const strength = l.strength ?? 'LCS_NONE';
  const s =
    strength === 'LCS_FORUPDATE' ? 'update'
    : strength === 'LCS_FORNOKEYUPDATE' ? 'no key update'
    : strength === 'LCS_FORSHARE' ? 'share'
    : strength === 'LCS_FORKEYSHARE' ? 'key share'
    : undefined;
  if (s === undefined) throw internal(`locking strength ${strength}`);
  const wait = l.waitPolicy ?? 'LockWaitBlock';
  return {
    strength: s,
    of: list(l.lockedRels).map((r) => {
      const rv = bodyOf(r, 'RangeVar');
      if (rv === undefined) throw internal(`${tagOf(r)} in FOR UPDATE OF`);
      return rv.relname ?? '';
    }),
    ofLocations: list(l.lockedRels).map((r) => c.ctx.loc(bodyOf(r, 'RangeVar')?.location)),
    waitPolicy: wait === 'LockWaitSkip' ? 'skip locked' : wait === 'LockWaitError' ? 'nowait' : 'block',
  };
}

export function convertWith(c: ExprConverter, w: pg.WithClause): ast.WithClause {
  return {
    recursive: w.recursive === true,
    ctes: list(w.ctes).map((n): ast.CommonTableExpr => {
      const cte = bodyOf(n, 'CommonTableExpr');
      if (cte === undefined) throw internal(`${tagOf(n)} in WITH`);
      if (cte.search_clause !== undefined) throw unsupported('SEARCH clause in WITH');
      if (cte.cycle_clause !== undefined) throw unsupported('CYCLE clause in WITH');
      const m = cte.ctematerialized ?? 'CTEMaterializeDefault';
      return {
        kind: 'CTE',
        name: cte.ctename ?? '',
        columns: strings(cte.aliascolnames, 'WITH column list'),
        query: convertStatementNode(c, cte.ctequery, 'WITH query'),
        materialized: m === 'CTEMaterializeAlways' ? 'always' : m === 'CTEMaterializeNever' ? 'never' : 'default',
        location: c.ctx.loc(cte.location),
      };
    }),
  };
}

function returning(c: ExprConverter, r: pg.ReturningClause | undefined): ast.ResTarget[] {
  if (r === undefined) return [];
  if (list(r.options).length > 0) throw unsupported('RETURNING WITH (OLD/NEW aliases)');
  return resTargets(c, r.exprs, 'RETURNING');
}

export function resTargets(c: ExprConverter, nodes: readonly Node[] | undefined, where: string): ast.ResTarget[] {
  return list(nodes).map((n) => {
    const r = bodyOf(n, 'ResTarget');
    if (r === undefined) throw internal(`${tagOf(n)} in ${where}`);
    if (list(r.indirection).length > 0) throw unsupported(`assignment to a subscript or field in ${where}`);
    const expr = c.expr(r.val, where);
    const t: ast.ResTarget = { kind: 'ResTarget', expr, location: c.ctx.loc(r.location) };
    return r.name !== undefined && r.name !== '' ? { ...t, name: r.name } : t;
  });
}

function groupingElement(c: ExprConverter, n: Node): ast.GroupingElement {
  const gs = bodyOf(n, 'GroupingSet');
  if (gs === undefined) return { kind: 'expr', expr: c.expr(n, 'GROUP BY') };
  const k = gs.kind ?? 'GROUPING_SET_EMPTY';
  const items = list(gs.content).map((x) => groupingElement(c, x));
  switch (k) {
    case 'GROUPING_SET_EMPTY':
      return { kind: 'empty' };
    case 'GROUPING_SET_SIMPLE':
      return { kind: 'sets', items };
    case 'GROUPING_SET_ROLLUP':
      return { kind: 'rollup', items };
    case 'GROUPING_SET_CUBE':
      return { kind: 'cube', items };
    case 'GROUPING_SET_SETS':
      return { kind: 'sets', items };
    default:
      throw unsupported(`grouping set ${String(k)}`);
  }
}

export function fromItems(c: ExprConverter, nodes: readonly Node[] | undefined): ast.FromItem[] {
  return list(nodes).map((n) => fromItem(c, n));
}

function alias(a: pg.Alias | undefined): ast.Alias | undefined {
  if (a === undefined) return undefined;
  return { name: a.aliasname ?? '', columns: strings(a.colnames, 'alias column list') };
}

export function rangeVar(c: ExprConverter, r: pg.RangeVar | undefined, where: string): ast.RangeVar {
  if (r === undefined) throw internal(`missing table name in ${where}`);
  if (r.catalogname !== undefined && r.catalogname !== '') {
    // PostgreSQL accepts db.schema.table only for the current database; the binder checks the name.
    throw unsupported('cross-database references');
  }
  const base: ast.RangeVar = {
    kind: 'RangeVar',
    name: r.relname ?? '',
    inherit: r.inh === true,
    location: c.ctx.loc(r.location),
  };
  const al = alias(r.alias);
  const withSchema = r.schemaname !== undefined && r.schemaname !== '' ? { ...base, schema: r.schemaname } : base;
  return al === undefined ? withSchema : { ...withSchema, alias: al };
}

/** A function's column definition list: names and types only (PostgreSQL's grammar allows COLLATE too). */
function functionColumnDefs(c: ExprConverter, nodes: readonly Node[]): ast.FunctionColumnDef[] {
  return nodes.map((n) => {
    const d = bodyOf(n, 'ColumnDef');
    if (d === undefined) throw internal(`${tagOf(n)} in a column definition list`);
    if (d.collClause !== undefined) throw unsupported('COLLATE in a column definition list');
    return { name: d.colname ?? '', type: c.typeName(d.typeName, 'column definition list'), location: c.ctx.loc(d.location) };
  });
}

function fromItem(c: ExprConverter, n: Node): ast.FromItem {
  const tag = tagOf(n);
  switch (tag) {
    case 'RangeVar':
      return rangeVar(c, bodyOf(n, 'RangeVar'), 'FROM');
    case 'RangeSubselect': {
      const r = bodyOf(n, 'RangeSubselect') as pg.RangeSubselect;
      const base: ast.RangeSubselect = {
        kind: 'RangeSubselect',
        query: convertSelect(c, r.subquery, 'subquery in FROM'),
        lateral: r.lateral === true,
        location: -1,
      };
      const al = alias(r.alias);
      return al === undefined ? base : { ...base, alias: al };
    }
    case 'RangeFunction': {
      const r = bodyOf(n, 'RangeFunction') as pg.RangeFunction;
      const columnDefs: (ast.FunctionColumnDef[] | undefined)[] = [];
      const functions = list(r.functions).map((item) => {
        const pair = list(bodyOf(item, 'List')?.items);
        if (pair.length === 0) throw internal('empty function item in FROM');
        const defs = list(bodyOf(pair[1], 'List')?.items);
        columnDefs.push(defs.length > 0 ? functionColumnDefs(c, defs) : undefined);
        const f = bodyOf(pair[0], 'FuncCall');
        if (f === undefined) throw unsupported(`${tagOf(pair[0] as Node)} as a function in FROM`);
        return c.funcCall(f);
      });
      // `f(...) AS x(a int)` (not ROWS FROM): the list belongs to the single function.
      if (list(r.coldeflist).length > 0 && columnDefs.length === 1) {
        const defs = functionColumnDefs(c, list(r.coldeflist));
        if (r.ordinality === true) {
          const at = defs[0]!.location;
          throw new SqlError(SqlState.syntaxError, 'WITH ORDINALITY cannot be used with a column definition list', {
            ...(at >= 0 ? { position: at + 1 } : {}),
            hint: 'Put the column definition list inside ROWS FROM().',
          });
        }
        columnDefs[0] = defs;
      }
      const base: ast.RangeFunction = {
        kind: 'RangeFunction',
        functions,
        ...(columnDefs.some((d) => d !== undefined) ? { columnDefs } : {}),
        lateral: r.lateral === true,
        ordinality: r.ordinality === true,
        location: functions[0]?.location ?? -1,
      };
      const al = alias(r.alias);
      return al === undefined ? base : { ...base, alias: al };
    }
    case 'JoinExpr': {
      const j = bodyOf(n, 'JoinExpr') as pg.JoinExpr;
      if (j.join_using_alias !== undefined) throw unsupported('USING ... AS alias');
      const jt = j.jointype ?? 'JOIN_INNER';
      const on = c.optExpr(j.quals, 'JOIN ON');
      const using = strings(j.usingClause, 'USING');
      const joinType =
        jt === 'JOIN_INNER' ? (on === undefined && using.length === 0 && j.isNatural !== true ? 'cross' : 'inner')
        : jt === 'JOIN_LEFT' ? 'left'
        : jt === 'JOIN_RIGHT' ? 'right'
        : jt === 'JOIN_FULL' ? 'full'
        : undefined;
      if (joinType === undefined) throw unsupported(`join type ${jt}`);
      if (j.larg === undefined || j.rarg === undefined) throw internal('join without two sides');
      const base: ast.JoinExpr = {
        kind: 'Join',
        joinType,
        left: fromItem(c, j.larg),
        right: fromItem(c, j.rarg),
        natural: j.isNatural === true,
        using,
        location: -1,
      };
      const al = alias(j.alias);
      const withOn = on === undefined ? base : { ...base, on };
      return al === undefined ? withOn : { ...withOn, alias: al };
    }
    case 'RangeTableSample':
      throw unsupported('TABLESAMPLE');
    case 'RangeTableFunc':
      throw unsupported('XMLTABLE');
    case 'JsonTable':
      throw unsupported('JSON_TABLE');
    default:
      throw unsupported(`${tag} in FROM`);
  }
}

export function insertStmt(c: ExprConverter, s: pg.InsertStmt): ast.InsertStmt {
  const columnLocations: number[] = [];
  const columns = list(s.cols).map((n) => {
    const r = bodyOf(n, 'ResTarget');
    if (r === undefined) throw internal(`${tagOf(n)} in INSERT column list`);
    if (list(r.indirection).length > 0) throw unsupported('INSERT into a subscript or field');
    columnLocations.push(c.ctx.loc(r.location));
    return r.name ?? '';
  });
  const ov = s.override ?? 'OVERRIDING_NOT_SET';
  let out: ast.InsertStmt = {
    kind: 'Insert',
    table: rangeVar(c, s.relation, 'INSERT'),
    columns,
    columnLocations,
    returning: returning(c, s.returningClause),
    location: c.ctx.loc(s.relation?.location),
  };
  if (s.withClause !== undefined) out = { ...out, with: convertWith(c, s.withClause) };
  if (s.selectStmt !== undefined) out = { ...out, source: convertSelect(c, s.selectStmt, 'INSERT source') };
  if (ov === 'OVERRIDING_USER_VALUE') out = { ...out, overriding: 'user' };
  if (ov === 'OVERRIDING_SYSTEM_VALUE') out = { ...out, overriding: 'system' };
  if (s.onConflictClause !== undefined) out = { ...out, onConflict: onConflict(c, s.onConflictClause) };
  return out;
}

function onConflict(c: ExprConverter, o: pg.OnConflictClause): ast.OnConflict {
  const action = o.action ?? 'ONCONFLICT_NONE';
  if (action !== 'ONCONFLICT_NOTHING' && action !== 'ONCONFLICT_UPDATE') throw internal(`ON CONFLICT action ${action}`);
  const infer = o.infer;
  const target: string[] = [];
  const targetExprs: ast.Expr[] = [];
  for (const n of list(infer?.indexElems)) {
    const e = bodyOf(n, 'IndexElem');
    if (e === undefined) throw internal(`${tagOf(n)} in ON CONFLICT target`);
    if (e.collation !== undefined || e.opclass !== undefined) throw unsupported('ON CONFLICT with a collation or operator class');
    if (e.name !== undefined && e.name !== '') target.push(e.name);
    else {
      const x = c.expr(e.expr, 'ON CONFLICT target');
      if (x.kind === 'ColumnRef' && x.names.length === 1) target.push(x.names[0]!);
      else targetExprs.push(x);
    }
  }
  let out: ast.OnConflict = {
    target,
    ...(targetExprs.length > 0 ? { targetExprs } : {}),
    action: action === 'ONCONFLICT_NOTHING' ? 'nothing' : 'update',
    set: updateTargets(c, o.targetList),
    location: c.ctx.loc(o.location),
    targetLocation: c.ctx.loc(infer?.location),
  };
  const targetWhere = c.optExpr(infer?.whereClause, 'ON CONFLICT WHERE');
  if (targetWhere !== undefined) out = { ...out, targetWhere };
  if (infer?.conname !== undefined && infer.conname !== '') out = { ...out, constraint: infer.conname };
  const where = c.optExpr(o.whereClause, 'DO UPDATE WHERE');
  if (where !== undefined) out = { ...out, where };
  return out;
}

/** UPDATE SET targets; SET (a, b) = (x, y) becomes one target per column. */
function updateTargets(c: ExprConverter, nodes: readonly Node[] | undefined): ast.ResTarget[] {
  const out: ast.ResTarget[] = [];
  for (const n of list(nodes)) {
    const r = bodyOf(n, 'ResTarget');
    if (r === undefined) throw internal(`${tagOf(n)} in SET`);
    if (list(r.indirection).length > 0) throw unsupported('assignment to a subscript or field');
    const location = c.ctx.loc(r.location);
    const multi = bodyOf(r.val, 'MultiAssignRef');
    if (multi === undefined) {
      out.push({ kind: 'ResTarget', name: r.name ?? '', expr: c.expr(r.val, 'SET'), location });
      continue;
    }
    const src = multi.source;
    const row = bodyOf(src, 'RowExpr');
    if (row === undefined) throw unsupported('SET (columns) = (subquery)');
    const args = list(row.args);
    const colno = multi.colno ?? 1;
    if (colno < 1 || colno > args.length) throw internal(`multi-assignment column ${colno} of ${args.length}`);
    out.push({ kind: 'ResTarget', name: r.name ?? '', expr: c.expr(args[colno - 1], 'SET'), location });
  }
  return out;
}

export function updateStmt(c: ExprConverter, s: pg.UpdateStmt): ast.UpdateStmt {
  let out: ast.UpdateStmt = {
    kind: 'Update',
    table: rangeVar(c, s.relation, 'UPDATE'),
    set: updateTargets(c, s.targetList),
    from: fromItems(c, s.fromClause),
    returning: returning(c, s.returningClause),
    location: c.ctx.loc(s.relation?.location),
  };
  if (s.withClause !== undefined) out = { ...out, with: convertWith(c, s.withClause) };
  const currentOf = bodyOf(s.whereClause, 'CurrentOfExpr');
  if (currentOf !== undefined) return { ...out, currentOf: currentOf.cursor_name ?? '' };
  const where = c.optExpr(s.whereClause, 'WHERE');
  if (where !== undefined) out = { ...out, where };
  return out;
}

export function deleteStmt(c: ExprConverter, s: pg.DeleteStmt): ast.DeleteStmt {
  let out: ast.DeleteStmt = {
    kind: 'Delete',
    table: rangeVar(c, s.relation, 'DELETE'),
    using: fromItems(c, s.usingClause),
    returning: returning(c, s.returningClause),
    location: c.ctx.loc(s.relation?.location),
  };
  if (s.withClause !== undefined) out = { ...out, with: convertWith(c, s.withClause) };
  const currentOf = bodyOf(s.whereClause, 'CurrentOfExpr');
  if (currentOf !== undefined) return { ...out, currentOf: currentOf.cursor_name ?? '' };
  const where = c.optExpr(s.whereClause, 'WHERE');
  if (where !== undefined) out = { ...out, where };
  return out;
}


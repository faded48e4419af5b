/** libpg-query expression nodes → nodedb Expr (sql/ast.ts). */
import type * as pg from '@pgsql/types';
import type * as ast from '../ast.js';
import type { ParseContext } from './context.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { bodyOf, internal, list, stringOf, strings, tagOf, unsupported, type Node } from './pg.js';
import { convertSelect } from './convert-select.js';

/** Bound on expression nesting: deeper trees are rejected rather than overflowing the stack. */
export const exprDepthMax = 1000;

export class ExprConverter {
  private depth = 0;
  /** Byte span of the statement being converted in the whole query string. */
  constructor(
    readonly ctx: ParseContext,
    readonly stmtStartByte: number,
    readonly stmtEndByte: number,
  ) {}

  /** Location of the statement itself (for statements whose parse node carries none). */
  get stmtLocation(): number {
    return this.ctx.loc(this.stmtStartByte);
  }

  expr(node: Node | undefined, where: string): ast.Expr {
    if (node === undefined) throw internal(`missing expression in ${where}`);
    this.depth++;
    try {
      if (this.depth > exprDepthMax) throw new SqlError(SqlState.statementTooComplex, 'stack depth limit exceeded');
      return this.exprInner(node, where);
    } finally {
      this.depth--;
    }
  }

  optExpr(node: Node | undefined, where: string): ast.Expr | undefined {
    return node === undefined ? undefined : this.expr(node, where);
  }

  exprs(nodes: readonly Node[] | undefined, where: string): ast.Expr[] {
    return list(nodes).map((n) => this.expr(n, where));
  }

  private exprInner(node: Node, where: string): ast.Expr {
    const tag = tagOf(node);
    switch (tag) {
      case 'A_Const':
        return this.aConst(bodyOf(node, 'A_Const') as pg.A_Const);
      case 'ParamRef': {
        const p = bodyOf(node, 'ParamRef') as pg.ParamRef;
        return { kind: 'ParamRef', number: p.number ?? 0, location: this.ctx.loc(p.location) };
      }
      case 'ColumnRef':
        return this.columnRef(bodyOf(node, 'ColumnRef') as pg.ColumnRef);
      case 'A_Expr':
        return this.aExpr(bodyOf(node, 'A_Expr') as pg.A_Expr);
      case 'BoolExpr':
        return this.boolExpr(bodyOf(node, 'BoolExpr') as pg.BoolExpr);
      case 'NullTest': {
        const n = bodyOf(node, 'NullTest') as pg.NullTest;
        if (n.argisrow === true) throw unsupported('row-wise IS NULL');
        return {
          kind: 'NullTest',
          arg: this.expr(n.arg, 'IS NULL'),
          negated: n.nulltesttype === 'IS_NOT_NULL',
          location: this.ctx.loc(n.location),
        };
      }
      case 'BooleanTest':
        return this.booleanTest(bodyOf(node, 'BooleanTest') as pg.BooleanTest);
      case 'TypeCast': {
        const c = bodyOf(node, 'TypeCast') as pg.TypeCast;
        return {
          kind: 'Cast',
          arg: this.expr(c.arg, 'CAST'),
          type: this.typeName(c.typeName, 'CAST'),
          location: this.ctx.loc(c.location !== undefined && c.location >= 0 ? c.location : c.typeName?.location),
        };
      }
      case 'FuncCall':
        return this.funcCall(bodyOf(node, 'FuncCall') as pg.FuncCall);
      case 'CaseExpr':
        return this.caseExpr(bodyOf(node, 'CaseExpr') as pg.CaseExpr);
      case 'CoalesceExpr': {
        const c = bodyOf(node, 'CoalesceExpr') as pg.CoalesceExpr;
        return { kind: 'Coalesce', args: this.exprs(c.args, 'COALESCE'), location: this.ctx.loc(c.location) };
      }
      case 'MinMaxExpr': {
        const m = bodyOf(node, 'MinMaxExpr') as pg.MinMaxExpr;
        return {
          kind: 'MinMax',
          op: m.op === 'IS_LEAST' ? 'least' : 'greatest',
          args: this.exprs(m.args, 'GREATEST/LEAST'),
          location: this.ctx.loc(m.location),
        };
      }
      case 'SubLink':
        return this.subLink(bodyOf(node, 'SubLink') as pg.SubLink);
      case 'A_ArrayExpr': {
        const a = bodyOf(node, 'A_ArrayExpr') as pg.A_ArrayExpr;
        return { kind: 'Array', elements: this.exprs(a.elements, 'ARRAY'), location: this.ctx.loc(a.location) };
      }
      case 'RowExpr': {
        const r = bodyOf(node, 'RowExpr') as pg.RowExpr;
        return {
          kind: 'Row',
          args: this.exprs(r.args, 'ROW'),
          explicitRow: r.row_format === 'COERCE_EXPLICIT_CALL',
          location: this.ctx.loc(r.location),
        };
      }
      case 'A_Indirection':
        return this.indirection(bodyOf(node, 'A_Indirection') as pg.A_Indirection);
      case 'CollateClause': {
        const c = bodyOf(node, 'CollateClause') as pg.CollateClause;
        return {
          kind: 'Collate',
          arg: this.expr(c.arg, 'COLLATE'),
          collation: strings(c.collname, 'COLLATE'),
          location: this.ctx.loc(c.location),
        };
      }
      case 'SetToDefault': {
        const d = bodyOf(node, 'SetToDefault') as pg.SetToDefault;
        return { kind: 'Default', location: this.ctx.loc(d.location) };
      }
      case 'SQLValueFunction':
        return this.sqlValueFunction(bodyOf(node, 'SQLValueFunction') as pg.SQLValueFunction);
      case 'GroupingFunc': {
        // GROUPING is a reserved word, so the call grouping(...) can only mean this construct.
        const g = bodyOf(node, 'GroupingFunc') as pg.GroupingFunc;
        return {
          kind: 'FuncCall',
          name: ['grouping'],
          args: list(g.args).map((a) => this.expr(a, 'GROUPING')),
          argNames: list(g.args).map(() => undefined),
          star: false,
          distinct: false,
          variadic: false,
          orderBy: [],
          withinGroup: false,
          location: this.ctx.loc(g.location),
        };
      }
      case 'A_Star':
        return { kind: 'Star', qualifier: [], location: -1 };
      case 'MultiAssignRef':
        throw unsupported(`multiple-column assignment in ${where}`);
      case 'XmlExpr':
      case 'XmlSerialize':
        throw unsupported('XML expressions');
      case 'JsonObjectConstructor':
      case 'JsonArrayConstructor':
      case 'JsonArrayQueryConstructor':
      case 'JsonObjectAgg':
      case 'JsonArrayAgg':
      case 'JsonIsPredicate':
      case 'JsonFuncExpr':
      case 'JsonParseExpr':
      case 'JsonScalarExpr':
      case 'JsonSerializeExpr':
        throw unsupported('SQL/JSON expressions');
      case 'MergeSupportFunc':
        throw unsupported('MERGE_ACTION()');
      case 'CurrentOfExpr':
        throw unsupported('WHERE CURRENT OF (positioned UPDATE/DELETE through a cursor)');
      default:
        throw unsupported(`expression ${tag} in ${where}`);
    }
  }

  aConst(c: pg.A_Const): ast.ConstExpr {
    const location = this.ctx.loc(c.location);
    if (c.isnull === true) return { kind: 'Const', type: 'null', value: null, location };
    if (c.ival !== undefined) return { kind: 'Const', type: 'integer', value: String(c.ival.ival ?? 0), location };
    if (c.fval !== undefined) {
      const text = c.fval.fval ?? '0';
      return { kind: 'Const', type: isIntegerText(text) ? 'integer' : 'numeric', value: text, location };
    }
    if (c.boolval !== undefined) {
      return { kind: 'Const', type: 'bool', value: c.boolval.boolval === true ? 'true' : 'false', location };
    }
    if (c.sval !== undefined) return { kind: 'Const', type: 'string', value: c.sval.sval ?? '', location };
    if (c.bsval !== undefined) return { kind: 'Const', type: 'bitstring', value: c.bsval.bsval ?? '', location };
    // All fields omitted: an integer 0 whose ival was dropped along with its default.
    return { kind: 'Const', type: 'integer', value: '0', location };
  }

  private columnRef(c: pg.ColumnRef): ast.ColumnRef | ast.StarExpr {
    const fields = list(c.fields);
    const names: string[] = [];
    const location = this.ctx.loc(c.location);
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i] as Node;
      if (bodyOf(f, 'A_Star') !== undefined) {
        if (i !== fields.length - 1) throw internal('* in the middle of a column reference');
        return { kind: 'Star', qualifier: names, location };
      }
      names.push(stringOf(f, 'column reference'));
    }
    if (names.length === 0) throw internal('empty column reference');
    return { kind: 'ColumnRef', names, location };
  }

  private opName(names: readonly Node[] | undefined, where: string): { op: string; schema?: string } {
    const parts = strings(names, where);
    if (parts.length === 1) return { op: parts[0] as string };
    if (parts.length === 2) return { op: parts[1] as string, schema: parts[0] as string };
    throw unsupported(`operator name ${parts.join('.')}`);
  }

  private aExpr(e: pg.A_Expr): ast.Expr {
    const location = this.ctx.loc(e.location);
    const kind = e.kind ?? 'AEXPR_OP';
    switch (kind) {
      case 'AEXPR_OP': {
        const { op, schema } = this.opName(e.name, 'operator');
        if (e.lexpr === undefined) {
          if (schema !== undefined) throw unsupported('schema-qualified prefix operator');
          return { kind: 'UnaryOp', op, operand: this.expr(e.rexpr, `operator ${op}`), location };
        }
        if (e.rexpr === undefined) throw unsupported(`postfix operator ${op}`);
        const left = this.expr(e.lexpr, `operator ${op}`);
        const right = this.expr(e.rexpr, `operator ${op}`);
        return schema === undefined
          ? { kind: 'BinaryOp', op, left, right, location }
          : { kind: 'BinaryOp', op, schema, left, right, location };
      }
      case 'AEXPR_OP_ANY':
      case 'AEXPR_OP_ALL': {
        const { op, schema } = this.opName(e.name, 'ANY/ALL');
        if (schema !== undefined && schema !== 'pg_catalog') throw unsupported(`operator ${schema}.${op} with ANY/ALL`);
        return {
          kind: 'AnyAll',
          quantifier: kind === 'AEXPR_OP_ANY' ? 'any' : 'all',
          op,
          left: this.expr(e.lexpr, 'ANY/ALL'),
          array: this.expr(e.rexpr, 'ANY/ALL'),
          location,
        };
      }
      case 'AEXPR_DISTINCT':
      case 'AEXPR_NOT_DISTINCT':
        return {
          kind: 'IsDistinct',
          left: this.expr(e.lexpr, 'IS DISTINCT FROM'),
          right: this.expr(e.rexpr, 'IS DISTINCT FROM'),
          negated: kind === 'AEXPR_NOT_DISTINCT',
          location,
        };
      case 'AEXPR_NULLIF':
        return {
          kind: 'NullIf',
          left: this.expr(e.lexpr, 'NULLIF'),
          right: this.expr(e.rexpr, 'NULLIF'),
          location,
        };
      case 'AEXPR_IN': {
        const { op } = this.opName(e.name, 'IN');
        const items = bodyOf(e.rexpr, 'List');
        if (items === undefined) throw internal('IN without a list');
        return {
          kind: 'InList',
          arg: this.expr(e.lexpr, 'IN'),
          list: this.exprs(items.items, 'IN'),
          negated: op === '<>',
          location,
        };
      }
      case 'AEXPR_LIKE':
      case 'AEXPR_ILIKE':
      case 'AEXPR_SIMILAR':
        return this.like(e, kind, location);
      case 'AEXPR_BETWEEN':
      case 'AEXPR_NOT_BETWEEN':
      case 'AEXPR_BETWEEN_SYM':
      case 'AEXPR_NOT_BETWEEN_SYM': {
        const bounds = bodyOf(e.rexpr, 'List');
        const items = list(bounds?.items);
        if (items.length !== 2) throw internal('BETWEEN without two bounds');
        return {
          kind: 'Between',
          arg: this.expr(e.lexpr, 'BETWEEN'),
          low: this.expr(items[0], 'BETWEEN'),
          high: this.expr(items[1], 'BETWEEN'),
          negated: kind === 'AEXPR_NOT_BETWEEN' || kind === 'AEXPR_NOT_BETWEEN_SYM',
          symmetric: kind === 'AEXPR_BETWEEN_SYM' || kind === 'AEXPR_NOT_BETWEEN_SYM',
          location,
        };
      }
      default:
        throw unsupported(`expression kind ${String(kind)}`);
    }
  }

  private like(e: pg.A_Expr, kind: 'AEXPR_LIKE' | 'AEXPR_ILIKE' | 'AEXPR_SIMILAR', location: number): ast.LikeExpr {
    const { op } = this.opName(e.name, 'LIKE');
    const negated = op.startsWith('!');
    const likeOp = kind === 'AEXPR_LIKE' ? 'like' : kind === 'AEXPR_ILIKE' ? 'ilike' : 'similar';
    const escapeFn = kind === 'AEXPR_SIMILAR' ? 'similar_to_escape' : 'like_escape';
    const arg = this.expr(e.lexpr, 'LIKE');
    const fn = bodyOf(e.rexpr, 'FuncCall');
    const fnName = fn === undefined ? [] : strings(fn.funcname, 'LIKE');
    if (fn !== undefined && fnName.length === 2 && fnName[0] === 'pg_catalog' && fnName[1] === escapeFn) {
      const args = list(fn.args);
      if (args.length === 0 || args.length > 2) throw internal(`${escapeFn} with ${args.length} arguments`);
      const pattern = this.expr(args[0], 'LIKE');
      if (args.length === 1) return { kind: 'Like', op: likeOp, arg, pattern, negated, location };
      return { kind: 'Like', op: likeOp, arg, pattern, escape: this.expr(args[1], 'ESCAPE'), negated, location };
    }
    return { kind: 'Like', op: likeOp, arg, pattern: this.expr(e.rexpr, 'LIKE'), negated, location };
  }

  private boolExpr(b: pg.BoolExpr): ast.BoolExpr {
    const op = b.boolop === 'OR_EXPR' ? 'or' : b.boolop === 'NOT_EXPR' ? 'not' : 'and';
    return { kind: 'BoolExpr', op, args: this.exprs(b.args, op.toUpperCase()), location: this.ctx.loc(b.location) };
  }

  private booleanTest(b: pg.BooleanTest): ast.BooleanTest {
    const t = b.booltesttype ?? 'IS_TRUE';
    const arg = this.expr(b.arg, 'IS TRUE');
    const location = this.ctx.loc(b.location);
    switch (t) {
      case 'IS_TRUE':
        return { kind: 'BooleanTest', arg, test: 'true', negated: false, location };
      case 'IS_NOT_TRUE':
        return { kind: 'BooleanTest', arg, test: 'true', negated: true, location };
      case 'IS_FALSE':
        return { kind: 'BooleanTest', arg, test: 'false', negated: false, location };
      case 'IS_NOT_FALSE':
        return { kind: 'BooleanTest', arg, test: 'false', negated: true, location };
      case 'IS_UNKNOWN':
        return { kind: 'BooleanTest', arg, test: 'unknown', negated: false, location };
      case 'IS_NOT_UNKNOWN':
        return { kind: 'BooleanTest', arg, test: 'unknown', negated: true, location };
      default:
        throw unsupported(`boolean test ${String(t)}`);
    }
  }

  typeName(t: pg.TypeName | undefined, where: string): ast.TypeName {
    if (t === undefined) throw internal(`missing type name in ${where}`);
    if (t.setof === true) throw unsupported('SETOF type');
    if (t.pct_type === true) throw unsupported('%TYPE');
    if (t.typeOid !== undefined && t.typeOid !== 0) throw unsupported('type given by OID');
    const typmods = list(t.typmods).map((m) => {
      const c = bodyOf(m, 'A_Const');
      if (c === undefined || c.ival === undefined) {
        if (c?.sval !== undefined || c?.fval !== undefined) throw unsupported('non-integer type modifier');
        if (c === undefined) throw unsupported('non-constant type modifier');
        return 0;
      }
      return c.ival.ival ?? 0;
    });
    return {
      kind: 'TypeName',
      names: strings(t.names, 'type name'),
      typmods,
      arrayBounds: list(t.arrayBounds).length,
      location: this.ctx.loc(t.location),
    };
  }

  funcCall(f: pg.FuncCall): ast.FuncCall {
    const rawArgs = list(f.args);
    const args: ast.Expr[] = [];
    const argNames: (string | undefined)[] = [];
    for (const a of rawArgs) {
      const named = bodyOf(a, 'NamedArgExpr');
      if (named !== undefined) {
        args.push(this.expr(named.arg, 'named argument'));
        argNames.push(named.name ?? '');
      } else {
        args.push(this.expr(a, 'function argument'));
        argNames.push(undefined);
      }
    }
    const call: ast.FuncCall = {
      kind: 'FuncCall',
      name: strings(f.funcname, 'function name'),
      args,
      argNames,
      star: f.agg_star === true,
      distinct: f.agg_distinct === true,
      variadic: f.func_variadic === true,
      orderBy: this.sortBys(f.agg_order, 'aggregate ORDER BY'),
      withinGroup: f.agg_within_group === true,
      location: this.ctx.loc(f.location),
    };
    const filter = this.optExpr(f.agg_filter, 'FILTER');
    // OVER w names a window of the WINDOW clause (the parser puts it in `name`, OVER (w ...) in `refname`).
    const over = f.over === undefined ? undefined : f.over.name !== undefined ? { ...this.windowSpec(f.over), refName: f.over.name, bareRef: true } : this.windowSpec(f.over);
    if (filter === undefined && over === undefined) return call;
    if (filter === undefined) return { ...call, over };
    if (over === undefined) return { ...call, filter };
    return { ...call, filter, over };
  }

  sortBys(nodes: readonly Node[] | undefined, where: string): ast.SortBy[] {
    return list(nodes).map((n) => {
      const s = bodyOf(n, 'SortBy');
      if (s === undefined) throw internal(`${tagOf(n)} in ${where}`);
      return this.sortBy(s, where);
    });
  }

  sortBy(s: pg.SortBy, where: string): ast.SortBy {
    const dir = s.sortby_dir ?? 'SORTBY_DEFAULT';
    if (dir === 'SORTBY_USING') throw unsupported('ORDER BY ... USING');
    const nulls = s.sortby_nulls ?? 'SORTBY_NULLS_DEFAULT';
    return {
      kind: 'SortBy',
      expr: this.expr(s.node, where),
      direction: dir === 'SORTBY_ASC' ? 'asc' : dir === 'SORTBY_DESC' ? 'desc' : 'default',
      nulls: nulls === 'SORTBY_NULLS_FIRST' ? 'first' : nulls === 'SORTBY_NULLS_LAST' ? 'last' : 'default',
      location: this.ctx.loc(s.location),
    };
  }

  windowSpec(w: pg.WindowDef): ast.WindowSpec {
    const spec: ast.WindowSpec = {
      kind: 'WindowSpec',
      partitionBy: this.exprs(w.partitionClause, 'PARTITION BY'),
      orderBy: this.sortBys(w.orderClause, 'window ORDER BY'),
      location: this.ctx.loc(w.location),
    };
    const frame = this.windowFrame(w);
    const withRef = w.refname !== undefined && w.refname !== '' ? { ...spec, refName: w.refname } : spec;
    return frame === undefined ? withRef : { ...withRef, frame };
  }

  private windowFrame(w: pg.WindowDef): ast.WindowFrame | undefined {
    const o = w.frameOptions ?? 0;
    const nonDefault = 0x00001;
    if ((o & nonDefault) === 0) return undefined;
    const mode = o & 0x2 ? 'range' : o & 0x4 ? 'rows' : o & 0x8 ? 'groups' : undefined;
    if (mode === undefined) throw internal('window frame without a mode');
    const start: ast.FrameBound =
      o & 0x20 ? { kind: 'unboundedPreceding' }
      : o & 0x200 ? { kind: 'currentRow' }
      : o & 0x800 ? { kind: 'preceding', offset: this.expr(w.startOffset, 'frame start') }
      : o & 0x2000 ? { kind: 'following', offset: this.expr(w.startOffset, 'frame start') }
      : o & 0x80 ? { kind: 'unboundedFollowing' }
      : { kind: 'currentRow' };
    const end: ast.FrameBound =
      o & 0x100 ? { kind: 'unboundedFollowing' }
      : o & 0x400 ? { kind: 'currentRow' }
      : o & 0x1000 ? { kind: 'preceding', offset: this.expr(w.endOffset, 'frame end') }
      : o & 0x4000 ? { kind: 'following', offset: this.expr(w.endOffset, 'frame end') }
      : o & 0x40 ? { kind: 'unboundedPreceding' }
      : { kind: 'currentRow' };
    const exclude = o & 0x8000 ? 'current row' : o & 0x10000 ? 'group' : o & 0x20000 ? 'ties' : 'no others';
    return { kind: 'WindowFrame', mode, start, end, exclude };
  }

  private caseExpr(c: pg.CaseExpr): ast.CaseExpr {
    const whens = list(c.args).map((n): ast.CaseWhen => {
      const w = bodyOf(n, 'CaseWhen');
      if (w === undefined) throw internal(`${tagOf(n)} in CASE`);
      return { kind: 'CaseWhen', when: this.expr(w.expr, 'WHEN'), then: this.expr(w.result, 'THEN') };
    });
    const base: ast.CaseExpr = { kind: 'Case', whens, location: this.ctx.loc(c.location) };
    const arg = this.optExpr(c.arg, 'CASE');
    const elseExpr = this.optExpr(c.defresult, 'ELSE');
    const withArg = arg === undefined ? base : { ...base, arg };
    return elseExpr === undefined ? withArg : { ...withArg, else: elseExpr };
  }

  private subLink(s: pg.SubLink): ast.SubLinkExpr {
    const location = this.ctx.loc(s.location);
    const query = convertSelect(this, s.subselect, 'subquery');
    const t = s.subLinkType ?? 'EXISTS_SUBLINK';
    switch (t) {
      case 'EXISTS_SUBLINK':
        return { kind: 'SubLink', linkType: 'exists', query, location };
      case 'EXPR_SUBLINK':
        return { kind: 'SubLink', linkType: 'scalar', query, location };
      case 'ARRAY_SUBLINK':
        return { kind: 'SubLink', linkType: 'array', query, location };
      case 'ANY_SUBLINK':
      case 'ALL_SUBLINK': {
        const names = list(s.operName);
        const { op, schema } = names.length === 0 ? { op: '=', schema: undefined } : this.opName(names, 'subquery comparison');
        if (schema !== undefined && schema !== 'pg_catalog') throw unsupported(`operator ${schema}.${op} with a subquery`);
        return {
          kind: 'SubLink',
          linkType: t === 'ANY_SUBLINK' ? 'any' : 'all',
          op,
          testExpr: this.expr(s.testexpr, 'subquery comparison'),
          query,
          location,
        };
      }
      case 'ROWCOMPARE_SUBLINK':
      case 'MULTIEXPR_SUBLINK':
      case 'CTE_SUBLINK':
        throw unsupported(`subquery of kind ${t}`);
      default:
        throw unsupported(`subquery of kind ${String(t)}`);
    }
  }

  private indirection(a: pg.A_Indirection): ast.Expr {
    let arg = this.expr(a.arg, 'indirection');
    const location = arg.location;
    let indices: { lower?: ast.Expr; upper?: ast.Expr; isSlice: boolean }[] = [];
    const flush = (): void => {
      if (indices.length > 0) arg = { kind: 'Subscript', arg, indices, location };
      indices = [];
    };
    for (const step of list(a.indirection)) {
      const idx = bodyOf(step, 'A_Indices');
      if (idx !== undefined) {
        const lower = this.optExpr(idx.lidx, 'subscript');
        const upper = this.optExpr(idx.uidx, 'subscript');
        const entry: { lower?: ast.Expr; upper?: ast.Expr; isSlice: boolean } = { isSlice: idx.is_slice === true };
        if (lower !== undefined) entry.lower = lower;
        if (upper !== undefined) entry.upper = upper;
        indices.push(entry);
        continue;
      }
      flush();
      if (bodyOf(step, 'A_Star') !== undefined) throw unsupported('(expression).*');
      arg = { kind: 'FieldSelect', arg, field: stringOf(step, 'field selection'), location };
    }
    flush();
    return arg;
  }

  private sqlValueFunction(f: pg.SQLValueFunction): ast.SqlValueFunction {
    const location = this.ctx.loc(f.location);
    const precision = f.typmod === undefined ? -1 : f.typmod;
    const op = f.op ?? 'SVFOP_CURRENT_DATE';
    const fn = ((): ast.SqlValueFunction['fn'] => {
      switch (op) {
        case 'SVFOP_CURRENT_DATE':
          return 'current_date';
        case 'SVFOP_CURRENT_TIME':
        case 'SVFOP_CURRENT_TIME_N':
          return 'current_time';
        case 'SVFOP_CURRENT_TIMESTAMP':
        case 'SVFOP_CURRENT_TIMESTAMP_N':
          return 'current_timestamp';
        case 'SVFOP_LOCALTIME':
        case 'SVFOP_LOCALTIME_N':
          return 'localtime';
        case 'SVFOP_LOCALTIMESTAMP':
        case 'SVFOP_LOCALTIMESTAMP_N':
          return 'localtimestamp';
        case 'SVFOP_CURRENT_ROLE':
          return 'current_role';
        case 'SVFOP_CURRENT_USER':
          return 'current_user';
        case 'SVFOP_USER':
          return 'user';
        case 'SVFOP_SESSION_USER':
          return 'session_user';
        case 'SVFOP_CURRENT_CATALOG':
          return 'current_catalog';
        case 'SVFOP_CURRENT_SCHEMA':
          return 'current_schema';
        default:
          throw unsupported(`SQL value function ${String(op)}`);
      }
    })();
    return { kind: 'SqlValueFunction', fn, precision, location };
  }
}

/** Integer literal text as PostgreSQL's lexer accepts it (decimal, 0x/0o/0b, underscores). */
export function isIntegerText(text: string): boolean {
  return /^[-+]?(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[0-9][0-9_]*)$/.test(text);
}

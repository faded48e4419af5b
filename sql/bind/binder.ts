/**
 * Expression binding: name resolution in scopes, type resolution through sql/types
 * (operators, functions, aggregates, casts), unknown-literal and parameter type inference
 * the way PostgreSQL does it. Query-level binding (FROM, GROUP BY, ORDER BY ...) is in
 * ./select.ts and ./dml.ts; both use the Binder and Scope defined here.
 */
import { resolveCatalogTypeName } from './type-names.js';
import type { Expr, FuncCall, SubLinkExpr, TypeName } from '../ast.js';
import type { TableDescriptor } from '../../catalog/descriptors.js';
import { assert, assertNever } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { splitIdentifiers } from '../../catalog/names.js';
import {
  applyTypmod,
  arrayElemOid,
  arrayTypeOf,
  castOrThrow,
  Decimal,
  findCast,
  formatType,
  isAggregateName,
  Oid,
  resolveAggregate,
  resolveFunction,
  resolveOperator,
  resolveTypeName,
  sqlType,
  type CastContext,
  type EvalContext,
  defaultFormatContext,
  defaultVersionString,
  type Datum,
  type SqlType,
} from '../types/index.js';
import type { BindContext, ResultColumn } from '../plan/api.js';
import type { AggCall, AggSortKey, BExpr, SubqueryExpr } from './expr.js';
import { exprKey } from './walk.js';
import { bindFieldSelect } from './field-select.js';
import { prepareIndexes } from './index-exprs.js';
import { catalogFunctionFor, catalogInputTypes, regInputFunction, regLiteralOid } from '../../pg_catalog/functions.js';

/** Types whose values a reg* input function reads as a name. */
const textLikeTypes: ReadonlySet<number> = new Set([Oid.text, Oid.varchar, Oid.bpchar, Oid.name]);

export const unknownType: SqlType = sqlType(Oid.unknown);
export const boolType: SqlType = sqlType(Oid.bool);
export const textType: SqlType = sqlType(Oid.text);
export const int4Type: SqlType = sqlType(Oid.int4);
export const int8Type: SqlType = sqlType(Oid.int8);

/** Types whose input function does not depend on session settings (safe to fold at bind time). */
const contextFreeInput: ReadonlySet<number> = new Set([
  Oid.bool, Oid.int2, Oid.int4, Oid.int8, Oid.float4, Oid.float8, Oid.numeric, Oid.text, Oid.varchar, Oid.bpchar,
  Oid.name, Oid.char, Oid.oid, Oid.uuid, Oid.json, Oid.jsonb, Oid.bytea,
  Oid._bool, Oid._int2, Oid._int4, Oid._int8, Oid._float4, Oid._float8, Oid._numeric, Oid._text, Oid._varchar,
  Oid._bpchar, Oid._name, Oid._uuid, Oid._bytea, Oid._oid,
]);

/** The evaluation context for folding context-free literal casts (no clock or session reads). */
const foldContext: EvalContext = Object.freeze({
  ...defaultFormatContext,
  txnTimestampMicros: 0n,
  statementTimestampMicros: 0n,
  clockTimestampMicros: () => 0n,
  random: () => 0,
  versionString: defaultVersionString,
});

/** Highest $n accepted (PostgreSQL's protocol limit is 65535 parameters). */
const paramNumberMax = 65535;

export interface ScopeColumn {
  readonly name: string;
  readonly type: SqlType;
  readonly slot: number;
  readonly tableOid: number;
  readonly attnum: number;
  /** Excluded from `*` (hidden rowid). Still referencable by name. */
  readonly hidden: boolean;
  /**
   * Replaced by the merged column of a JOIN ... USING: invisible to unqualified references and
   * to an unqualified `*`, still reachable as `t.c` and through `t.*`.
   */
  readonly mergedAway?: boolean;
}

export interface ScopeRange {
  /** Alias or table name: what `x.col` matches. */
  readonly alias: string;
  readonly schema: string | undefined;
  readonly columns: readonly ScopeColumn[];
}

/** One query level's FROM items; `parent` is the enclosing query (correlated references). */
export class Scope {
  readonly ranges: ScopeRange[] = [];
  /** Set when an expression of this level (or a nested one) referenced an enclosing level. */
  correlated = false;
  /** Set when a correlated subquery was bound at this level (it may read any column). */
  hasCorrelatedChild = false;
  constructor(readonly parent: Scope | null) {}
}

/** Aggregate collection for one query level. */
export interface AggContext {
  readonly aggs: AggCall[];
  /** Clause name for 42803 `aggregate functions are not allowed in WHERE`; undefined = allowed. */
  readonly forbiddenIn: string | undefined;
  /** True while binding an aggregate's arguments (nested aggregates are an error). */
  inAggregate: boolean;
  /** Window functions / GROUPING() of the SELECT being bound (./window.ts); undefined = not allowed here. */
  readonly late?: LateCollector;
}

/** Binds the calls that are evaluated above the aggregate (window functions, GROUPING) into `lateRef`s. */
export interface LateCollector {
  window(b: Binder, e: FuncCall, scope: Scope, ac: AggContext): BExpr;
  grouping(b: Binder, e: FuncCall, scope: Scope, ac: AggContext): BExpr;
}

export function noAggregates(clause: string): AggContext {
  return { aggs: [], forbiddenIn: clause, inAggregate: false };
}

/** Hook for binding subqueries (./select.ts), injected to keep the import graph acyclic. */
export type SubqueryBinder = (binder: Binder, query: SubLinkExpr['query'], scope: Scope) => {
  readonly plan: SubqueryExpr['plan'];
  readonly columns: readonly ResultColumn[];
};

function err(code: string, message: string, location?: number, extra: { hint?: string; detail?: string } = {}): SqlError {
  return new SqlError(code, message, location !== undefined && location >= 0 ? { position: location + 1, ...extra } : extra);
}

export function typeName(t: SqlType): string {
  return formatType(t);
}

/** Per-statement binding state. */
export class Binder {
  /** Inferred/declared parameter types ($1 = index 0); undefined = not yet determined. */
  readonly params: (SqlType | undefined)[];
  /** Highest parameter number referenced. */
  maxParam = 0;
  readonly tables = new Set<number>();
  /**
   * Tables and views named in this statement's FROM clauses (not those read through a view):
   * what CREATE VIEW records as the view's dependencies (sql/ddl/view.ts).
   */
  readonly relations = new Set<number>();
  readOnly = true;

  constructor(
    readonly ctx: BindContext,
    readonly bindSubquery: SubqueryBinder,
  ) {
    this.params = ctx.paramTypes.map((t) => (t.oid === 0 ? undefined : t));
  }

  /** Final parameter types: 42P18 for any that could not be determined. */
  paramTypes(): SqlType[] {
    const n = Math.max(this.maxParam, this.params.length);
    const out: SqlType[] = [];
    for (let i = 0; i < n; i++) {
      const t = this.params[i];
      if (t === undefined) {
        throw new SqlError(SqlState.indeterminateDatatype, `could not determine data type of parameter $${i + 1}`);
      }
      out.push(t);
    }
    return out;
  }

  // ─── coercion ────────────────────────────────────────────────────────────────────────

  /**
   * Coerces `e` to `target` in `context`. Unknown literals go through the input function,
   * untyped parameters take the target type. Returns undefined when no cast exists.
   */
  tryCoerce(e: BExpr, target: SqlType, context: CastContext): BExpr | undefined {
    if (e.kind === 'param' && e.type.oid === Oid.unknown) {
      this.params[e.index] = sqlType(target.oid);
      const p: BExpr = { kind: 'param', index: e.index, type: sqlType(target.oid) };
      return target.typmod === -1 ? p : this.tryCoerce(p, target, context);
    }
    if (e.kind === 'const' && e.value === null) return { kind: 'const', type: target, value: null };
    if (e.type.oid === target.oid && (target.typmod === -1 || target.typmod === e.type.typmod)) return e;
    if (e.kind === 'const' && typeof e.value === 'string' && catalogInputTypes.has(target.oid) && (e.type.oid === Oid.unknown || context === 'explicit')) {
      // 't'::regclass, 'int4'::regtype ...: input needs the catalog, so it is resolved now (as PostgreSQL folds it).
      let value: number;
      try {
        value = regLiteralOid(this.ctx.catalog, this.ctx.searchPath, undefined, target.oid, e.value);
      } catch (x) {
        throw withPosition(x, e.location ?? -1);
      }
      return { kind: 'const', type: sqlType(target.oid), value, location: e.location };
    }
    if (catalogInputTypes.has(target.oid) && textLikeTypes.has(e.type.oid) && findCast(e.type, target, context) !== undefined) {
      // A name known at run time: the reg* input function reads the statement's catalog then.
      const input = regInputFunction(target.oid);
      const arg = e.type.oid === Oid.text ? e : this.tryCoerce(e, sqlType(Oid.text), 'explicit');
      if (arg !== undefined) return { kind: 'catalogFn', fn: input, args: [arg], type: input.resultType };
    }
    const fn = findCast(e.type, target, context);
    if (fn === undefined) return undefined;
    if (e.kind === 'const' && e.type.oid === Oid.unknown && contextFreeInput.has(target.oid)) {
      // PostgreSQL coerces unknown literals at parse time: '1x'::int fails with the literal's position.
      // Only the input conversion is folded; a length/precision typmod is applied at run time
      // (as PostgreSQL does: its 22001 carries no position).
      const base = sqlType(target.oid);
      let folded: BExpr;
      try {
        const baseFn = target.typmod === -1 ? fn : findCast(e.type, base, context);
        if (baseFn === undefined) return { kind: 'cast', fn, arg: e, type: target };
        folded = { kind: 'const', type: base, value: baseFn(e.value, foldContext), location: e.location };
      } catch (x) {
        throw withPosition(x, e.location ?? -1);
      }
      if (target.typmod === -1) return folded;
      return { kind: 'cast', fn: (d) => applyTypmod(target, d, context), arg: folded, type: target };
    }
    return { kind: 'cast', fn, arg: e, type: target };
  }

  /** Assignment coercion (INSERT/UPDATE): 42804 `column "a" is of type integer but expression is of type text`. */
  coerceAssign(e: BExpr, target: SqlType, column: string, location: number, what = 'expression'): BExpr {
    const r = this.tryCoerce(e, target, 'assignment');
    if (r !== undefined) return r;
    throw err(
      SqlState.datatypeMismatch,
      `column "${column}" is of type ${typeName(target)} but ${what} is of type ${typeName(e.type)}`,
      location,
      { hint: 'You will need to rewrite or cast the expression.' },
    );
  }

  /** Implicit coercion (after operator/function resolution: always succeeds by construction). */
  coerceImplicit(e: BExpr, target: SqlType): BExpr {
    const r = this.tryCoerce(e, target, 'implicit');
    if (r !== undefined) return r;
    return { kind: 'cast', fn: castOrThrow(e.type, target, 'implicit'), arg: e, type: target };
  }

  /** 42804 `argument of WHERE must be type boolean, not type integer`. */
  coerceBool(e: BExpr, clause: string, location: number): BExpr {
    if (e.type.oid === Oid.bool) return e;
    if (e.type.oid === Oid.unknown) {
      const r = this.tryCoerce(e, boolType, 'implicit');
      if (r !== undefined) return r;
    }
    throw err(SqlState.datatypeMismatch, `argument of ${clause} must be type boolean, not type ${typeName(e.type)}`, location);
  }

  /** Unknown-typed expressions in an output list become text (PostgreSQL's resolveTargetListUnknowns). */
  resolveUnknownToText(e: BExpr): BExpr {
    if (e.type.oid !== Oid.unknown) return e;
    return this.tryCoerce(e, textType, 'implicit') ?? e;
  }

  /**
   * PostgreSQL's select_common_type (simplified): the first known type, switching to a later
   * type when only that direction casts implicitly; all unknown → text.
   */
  commonType(exprs: readonly BExpr[], context: string, location: number): SqlType {
    let candidate: SqlType | undefined;
    for (const e of exprs) {
      if (e.type.oid === Oid.unknown) continue;
      if (candidate === undefined) {
        candidate = e.type;
        continue;
      }
      if (e.type.oid === candidate.oid) continue;
      const toE = findCast(candidate, e.type, 'implicit') !== undefined;
      const fromE = findCast(e.type, candidate, 'implicit') !== undefined;
      if (toE && !fromE) candidate = e.type;
      else if (!toE && !fromE) {
        throw err(
          SqlState.datatypeMismatch,
          `${context} types ${typeName(candidate)} and ${typeName(e.type)} cannot be matched`,
          location,
        );
      }
    }
    return candidate === undefined ? textType : sqlType(candidate.oid);
  }

  coerceAll(exprs: readonly BExpr[], target: SqlType, context: string, location: number): BExpr[] {
    return exprs.map((e) => {
      const r = this.tryCoerce(e, target, 'implicit');
      if (r === undefined) {
        throw err(SqlState.datatypeMismatch, `${context} could not convert type ${typeName(e.type)} to ${typeName(target)}`, location);
      }
      return r;
    });
  }

  // ─── operators ───────────────────────────────────────────────────────────────────────

  bindOperator(name: string, left: BExpr | null, right: BExpr, location: number): BExpr {
    let op;
    try {
      op = resolveOperator(name, left === null ? null : left.type, right.type);
    } catch (e) {
      throw withPosition(e, location);
    }
    const l = left === null || op.leftType === null ? null : this.coerceImplicit(left, op.leftType);
    const r = this.coerceImplicit(right, op.rightType);
    return { kind: 'op', op, left: l, right: r, type: op.resultType };
  }

  // ─── names ───────────────────────────────────────────────────────────────────────────

  private columnRef(names: readonly string[], scope: Scope, location: number): BExpr {
    const colName = names[names.length - 1]!;
    const qualifier = names.slice(0, -1);
    let depth = 0;
    let qualifierSeen = false;
    for (let s: Scope | null = scope; s !== null; s = s.parent, depth++) {
      let found: ScopeColumn | undefined;
      let foundRange: ScopeRange | undefined;
      for (const range of s.ranges) {
        if (qualifier.length > 0) {
          if (range.alias !== qualifier[qualifier.length - 1]) continue;
          if (qualifier.length >= 2 && range.schema !== qualifier[qualifier.length - 2]) continue;
          qualifierSeen = true;
        }
        for (const c of range.columns) {
          if (c.name !== colName) continue;
          if (qualifier.length === 0 && c.mergedAway === true) continue;
          if (found !== undefined) {
            throw err(SqlState.ambiguousColumn, `column reference "${colName}" is ambiguous`, location);
          }
          found = c;
          foundRange = range;
        }
        if (qualifier.length > 0 && found === undefined) {
          throw err(SqlState.undefinedColumn, `column ${range.alias}.${colName} does not exist`, location);
        }
      }
      if (found !== undefined && foundRange !== undefined) {
        const name = `${foundRange.alias}.${found.name}`;
        if (depth === 0) return { kind: 'col', slot: found.slot, type: found.type, name, location };
        for (let m: Scope | null = scope, d = 0; m !== null && d < depth; m = m.parent, d++) m.correlated = true;
        return { kind: 'outer', depth, slot: found.slot, type: found.type };
      }
    }
    if (qualifier.length > 0 && !qualifierSeen) {
      throw err(SqlState.undefinedTable, `missing FROM-clause entry for table "${qualifier[qualifier.length - 1]}"`, location);
    }
    throw err(SqlState.undefinedColumn, `column "${colName}" does not exist`, location);
  }

  // ─── expressions ─────────────────────────────────────────────────────────────────────

  bind(e: Expr, scope: Scope, ac: AggContext): BExpr {
    switch (e.kind) {
      case 'Const':
        return bindConst(e.type, e.value, e.location);
      case 'ParamRef': {
        if (e.number < 1 || e.number > paramNumberMax) {
          throw err(SqlState.undefinedParameter, `there is no parameter $${e.number}`, e.location);
        }
        const index = e.number - 1;
        this.maxParam = Math.max(this.maxParam, e.number);
        const t = this.params[index];
        return { kind: 'param', index, type: t ?? unknownType };
      }
      case 'ColumnRef':
        return this.columnRef(e.names, scope, e.location);
      case 'Star':
        throw err(SqlState.featureNotSupported, '"*" is not allowed in this context', e.location);
      case 'BinaryOp':
        if (e.schema !== undefined && e.schema !== 'pg_catalog') {
          throw err(SqlState.undefinedFunction, `operator does not exist: ${e.schema}.${e.op}`, e.location);
        }
        return this.bindOperator(e.op, this.bind(e.left, scope, ac), this.bind(e.right, scope, ac), e.location);
      case 'UnaryOp':
        return this.bindOperator(e.op, null, this.bind(e.operand, scope, ac), e.location);
      case 'BoolExpr': {
        const clause = e.op.toUpperCase();
        const args = e.args.map((a) => this.coerceBool(this.bind(a, scope, ac), clause, astLocation(a)));
        if (e.op === 'not') return { kind: 'not', arg: args[0]!, type: boolType };
        return { kind: e.op, args, type: boolType };
      }
      case 'NullTest':
        return { kind: 'isNull', arg: this.bind(e.arg, scope, ac), negated: e.negated, type: boolType };
      case 'BooleanTest': {
        const clause = `IS ${e.negated ? 'NOT ' : ''}${e.test.toUpperCase()}`;
        const arg = this.coerceBool(this.bind(e.arg, scope, ac), clause, e.location);
        return { kind: 'boolTest', arg, test: e.test, negated: e.negated, type: boolType };
      }
      case 'IsDistinct': {
        const eq = this.bindOperator('=', this.bind(e.left, scope, ac), this.bind(e.right, scope, ac), e.location);
        assert(eq.kind === 'op' && eq.left !== null, '= is a binary operator');
        return { kind: 'isDistinct', left: eq.left, right: eq.right, eq, negated: e.negated, type: boolType };
      }
      case 'Cast':
        return this.bindCast(this.bind(e.arg, scope, ac), e.type, e.location);
      case 'FuncCall':
        return this.bindFuncCall(e, scope, ac);
      case 'Case':
        return this.bindCase(e, scope, ac);
      case 'Coalesce': {
        const args = e.args.map((a) => this.bind(a, scope, ac));
        const t = this.commonType(args, 'COALESCE', e.location);
        return { kind: 'coalesce', args: this.coerceAll(args, t, 'COALESCE', e.location), type: t };
      }
      case 'NullIf': {
        const left = this.bind(e.left, scope, ac);
        const eq = this.bindOperator('=', left, this.bind(e.right, scope, ac), e.location);
        const l = this.resolveUnknownToText(left);
        return { kind: 'nullif', left: l, eq, type: l.type };
      }
      case 'MinMax': {
        const args = e.args.map((a) => this.bind(a, scope, ac));
        const name = e.op.toUpperCase();
        const t = this.commonType(args, name, e.location);
        return { kind: 'minmax', op: e.op, args: this.coerceAll(args, t, name, e.location), type: t };
      }
      case 'InList': {
        if (e.arg.kind === 'Row') return this.bindRowInList(e, e.arg, scope, ac);
        const arg = this.bind(e.arg, scope, ac);
        const tests = e.list.map((item) => this.bindOperator('=', arg, this.bind(item, scope, ac), e.location));
        return { kind: 'inList', tests, negated: e.negated, type: boolType };
      }
      case 'Between':
        return this.bindBetween(e.arg, e.low, e.high, e.negated, e.symmetric, e.location, scope, ac);
      case 'Like': {
        if (e.op === 'similar') throw err(SqlState.featureNotSupported, 'SIMILAR TO is not supported yet', e.location);
        const opName = (e.negated ? '!' : '') + (e.op === 'like' ? '~~' : '~~*');
        let pattern = this.bind(e.pattern, scope, ac);
        if (e.escape !== undefined) pattern = this.bindFunction('like_escape', [pattern, this.bind(e.escape, scope, ac)], e.location);
        return this.bindOperator(opName, this.bind(e.arg, scope, ac), pattern, e.location);
      }
      case 'AnyAll':
        return this.bindAnyArray(e.quantifier, e.op, this.bind(e.left, scope, ac), this.bind(e.array, scope, ac), e.location);
      case 'SubLink':
        return this.bindSubLink(e, scope, ac);
      case 'Array': {
        const elems = e.elements.map((a) => this.bind(a, scope, ac));
        if (elems.length === 0) {
          throw err(SqlState.indeterminateDatatype, 'cannot determine type of empty array', e.location, {
            hint: 'Explicitly cast to the desired type, for example ARRAY[]::integer[].',
          });
        }
        const t = this.commonType(elems, 'ARRAY', e.location);
        if (arrayElemOid(t.oid) !== 0) throw err(SqlState.featureNotSupported, 'multidimensional ARRAY[] is not supported yet', e.location);
        return { kind: 'array', elems: this.coerceAll(elems, t, 'ARRAY', e.location), elemOid: t.oid, type: sqlType(arrayTypeOf(t.oid)) };
      }
      case 'Row':
        throw err(SqlState.featureNotSupported, 'row constructors are not supported yet', e.location);
      case 'Subscript':
        return this.bindSubscript(e, scope, ac);
      case 'FieldSelect':
        return bindFieldSelect(this, e, scope, ac);
      case 'Collate':
        if (e.collation.length === 1 && (e.collation[0] === 'C' || e.collation[0] === 'default')) return this.bind(e.arg, scope, ac);
        // psql's \d patterns say COLLATE pg_catalog.default (the same default collation).
        if (e.collation.length === 2 && e.collation[0] === 'pg_catalog' && (e.collation[1] === 'C' || e.collation[1] === 'default')) return this.bind(e.arg, scope, ac);
        throw err(SqlState.featureNotSupported, `collation "${e.collation.join('.')}" is not supported`, e.location);
      case 'Default':
        throw err(SqlState.syntaxError, 'DEFAULT is not allowed in this context', e.location);
      case 'SqlValueFunction':
        return this.bindSqlValueFunction(e.fn, e.precision, e.location);
      default:
        return assertNever(e, 'expression');
    }
  }

  /**
   * (a, b) [NOT] IN ((1, 2), (3, 4)): each candidate row is the AND of its column equalities, so the
   * inList node's three-valued OR gives PostgreSQL's row-comparison answer (NULL when undecided).
   */
  private bindRowInList(e: Extract<Expr, { kind: 'InList' }>, row: Extract<Expr, { kind: 'Row' }>, scope: Scope, ac: AggContext): BExpr {
    const tests = e.list.map((item): BExpr => {
      if (item.kind !== 'Row') throw err(SqlState.featureNotSupported, 'IN with a row on the left and a non-row value is not supported', astLocation(item));
      if (item.args.length !== row.args.length) throw err(SqlState.syntaxError, 'unequal number of entries in row expressions', e.location);
      const eqs = row.args.map((a, i) => this.bindOperator('=', this.bind(a, scope, ac), this.bind(item.args[i]!, scope, ac), e.location));
      return eqs.length === 1 ? eqs[0]! : { kind: 'and', args: eqs, type: boolType };
    });
    return { kind: 'inList', tests, negated: e.negated, type: boolType };
  }

  /** jsonb[k] (PostgreSQL 14+): each subscript is `->` with a text key or an integer position. */
  private bindJsonbSubscript(arg: BExpr, e: Extract<Expr, { kind: 'Subscript' }>, scope: Scope, ac: AggContext): BExpr {
    let out = arg;
    for (const i of e.indices) {
      if (i.isSlice || i.upper === undefined) throw err(SqlState.datatypeMismatch, 'jsonb subscript does not support slices', astLocation(i.upper ?? i.lower ?? e.arg));
      const sub = this.bind(i.upper, scope, ac);
      const integer = sub.type.oid === Oid.int2 || sub.type.oid === Oid.int4 || sub.type.oid === Oid.int8;
      const key = this.tryCoerce(sub, integer ? int4Type : sqlType(Oid.text), 'implicit');
      if (key === undefined) {
        throw err(SqlState.datatypeMismatch, `subscript type ${typeName(sub.type)} is not supported`, astLocation(i.upper), {
          hint: 'jsonb subscript must be coercible to either integer or text.',
        });
      }
      out = this.bindOperator('->', out, key, e.location);
    }
    return out;
  }

  private bindSubscript(e: Extract<Expr, { kind: 'Subscript' }>, scope: Scope, ac: AggContext): BExpr {
    const arg = this.bind(e.arg, scope, ac);
    if (arg.type.oid === Oid.jsonb) return this.bindJsonbSubscript(arg, e, scope, ac);
    const elemOid = arrayElemOid(arg.type.oid);
    if (elemOid === 0) {
      throw err(
        SqlState.datatypeMismatch,
        `cannot subscript type ${typeName(arg.type)} because it does not support subscripting`,
        astLocation(e.arg),
      );
    }
    const slice = e.indices.some((i) => i.isSlice);
    const index = (x: Expr | undefined): BExpr | null => {
      if (x === undefined) return null;
      const b = this.bind(x, scope, ac);
      const r = this.tryCoerce(b, int4Type, 'assignment');
      if (r === undefined) {
        throw err(SqlState.datatypeMismatch, 'array subscript must have type integer', astLocation(x));
      }
      return r;
    };
    // In a slice, a plain subscript [n] means [1:n] (PostgreSQL).
    const one: BExpr = { kind: 'const', type: int4Type, value: 1 };
    const indices = e.indices.map((i) => ({ lower: i.isSlice ? index(i.lower) : slice ? one : null, upper: index(i.upper) }));
    return { kind: 'subscript', arg, slice, indices, type: slice ? sqlType(arg.type.oid) : sqlType(elemOid) };
  }

  bindCast(arg: BExpr, tn: TypeName, location: number): BExpr {
    let resolved;
    try {
      resolved = resolveCatalogTypeName(this.ctx.catalog, this.ctx.searchPath, undefined, tn.names, tn.typmods, tn.arrayBounds);
    } catch (e) {
      throw withPosition(e, tn.location >= 0 ? tn.location : location);
    }
    if (resolved.kind === 'serial') {
      throw err(SqlState.undefinedObject, `type "${tn.names[tn.names.length - 1]}" does not exist`, tn.location);
    }
    const target = resolved.type;
    if (arg.kind === 'param' && arg.type.oid === Oid.unknown) {
      this.params[arg.index] = sqlType(target.oid);
      const p: BExpr = { kind: 'param', index: arg.index, type: sqlType(target.oid) };
      return target.typmod === -1 ? p : { kind: 'cast', fn: castOrThrow(p.type, target, 'explicit'), arg: p, type: target };
    }
    if (arg.kind === 'const' && arg.value === null) return { kind: 'const', type: target, value: null };
    if (arg.type.oid === target.oid && arg.type.typmod === target.typmod) return arg;
    if (arg.kind === 'const' && (contextFreeInput.has(target.oid) || catalogInputTypes.has(target.oid)) && arg.type.oid === Oid.unknown) {
      const folded = this.tryCoerce(arg, target, 'explicit');
      if (folded !== undefined) return folded;
    }
    if (catalogInputTypes.has(target.oid) && textLikeTypes.has(arg.type.oid)) {
      const viaCatalog = this.tryCoerce(arg, target, 'explicit');
      if (viaCatalog !== undefined) return viaCatalog;
    }
    let fn;
    try {
      fn = castOrThrow(arg.type, target, 'explicit');
    } catch (e) {
      throw withPosition(e, location);
    }
    return { kind: 'cast', fn, arg, type: target };
  }

  bindFunction(name: string, args: readonly BExpr[], location: number): BExpr {
    let fn;
    try {
      fn = resolveFunction(name, args.map((a) => a.type));
    } catch (e) {
      throw withPosition(e, location);
    }
    const cast = args.map((a, i) => this.coerceImplicit(a, fn.argTypes[i] ?? a.type));
    return { kind: 'func', fn, args: cast, type: fn.resultType };
  }

  private bindFuncCall(e: FuncCall, scope: Scope, ac: AggContext): BExpr {
    const name = e.name[e.name.length - 1]!;
    if (e.name.length > 2 || (e.name.length === 2 && e.name[0] !== 'pg_catalog')) {
      throw err(SqlState.undefinedFunction, `function ${e.name.join('.')} does not exist`, e.location);
    }
    if (e.over !== undefined) {
      if (ac.late === undefined) throw err('42P20', `window functions are not allowed in ${ac.forbiddenIn ?? 'this context'}`, e.location);
      if (ac.inAggregate) throw err(SqlState.groupingError, 'aggregate function calls cannot contain window function calls', e.location);
      return ac.late.window(this, e, scope, ac);
    }
    // GROUPING(...) is a keyword construct the parser wrapper converts to the call grouping(...).
    if (name === 'grouping' && e.name.length === 1) {
      if (ac.late === undefined || ac.forbiddenIn !== undefined) {
        throw err(SqlState.groupingError, `grouping operations are not allowed in ${ac.forbiddenIn ?? 'this context'}`, e.location);
      }
      return ac.late.grouping(this, e, scope, ac);
    }
    // typeof: a stored expression read back from the catalog has null where undefined was written (JSON).
    if (e.argNames.some((n) => typeof n === 'string')) {
      throw err(SqlState.featureNotSupported, 'named function arguments are not supported yet', e.location);
    }
    if (e.variadic) throw err(SqlState.featureNotSupported, 'VARIADIC arguments are not supported yet', e.location);
    const special = name === 'nextval' || name === 'currval' || name === 'setval' || name === 'lastval';
    if (!special && isAggregateName(name)) return this.bindAggregate(name, e, scope, ac);
    if (e.star) throw err(SqlState.wrongObjectType, `${name}(*) specified, but ${name} is not an aggregate function`, e.location);
    if (e.distinct) {
      throw err(SqlState.wrongObjectType, `DISTINCT specified, but ${name} is not an aggregate function`, e.location);
    }
    if (e.filter !== undefined) {
      throw err(SqlState.wrongObjectType, `FILTER specified, but ${name} is not an aggregate function`, e.location);
    }
    if (e.orderBy.length > 0) {
      throw err(SqlState.wrongObjectType, `ORDER BY specified, but ${name} is not an aggregate function`, e.location);
    }
    if (name === 'nextval' || name === 'currval' || name === 'setval' || name === 'lastval') {
      // 'seq'::regclass (how serial defaults are stored) names the sequence like a plain literal.
      const args = e.args.map((a, i) => {
        const lit = i === 0 ? regclassLiteral(a) : undefined;
        return lit !== undefined ? bindConst('string', lit, literalLocation(a)) : this.bind(a, scope, ac);
      });
      return this.bindSequenceFunction(name, args, e.location);
    }
    const args = e.args.map((a) => this.bind(a, scope, ac));
    switch (name) {
      case 'current_database':
        if (args.length === 0) return { kind: 'sessionValue', what: 'current_catalog', type: sqlType(Oid.name) };
        break;
      case 'current_schema':
        if (args.length === 0) return { kind: 'sessionValue', what: 'current_schema', type: sqlType(Oid.name) };
        break;
      case 'current_user':
      case 'session_user':
        if (args.length === 0) return { kind: 'sessionValue', what: name, type: sqlType(Oid.name) };
        break;
      default:
        break;
    }
    const catalogFn = catalogFunctionFor(name, args.map((a) => a.type));
    if (catalogFn !== undefined) {
      return { kind: 'catalogFn', fn: catalogFn, args: args.map((a, i) => this.coerceImplicit(a, catalogFn.argTypes[i]!)), type: catalogFn.resultType };
    }
    return this.bindFunction(name, args, e.location);
  }

  private bindSequenceFunction(name: 'nextval' | 'currval' | 'setval' | 'lastval', args: BExpr[], location: number): BExpr {
    const arity = { nextval: [1], currval: [1], setval: [2, 3], lastval: [0] }[name];
    if (!arity.includes(args.length)) {
      throw err(SqlState.undefinedFunction, `function ${name}(${args.map((a) => typeName(a.type)).join(', ')}) does not exist`, location, {
        hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
      });
    }
    this.readOnly = this.readOnly && (name === 'currval' || name === 'lastval');
    let seqOid: number | null = null;
    const cast: BExpr[] = [];
    if (args.length > 0) {
      const nameArg = args[0]!;
      if (nameArg.kind === 'const' && typeof nameArg.value === 'string') {
        seqOid = this.resolveSequenceName(nameArg.value, nameArg.location ?? location);
        cast.push(nameArg);
      } else {
        cast.push(this.coerceImplicit(nameArg, textType));
      }
    }
    if (name === 'setval') {
      cast.push(this.coerceImplicit(args[1]!, int8Type));
      if (args.length === 3) cast.push(this.coerceImplicit(args[2]!, boolType));
    }
    return { kind: 'seqFn', fn: name, seqOid, args: cast, type: int8Type };
  }

  /** regclass input for sequence names: 'public.s', '"MySeq"'. */
  resolveSequenceName(text: string, location: number): number {
    const names = splitIdentifiers(text);
    try {
      return this.ctx.catalog.resolveSequence(this.ctx.searchPath, names).oid;
    } catch (e) {
      throw withPosition(e, location);
    }
  }

  private bindAggregate(name: string, e: FuncCall, scope: Scope, ac: AggContext): BExpr {
    if (ac.forbiddenIn !== undefined) {
      throw err(SqlState.groupingError, `aggregate functions are not allowed in ${ac.forbiddenIn}`, e.location);
    }
    if (ac.inAggregate) throw err(SqlState.groupingError, 'aggregate function calls cannot be nested', e.location);
    if (e.withinGroup) {
      throw err(SqlState.featureNotSupported, 'WITHIN GROUP (ordered-set aggregates) is not supported yet', e.location);
    }
    ac.inAggregate = true;
    let args: BExpr[];
    let filter: BExpr | null = null;
    const orderBy: AggSortKey[] = [];
    try {
      args = e.star ? [] : e.args.map((a) => this.bind(a, scope, ac));
      // Aggregates and window functions are not allowed in FILTER (PostgreSQL's EXPR_KIND_FILTER).
      if (e.filter !== undefined) filter = this.coerceBool(this.bind(e.filter, scope, noAggregates('FILTER')), 'FILTER', e.location);
      for (const s of e.orderBy) {
        const expr = this.resolveUnknownToText(this.bind(s.expr, scope, ac));
        const desc = s.direction === 'desc';
        orderBy.push({ expr, type: expr.type, desc, nullsFirst: s.nulls === 'default' ? desc : s.nulls === 'first' });
      }
    } finally {
      ac.inAggregate = false;
    }
    if (e.distinct && orderBy.length > 0) {
      const argKeys = args.map(exprKey);
      const bad = orderBy.findIndex((o) => !argKeys.includes(exprKey(o.expr)));
      if (bad >= 0) {
        throw err(
          SqlState.invalidColumnReference,
          'in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list',
          astLocation(e.orderBy[bad]!.expr),
        );
      }
    }
    let agg;
    try {
      agg = resolveAggregate(name, args.map((a) => a.type));
    } catch (x) {
      throw withPosition(x, e.location);
    }
    const cast = args.map((a, i) => this.coerceImplicit(a, agg.argTypes[i] ?? a.type));
    ac.aggs.push({ agg, args: cast, distinct: e.distinct, filter, argTypes: cast.map((a) => a.type), orderBy });
    return { kind: 'aggref', index: ac.aggs.length - 1, type: agg.resultType };
  }

  private bindCase(e: Extract<Expr, { kind: 'Case' }>, scope: Scope, ac: AggContext): BExpr {
    const arg = e.arg === undefined ? undefined : this.bind(e.arg, scope, ac);
    const conds = e.whens.map((w) => {
      const when = this.bind(w.when, scope, ac);
      return arg === undefined ? this.coerceBool(when, 'CASE/WHEN', e.location) : this.bindOperator('=', arg, when, e.location);
    });
    const results = e.whens.map((w) => this.bind(w.then, scope, ac));
    const elseExpr: BExpr = e.else === undefined ? { kind: 'const', type: unknownType, value: null } : this.bind(e.else, scope, ac);
    const all = [...results, elseExpr];
    const t = this.commonType(all, 'CASE', e.location);
    const cast = this.coerceAll(all, t, 'CASE', e.location);
    return {
      kind: 'case',
      whens: conds.map((cond, i) => ({ cond, result: cast[i]! })),
      else: cast[cast.length - 1]!,
      type: t,
    };
  }

  private bindBetween(
    argE: Expr,
    lowE: Expr,
    highE: Expr,
    negated: boolean,
    symmetric: boolean,
    location: number,
    scope: Scope,
    ac: AggContext,
  ): BExpr {
    const arg = this.bind(argE, scope, ac);
    const low = this.bind(lowE, scope, ac);
    const high = this.bind(highE, scope, ac);
    const range = (lo: BExpr, hi: BExpr): BExpr => ({
      kind: 'and',
      args: [this.bindOperator('>=', arg, lo, location), this.bindOperator('<=', arg, hi, location)],
      type: boolType,
    });
    const test: BExpr = symmetric ? { kind: 'or', args: [range(low, high), range(high, low)], type: boolType } : range(low, high);
    return negated ? { kind: 'not', arg: test, type: boolType } : test;
  }

  private bindAnyArray(quantifier: 'any' | 'all', opName: string, left: BExpr, array: BExpr, location: number): BExpr {
    let arr = array;
    if (arr.type.oid === Oid.unknown) {
      if (left.type.oid === Oid.unknown) {
        throw err(SqlState.indeterminateDatatype, 'could not determine polymorphic type because input has type unknown', location);
      }
      arr = this.coerceImplicit(arr, sqlType(arrayTypeOf(left.type.oid)));
    }
    const elemOid = arrayElemOid(arr.type.oid);
    if (elemOid === 0) {
      throw err(SqlState.wrongObjectType, `op ANY/ALL (array) requires array on right side`, location);
    }
    const elemType = sqlType(elemOid);
    let op;
    try {
      op = resolveOperator(opName, left.type, elemType);
    } catch (e) {
      throw withPosition(e, location);
    }
    if (op.resultType.oid !== Oid.bool) {
      throw err(SqlState.wrongObjectType, `op ANY/ALL (array) requires operator to yield boolean`, location);
    }
    assert(op.leftType !== null, 'ANY/ALL needs a binary operator');
    const l = this.coerceImplicit(left, op.leftType);
    const elemCast = op.rightType.oid === elemOid ? null : castOrThrow(elemType, op.rightType, 'implicit');
    return { kind: 'anyArray', quantifier, left: l, op, array: arr, elemCast, type: boolType };
  }

  private bindSubLink(e: SubLinkExpr, scope: Scope, ac: AggContext): BExpr {
    const inner = new Scope(scope);
    const { plan, columns } = this.bindSubquery(this, e.query, inner);
    const columnTypes = columns.map((c) => c.type);
    const correlated = inner.correlated;
    if (correlated) scope.hasCorrelatedChild = true;
    if (e.linkType === 'exists') {
      return { kind: 'subquery', sub: { linkType: 'exists', plan, correlated, elemOid: 0 }, type: boolType };
    }
    if (columnTypes.length !== 1) {
      throw err(SqlState.syntaxError, columnTypes.length > 1 ? 'subquery has too many columns' : 'subquery must return only one column', e.location);
    }
    const colType = columnTypes[0]!;
    switch (e.linkType) {
      case 'scalar':
        return { kind: 'subquery', sub: { linkType: 'scalar', plan, correlated, elemOid: 0 }, type: colType };
      case 'array':
        return {
          kind: 'subquery',
          sub: { linkType: 'array', plan, correlated, elemOid: colType.oid },
          type: sqlType(arrayTypeOf(colType.oid)),
        };
      case 'any':
      case 'all': {
        assert(e.testExpr !== undefined, 'ANY/ALL sublink needs a test expression');
        const left = this.bind(e.testExpr, scope, ac);
        let op;
        try {
          op = resolveOperator(e.op ?? '=', left.type, colType);
        } catch (x) {
          throw withPosition(x, e.location);
        }
        assert(op.leftType !== null, 'sublink operator must be binary');
        const l = this.coerceImplicit(left, op.leftType);
        const rightCast = op.rightType.oid === colType.oid ? null : castOrThrow(colType, op.rightType, 'implicit');
        return {
          kind: 'subquery',
          sub: { linkType: e.linkType, plan, correlated, elemOid: 0, test: { left: l, op, rightCast } },
          type: boolType,
        };
      }
      default:
        return assertNever(e.linkType, 'sublink type');
    }
  }

  private bindSqlValueFunction(fn: Extract<Expr, { kind: 'SqlValueFunction' }>['fn'], precision: number, location: number): BExpr {
    switch (fn) {
      case 'current_date':
      case 'current_time':
      case 'current_timestamp':
      case 'localtime':
      case 'localtimestamp': {
        // All are the transaction timestamp (now()) seen through the session time zone.
        const now = this.bindFunction('now', [], location);
        const targetOid = {
          current_date: Oid.date,
          current_time: Oid.timetz,
          current_timestamp: Oid.timestamptz,
          localtime: Oid.time,
          localtimestamp: Oid.timestamp,
        }[fn];
        const target = sqlType(targetOid, precision < 0 || fn === 'current_date' ? -1 : precision);
        if (target.oid === now.type.oid && target.typmod === -1) return now;
        let cast;
        try {
          cast = castOrThrow(now.type, target, 'explicit');
        } catch (x) {
          throw withPosition(x, location);
        }
        return { kind: 'cast', fn: cast, arg: now, type: target };
      }
      case 'current_role':
      case 'current_user':
      case 'user':
        return { kind: 'sessionValue', what: 'current_user', type: sqlType(Oid.name) };
      case 'session_user':
        return { kind: 'sessionValue', what: 'session_user', type: sqlType(Oid.name) };
      case 'current_catalog':
        return { kind: 'sessionValue', what: 'current_catalog', type: sqlType(Oid.name) };
      case 'current_schema':
        return { kind: 'sessionValue', what: 'current_schema', type: sqlType(Oid.name) };
      default:
        return assertNever(fn, 'sql value function');
    }
  }

  /** A scope range for a table's live columns at `offset` (dropped columns are not visible). */
  tableRange(table: TableDescriptor, alias: string, schema: string, offset: number, aliasColumns: readonly string[]): ScopeRange {
    prepareIndexes(table, () => {
      const schemaName = this.ctx.catalog.schema(table.schemaOid)?.name ?? 'public';
      return new Binder({ catalog: this.ctx.catalog, searchPath: [schemaName], paramTypes: [] }, this.bindSubquery);
    });
    const columns: ScopeColumn[] = [];
    let visibleIndex = 0;
    table.columns.forEach((c, i) => {
      if (c.dropped) return;
      let name = c.name;
      if (!c.hidden && visibleIndex < aliasColumns.length) name = aliasColumns[visibleIndex]!;
      if (!c.hidden) visibleIndex++;
      columns.push({ name, type: c.type, slot: offset + i, tableOid: table.oid, attnum: c.attnum, hidden: c.hidden });
    });
    if (aliasColumns.length > visibleIndex) {
      throw new SqlError(
        SqlState.invalidColumnReference,
        `table "${alias}" has ${visibleIndex} columns available but ${aliasColumns.length} columns specified`,
      );
    }
    return { alias, schema, columns };
  }
}

/** The text of `'name'::regclass` (or a bare string literal), else undefined. */
function regclassLiteral(e: Expr): string | undefined {
  if (e.kind === 'Const' && e.type === 'string' && e.value !== null) return e.value;
  if (e.kind === 'Cast' && e.arg.kind === 'Const' && e.arg.type === 'string' && e.arg.value !== null) {
    const n = e.type.names[e.type.names.length - 1];
    if (n === 'regclass' && e.type.arrayBounds === 0) return e.arg.value;
  }
  return undefined;
}

function literalLocation(e: Expr): number {
  return e.kind === 'Cast' ? e.arg.location : e.location;
}

/** PostgreSQL's exprLocation: the leftmost location of an expression (error cursors). */
export function astLocation(e: Expr): number {
  switch (e.kind) {
    case 'BinaryOp': {
      const l = astLocation(e.left);
      return l >= 0 && (l < e.location || e.location < 0) ? l : e.location;
    }
    case 'Cast': {
      const l = astLocation(e.arg);
      return l >= 0 && (l < e.location || e.location < 0) ? l : e.location;
    }
    default:
      return 'location' in e ? e.location : -1;
  }
}

/** Literal → typed constant: integers int4/int8/numeric by size, strings stay unknown. */
export function bindConst(type: Extract<Expr, { kind: 'Const' }>['type'], value: string | null, location: number): BExpr {
  switch (type) {
    case 'null':
      return { kind: 'const', type: unknownType, value: null };
    case 'string':
      return { kind: 'const', type: unknownType, value: value ?? '', location };
    case 'bool':
      return { kind: 'const', type: boolType, value: value === 'true' || value === 't' };
    case 'integer': {
      assert(value !== null, 'integer literal has text');
      const big = BigInt(value);
      if (big >= -2147483648n && big <= 2147483647n) return { kind: 'const', type: int4Type, value: Number(big) };
      if (big >= -9223372036854775808n && big <= 9223372036854775807n) return { kind: 'const', type: int8Type, value: big };
      return { kind: 'const', type: sqlType(Oid.numeric), value: new Decimal(value) };
    }
    case 'numeric': {
      assert(value !== null, 'numeric literal has text');
      return { kind: 'const', type: sqlType(Oid.numeric), value: new Decimal(value) };
    }
    case 'bitstring':
      throw err(SqlState.featureNotSupported, 'bit string literals are not supported yet', location);
    default:
      return assertNever(type, 'literal type');
  }
}

/** Adds a position to a SqlError thrown without one (errors from sql/types). */
export function withPosition(e: unknown, location: number): unknown {
  if (e instanceof SqlError && e.fields.position === undefined && location >= 0) {
    return new SqlError(e.code, e.message, { ...e.fields, position: location + 1 });
  }
  return e;
}

export type { Datum };

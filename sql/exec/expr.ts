/**
 * Bound expressions compiled once into closures (cached per expression object, so a cached
 * PreparedQuery never re-compiles). Evaluation is synchronous; the parts that need I/O
 * (subqueries, nextval/setval) are evaluated first, in order, into `env.asyncValues`, and the
 * closures read them from there.
 */
import type { SpillReport } from './spill.js';
import { assert, assertNever } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';
import type { BExpr, SubqueryExpr } from '../bind/expr.js';
import { withPosition } from '../bind/binder.js';
import { splitIdentifiers } from '../../catalog/names.js';
import type { ExecContext } from '../plan/api.js';
import { arraySlice, arraySubscript, compare, Oid, PgArray, PgRecord, type Datum } from '../types/index.js';
import { currval, lastval, nextval, setval } from './sequence.js';
import type { SequenceDescriptor } from '../../catalog/descriptors.js';
import type { CatalogFnContext } from '../../pg_catalog/functions.js';

/** Per-execution state shared by every node of one query execution. */
export interface Env {
  readonly params: readonly Datum[];
  /** Rows of enclosing queries: outer[0] is depth 1. */
  readonly outer: readonly (readonly Datum[])[];
  readonly ctx: ExecContext;
  /** Values of async parts for the row being evaluated. */
  readonly asyncValues: Map<BExpr, Datum>;
  /** Rows of uncorrelated subqueries, computed once per execution. */
  readonly initRows: Map<SubqueryExpr, Datum[][]>;
  /** Rows inserted/updated/deleted by the DML node. */
  affected: number;
  /** Per-node counters for EXPLAIN ANALYZE (absent otherwise). */
  readonly stats: Map<object, NodeStats> | undefined;
}

export interface NodeStats {
  rows: number;
  loops: number;
  firstRowMs: number;
  totalMs: number;
  /** Sort / hash join / hash aggregate / DISTINCT: memory used and bytes spilled (./spill.ts). */
  spill?: SpillReport;
}

type Fn = (row: readonly Datum[], env: Env) => Datum;

export interface Compiled {
  readonly fn: Fn;
  /** Subqueries and nextval/setval calls in post-order (inner first). */
  readonly asyncParts: readonly BExpr[];
}

/** Runs a subquery for a row; installed by run.ts (which imports this module). */
export type SubqueryRunner = (e: Extract<BExpr, { kind: 'subquery' }>, row: readonly Datum[], env: Env) => Promise<Datum>;
let subqueryRunner: SubqueryRunner | undefined;
export function installSubqueryRunner(r: SubqueryRunner): void {
  subqueryRunner = r;
}

const cache = new WeakMap<BExpr, Compiled>();

export function compiled(e: BExpr): Compiled {
  let c = cache.get(e);
  if (c === undefined) {
    const parts: BExpr[] = [];
    c = { fn: compile(e, parts), asyncParts: parts };
    cache.set(e, c);
  }
  return c;
}

export function isTrue(d: Datum): boolean {
  return d === true;
}

/** Evaluates with async parts resolved first. */
export async function evaluate(c: Compiled, row: readonly Datum[], env: Env): Promise<Datum> {
  if (c.asyncParts.length > 0) await resolveAsync(c.asyncParts, row, env);
  return c.fn(row, env);
}

/** Evaluates an expression that has no async parts (asserted). */
export function evaluateSync(c: Compiled, row: readonly Datum[], env: Env): Datum {
  assert(c.asyncParts.length === 0, 'expression with subqueries/sequence calls evaluated synchronously');
  return c.fn(row, env);
}

function catalogFnContext(env: Env): CatalogFnContext {
  const c = env.ctx;
  const session = {
    user: c.session.user,
    database: c.session.database,
    ...(c.backendPid === undefined ? {} : { backendPid: c.backendPid }),
    ...(c.activity === undefined ? {} : { activity: c.activity }),
    ...(c.signalBackend === undefined ? {} : { signalBackend: c.signalBackend }),
  };
  return { catalog: c.catalog, session, searchPath: c.searchPath ?? ['$user', 'public'], signal: c.signal };
}

/** Argument values of a catalog function call, or null when a strict function gets a NULL. */
function catalogFnArgs(args: readonly Fn[], strict: boolean, row: readonly Datum[], env: Env): Datum[] | null {
  const vals: Datum[] = new Array<Datum>(args.length);
  for (let i = 0; i < args.length; i++) {
    const v = args[i]!(row, env);
    if (v === null && strict) return null;
    vals[i] = v;
  }
  return vals;
}

async function catalogCall(e: Extract<BExpr, { kind: 'catalogFn' }>, row: readonly Datum[], env: Env): Promise<Datum> {
  const fn = e.fn;
  assert(fn.kind === 'async', 'synchronous catalog function resolved as an async part');
  const vals = catalogFnArgs(e.args.map((a) => compiled(a).fn), fn.strict, row, env);
  return vals === null ? null : fn.evalAsync(vals, catalogFnContext(env), env.ctx.kv);
}

async function resolveAsync(parts: readonly BExpr[], row: readonly Datum[], env: Env): Promise<void> {
  for (const p of parts) {
    if (p.kind === 'subquery') {
      assert(subqueryRunner !== undefined, 'subquery runner not installed');
      env.asyncValues.set(p, await subqueryRunner(p, row, env));
    } else if (p.kind === 'catalogFn') {
      env.asyncValues.set(p, await catalogCall(p, row, env));
    } else if (p.kind === 'seqFn') {
      env.asyncValues.set(p, await sequenceCall(p, row, env));
    } else {
      assert(false, `unexpected async part ${p.kind}`);
    }
  }
}

function resolveSequence(e: Extract<BExpr, { kind: 'seqFn' }>, row: readonly Datum[], env: Env): SequenceDescriptor {
  const catalog = env.ctx.catalog;
  if (e.seqOid !== null) {
    const s = catalog.sequence(e.seqOid);
    if (s === undefined) throw new SqlError(SqlState.undefinedTable, `could not open relation with OID ${e.seqOid}`);
    return s;
  }
  const nameArg = compiled(e.args[0]!);
  const name = nameArg.fn(row, env);
  assert(typeof name === 'string', 'sequence name must be text');
  return catalog.resolveSequence(env.ctx.searchPath ?? ['$user', 'public'], splitIdentifiers(name), env.ctx.session.user);
}

async function sequenceCall(e: Extract<BExpr, { kind: 'seqFn' }>, row: readonly Datum[], env: Env): Promise<Datum> {
  for (const a of e.args) if (compiled(a).fn(row, env) === null) return null;
  const seq = resolveSequence(e, row, env);
  const { kv, session } = env.ctx;
  switch (e.fn) {
    case 'nextval':
      return nextval(kv, session, seq);
    case 'setval': {
      const v = compiled(e.args[1]!).fn(row, env);
      const called = e.args.length === 3 ? compiled(e.args[2]!).fn(row, env) === true : true;
      return setval(kv, session, seq, typeof v === 'bigint' ? v : BigInt(v as number), called);
    }
    case 'currval':
    case 'lastval':
      assert(false, `${e.fn} is synchronous`);
      return null;
    default:
      return assertNever(e.fn, 'sequence function');
  }
}

function compileAll(es: readonly BExpr[], parts: BExpr[]): Fn[] {
  return es.map((x) => compile(x, parts));
}

function compile(e: BExpr, parts: BExpr[]): Fn {
  switch (e.kind) {
    case 'const': {
      const v = e.value;
      return () => v;
    }
    case 'param': {
      const i = e.index;
      return (_r, env) => env.params[i] ?? null;
    }
    case 'col': {
      const s = e.slot;
      return (r) => r[s] ?? null;
    }
    case 'outer': {
      const d = e.depth - 1;
      const s = e.slot;
      return (_r, env) => env.outer[d]?.[s] ?? null;
    }
    case 'op': {
      const op = e.op;
      const r = compile(e.right, parts);
      if (e.left === null) {
        return (row, env) => {
          const b = r(row, env);
          return b === null ? null : op.eval(null, b, env.ctx.eval);
        };
      }
      const l = compile(e.left, parts);
      return (row, env) => {
        const a = l(row, env);
        if (a === null) return null;
        const b = r(row, env);
        if (b === null) return null;
        return op.eval(a, b, env.ctx.eval);
      };
    }
    case 'func': {
      const fn = e.fn;
      const args = compileAll(e.args, parts);
      return (row, env) => {
        const vals: Datum[] = new Array<Datum>(args.length);
        for (let i = 0; i < args.length; i++) {
          const v = args[i]!(row, env);
          if (v === null && fn.strict) return null;
          vals[i] = v;
        }
        return fn.eval(vals, env.ctx.eval);
      };
    }
    case 'catalogFn': {
      const fn = e.fn;
      const args = compileAll(e.args, parts);
      if (fn.kind === 'async') {
        // Reads storage (pg_relation_size ...): resolved before the row is evaluated, like nextval.
        parts.push(e);
        return (_r, env) => {
          const v = env.asyncValues.get(e);
          assert(v !== undefined, 'catalog function value not resolved');
          return v;
        };
      }
      return (row, env) => {
        const vals = catalogFnArgs(args, fn.strict, row, env);
        return vals === null ? null : fn.eval(vals, catalogFnContext(env));
      };
    }
    case 'cast': {
      const fn = e.fn;
      const a = compile(e.arg, parts);
      const literalLocation = e.arg.kind === 'const' && e.arg.type.oid === Oid.unknown ? e.arg.location : undefined;
      if (literalLocation !== undefined && literalLocation >= 0) {
        // An untyped literal's input error points at the literal, as PostgreSQL's parse-time coercion does.
        return (row, env) => {
          const v = a(row, env);
          if (v === null) return null;
          try {
            return fn(v, env.ctx.eval);
          } catch (x) {
            throw withPosition(x, literalLocation);
          }
        };
      }
      return (row, env) => {
        const v = a(row, env);
        return v === null ? null : fn(v, env.ctx.eval);
      };
    }
    case 'and': {
      const args = compileAll(e.args, parts);
      return (row, env) => {
        let sawNull = false;
        for (const a of args) {
          const v = a(row, env);
          if (v === false) return false;
          if (v === null) sawNull = true;
        }
        return sawNull ? null : true;
      };
    }
    case 'or': {
      const args = compileAll(e.args, parts);
      return (row, env) => {
        let sawNull = false;
        for (const a of args) {
          const v = a(row, env);
          if (v === true) return true;
          if (v === null) sawNull = true;
        }
        return sawNull ? null : false;
      };
    }
    case 'not': {
      const a = compile(e.arg, parts);
      return (row, env) => {
        const v = a(row, env);
        return v === null ? null : !v;
      };
    }
    case 'isNull': {
      const a = compile(e.arg, parts);
      const neg = e.negated;
      return (row, env) => (a(row, env) === null) !== neg;
    }
    case 'boolTest': {
      const a = compile(e.arg, parts);
      const want = e.test === 'true' ? true : e.test === 'false' ? false : null;
      const neg = e.negated;
      return (row, env) => (a(row, env) === want) !== neg;
    }
    case 'case': {
      const whens = e.whens.map((w) => ({ cond: compile(w.cond, parts), result: compile(w.result, parts) }));
      const otherwise = compile(e.else, parts);
      return (row, env) => {
        for (const w of whens) if (w.cond(row, env) === true) return w.result(row, env);
        return otherwise(row, env);
      };
    }
    case 'coalesce': {
      const args = compileAll(e.args, parts);
      return (row, env) => {
        for (const a of args) {
          const v = a(row, env);
          if (v !== null) return v;
        }
        return null;
      };
    }
    case 'nullif': {
      const l = compile(e.left, parts);
      const eq = compile(e.eq, parts);
      return (row, env) => {
        const v = l(row, env);
        if (v === null) return null;
        return eq(row, env) === true ? null : v;
      };
    }
    case 'minmax': {
      const args = compileAll(e.args, parts);
      const type = e.type;
      const sign = e.op === 'greatest' ? 1 : -1;
      return (row, env) => {
        let best: Datum = null;
        for (const a of args) {
          const v = a(row, env);
          if (v === null) continue;
          if (best === null || sign * compare(type, v, best) > 0) best = v;
        }
        return best;
      };
    }
    case 'inList': {
      const tests = compileAll(e.tests, parts);
      const neg = e.negated;
      return (row, env) => {
        let sawNull = false;
        for (const t of tests) {
          const v = t(row, env);
          if (v === true) return !neg;
          if (v === null) sawNull = true;
        }
        return sawNull ? null : neg;
      };
    }
    case 'isDistinct': {
      const l = compile(e.left, parts);
      const r = compile(e.right, parts);
      const eq = compile(e.eq, parts);
      const neg = e.negated;
      return (row, env) => {
        const a = l(row, env);
        const b = r(row, env);
        let distinct: boolean;
        if (a === null || b === null) distinct = !(a === null && b === null);
        else distinct = eq(row, env) !== true;
        return distinct !== neg;
      };
    }
    case 'subquery': {
      if (e.sub.test !== undefined) compile(e.sub.test.left, parts);
      parts.push(e);
      return (_r, env) => {
        const v = env.asyncValues.get(e);
        assert(v !== undefined, 'subquery value not resolved');
        return v;
      };
    }
    case 'seqFn': {
      for (const a of e.args) compile(a, parts);
      if (e.fn === 'nextval' || e.fn === 'setval') {
        parts.push(e);
        return (_r, env) => {
          const v = env.asyncValues.get(e);
          assert(v !== undefined, 'sequence value not resolved');
          return v;
        };
      }
      if (e.fn === 'lastval') return (_r, env) => lastval(env.ctx.session);
      return (row, env) => {
        if (compiled(e.args[0]!).fn(row, env) === null) return null;
        return currval(env.ctx.session, resolveSequence(e, row, env));
      };
    }
    case 'sessionValue': {
      const what = e.what;
      return (_r, env) => {
        switch (what) {
          case 'current_user':
          case 'session_user':
            return env.ctx.session.user;
          case 'current_catalog':
            return env.ctx.session.database;
          case 'current_schema': {
            for (const s of env.ctx.searchPath ?? ['$user', 'public']) {
              const name = s === '$user' ? env.ctx.session.user : s;
              if (env.ctx.catalog.schemaOidByName(name) !== undefined) return name;
            }
            return null;
          }
          default:
            return assertNever(what, 'session value');
        }
      };
    }
    case 'array': {
      const elems = compileAll(e.elems, parts);
      const elemOid = e.elemOid;
      return (row, env) => new PgArray(elemOid, elems.map((x) => x(row, env)));
    }
    case 'anyArray': {
      const l = compile(e.left, parts);
      const arr = compile(e.array, parts);
      const op = e.op;
      const cast = e.elemCast;
      const any = e.quantifier === 'any';
      return (row, env) => {
        const a = arr(row, env);
        if (a === null) return null;
        assert(a instanceof PgArray, 'ANY/ALL operand must be an array');
        if (a.items.length === 0) return !any;
        const left = l(row, env);
        if (left === null) return null;
        let sawNull = false;
        for (const item of a.items) {
          if (item === null) {
            sawNull = true;
            continue;
          }
          const v = op.eval(left, cast === null ? item : cast(item, env.ctx.eval), env.ctx.eval);
          if (v === null) sawNull = true;
          else if (v === any) return any;
        }
        return sawNull ? null : !any;
      };
    }
    case 'subscript': {
      const arg = compile(e.arg, parts);
      const idx = e.indices.map((i) => ({
        lower: i.lower === null ? null : compile(i.lower, parts),
        upper: i.upper === null ? null : compile(i.upper, parts),
      }));
      const slice = e.slice;
      return (row, env) => {
        const a = arg(row, env);
        if (a === null) return null;
        assert(a instanceof PgArray, 'subscripted value must be an array');
        if (!slice) {
          const subs: number[] = [];
          for (const i of idx) {
            const v = i.upper === null ? null : i.upper(row, env);
            if (v === null) return null;
            subs.push(v as number);
          }
          return arraySubscript(a, subs);
        }
        const bounds: { lower: number | undefined; upper: number | undefined }[] = [];
        for (const i of idx) {
          const lo = i.lower === null ? undefined : i.lower(row, env);
          const hi = i.upper === null ? undefined : i.upper(row, env);
          if (lo === null || hi === null) return null;
          bounds.push({ lower: lo as number | undefined, upper: hi as number | undefined });
        }
        return arraySlice(a, bounds);
      };
    }
    case 'row': {
      const args = e.args.map((a) => compile(a, parts));
      return (row, env) => new PgRecord(args.map((a) => a(row, env)));
    }
    case 'fieldSelect': {
      const arg = compile(e.arg, parts);
      const index = e.index;
      return (row, env) => {
        const r = arg(row, env);
        if (r === null) return null;
        assert(r instanceof PgRecord, 'field selection needs a record');
        return r.fields[index] ?? null;
      };
    }
    case 'aggref':
      throw new SqlError(SqlState.internalError, 'aggregate reference outside an aggregate node');
    case 'lateRef':
      throw new SqlError(SqlState.internalError, `${e.ref} reference left in a planned expression`);
    default:
      return assertNever(e, 'bound expression');
  }
}


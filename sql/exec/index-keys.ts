/**
 * Helpers for expression / partial index keys: the text of an index column as PostgreSQL's
 * pg_get_indexdef prints it (also used in 23505 details), and the evaluation environment of
 * index expressions (IMMUTABLE by construction, so they read nothing from a session).
 */
import type { IndexColumn, TableDescriptor } from '../../catalog/descriptors.js';
import { assert } from '../../util/assert.js';
import { deparseExpr, quoteIdentifier } from '../deparse.js';
import type { BExpr } from '../bind/expr.js';
import { fromStorage, withImplicitCasts } from '../../pg_catalog/typed-expr.js';
import type { ExecContext } from '../plan/api.js';
import { defaultFormatContext, defaultVersionString } from '../types/index.js';
import type { Env } from './expr.js';

/**
 * `email`, `lower(email)`, `(a + b)` as in `Key (lower(email))=(x)` (pretty pg_get_indexdef
 * columns): expressions that do not look like a function call are parenthesized (ruleutils'
 * looks_like_function).
 */
export function indexColumnText(table: TableDescriptor, c: IndexColumn, slot: number, bound: BExpr | undefined): string {
  if (c.expr === undefined) {
    const col = table.columns[slot];
    assert(col !== undefined, `index column slot ${slot} in ${table.name}`);
    return quoteIdentifier(col.name);
  }
  assert(bound !== undefined, 'expression column bound');
  const ast = fromStorage(c.expr.expr);
  const text = deparseExpr(withImplicitCasts(ast, bound), { pretty: true });
  const k = ast.kind;
  const looksLikeFunction = k === 'FuncCall' || k === 'Coalesce' || k === 'MinMax' || k === 'SqlValueFunction';
  return looksLikeFunction ? text : `(${text})`;
}

let env: Env | undefined;

/**
 * The Env index expressions are evaluated in: IMMUTABLE expressions (checked at CREATE INDEX)
 * read only their row and the fixed output formats, never the transaction or the session.
 */
export function indexEvalEnv(): Env {
  env ??= {
    params: [],
    outer: [],
    ctx: {
      get txn(): never { return noSession('txn'); },
      get kv(): never { return noSession('kv'); },
      get catalog(): never { return noSession('catalog'); },
      get session(): never { return noSession('session'); },
      eval: {
        ...defaultFormatContext,
        txnTimestampMicros: 0n,
        statementTimestampMicros: 0n,
        clockTimestampMicros: () => noSession('clock'),
        random: () => noSession('random'),
        versionString: defaultVersionString,
      },
      signal: new AbortController().signal,
    } satisfies ExecContext,
    asyncValues: new Map(),
    initRows: new Map(),
    affected: 0,
    stats: undefined,
  };
  return env;
}

function noSession(what: string): never {
  assert(false, `an IMMUTABLE index expression read ${what}`);
  throw new Error('unreachable');
}

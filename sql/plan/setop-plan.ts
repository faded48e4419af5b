/**
 * Plan nodes for set operations, WITH queries and functions in FROM (members of the Plan union
 * in ./plan.ts; executed by sql/exec/setop.ts, printed by ./explain.ts).
 */
import type { BExpr } from '../bind/expr.js';
import type { SqlType } from '../types/datum.js';
import type { Plan } from './plan.js';

/** A WITH query: materialized once per execution at its first read (unless correlated), shared by every reference. */
export interface CteDef {
  readonly name: string;
  readonly plan: Plan;
  /** Reads columns of the enclosing query: run again at every read instead of materialized once. */
  readonly correlated: boolean;
  /** INSERT/UPDATE/DELETE: run to completion by the statement's `withDml` node before anything reads it. */
  readonly dml: boolean;
}

/** Identity of a recursive WITH query's working table (the rows of the previous iteration). */
export interface WorkTable {
  readonly name: string;
}

/** Set-returning functions in FROM; `scalar` is an ordinary function call (one row). */
export type SrfImpl =
  | 'generate_series'
  | 'generate_subscripts'
  | 'unnest'
  /** json[b]_array_elements[_text], json[b]_object_keys (json or jsonb by the argument's type). */
  | 'json_array_elements'
  | 'json_array_elements_text'
  | 'json_object_keys'
  /** Several columns (SrfCall.columns): json[b]_each[_text] (key, value); json[b]_to_record[set] (a column definition list). */
  | 'json_each'
  | 'json_each_text'
  | 'json_to_record'
  | 'json_to_recordset'
  /** regexp_matches (setof text[]), regexp_split_to_table, string_to_table (sql/exec/srf-record.ts). */
  | 'regexp_matches'
  | 'regexp_split_to_table'
  | 'string_to_table'
  /**
   * information_schema._pg_expandarray(anyarray): (x, n) per element — two columns in FROM, one
   * record value (x, n) in the select list (SrfCall.columns absent).
   */
  | '_pg_expandarray'
  | 'scalar';

/** One output column of a function returning several columns. */
export interface SrfColumn {
  readonly name: string;
  readonly type: SqlType;
}

export interface SrfCall {
  readonly name: string;
  readonly impl: SrfImpl;
  readonly args: readonly BExpr[];
  /** The output column's type. */
  readonly type: SqlType;
  /** The output column's name in FROM when the function declares one (else the function's name). */
  readonly column?: string;
  /** A function returning several columns: all of them (then `type` and `column` describe the first). */
  readonly columns?: readonly SrfColumn[];
}

/** Number of FROM-row slots one call fills. */
export function srfWidth(call: SrfCall): number {
  return call.columns?.length ?? 1;
}

export type SetOpPlan =
  /** UNION / INTERSECT / EXCEPT [ALL]: both inputs output `types` (NULLs compare equal). */
  | {
      readonly kind: 'setOp';
      readonly op: 'union' | 'intersect' | 'except';
      readonly all: boolean;
      readonly left: Plan;
      readonly right: Plan;
      readonly types: readonly SqlType[];
      readonly width: number;
    }
  /** WITH RECURSIVE: the non-recursive term, then the recursive term over the working table until it yields no row. */
  | {
      readonly kind: 'recursiveUnion';
      readonly work: WorkTable;
      readonly all: boolean;
      readonly nonRecursive: Plan;
      readonly recursive: Plan;
      readonly types: readonly SqlType[];
      readonly width: number;
    }
  /** Runs the statement's data-modifying WITH queries to completion, then the statement itself. */
  | { readonly kind: 'withDml'; readonly ctes: readonly CteDef[]; readonly input: Plan; readonly width: number }
  | { readonly kind: 'cteScan'; readonly cte: CteDef; readonly width: number }
  | { readonly kind: 'workTableScan'; readonly work: WorkTable; readonly width: number }
  /** ROWS FROM (f1(...), f2(...)) [WITH ORDINALITY]: zipped, shorter ones padded with NULLs. */
  | { readonly kind: 'functionScan'; readonly calls: readonly SrfCall[]; readonly ordinality: boolean; readonly width: number };

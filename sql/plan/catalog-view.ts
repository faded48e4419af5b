/**
 * What the binder, planner and executor read from the catalog. The catalog engineer's
 * CatalogState (catalog/state.ts) is adapted to this read-only view (one adapter function,
 * once it lands); until then tests build views by hand. Keeping the engine on this narrow
 * view means catalog internals can change without touching bind/plan/exec.
 */
import type { Expr } from '../ast.js';
import type { Datum, SqlType } from '../types/datum.js';
import type { KeyDirection, NullsOrder } from '../encoding/key.js';

export interface ColumnView {
  /** Stable column id used in the row encoding (never reused within a table). */
  readonly id: number;
  /** pg_attribute.attnum (1-based, visible order; hidden rowid gets a number after the others). */
  readonly attnum: number;
  readonly name: string;
  readonly type: SqlType;
  readonly notNull: boolean;
  /** Hidden rowid column of tables without a PRIMARY KEY: invisible to SELECT *. */
  readonly hidden: boolean;
  readonly dropped: boolean;
  /** DEFAULT expression as parsed (bound at plan time), undefined = NULL. */
  readonly defaultExpr?: Expr;
  /** GENERATED { ALWAYS | BY DEFAULT } AS IDENTITY: values from the sequence. */
  readonly identity?: { readonly generated: 'always' | 'by default'; readonly sequenceOid: number };
  /** Value for rows written before ADD COLUMN (decodeRow gave undefined); undefined = NULL. */
  readonly missingValue?: Datum;
}

export interface IndexColumnView {
  readonly columnId: number;
  readonly dir: KeyDirection;
  readonly nulls: NullsOrder;
}

export interface IndexView {
  /** 1 = primary index; secondary indexes from 2. */
  readonly id: number;
  /** Index / constraint name, e.g. 't_pkey', 't_b_key', 'i_t_b'. */
  readonly name: string;
  readonly oid: number;
  readonly primary: boolean;
  readonly unique: boolean;
  readonly columns: readonly IndexColumnView[];
  /** UNIQUE NULLS NOT DISTINCT. */
  readonly nullsNotDistinct: boolean;
  /** False while an index is being backfilled: writes maintain it, reads do not use it. */
  readonly readable: boolean;
}

export interface CheckView {
  readonly name: string;
  readonly expr: Expr;
}

export interface TableView {
  readonly kind: 'table';
  readonly oid: number;
  readonly schema: string;
  readonly name: string;
  /** Every column incl. dropped and hidden ones (ordered by attnum). */
  readonly columns: readonly ColumnView[];
  /** indexes[0] is the primary index (id 1). */
  readonly indexes: readonly IndexView[];
  readonly checks: readonly CheckView[];
}

export interface SequenceView {
  readonly kind: 'sequence';
  readonly oid: number;
  readonly schema: string;
  readonly name: string;
  readonly type: SqlType;
  readonly start: bigint;
  readonly increment: bigint;
  readonly minValue: bigint;
  readonly maxValue: bigint;
  readonly cycle: boolean;
}

export type RelationView = TableView | SequenceView;

/** The read-only catalog the SQL engine plans against (a snapshot or a session overlay). */
export interface CatalogView {
  readonly schemaVersion: number;
  /** Relation by schema and name (schema given) — undefined when absent. */
  relationByName(schema: string, name: string): RelationView | undefined;
  relationByOid(oid: number): RelationView | undefined;
  schemaExists(schema: string): boolean;
}

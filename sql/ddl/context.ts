/**
 * What executeDdl needs from the session and the engine, and what it gives back.
 *
 * The session (sql/session.ts) owns the transaction's CatalogOverlay: it passes the overlay's
 * state in, appends the returned ops and takes the returned state. Data work that needs row
 * decoding or expression evaluation goes through DdlDataOps, implemented by the engine's
 * table-access code (sql/exec): the DDL layer never decodes rows itself.
 */
import type { Kv, LockOptions, Txn } from '../../cluster/kv/api.js';
import type { ColumnDescriptor, IndexDescriptor, StoredExpr, TableDescriptor } from '../../catalog/descriptors.js';
import type { DdlOp } from '../../catalog/ops.js';
import type { CatalogState } from '../../catalog/state.js';
import type { NoticeFields } from '../session-api.js';
import type { SqlType } from '../types/datum.js';
import type { Expr } from '../ast.js';

/** The value pre-existing rows get for a column added with a DEFAULT. */
export type MissingValueResult =
  /** Evaluated once (stable/immutable default): `text` is the type's output, null = NULL. */
  | { readonly kind: 'constant'; readonly text: string | null }
  /** Volatile default (random(), nextval()): PostgreSQL rewrites every row. */
  | { readonly kind: 'volatile' };

/** What validateForeignKey needs of a FOREIGN KEY (a catalog NewConstraint or descriptor). */
export interface NewForeignKeyShape {
  readonly name: string;
  readonly attnums: readonly number[];
  readonly refTableOid: number;
  readonly refAttnums: readonly number[];
  readonly indexOid: number;
  readonly match: 'simple' | 'full';
}

/** Why an expression is bound at DDL time. */
export type DdlExprPurpose =
  | { readonly kind: 'default'; readonly type: SqlType; readonly column: string }
  | { readonly kind: 'check'; readonly constraint: string }
  /** GENERATED ALWAYS AS (expr): over the row, immutable, assigned to the column type. */
  | { readonly kind: 'generated'; readonly type: SqlType; readonly column: string }
  /**
   * ALTER COLUMN TYPE keeps a DEFAULT only when the default as stored (coerced to the old type
   * `from`) has an assignment cast to the new `type`: 42804 `default for column "c" cannot be
   * cast automatically to type t` otherwise.
   */
  | { readonly kind: 'retypedDefault'; readonly from: SqlType; readonly type: SqlType; readonly column: string };

/**
 * A column's value in a table rewrite, bound over the row as it was before the statement:
 * the generation expression of a column being added, or ALTER COLUMN TYPE's USING expression
 * (absent: the column itself) assignment-cast to the new type.
 */
export type RewriteValue =
  | { readonly kind: 'generated'; readonly attnum: number; readonly expr: StoredExpr }
  | { readonly kind: 'retype'; readonly attnum: number; readonly using: Expr | undefined };

export interface DdlDataOps {
  /**
   * Binds `expr` against `table` (as described by `state`) the way DML would, so errors surface
   * at DDL time as in PostgreSQL: 42703 unknown column, 42804 `column "a" is of type integer but
   * default expression is of type text`, 22P02 for bad literals, 42883 unknown functions,
   * 42803 aggregates in CHECK.
   */
  validateExpr(state: CatalogState, table: TableDescriptor, expr: StoredExpr, purpose: DdlExprPurpose): void;
  /** True when `table` has at least one row visible to `txn`. */
  tableHasRows(txn: Txn, state: CatalogState, table: TableDescriptor): Promise<boolean>;
  /**
   * Writes `index` entries for every row of `table` through `txn` (the index is in state
   * 'backfilling'; secondary entry layout as documented in catalog/descriptors.ts).
   * Unique violation: 23505 `could not create unique index "i"`, detail `Key (a)=(1) is duplicated.`
   */
  backfillIndex(txn: Txn, state: CatalogState, table: TableDescriptor, index: IndexDescriptor): Promise<void>;
  /** 23514 `check constraint "c" of relation "t" is violated by some row` when a row makes it false. */
  validateCheck(txn: Txn, state: CatalogState, table: TableDescriptor, name: string, check: StoredExpr): Promise<void>;
  /**
   * ALTER TABLE ADD FOREIGN KEY on a table with rows: 23503 `insert or update on table "c"
   * violates foreign key constraint "f"`, detail `Key (a)=(1) is not present in table "p".`
   */
  validateForeignKey(txn: Txn, state: CatalogState, table: TableDescriptor, fk: NewForeignKeyShape): Promise<void>;
  /** 23502 `column "a" of relation "t" contains null values` when a row has NULL there. */
  validateNotNull(txn: Txn, state: CatalogState, table: TableDescriptor, column: ColumnDescriptor): Promise<void>;
  /** Binds `values` as rewriteRows does (its errors, no data read). */
  checkRewrite(
    states: { readonly before: CatalogState; readonly after: CatalogState },
    tables: { readonly before: TableDescriptor; readonly after: TableDescriptor },
    values: readonly RewriteValue[],
  ): void;
  /**
   * Rewrites every row of `before` as a row of `after` (same oid; `after` may have more columns,
   * other types, other keys): `values` are computed over the old row, the others copied by attnum.
   * Binds `values` first (errors even on an empty table, PostgreSQL's 42804 for ALTER TYPE), then
   * checks `after`'s NOT NULL (23502 `column "c" of relation "t" contains null values`), CHECKs
   * (23514 `... is violated by some row`) and unique keys (23505 `could not create unique index`),
   * and replaces all entries of the table in `txn`.
   */
  rewriteRows(
    txn: Txn,
    states: { readonly before: CatalogState; readonly after: CatalogState },
    tables: { readonly before: TableDescriptor; readonly after: TableDescriptor },
    values: readonly RewriteValue[],
  ): Promise<void>;
  /** The attmissingval of a column added with DEFAULT `expr` (already validated). */
  evaluateMissingValue(state: CatalogState, table: TableDescriptor, column: ColumnDescriptor, expr: StoredExpr): MissingValueResult;
}

export interface DdlContext {
  /** The session's overlay: committed base + DDL buffered earlier in this transaction. */
  readonly catalog: CatalogState;
  /** search_path as set, e.g. ['$user', 'public']. */
  readonly searchPath: readonly string[];
  /** current_user (owner of created objects). */
  readonly user: string;
  /** The open KV transaction of the statement (data changes and locks). */
  readonly txn: Txn;
  readonly kv: Kv;
  readonly data: DdlDataOps;
  /** lock_timeout / cancel for the exclusive table locks DDL takes. */
  readonly lockOptions?: Pick<LockOptions, 'lockTimeoutMs' | 'signal' | 'nowait'>;
}

export interface DdlResult {
  /** To append to the session's DDL buffer (empty for TRUNCATE and skipped IF [NOT] EXISTS). */
  readonly ops: readonly DdlOp[];
  /** The overlay after `ops`. */
  readonly state: CatalogState;
  /** e.g. 'CREATE TABLE', 'DROP INDEX', 'TRUNCATE TABLE'. */
  readonly commandTag: string;
  readonly notices: readonly NoticeFields[];
}

/**
 * Catalog descriptors: plain, readonly, JSON-serialisable data (no classes, no bigint).
 * 64-bit integers (sequence bounds, values) are kept as decimal strings. Expressions are
 * sql/ast.ts Expr nodes plus the source text they were written as.
 *
 * Physical layout decisions (the ONE place they are written down):
 *  - Table data lives under `/<tableOid>/<indexId>/...`. The primary index has indexId 1.
 *    A table declared without a PRIMARY KEY gets a hidden `rowid` int8 column (hidden: true,
 *    excluded from `SELECT *`) and its primary index (oid 0, hidden) is keyed by it. The rowid
 *    counter is the sequence-value key of the TABLE's own oid (table id 3, see catalog/keys.ts),
 *    advanced with kv.atomicUpdate like any sequence. ADD PRIMARY KEY on such a table creates
 *    a unique secondary index named `<t>_pkey` (the physical primary stays the rowid index).
 *  - Secondary indexes have indexId >= 2 (allocated from table.nextIndexId, never reused).
 *    Non-unique entry: key = index columns + primary-key columns, value = empty.
 *    Unique entry: key = index columns, value = the encoded primary-key columns (key bytes after
 *    the primary index prefix). A unique entry whose index columns contain a NULL is written as
 *    a non-unique entry (key = index cols + pk cols, value = empty) because NULLs are distinct
 *    (unless nullsNotDistinct).
 *  - Row values: column id = attnum (stable, never reused). Dropped columns keep their attnum.
 *  - A column added with a DEFAULT gets `missing` (pg_attribute.attmissingval): the value that
 *    rows written before the ADD COLUMN have (decodeRow returns undefined for them).
 */
import type { Expr, SelectStmt } from '../sql/ast.js';
import type { SqlType } from '../sql/types/datum.js';

/** Object identifiers. User objects start at firstUserOid, like PostgreSQL. */
export type Oid = number;
export const firstUserOid = 16384;

/** System table ids (keyspace prefixes below firstUserOid). */
export const SystemTableId = {
  descriptors: 1,
  meta: 2,
  sequences: 3,
  statistics: 4,
} as const;

/** Well-known bootstrap oids (the PostgreSQL 15 values). */
export const BootstrapOid = {
  superuser: 10,
  /** PostgreSQL 15's predefined role that owns the public schema. */
  pgDatabaseOwner: 6171,
  pgCatalog: 11,
  public: 2200,
  informationSchema: 13000,
  database: 5,
} as const;

/** An expression as stored: the typed AST and the text it was written as (for \d, pg_get_expr). */
export interface StoredExpr {
  readonly expr: Expr;
  readonly source: string;
  /**
   * Relations the expression references by oid (the sequence of nextval('s'::regclass)), so
   * DROP SEQUENCE s needs CASCADE and CASCADE drops the default, as in PostgreSQL.
   */
  readonly dependsOn?: readonly Oid[];
  /**
   * Attnums of the table's own columns a generation expression reads: dropping one needs
   * CASCADE (which drops the generated column), as in PostgreSQL.
   */
  readonly columns?: readonly number[];
}

export interface DatabaseDescriptor {
  readonly kind: 'database';
  readonly oid: Oid;
  readonly name: string;
  readonly ownerOid: Oid;
  readonly encoding: 'UTF8';
  readonly collate: string;
  readonly ctype: string;
  readonly comment?: string;
}

export interface SchemaDescriptor {
  readonly kind: 'schema';
  readonly oid: Oid;
  readonly name: string;
  readonly ownerOid: Oid;
  /** pg_catalog, information_schema: cannot be dropped, hold no user objects. */
  readonly system: boolean;
  readonly comment?: string;
}

export interface RoleDescriptor {
  readonly kind: 'role';
  readonly oid: Oid;
  readonly name: string;
  readonly superuser: boolean;
  readonly login: boolean;
  /** SCRAM-SHA-256 secret as PostgreSQL stores it in pg_authid.rolpassword, or undefined. */
  readonly scramSecret?: string;
}

export interface IdentitySpec {
  readonly generated: 'always' | 'by default';
  /** The owned sequence that feeds it. */
  readonly sequenceOid: Oid;
}

/**
 * pg_attribute.attmissingval: the value, as PostgreSQL text output, that rows written before
 * the column was added have. `null` text = SQL NULL (same as no missing value).
 */
export interface MissingValue {
  readonly text: string | null;
}

export interface ColumnDescriptor {
  /** Stable, 1-based, never reused (also the row-encoding column id). */
  readonly attnum: number;
  /** For a dropped column PostgreSQL's `........pg.dropped.N........`. */
  readonly name: string;
  readonly type: SqlType;
  readonly notNull: boolean;
  readonly default?: StoredExpr;
  readonly identity?: IdentitySpec;
  /** GENERATED ALWAYS AS (expr) STORED. */
  readonly generated?: StoredExpr;
  /** The hidden rowid column of a table without a primary key. */
  readonly hidden: boolean;
  /** pg_attribute.attisdropped */
  readonly dropped: boolean;
  /** Collation name when not the type's default ('C' is the only one honoured). */
  readonly collation?: string;
  readonly missing?: MissingValue;
  readonly comment?: string;
}

export interface IndexColumn {
  /** 0 for an expression column (pg_index.indkey 0). */
  readonly attnum: number;
  readonly direction: 'asc' | 'desc';
  readonly nulls: 'first' | 'last';
  /** Expression index column: `lower(email)`, `(a + b)` (attnum is 0). */
  readonly expr?: StoredExpr;
}

export type IndexState = 'backfilling' | 'public';

export interface IndexDescriptor {
  readonly kind: 'index';
  /** 0 for the hidden rowid primary index (not a pg_class row). */
  readonly oid: Oid;
  /** '' for the hidden rowid primary index. */
  readonly name: string;
  readonly tableOid: Oid;
  /** 1 = primary (physical) index, >= 2 secondary. */
  readonly indexId: number;
  readonly unique: boolean;
  /** Backs the PRIMARY KEY constraint. */
  readonly primary: boolean;
  readonly hidden: boolean;
  readonly columns: readonly IndexColumn[];
  readonly nullsNotDistinct: boolean;
  /** Partial index predicate (WHERE ...). */
  readonly predicate?: StoredExpr;
  /** Columns read by expression columns and the predicate (DROP COLUMN drops the index). */
  readonly exprAttnums?: readonly number[];
  readonly state: IndexState;
  readonly comment?: string;
}

export type FkAction = 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default';

export type ConstraintDescriptor =
  | {
      readonly kind: 'primaryKey';
      readonly oid: Oid;
      readonly name: string;
      readonly indexOid: Oid;
      readonly comment?: string;
    }
  | {
      readonly kind: 'unique';
      readonly oid: Oid;
      readonly name: string;
      readonly indexOid: Oid;
      readonly comment?: string;
    }
  | {
      readonly kind: 'check';
      readonly oid: Oid;
      readonly name: string;
      readonly check: StoredExpr;
      /** Columns the expression references (DROP COLUMN drops the constraint, as PostgreSQL). */
      readonly attnums: readonly number[];
      readonly noInherit: boolean;
      readonly comment?: string;
    }
  | {
      /** FOREIGN KEY (sql/ddl/foreign-key.ts creates it, sql/exec/foreign-key.ts enforces it). */
      readonly kind: 'foreignKey';
      readonly oid: Oid;
      readonly name: string;
      /** Referencing columns of this table, in declared order (pg_constraint.conkey). */
      readonly attnums: readonly number[];
      readonly refTableOid: Oid;
      /** Referenced columns, aligned with `attnums` (confkey). */
      readonly refAttnums: readonly number[];
      /** The unique index of the referenced table whose columns are refAttnums (conindid). */
      readonly indexOid: Oid;
      readonly onDelete: FkAction;
      readonly onUpdate: FkAction;
      readonly match: 'simple' | 'full';
      /** ON DELETE SET NULL/SET DEFAULT (cols): the subset of `attnums` set (confdelsetcols). */
      readonly deleteSetAttnums?: readonly number[];
      /** Added NOT VALID and not validated yet (pg_constraint.convalidated false); new rows are checked. */
      readonly notValid?: true;
      /** DEFERRABLE (condeferrable); INITIALLY DEFERRED (condeferred): the NO ACTION checks run at COMMIT. */
      readonly deferrable?: true;
      readonly initiallyDeferred?: true;
      readonly comment?: string;
    };

export type ConstraintKind = ConstraintDescriptor['kind'];

export interface TableDescriptor {
  readonly kind: 'table';
  readonly oid: Oid;
  readonly schemaOid: Oid;
  readonly name: string;
  readonly ownerOid: Oid;
  /** All columns including dropped and hidden ones, in attnum order. */
  readonly columns: readonly ColumnDescriptor[];
  readonly nextAttnum: number;
  /** indexId 1. For a table without a declared PK: hidden, oid 0, on the rowid column. */
  readonly primaryIndex: IndexDescriptor;
  /** Secondary indexes (indexId >= 2), including the one backing an added PRIMARY KEY. */
  readonly indexes: readonly IndexDescriptor[];
  readonly nextIndexId: number;
  readonly constraints: readonly ConstraintDescriptor[];
  /** attnum of the hidden rowid column, when the table was created without a primary key. */
  readonly rowidAttnum?: number;
  /** WITH (fillfactor = n) as written (pg_class.reloptions); storage hint only. */
  readonly fillfactor?: number;
  readonly comment?: string;
}

export interface SequenceDescriptor {
  readonly kind: 'sequence';
  readonly oid: Oid;
  readonly schemaOid: Oid;
  readonly name: string;
  readonly ownerOid: Oid;
  /** int2, int4 or int8 type oid. */
  readonly typeOid: number;
  /** 64-bit integers as decimal strings. */
  readonly start: string;
  readonly increment: string;
  readonly min: string;
  readonly max: string;
  readonly cache: string;
  readonly cycle: boolean;
  readonly ownedBy?: { readonly tableOid: Oid; readonly attnum: number };
  /**
   * Bumped by ALTER SEQUENCE ... RESTART: the stored value is reset in the same transaction
   * (see catalog/keys.ts sequence state). Kept so descriptors diff on RESTART.
   */
  readonly restartCount: number;
  readonly comment?: string;
}

export interface ViewColumn {
  readonly name: string;
  readonly type: SqlType;
  /** ALTER VIEW ... ALTER COLUMN SET DEFAULT: used by INSERT/UPDATE through the view. */
  readonly default?: StoredExpr;
}

export interface ViewDescriptor {
  readonly kind: 'view';
  readonly oid: Oid;
  readonly schemaOid: Oid;
  readonly name: string;
  readonly ownerOid: Oid;
  readonly columns: readonly ViewColumn[];
  readonly query: SelectStmt;
  readonly source: string;
  /** Relations the view reads (DROP of one of them needs CASCADE). */
  readonly dependsOn: readonly Oid[];
  /** search_path at CREATE VIEW: the stored query's names are resolved with it on every read. */
  readonly searchPath?: readonly string[];
  /** WITH [LOCAL | CASCADED] CHECK OPTION (sql/bind/view-dml.ts); absent = none. */
  readonly checkOption?: 'local' | 'cascaded';
  /**
   * Automatically updatable (as bound at CREATE VIEW): per column, whether it is a plain column of
   * the base relation. Absent = not automatically updatable. Read by information_schema.
   */
  readonly updatableColumns?: readonly boolean[];
  readonly comment?: string;
}

/** One pg_enum row. Sort orders are floats never renumbered: keys and rows store them. */
export interface EnumLabel {
  readonly oid: Oid;
  readonly label: string;
  readonly sortOrder: number;
}

/** CREATE TYPE ... AS ENUM (pg_type row `name` plus its array type `_name`, pg_enum rows). */
export interface EnumTypeDescriptor {
  readonly kind: 'enum';
  readonly oid: Oid;
  readonly arrayOid: Oid;
  readonly schemaOid: Oid;
  readonly name: string;
  readonly ownerOid: Oid;
  /** In creation order (pg_enum oid order); sort by sortOrder for enum order. */
  readonly labels: readonly EnumLabel[];
  readonly comment?: string;
}

/** Everything that lives in pg_class (shares one name space per schema). */
export type RelationDescriptor = TableDescriptor | SequenceDescriptor | ViewDescriptor;

/** Every descriptor stored under system table 1, keyed by oid. */
export type Descriptor =
  | DatabaseDescriptor
  | SchemaDescriptor
  | RoleDescriptor
  | TableDescriptor
  | SequenceDescriptor
  | ViewDescriptor
  | EnumTypeDescriptor;

export type DescriptorKind = Descriptor['kind'];

/** Live (not dropped) columns, in attnum order, hidden ones included. */
export function liveColumns(table: TableDescriptor): readonly ColumnDescriptor[] {
  return table.columns.filter((c) => !c.dropped);
}

/** The columns `SELECT *` expands to: not dropped, not hidden, in attnum order. */
export function visibleColumns(table: TableDescriptor): readonly ColumnDescriptor[] {
  return table.columns.filter((c) => !c.dropped && !c.hidden);
}

/** A live column by name (case-sensitive, names are already folded by the parser). */
export function findColumn(table: TableDescriptor, name: string): ColumnDescriptor | undefined {
  return table.columns.find((c) => !c.dropped && c.name === name);
}

export function columnByAttnum(table: TableDescriptor, attnum: number): ColumnDescriptor | undefined {
  return table.columns.find((c) => c.attnum === attnum);
}

/** Primary index plus public secondary indexes (the ones writes must maintain include backfilling ones). */
export function allIndexes(table: TableDescriptor): readonly IndexDescriptor[] {
  return [table.primaryIndex, ...table.indexes];
}

/** The index that enforces the PRIMARY KEY constraint, if any. */
export function primaryKeyIndex(table: TableDescriptor): IndexDescriptor | undefined {
  return allIndexes(table).find((i) => i.primary);
}

/** PostgreSQL's name for a dropped column. */
export function droppedColumnName(attnum: number): string {
  return `........pg.dropped.${attnum}........`;
}

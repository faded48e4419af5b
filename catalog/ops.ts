/**
 * The catalog state machine: typed DDL operations and the PURE, deterministic applyOp /
 * applyBatch. No I/O, no clock, no randomness: the metadata Raft group will run exactly this.
 *
 * Ops reference existing objects by oid and new objects by the names they get; applying the
 * same ops to the same state always allocates the same oids. The DDL layer (sql/ddl) resolves
 * names, chooses generated names and fills defaults; applyOp re-validates everything a
 * concurrent change could have broken (duplicate names, missing objects, dependencies).
 */
import type { SelectStmt } from '../sql/ast.js';
import { Oid as TypeOid, type SqlType } from '../sql/types/datum.js';
import { assert, assertNever } from '../util/assert.js';
import { SqlError, SqlState } from '../util/errors.js';
import {
  type ColumnDescriptor,
  type ConstraintDescriptor,
  type Descriptor,
  droppedColumnName,
  type EnumLabel,
  type EnumTypeDescriptor,
  firstUserOid,
  type IdentitySpec,
  type IndexColumn,
  type IndexDescriptor,
  type IndexState,
  type MissingValue,
  type Oid,
  type SchemaDescriptor,
  type SequenceDescriptor,
  type StoredExpr,
  type TableDescriptor,
  type ViewColumn,
  type ViewDescriptor,
} from './descriptors.js';
import type { SequenceSpec } from './sequence.js';
import { CatalogState } from './state.js';

/** MaxHeapAttributeNumber. */
export const tableColumnsMax = 1600;
/** SQLSTATE 42939 reserved_name. */
const reservedNameState = '42939';
/** SQLSTATE 54011 too_many_columns. */
const tooManyColumnsState = '54011';
/** Bound on objects one DROP ... CASCADE may collect (a runaway dependency walk is a bug). */
const cascadeObjectsMax = 100_000;

export interface ColumnSpec {
  readonly name: string;
  readonly type: SqlType;
  readonly notNull: boolean;
  readonly default?: StoredExpr;
  readonly identity?: IdentitySpec;
  readonly generated?: StoredExpr;
  readonly collation?: string;
}

export interface KeyColumnSpec {
  readonly name: string;
  readonly direction: 'asc' | 'desc';
  readonly nulls: 'first' | 'last';
}

export type NewConstraint =
  | { readonly kind: 'primaryKey'; readonly name: string; readonly indexOid: Oid; readonly oid?: Oid }
  | { readonly kind: 'unique'; readonly name: string; readonly indexOid: Oid; readonly oid?: Oid }
  | {
      readonly kind: 'check';
      readonly oid?: Oid;
      readonly name: string;
      readonly check: StoredExpr;
      readonly attnums: readonly number[];
      readonly noInherit: boolean;
    }
  /** The descriptor as stored (addConstraint spreads it), its oid allocated when not given. */
  | (Omit<Extract<ConstraintDescriptor, { kind: 'foreignKey' }>, 'oid' | 'comment'> & { readonly oid?: Oid });

export type CommentTarget =
  | { readonly kind: 'relation'; readonly oid: Oid }
  | { readonly kind: 'column'; readonly tableOid: Oid; readonly attnum: number }
  | { readonly kind: 'constraint'; readonly tableOid: Oid; readonly name: string }
  | { readonly kind: 'schema'; readonly oid: Oid }
  | { readonly kind: 'database'; readonly oid: Oid }
  | { readonly kind: 'type'; readonly oid: Oid };

export type DdlOp =
  | { readonly kind: 'createSchema'; readonly name: string; readonly ownerOid: Oid; readonly oid?: Oid }
  | { readonly kind: 'dropSchema'; readonly schemaOid: Oid; readonly cascade: boolean }
  | { readonly kind: 'renameSchema'; readonly schemaOid: Oid; readonly newName: string }
  | {
      readonly kind: 'createTable';
      /** Pre-allocated oid (sql/ddl allocates from the cluster-wide counter); absent = next from state. */
      readonly oid?: Oid;
      readonly schemaOid: Oid;
      readonly name: string;
      readonly ownerOid: Oid;
      readonly columns: readonly ColumnSpec[];
      /** Declared PRIMARY KEY (becomes the physical primary index); absent = hidden rowid. */
      readonly primaryKey?: {
        readonly name: string;
        readonly columns: readonly KeyColumnSpec[];
        readonly indexOid?: Oid;
        readonly constraintOid?: Oid;
      };
      readonly fillfactor?: number;
    }
  | { readonly kind: 'dropTable'; readonly tableOid: Oid; readonly cascade: boolean }
  | { readonly kind: 'addColumn'; readonly tableOid: Oid; readonly column: ColumnSpec; readonly missing?: MissingValue }
  | { readonly kind: 'dropColumn'; readonly tableOid: Oid; readonly attnum: number; readonly cascade: boolean }
  | { readonly kind: 'renameColumn'; readonly tableOid: Oid; readonly attnum: number; readonly newName: string }
  /** Table, view, sequence or index (an index backing a constraint renames the constraint too). */
  | { readonly kind: 'renameRelation'; readonly oid: Oid; readonly newName: string }
  | {
      readonly kind: 'createIndex';
      readonly oid?: Oid;
      readonly tableOid: Oid;
      readonly name: string;
      readonly unique: boolean;
      readonly primary: boolean;
      readonly columns: readonly IndexColumn[];
      readonly nullsNotDistinct: boolean;
      readonly predicate?: StoredExpr;
      /** Columns the expression columns and the predicate read. */
      readonly exprAttnums?: readonly number[];
      readonly state: IndexState;
    }
  | { readonly kind: 'setIndexPublic'; readonly indexOid: Oid }
  /** DROP of a primary key that is the physical primary index: the table goes back to a hidden rowid. */
  | { readonly kind: 'dropPrimaryKey'; readonly tableOid: Oid }
  /**
   * ADD PRIMARY KEY on a table keyed by its hidden rowid, when sql/ddl rewrote the rows under
   * the new key in the same transaction: the PK becomes the physical primary index (id 1) and
   * the rowid column is dropped.
   */
  | {
      readonly kind: 'setPrimaryKey';
      readonly tableOid: Oid;
      readonly name: string;
      readonly indexOid: Oid;
      readonly constraintOid: Oid;
      readonly columns: readonly IndexColumn[];
    }
  | { readonly kind: 'dropIndex'; readonly indexOid: Oid; readonly cascade: boolean }
  | { readonly kind: 'addConstraint'; readonly tableOid: Oid; readonly constraint: NewConstraint }
  /** PK/UNIQUE constraints drop their index too. */
  | { readonly kind: 'dropConstraint'; readonly tableOid: Oid; readonly name: string; readonly cascade: boolean }
  | { readonly kind: 'renameConstraint'; readonly tableOid: Oid; readonly name: string; readonly newName: string }
  /** ALTER TABLE VALIDATE CONSTRAINT: a NOT VALID foreign key whose rows were checked. */
  | { readonly kind: 'validateConstraint'; readonly tableOid: Oid; readonly name: string }
  | { readonly kind: 'setDefault'; readonly tableOid: Oid; readonly attnum: number; readonly default: StoredExpr | null }
  | { readonly kind: 'setNotNull'; readonly tableOid: Oid; readonly attnum: number; readonly notNull: boolean }
  /** GENERATED ALWAYS AS (expr) STORED on (or, null: DROP EXPRESSION off) a column. */
  | { readonly kind: 'setGenerated'; readonly tableOid: Oid; readonly attnum: number; readonly generated: StoredExpr | null }
  /** ALTER COLUMN TYPE after the rows were rewritten: new type and collation, no missing value. */
  | { readonly kind: 'setColumnType'; readonly tableOid: Oid; readonly attnum: number; readonly type: SqlType; readonly collation: string | null }
  | {
      readonly kind: 'createSequence';
      readonly oid?: Oid;
      readonly schemaOid: Oid;
      readonly name: string;
      readonly ownerOid: Oid;
      readonly spec: SequenceSpec;
    }
  /** `restart`: the DDL layer resets the stored value in the same transaction. */
  | { readonly kind: 'alterSequence'; readonly sequenceOid: Oid; readonly spec: SequenceSpec; readonly restart: boolean }
  | {
      readonly kind: 'setSequenceOwner';
      readonly sequenceOid: Oid;
      readonly ownedBy: { readonly tableOid: Oid; readonly attnum: number } | null;
    }
  | { readonly kind: 'dropSequence'; readonly sequenceOid: Oid; readonly cascade: boolean }
  | {
      readonly kind: 'createView';
      readonly oid?: Oid;
      readonly schemaOid: Oid;
      readonly name: string;
      readonly ownerOid: Oid;
      readonly columns: readonly ViewColumn[];
      readonly query: SelectStmt;
      readonly source: string;
      readonly dependsOn: readonly Oid[];
      /** CREATE OR REPLACE VIEW of an existing view: that view (same oid, dependents kept) is replaced. */
      readonly replaceOid?: Oid;
      readonly searchPath?: readonly string[];
      readonly checkOption?: 'local' | 'cascaded';
      readonly updatableColumns?: readonly boolean[];
    }
  | { readonly kind: 'dropView'; readonly viewOid: Oid; readonly cascade: boolean }
  /** ALTER VIEW ... ALTER COLUMN c SET/DROP DEFAULT (null = drop). */
  | { readonly kind: 'setViewDefault'; readonly viewOid: Oid; readonly column: string; readonly default: StoredExpr | null }
  | { readonly kind: 'comment'; readonly target: CommentTarget; readonly comment: string | null }
  | {
      readonly kind: 'createEnum';
      readonly oid?: Oid;
      readonly arrayOid?: Oid;
      readonly schemaOid: Oid;
      readonly name: string;
      readonly ownerOid: Oid;
      readonly labels: readonly string[];
    }
  /** ALTER TYPE ... ADD VALUE: at the end, or just before/after an existing label. */
  | {
      readonly kind: 'addEnumValue';
      readonly typeOid: Oid;
      readonly label: string;
      readonly position?: { readonly where: 'before' | 'after'; readonly neighbor: string };
    }
  | { readonly kind: 'renameEnumValue'; readonly typeOid: Oid; readonly from: string; readonly to: string }
  /** Renames the type and its array type `_name`. */
  | { readonly kind: 'renameType'; readonly typeOid: Oid; readonly newName: string }
  | { readonly kind: 'dropType'; readonly typeOid: Oid; readonly cascade: boolean };

export type DdlOpKind = DdlOp['kind'];

/** A NOTICE produced while applying (e.g. `drop cascades to view v`). */
export interface OpNotice {
  readonly code: string;
  readonly message: string;
  readonly detail?: string;
}

export interface ApplyResult {
  readonly state: CatalogState;
  readonly notices: readonly OpNotice[];
}

// ─── errors ──────────────────────────────────────────────────────────────────────────────

function duplicateRelation(name: string): SqlError {
  return new SqlError(SqlState.duplicateTable, `relation "${name}" already exists`);
}

function missingObject(what: string, oid: Oid): SqlError {
  // Only reachable when ops are replayed against a state they were not built on.
  return new SqlError(SqlState.serializationFailure, `could not serialize access due to concurrent DDL (${what} ${oid} is gone)`);
}

// ─── the mutable working set of one applyOp ──────────────────────────────────────────────

/** Collects the changes of one op; turned into a new CatalogState at the end. */
class Work {
  readonly put = new Map<Oid, Descriptor>();
  readonly removed = new Set<Oid>();
  readonly notices: OpNotice[] = [];
  nextOid: number;

  constructor(readonly base: CatalogState) {
    this.nextOid = base.nextOid;
    assert(this.nextOid >= firstUserOid, 'nextOid below firstUserOid');
  }

  allocOid(): Oid {
    return this.nextOid++;
  }

  /**
   * `given` (allocated by the DDL layer from the cluster-wide oid counter, so concurrent
   * transactions never predict the same oid) or the next oid of the state.
   */
  useOid(given: Oid | undefined): Oid {
    if (given === undefined) return this.allocOid();
    assert(Number.isInteger(given) && given >= firstUserOid, `bad oid ${given}`);
    if (this.get(given) !== undefined || this.snapshot().index(given) !== undefined) {
      throw new SqlError(SqlState.serializationFailure, 'could not serialize access due to concurrent DDL (oid in use)');
    }
    this.nextOid = Math.max(this.nextOid, given + 1);
    return given;
  }

  get(oid: Oid): Descriptor | undefined {
    if (this.removed.has(oid)) return undefined;
    return this.put.get(oid) ?? this.base.get(oid);
  }

  /** The current state with the changes made so far (for name checks mid-op). */
  snapshot(): CatalogState {
    return this.base.withChanges({ nextOid: this.nextOid, put: [...this.put.values()], remove: [...this.removed] });
  }

  table(oid: Oid): TableDescriptor {
    const d = this.get(oid);
    if (d?.kind !== 'table') throw missingObject('table', oid);
    return d;
  }

  sequence(oid: Oid): SequenceDescriptor {
    const d = this.get(oid);
    if (d?.kind !== 'sequence') throw missingObject('sequence', oid);
    return d;
  }

  schema(oid: Oid): SchemaDescriptor {
    const d = this.get(oid);
    if (d?.kind !== 'schema') throw missingObject('schema', oid);
    return d;
  }

  set(d: Descriptor): void {
    assert(!this.removed.has(d.oid), `set of removed oid ${d.oid}`);
    this.put.set(d.oid, d);
  }

  remove(oid: Oid): void {
    this.put.delete(oid);
    if (this.base.get(oid) !== undefined) this.removed.add(oid);
  }

  all(): Descriptor[] {
    const out: Descriptor[] = [];
    for (const d of this.base.descriptors()) if (!this.removed.has(d.oid) && !this.put.has(d.oid)) out.push(d);
    for (const d of this.put.values()) out.push(d);
    return out;
  }

  finish(): ApplyResult {
    const state = this.base.withChanges({ nextOid: this.nextOid, put: [...this.put.values()], remove: [...this.removed] });
    return { state, notices: this.notices };
  }
}

// ─── public API ──────────────────────────────────────────────────────────────────────────

/** Applies one op (pure). Throws SqlError when the op is invalid against `state`. */
export function applyOp(state: CatalogState, op: DdlOp): CatalogState {
  return applyOpWithNotices(state, op).state;
}

/** Applies a batch all-or-nothing and bumps the version ONCE (pure). */
export function applyBatch(state: CatalogState, ops: readonly DdlOp[]): CatalogState {
  let s = state;
  for (const op of ops) s = applyOp(s, op);
  const next = s.withChanges({ version: state.version + 1 });
  assert(next.version === state.version + 1, 'version bump');
  return next;
}

export function applyOpWithNotices(state: CatalogState, op: DdlOp): ApplyResult {
  const w = new Work(state);
  switch (op.kind) {
    case 'createSchema': createSchema(w, op); break;
    case 'dropSchema': dropObjects(w, { kind: 'schema', oid: op.schemaOid }, op.cascade); break;
    case 'renameSchema': renameSchema(w, op); break;
    case 'createTable': createTable(w, op); break;
    case 'dropTable': dropObjects(w, { kind: 'table', oid: op.tableOid }, op.cascade); break;
    case 'addColumn': addColumn(w, op); break;
    case 'dropColumn': dropColumn(w, op); break;
    case 'renameColumn': renameColumn(w, op); break;
    case 'renameRelation': renameRelation(w, op); break;
    case 'createIndex': createIndex(w, op); break;
    case 'setIndexPublic': setIndexPublic(w, op.indexOid); break;
    case 'setPrimaryKey': setPrimaryKey(w, op); break;
    case 'dropPrimaryKey': dropPrimaryKey(w, op.tableOid); break;
    case 'dropIndex': dropIndexOp(w, op); break;
    case 'addConstraint': addConstraint(w, op); break;
    case 'dropConstraint': dropConstraint(w, op); break;
    case 'renameConstraint': renameConstraint(w, op); break;
    case 'validateConstraint': validateConstraint(w, op); break;
    case 'setDefault': setDefault(w, op); break;
    case 'setNotNull': updateColumn(w, op.tableOid, op.attnum, (c) => ({ ...c, notNull: op.notNull })); break;
    case 'setGenerated': setGenerated(w, op); break;
    case 'setColumnType': setColumnType(w, op); break;
    case 'createSequence': createSequence(w, op); break;
    case 'alterSequence': alterSequence(w, op); break;
    case 'setSequenceOwner': setSequenceOwner(w, op); break;
    case 'dropSequence': dropObjects(w, { kind: 'sequence', oid: op.sequenceOid }, op.cascade); break;
    case 'createView': createView(w, op); break;
    case 'setViewDefault': setViewDefault(w, op); break;
    case 'dropView': dropObjects(w, { kind: 'view', oid: op.viewOid }, op.cascade); break;
    case 'comment': comment(w, op.target, op.comment); break;
    case 'createEnum': createEnum(w, op); break;
    case 'addEnumValue': addEnumValue(w, op); break;
    case 'renameEnumValue': renameEnumValue(w, op); break;
    case 'renameType': renameType(w, op); break;
    case 'dropType': dropObjects(w, { kind: 'type', oid: op.typeOid }, op.cascade); break;
    default: assertNever(op, 'ddl op');
  }
  return w.finish();
}

// ─── names ───────────────────────────────────────────────────────────────────────────────

function checkRelationNameFree(w: Work, schemaOid: Oid, name: string): void {
  if (w.snapshot().classEntry(schemaOid, name) !== undefined) throw duplicateRelation(name);
}

function checkConstraintNameFree(t: TableDescriptor, name: string): void {
  if (t.constraints.some((c) => c.name === name)) {
    throw new SqlError(SqlState.duplicateObject, `constraint "${name}" for relation "${t.name}" already exists`);
  }
}

// ─── schemas ─────────────────────────────────────────────────────────────────────────────

function createSchema(w: Work, op: Extract<DdlOp, { kind: 'createSchema' }>): void {
  if (w.base.schemaOidByName(op.name) !== undefined) {
    throw new SqlError(SqlState.duplicateSchema, `schema "${op.name}" already exists`);
  }
  if (op.name.startsWith('pg_')) {
    throw new SqlError(reservedNameState, `unacceptable schema name "${op.name}"`, {
      detail: 'The prefix "pg_" is reserved for system schemas.',
    });
  }
  w.set({ kind: 'schema', oid: w.useOid(op.oid), name: op.name, ownerOid: op.ownerOid, system: false });
}

function renameSchema(w: Work, op: Extract<DdlOp, { kind: 'renameSchema' }>): void {
  const s = w.schema(op.schemaOid);
  if (s.system) throw new SqlError(SqlState.insufficientPrivilege, `permission denied to rename schema "${s.name}"`);
  if (w.base.schemaOidByName(op.newName) !== undefined) {
    throw new SqlError(SqlState.duplicateSchema, `schema "${op.newName}" already exists`);
  }
  w.set({ ...s, name: op.newName });
}

// ─── tables and columns ──────────────────────────────────────────────────────────────────

function columnFromSpec(spec: ColumnSpec, attnum: number): ColumnDescriptor {
  const c: ColumnDescriptor = {
    attnum,
    name: spec.name,
    type: spec.type,
    notNull: spec.notNull,
    hidden: false,
    dropped: false,
    ...(spec.default !== undefined ? { default: spec.default } : {}),
    ...(spec.identity !== undefined ? { identity: spec.identity } : {}),
    ...(spec.generated !== undefined ? { generated: spec.generated } : {}),
    ...(spec.collation !== undefined ? { collation: spec.collation } : {}),
  };
  return c;
}

/** The hidden rowid column's name: `rowid`, or `rowid_1`... when a column already has it. */
export function rowidColumnName(columnNames: readonly string[]): string {
  if (!columnNames.includes('rowid')) return 'rowid';
  for (let i = 1; ; i++) if (!columnNames.includes(`rowid_${i}`)) return `rowid_${i}`;
}

function createTable(w: Work, op: Extract<DdlOp, { kind: 'createTable' }>): void {
  const schema = w.schema(op.schemaOid);
  if (schema.system) throw new SqlError(SqlState.insufficientPrivilege, `permission denied to create "${schema.name}.${op.name}"`, {
    detail: 'System catalog modifications are currently disallowed.',
  });
  checkRelationNameFree(w, op.schemaOid, op.name);
  if (op.columns.length > tableColumnsMax) {
    throw new SqlError(tooManyColumnsState, `tables can have at most ${tableColumnsMax} columns`);
  }
  const seen = new Set<string>();
  for (const c of op.columns) {
    if (seen.has(c.name)) throw new SqlError(SqlState.duplicateColumn, `column "${c.name}" specified more than once`);
    seen.add(c.name);
  }
  const tableOid = w.useOid(op.oid);
  let columns = op.columns.map((c, i) => columnFromSpec(c, i + 1));
  let nextAttnum = columns.length + 1;
  let primaryIndex: IndexDescriptor;
  const constraints: ConstraintDescriptor[] = [];
  let rowidAttnum: number | undefined;
  if (op.primaryKey !== undefined) {
    const pk = op.primaryKey;
    const keyCols: IndexColumn[] = pk.columns.map((k) => {
      const c = columns.find((col) => col.name === k.name);
      if (c === undefined) {
        throw new SqlError(SqlState.undefinedColumn, `column "${k.name}" named in key does not exist`);
      }
      return { attnum: c.attnum, direction: k.direction, nulls: k.nulls };
    });
    const pkAttnums = new Set(keyCols.map((k) => k.attnum));
    columns = columns.map((c) => (pkAttnums.has(c.attnum) ? { ...c, notNull: true } : c));
    if (w.snapshot().classEntry(op.schemaOid, pk.name) !== undefined || pk.name === op.name) throw duplicateRelation(pk.name);
    const indexOid = w.useOid(pk.indexOid);
    primaryIndex = {
      kind: 'index', oid: indexOid, name: pk.name, tableOid, indexId: 1, unique: true, primary: true, hidden: false,
      columns: keyCols, nullsNotDistinct: false, state: 'public',
    };
    constraints.push({ kind: 'primaryKey', oid: w.useOid(pk.constraintOid), name: pk.name, indexOid });
  } else {
    rowidAttnum = nextAttnum++;
    const rowid: ColumnDescriptor = {
      attnum: rowidAttnum, name: rowidColumnName(columns.map((c) => c.name)), type: { oid: TypeOid.int8, typmod: -1 },
      notNull: true, hidden: true, dropped: false,
    };
    columns = [...columns, rowid];
    primaryIndex = {
      kind: 'index', oid: 0, name: '', tableOid, indexId: 1, unique: true, primary: false, hidden: true,
      columns: [{ attnum: rowidAttnum, direction: 'asc', nulls: 'last' }], nullsNotDistinct: false, state: 'public',
    };
  }
  const table: TableDescriptor = {
    kind: 'table', oid: tableOid, schemaOid: op.schemaOid, name: op.name, ownerOid: op.ownerOid, columns, nextAttnum,
    primaryIndex, indexes: [], nextIndexId: 2, constraints, ...(rowidAttnum !== undefined ? { rowidAttnum } : {}),
    ...(op.fillfactor !== undefined ? { fillfactor: op.fillfactor } : {}),
  };
  w.set(table);
}

function liveColumn(t: TableDescriptor, attnum: number): ColumnDescriptor {
  const c = t.columns.find((col) => col.attnum === attnum && !col.dropped);
  if (c === undefined) throw missingObject(`column of ${t.name}`, attnum);
  return c;
}

function updateColumn(w: Work, tableOid: Oid, attnum: number, f: (c: ColumnDescriptor) => ColumnDescriptor): void {
  const t = w.table(tableOid);
  liveColumn(t, attnum);
  const columns = t.columns.map((c) => {
    if (c.attnum !== attnum) return c;
    const next = f(c);
    assert(next.attnum === attnum, 'attnum is stable');
    return next;
  });
  w.set({ ...t, columns });
}

function addColumn(w: Work, op: Extract<DdlOp, { kind: 'addColumn' }>): void {
  const t = w.table(op.tableOid);
  if (t.columns.some((c) => !c.dropped && c.name === op.column.name)) {
    throw new SqlError(SqlState.duplicateColumn, `column "${op.column.name}" of relation "${t.name}" already exists`);
  }
  if (t.columns.length >= tableColumnsMax) {
    throw new SqlError(tooManyColumnsState, `tables can have at most ${tableColumnsMax} columns`);
  }
  const base = columnFromSpec(op.column, t.nextAttnum);
  const column: ColumnDescriptor = op.missing !== undefined && op.missing.text !== null ? { ...base, missing: op.missing } : base;
  w.set({ ...t, columns: [...t.columns, column], nextAttnum: t.nextAttnum + 1 });
}

function renameColumn(w: Work, op: Extract<DdlOp, { kind: 'renameColumn' }>): void {
  const t = w.table(op.tableOid);
  liveColumn(t, op.attnum);
  if (t.columns.some((col) => !col.dropped && col.name === op.newName)) {
    throw new SqlError(SqlState.duplicateColumn, `column "${op.newName}" of relation "${t.name}" already exists`);
  }
  updateColumn(w, op.tableOid, op.attnum, (col) => ({ ...col, name: op.newName }));
  renameInIndexExprs(w, op.tableOid, liveColumn(t, op.attnum).name, op.newName);
}

/** Expression / partial index ASTs name columns: RENAME COLUMN renames their references too (as PostgreSQL, which stores attnums). */
function renameInIndexExprs(w: Work, tableOid: Oid, oldName: string, newName: string): void {
  const t = w.table(tableOid);
  const rewrite = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rewrite);
    if (typeof v !== 'object' || v === null) return v;
    const o = v as Record<string, unknown>;
    if (o.kind === 'ColumnRef' && Array.isArray(o.names)) {
      const names = o.names as unknown[];
      const last = names.length - 1;
      const qualifiedOk = names.length === 1 || (names.length === 2 && names[0] === t.name);
      if (qualifiedOk && names[last] === oldName) return { ...o, names: names.map((n, i) => (i === last ? newName : n)) };
      return o;
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, rewrite(x)]));
  };
  const renameStored = (e: StoredExpr): StoredExpr => ({ ...e, expr: rewrite(e.expr) as StoredExpr['expr'] });
  if (!t.indexes.some((i) => i.predicate !== undefined || i.columns.some((c) => c.expr !== undefined))) return;
  const indexes = t.indexes.map((i): IndexDescriptor => ({
    ...i,
    columns: i.columns.map((c) => (c.expr === undefined ? c : { ...c, expr: renameStored(c.expr) })),
    ...(i.predicate !== undefined ? { predicate: renameStored(i.predicate) } : {}),
  }));
  w.set({ ...t, indexes });
}

function setDefault(w: Work, op: Extract<DdlOp, { kind: 'setDefault' }>): void {
  updateColumn(w, op.tableOid, op.attnum, (c) => {
    const { default: _old, ...rest } = c;
    return op.default === null ? rest : { ...rest, default: op.default };
  });
}

function setGenerated(w: Work, op: Extract<DdlOp, { kind: 'setGenerated' }>): void {
  updateColumn(w, op.tableOid, op.attnum, (c) => {
    const { generated: _old, ...rest } = c;
    assert(op.generated === null || (c.default === undefined && c.identity === undefined), 'generated columns have no default');
    return op.generated === null ? rest : { ...rest, generated: op.generated };
  });
}

function setColumnType(w: Work, op: Extract<DdlOp, { kind: 'setColumnType' }>): void {
  updateColumn(w, op.tableOid, op.attnum, (c) => {
    const { missing: _m, collation: _c, ...rest } = c;
    return { ...rest, type: op.type, ...(op.collation !== null ? { collation: op.collation } : {}) };
  });
}

function dropColumn(w: Work, op: Extract<DdlOp, { kind: 'dropColumn' }>): void {
  const t = w.table(op.tableOid);
  const c = liveColumn(t, op.attnum);
  assert(!c.hidden, 'cannot drop the hidden rowid column');
  if (t.primaryIndex.columns.some((k) => k.attnum === op.attnum)) {
    throw new SqlError(SqlState.featureNotSupported, `dropping column "${c.name}" of the primary key of "${t.name}" is not supported`);
  }
  // Objects outside the table that depend on the column: owned sequences go with it (auto).
  dropObjects(w, { kind: 'column', tableOid: op.tableOid, attnum: op.attnum }, op.cascade);
}

// ─── indexes and constraints ─────────────────────────────────────────────────────────────

function createIndex(w: Work, op: Extract<DdlOp, { kind: 'createIndex' }>): void {
  const t = w.table(op.tableOid);
  checkRelationNameFree(w, t.schemaOid, op.name);
  assert(op.columns.length > 0, 'index without columns');
  for (const k of op.columns) {
    assert((k.attnum === 0) === (k.expr !== undefined), 'an index column is an attnum or an expression');
    if (k.expr === undefined) liveColumn(t, k.attnum);
  }
  for (const a of op.exprAttnums ?? []) liveColumn(t, a);
  if (op.primary && t.constraints.some((c) => c.kind === 'primaryKey')) {
    throw new SqlError(SqlState.invalidTableDefinition, `multiple primary keys for table "${t.name}" are not allowed`);
  }
  const index: IndexDescriptor = {
    kind: 'index', oid: w.useOid(op.oid), name: op.name, tableOid: t.oid, indexId: t.nextIndexId, unique: op.unique || op.primary,
    primary: op.primary, hidden: false, columns: op.columns, nullsNotDistinct: op.nullsNotDistinct,
    ...(op.predicate !== undefined ? { predicate: op.predicate } : {}),
    ...(op.exprAttnums !== undefined && op.exprAttnums.length > 0 ? { exprAttnums: op.exprAttnums } : {}), state: op.state,
  };
  w.set({ ...t, indexes: [...t.indexes, index], nextIndexId: t.nextIndexId + 1 });
}

function findIndex(w: Work, indexOid: Oid): { table: TableDescriptor; index: IndexDescriptor } {
  const found = w.snapshot().index(indexOid);
  if (found === undefined) throw missingObject('index', indexOid);
  return found;
}

function setPrimaryKey(w: Work, op: Extract<DdlOp, { kind: 'setPrimaryKey' }>): void {
  const t = w.table(op.tableOid);
  const rowid = t.rowidAttnum;
  if (rowid === undefined || t.constraints.some((c) => c.kind === 'primaryKey')) {
    throw new SqlError(SqlState.invalidTableDefinition, `multiple primary keys for table "${t.name}" are not allowed`);
  }
  checkRelationNameFree(w, t.schemaOid, op.name);
  checkConstraintNameFree(t, op.name);
  assert(op.columns.length > 0, 'primary key without columns');
  for (const k of op.columns) {
    const c = liveColumn(t, k.attnum);
    assert(c.notNull && !c.hidden, 'primary key columns are visible and NOT NULL');
  }
  const indexOid = w.useOid(op.indexOid);
  const primaryIndex: IndexDescriptor = {
    kind: 'index', oid: indexOid, name: op.name, tableOid: t.oid, indexId: 1, unique: true, primary: true, hidden: false,
    columns: op.columns, nullsNotDistinct: false, state: 'public',
  };
  const { rowidAttnum: _r, ...rest } = t;
  w.set({
    ...rest,
    primaryIndex,
    columns: t.columns.map((c) => (c.attnum === rowid ? { ...c, name: droppedColumnName(c.attnum), dropped: true, notNull: false } : c)),
    constraints: [...t.constraints, { kind: 'primaryKey', oid: w.useOid(op.constraintOid), name: op.name, indexOid }],
  });
}

function dropPrimaryKey(w: Work, tableOid: Oid): void {
  const t = w.table(tableOid);
  const pk = t.primaryIndex;
  const constraint = t.constraints.find((c) => c.kind === 'primaryKey' && c.indexOid === pk.oid);
  if (!pk.primary || pk.hidden || constraint === undefined) throw missingObject('physical primary key of table', tableOid);
  const rowidAttnum = t.nextAttnum;
  const rowid: ColumnDescriptor = {
    attnum: rowidAttnum, name: rowidColumnName(t.columns.filter((c) => !c.dropped).map((c) => c.name)),
    type: { oid: TypeOid.int8, typmod: -1 }, notNull: true, hidden: true, dropped: false,
  };
  w.set({
    ...t,
    columns: [...t.columns, rowid],
    nextAttnum: t.nextAttnum + 1,
    rowidAttnum,
    primaryIndex: {
      kind: 'index', oid: 0, name: '', tableOid, indexId: 1, unique: true, primary: false, hidden: true,
      columns: [{ attnum: rowidAttnum, direction: 'asc', nulls: 'last' }], nullsNotDistinct: false, state: 'public',
    },
    constraints: t.constraints.filter((c) => c.oid !== constraint.oid),
  });
}

function setIndexPublic(w: Work, indexOid: Oid): void {
  const { table, index } = findIndex(w, indexOid);
  assert(index.indexId !== 1, 'the primary index is always public');
  w.set({ ...table, indexes: table.indexes.map((i) => (i.oid === indexOid ? { ...i, state: 'public' as const } : i)) });
}

function dropIndexOp(w: Work, op: Extract<DdlOp, { kind: 'dropIndex' }>): void {
  const { table, index } = findIndex(w, op.indexOid);
  const owner = table.constraints.find((c) => (c.kind === 'primaryKey' || c.kind === 'unique') && c.indexOid === index.oid);
  if (owner !== undefined) {
    throw new SqlError(
      SqlState.dependentObjectsStillExist,
      `cannot drop index ${index.name} because constraint ${owner.name} on table ${table.name} requires it`,
      { hint: `You can drop constraint ${owner.name} on table ${table.name} instead.` },
    );
  }
  dropObjects(w, { kind: 'index', oid: index.oid }, op.cascade);
}

function addConstraint(w: Work, op: Extract<DdlOp, { kind: 'addConstraint' }>): void {
  const t = w.table(op.tableOid);
  const c = op.constraint;
  checkConstraintNameFree(t, c.name);
  switch (c.kind) {
    case 'primaryKey':
    case 'unique': {
      const index = [t.primaryIndex, ...t.indexes].find((i) => i.oid === c.indexOid);
      if (index === undefined) throw missingObject('index', c.indexOid);
      assert(index.unique && index.name === c.name, 'constraint index must be unique and share the name');
      assert((c.kind === 'primaryKey') === index.primary, 'primary flag must match');
      if (c.kind === 'primaryKey' && t.constraints.some((x) => x.kind === 'primaryKey')) {
        throw new SqlError(SqlState.invalidTableDefinition, `multiple primary keys for table "${t.name}" are not allowed`);
      }
      if (t.constraints.some((x) => (x.kind === 'primaryKey' || x.kind === 'unique') && x.indexOid === c.indexOid)) {
        throw new SqlError(SqlState.objectNotInPrerequisiteState, `index "${index.name}" is already associated with a constraint`);
      }
      w.set({ ...t, constraints: [...t.constraints, { kind: c.kind, oid: w.useOid(c.oid), name: c.name, indexOid: c.indexOid }] });
      return;
    }
    case 'check': {
      for (const a of c.attnums) liveColumn(t, a);
      w.set({
        ...t,
        constraints: [
          ...t.constraints,
          { kind: 'check', oid: w.useOid(c.oid), name: c.name, check: c.check, attnums: c.attnums, noInherit: c.noInherit },
        ],
      });
      return;
    }
    case 'foreignKey': {
      for (const a of c.attnums) liveColumn(t, a);
      const ref = c.refTableOid === t.oid ? t : w.table(c.refTableOid);
      for (const a of c.refAttnums) liveColumn(ref, a);
      assert(c.attnums.length === c.refAttnums.length && c.attnums.length > 0, 'foreign key column counts must match');
      const index = [ref.primaryIndex, ...ref.indexes].find((i) => i.oid === c.indexOid);
      if (index === undefined) throw missingObject('index', c.indexOid);
      assert(index.unique && index.columns.length === c.refAttnums.length, 'a foreign key needs a unique index on the referenced columns');
      const { oid, ...rest } = c;
      w.set({ ...t, constraints: [...t.constraints, { ...rest, oid: w.useOid(oid) }] });
      return;
    }
    default:
      assertNever(c, 'constraint');
  }
}

function dropConstraint(w: Work, op: Extract<DdlOp, { kind: 'dropConstraint' }>): void {
  const t = w.table(op.tableOid);
  const c = t.constraints.find((x) => x.name === op.name);
  if (c === undefined) {
    throw new SqlError(SqlState.undefinedObject, `constraint "${op.name}" of relation "${t.name}" does not exist`);
  }
  switch (c.kind) {
    case 'primaryKey':
    case 'unique': {
      if (t.primaryIndex.oid === c.indexOid) {
        throw new SqlError(SqlState.featureNotSupported, `dropping the primary key of "${t.name}" is not supported (it is the table's storage key)`);
      }
      dropObjects(w, { kind: 'constraint', tableOid: t.oid, oid: c.oid }, op.cascade);
      return;
    }
    case 'check':
    case 'foreignKey':
      w.set({ ...t, constraints: t.constraints.filter((x) => x.oid !== c.oid) });
      return;
    default:
      assertNever(c, 'constraint');
  }
}

function validateConstraint(w: Work, op: Extract<DdlOp, { kind: 'validateConstraint' }>): void {
  const t = w.table(op.tableOid);
  const c = t.constraints.find((x) => x.name === op.name);
  if (c === undefined) throw missingObject('constraint', op.tableOid);
  assert(c.kind === 'foreignKey', 'only foreign keys can be NOT VALID');
  const { notValid: _n, ...rest } = c;
  w.set({ ...t, constraints: t.constraints.map((x) => (x.oid === c.oid ? rest : x)) });
}

function renameConstraint(w: Work, op: Extract<DdlOp, { kind: 'renameConstraint' }>): void {
  const t = w.table(op.tableOid);
  const c = t.constraints.find((x) => x.name === op.name);
  if (c === undefined) {
    throw new SqlError(SqlState.undefinedObject, `constraint "${op.name}" for table "${t.name}" does not exist`);
  }
  checkConstraintNameFree(t, op.newName);
  if (c.kind === 'primaryKey' || c.kind === 'unique') {
    checkRelationNameFree(w, t.schemaOid, op.newName);
    const rename = (i: IndexDescriptor): IndexDescriptor => (i.oid === c.indexOid ? { ...i, name: op.newName } : i);
    w.set({
      ...t,
      primaryIndex: rename(t.primaryIndex),
      indexes: t.indexes.map(rename),
      constraints: t.constraints.map((x) => (x.oid === c.oid ? { ...x, name: op.newName } : x)),
    });
    return;
  }
  w.set({ ...t, constraints: t.constraints.map((x) => (x.oid === c.oid ? { ...x, name: op.newName } : x)) });
}

// ─── relations: rename ───────────────────────────────────────────────────────────────────

function renameRelation(w: Work, op: Extract<DdlOp, { kind: 'renameRelation' }>): void {
  const d = w.get(op.oid);
  if (d !== undefined && (d.kind === 'table' || d.kind === 'sequence' || d.kind === 'view')) {
    checkRelationNameFree(w, d.schemaOid, op.newName);
    w.set({ ...d, name: op.newName });
    if (d.kind === 'sequence') renameSequenceInDefaults(w, d, op.newName);
    return;
  }
  const { table, index } = findIndex(w, op.oid);
  checkRelationNameFree(w, table.schemaOid, op.newName);
  const backs = table.constraints.some((c) => (c.kind === 'primaryKey' || c.kind === 'unique') && c.indexOid === index.oid);
  if (backs) checkConstraintNameFree(table, op.newName);
  const rename = (i: IndexDescriptor): IndexDescriptor => (i.oid === index.oid ? { ...i, name: op.newName } : i);
  w.set({
    ...table,
    primaryIndex: rename(table.primaryIndex),
    indexes: table.indexes.map(rename),
    constraints: table.constraints.map((c) =>
      (c.kind === 'primaryKey' || c.kind === 'unique') && c.indexOid === index.oid ? { ...c, name: op.newName } : c,
    ),
  });
}

/** quote_ident for regclass text: lower-case plain identifiers stay bare. */
function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/**
 * Defaults store nextval('seq'::regclass) as text (PostgreSQL stores the oid), so renaming the
 * sequence rewrites the text in every default that depends on it.
 */
function renameSequenceInDefaults(w: Work, seq: SequenceDescriptor, newName: string): void {
  const schemaName = w.schema(seq.schemaOid).name;
  const texts = new Map<string, string>([
    [quoteIdent(seq.name), quoteIdent(newName)],
    [`${quoteIdent(schemaName)}.${quoteIdent(seq.name)}`, `${quoteIdent(schemaName)}.${quoteIdent(newName)}`],
  ]);
  const rewrite = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rewrite);
    if (typeof v !== 'object' || v === null) return v;
    const o = v as Record<string, unknown>;
    if (o.kind === 'Const' && o.type === 'string' && typeof o.value === 'string' && texts.has(o.value)) {
      return { ...o, value: texts.get(o.value) };
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, rewrite(x)]));
  };
  for (const t of w.snapshot().tables()) {
    if (!t.columns.some((c) => c.default?.dependsOn?.includes(seq.oid) === true)) continue;
    const columns = t.columns.map((c) => {
      const dflt = c.default;
      if (dflt === undefined || dflt.dependsOn?.includes(seq.oid) !== true) return c;
      let source = dflt.source;
      for (const [from, to] of texts) source = source.split(`'${from.replace(/'/g, "''")}'`).join(`'${to.replace(/'/g, "''")}'`);
      return { ...c, default: { ...dflt, expr: rewrite(dflt.expr) as StoredExpr['expr'], source } };
    });
    w.set({ ...t, columns });
  }
}

// ─── sequences and views ─────────────────────────────────────────────────────────────────

function createSequence(w: Work, op: Extract<DdlOp, { kind: 'createSequence' }>): void {
  w.schema(op.schemaOid);
  checkRelationNameFree(w, op.schemaOid, op.name);
  w.set({
    kind: 'sequence', oid: w.useOid(op.oid), schemaOid: op.schemaOid, name: op.name, ownerOid: op.ownerOid, ...op.spec,
    restartCount: 0,
  });
}

function alterSequence(w: Work, op: Extract<DdlOp, { kind: 'alterSequence' }>): void {
  const s = w.sequence(op.sequenceOid);
  w.set({ ...s, ...op.spec, restartCount: s.restartCount + (op.restart ? 1 : 0) });
}

function setSequenceOwner(w: Work, op: Extract<DdlOp, { kind: 'setSequenceOwner' }>): void {
  const s = w.sequence(op.sequenceOid);
  const { ownedBy: _old, ...rest } = s;
  if (op.ownedBy === null) {
    w.set(rest);
    return;
  }
  const t = w.table(op.ownedBy.tableOid);
  liveColumn(t, op.ownedBy.attnum);
  if (t.schemaOid !== s.schemaOid) {
    throw new SqlError(SqlState.objectNotInPrerequisiteState, 'sequence must be in same schema as table it is linked to');
  }
  w.set({ ...rest, ownedBy: op.ownedBy });
}

function setViewDefault(w: Work, op: Extract<DdlOp, { kind: 'setViewDefault' }>): void {
  const v = w.get(op.viewOid);
  if (v === undefined || v.kind !== 'view') throw missingObject('view', op.viewOid);
  assert(v.columns.some((c) => c.name === op.column), 'default of a view column that exists');
  const columns = v.columns.map((c) => {
    if (c.name !== op.column) return c;
    const { default: _old, ...rest } = c;
    return op.default === null ? rest : { ...rest, default: op.default };
  });
  w.set({ ...v, columns });
}

function createView(w: Work, op: Extract<DdlOp, { kind: 'createView' }>): void {
  w.schema(op.schemaOid);
  let oid: Oid;
  let comment: string | undefined;
  if (op.replaceOid === undefined) {
    checkRelationNameFree(w, op.schemaOid, op.name);
    oid = w.useOid(op.oid);
  } else {
    const old = w.get(op.replaceOid);
    if (old === undefined || old.kind !== 'view' || old.schemaOid !== op.schemaOid || old.name !== op.name) {
      throw missingObject('view', op.replaceOid);
    }
    oid = old.oid;
    comment = old.comment;
  }
  for (const dep of op.dependsOn) if (w.get(dep) === undefined) throw missingObject('relation', dep);
  assert(!op.dependsOn.includes(oid), 'a view cannot depend on itself');
  const v: ViewDescriptor = {
    ...(comment === undefined ? {} : { comment }),
    kind: 'view', oid, schemaOid: op.schemaOid, name: op.name, ownerOid: op.ownerOid, columns: op.columns,
    query: op.query, source: op.source, dependsOn: op.dependsOn,
    ...(op.searchPath === undefined ? {} : { searchPath: op.searchPath }),
    ...(op.checkOption === undefined ? {} : { checkOption: op.checkOption }),
    ...(op.updatableColumns === undefined ? {} : { updatableColumns: op.updatableColumns }),
  };
  w.set(v);
}

// ─── comments ────────────────────────────────────────────────────────────────────────────

function withComment<T extends { readonly comment?: string }>(d: T, comment: string | null): T {
  const { comment: _old, ...rest } = d;
  return (comment === null || comment === '' ? rest : { ...rest, comment }) as T;
}

function comment(w: Work, target: CommentTarget, text: string | null): void {
  switch (target.kind) {
    case 'relation': {
      const d = w.get(target.oid);
      if (d !== undefined && (d.kind === 'table' || d.kind === 'sequence' || d.kind === 'view')) {
        w.set(withComment(d, text));
        return;
      }
      const { table, index } = findIndex(w, target.oid);
      const f = (i: IndexDescriptor): IndexDescriptor => (i.oid === index.oid ? withComment(i, text) : i);
      w.set({ ...table, primaryIndex: f(table.primaryIndex), indexes: table.indexes.map(f) });
      return;
    }
    case 'column':
      updateColumn(w, target.tableOid, target.attnum, (c) => withComment(c, text));
      return;
    case 'constraint': {
      const t = w.table(target.tableOid);
      if (!t.constraints.some((c) => c.name === target.name)) throw missingObject(`constraint ${target.name} of`, t.oid);
      w.set({ ...t, constraints: t.constraints.map((c) => (c.name === target.name ? withComment(c, text) : c)) });
      return;
    }
    case 'schema':
      w.set(withComment(w.schema(target.oid), text));
      return;
    case 'database': {
      const d = w.get(target.oid);
      if (d?.kind !== 'database') throw missingObject('database', target.oid);
      w.set(withComment(d, text));
      return;
    }
    case 'type':
      w.set(withComment(enumTypeOf(w, target.oid), text));
      return;
    default:
      assertNever(target, 'comment target');
  }
}

// ─── drop with dependencies ──────────────────────────────────────────────────────────────

/** Something DROP can remove. */
export type DropTarget =
  | { readonly kind: 'schema'; readonly oid: Oid }
  | { readonly kind: 'table'; readonly oid: Oid }
  | { readonly kind: 'sequence'; readonly oid: Oid }
  | { readonly kind: 'view'; readonly oid: Oid }
  | { readonly kind: 'index'; readonly oid: Oid }
  | { readonly kind: 'type'; readonly oid: Oid }
  | { readonly kind: 'column'; readonly tableOid: Oid; readonly attnum: number }
  | { readonly kind: 'default'; readonly tableOid: Oid; readonly attnum: number }
  /** A table constraint (FOREIGN KEYs referencing a dropped object; UNIQUE/PK dropped by name). */
  | { readonly kind: 'constraint'; readonly tableOid: Oid; readonly oid: Oid };

function targetKey(t: DropTarget): string {
  switch (t.kind) {
    case 'schema':
    case 'table':
    case 'sequence':
    case 'view':
    case 'index':
    case 'constraint':
    case 'type':
      return `${t.kind}:${t.oid}`;
    case 'column':
    case 'default':
      return `${t.kind}:${t.tableOid}:${t.attnum}`;
    default:
      return assertNever(t, 'drop target');
  }
}

/** A dependency edge: `dependent` must go when its referenced object goes. */
interface Dependent {
  readonly target: DropTarget;
  /** auto: dropped silently with its referent (owned sequences, indexes); normal: needs CASCADE. */
  readonly auto: boolean;
}

function qualifiedRelName(state: CatalogState, schemaOid: Oid, name: string): string {
  const s = state.schema(schemaOid);
  return s === undefined || s.name === 'public' || s.name === 'pg_catalog' ? name : `${s.name}.${name}`;
}

/** PostgreSQL's getObjectDescription for the targets we have. */
export function describeTarget(state: CatalogState, t: DropTarget): string {
  switch (t.kind) {
    case 'schema':
      return `schema ${state.schema(t.oid)?.name ?? t.oid}`;
    case 'table': {
      const d = state.table(t.oid);
      return `table ${d === undefined ? t.oid : qualifiedRelName(state, d.schemaOid, d.name)}`;
    }
    case 'sequence': {
      const d = state.sequence(t.oid);
      return `sequence ${d === undefined ? t.oid : qualifiedRelName(state, d.schemaOid, d.name)}`;
    }
    case 'view': {
      const d = state.view(t.oid);
      return `view ${d === undefined ? t.oid : qualifiedRelName(state, d.schemaOid, d.name)}`;
    }
    case 'index': {
      const r = state.index(t.oid);
      return `index ${r === undefined ? t.oid : qualifiedRelName(state, r.table.schemaOid, r.index.name)}`;
    }
    case 'type': {
      // An enum's array type is a target of its own (columns of it "depend on type mood[]").
      const d = state.enumType(t.oid);
      const a = d === undefined ? state.enumTypes().find((x) => x.arrayOid === t.oid) : undefined;
      if (a !== undefined) return `type ${qualifiedRelName(state, a.schemaOid, a.name)}[]`;
      return `type ${d === undefined ? t.oid : qualifiedRelName(state, d.schemaOid, d.name)}`;
    }
    case 'column':
    case 'default': {
      const tab = state.table(t.tableOid);
      const col = tab?.columns.find((c) => c.attnum === t.attnum);
      const tabName = tab === undefined ? String(t.tableOid) : qualifiedRelName(state, tab.schemaOid, tab.name);
      return t.kind === 'column'
        ? `column ${col?.name ?? t.attnum} of table ${tabName}`
        : `default value for column ${col?.name ?? t.attnum} of table ${tabName}`;
    }
    case 'constraint': {
      const tab = state.table(t.tableOid);
      const con = tab?.constraints.find((c) => c.oid === t.oid);
      const tabName = tab === undefined ? String(t.tableOid) : qualifiedRelName(state, tab.schemaOid, tab.name);
      return `constraint ${con?.name ?? t.oid} on table ${tabName}`;
    }
    default:
      return assertNever(t, 'drop target');
  }
}

/** FOREIGN KEYs of other tables (or of `tableOid` itself when `includeSelf`) that reference `tableOid` and match `pick`. */
function referencingForeignKeys(
  state: CatalogState,
  tableOid: Oid,
  includeSelf: boolean,
  pick: (fk: Extract<ConstraintDescriptor, { kind: 'foreignKey' }>) => boolean,
): Dependent[] {
  const out: Dependent[] = [];
  for (const tab of state.tables()) {
    if (tab.oid === tableOid && !includeSelf) continue;
    for (const c of tab.constraints) {
      if (c.kind === 'foreignKey' && c.refTableOid === tableOid && pick(c)) {
        out.push({ target: { kind: 'constraint', tableOid: tab.oid, oid: c.oid }, auto: false });
      }
    }
  }
  return out;
}

/** Objects that depend directly on `t`. */
function dependentsOf(state: CatalogState, t: DropTarget): Dependent[] {
  const out: Dependent[] = [];
  const relDependents = (oid: Oid): void => {
    for (const v of state.views()) if (v.dependsOn.includes(oid)) out.push({ target: { kind: 'view', oid: v.oid }, auto: false });
    for (const tab of state.tables()) {
      for (const c of tab.columns) {
        if (c.dropped || c.default?.dependsOn?.includes(oid) !== true) continue;
        out.push({ target: { kind: 'default', tableOid: tab.oid, attnum: c.attnum }, auto: false });
      }
    }
  };
  switch (t.kind) {
    case 'schema':
      for (const d of state.descriptors()) {
        if (d.kind === 'table') out.push({ target: { kind: 'table', oid: d.oid }, auto: false });
        else if (d.kind === 'sequence' && d.schemaOid === t.oid) out.push({ target: { kind: 'sequence', oid: d.oid }, auto: false });
        else if (d.kind === 'view' && d.schemaOid === t.oid) out.push({ target: { kind: 'view', oid: d.oid }, auto: false });
        else if (d.kind === 'enum' && d.schemaOid === t.oid) out.push({ target: { kind: 'type', oid: d.oid }, auto: false });
      }
      return out.filter((x) => x.target.kind !== 'table' || state.table(x.target.oid)?.schemaOid === t.oid);
    case 'table': {
      relDependents(t.oid);
      out.push(...referencingForeignKeys(state, t.oid, false, () => true));
      for (const c of state.mustTable(t.oid).columns) {
        if (c.default !== undefined) out.push({ target: { kind: 'default', tableOid: t.oid, attnum: c.attnum }, auto: true });
      }
      for (const s of state.sequences()) {
        if (s.ownedBy?.tableOid === t.oid) out.push({ target: { kind: 'sequence', oid: s.oid }, auto: true });
      }
      return out;
    }
    case 'sequence':
    case 'view':
      relDependents(t.oid);
      return out;
    case 'index': {
      const found = state.index(t.oid);
      if (found !== undefined) out.push(...referencingForeignKeys(state, found.table.oid, true, (fk) => fk.indexOid === t.oid));
      return out;
    }
    case 'constraint': {
      const con = state.table(t.tableOid)?.constraints.find((c) => c.oid === t.oid);
      if (con !== undefined && (con.kind === 'primaryKey' || con.kind === 'unique')) {
        out.push({ target: { kind: 'index', oid: con.indexOid }, auto: true });
      }
      return out;
    }
    case 'type':
      out.push(...enumTypeDependents(state, t.oid));
      return out;
    case 'column': {
      const tab = state.mustTable(t.tableOid);
      out.push(...referencingForeignKeys(state, t.tableOid, true, (fk) => fk.refAttnums.includes(t.attnum)));
      if (tab.columns.some((c) => c.attnum === t.attnum && c.default !== undefined)) {
        out.push({ target: { kind: 'default', tableOid: t.tableOid, attnum: t.attnum }, auto: true });
      }
      for (const s of state.sequences()) {
        if (s.ownedBy?.tableOid === t.tableOid && s.ownedBy.attnum === t.attnum) {
          out.push({ target: { kind: 'sequence', oid: s.oid }, auto: true });
        }
      }
      for (const i of tab.indexes) {
        if (i.columns.some((k) => k.attnum === t.attnum) || i.exprAttnums?.includes(t.attnum) === true) out.push({ target: { kind: 'index', oid: i.oid }, auto: true });
      }
      for (const c of tab.columns) {
        if (c.dropped || c.generated?.columns?.includes(t.attnum) !== true) continue;
        out.push({ target: { kind: 'column', tableOid: t.tableOid, attnum: c.attnum }, auto: false });
      }
      return out;
    }
    case 'default':
      return out;
    default:
      return assertNever(t, 'drop target');
  }
}

/**
 * DROP `root` and everything depending on it: auto dependents silently, normal ones only with
 * CASCADE (else 2BP01 with PostgreSQL's DETAIL lines); NOTICE `drop cascades to ...`.
 */
function dropObjects(w: Work, root: DropTarget, cascade: boolean): void {
  const state = w.snapshot();
  checkDroppable(state, root);
  const order: DropTarget[] = [];
  const rootKey = targetKey(root);
  const seen = new Set<string>([rootKey]);
  // PostgreSQL reports (and needs CASCADE for) only objects reached by normal dependencies on
  // every path: anything also reached through an auto dependency goes silently.
  const autoReached = new Set<string>();
  const normalReached = new Map<string, { target: DropTarget; referent: DropTarget }>();
  const visit = (t: DropTarget): void => {
    for (const dep of dependentsOf(state, t)) {
      const key = targetKey(dep.target);
      if (key === rootKey) continue;
      if (dep.auto) autoReached.add(key);
      else if (!normalReached.has(key)) normalReached.set(key, { target: dep.target, referent: t });
      if (seen.has(key)) continue;
      seen.add(key);
      assert(seen.size <= cascadeObjectsMax, 'dependency walk too large');
      visit(dep.target);
      order.push(dep.target);
    }
  };
  visit(root);
  const normal = [...normalReached].filter(([key]) => !autoReached.has(key)).map(([, n]) => n);
  if (normal.length > 0) {
    const lines = normal.map((n) => `${describeTarget(state, n.target)} depends on ${describeTarget(state, n.referent)}`);
    if (!cascade) {
      throw new SqlError(
        SqlState.dependentObjectsStillExist,
        `cannot drop ${describeTarget(state, root)} because other objects depend on it`,
        { detail: lines.join('\n'), hint: 'Use DROP ... CASCADE to drop the dependent objects too.' },
      );
    }
    const names = normal.map((n) => `drop cascades to ${describeTarget(state, n.target)}`);
    w.notices.push(
      names.length === 1
        ? { code: SqlState.successfulCompletion, message: names[0]! }
        : { code: SqlState.successfulCompletion, message: `drop cascades to ${names.length} other objects`, detail: names.join('\n') },
    );
  }
  for (const t of order) removeTarget(w, t);
  removeTarget(w, root);
}

function checkDroppable(state: CatalogState, t: DropTarget): void {
  if (t.kind === 'schema') {
    const s = state.schema(t.oid);
    if (s === undefined) throw missingObject('schema', t.oid);
    if (s.system) {
      throw new SqlError(SqlState.dependentObjectsStillExist, `cannot drop schema ${s.name} because it is required by the database system`);
    }
  }
  if (t.kind === 'sequence') {
    const s = state.sequence(t.oid);
    if (s === undefined) throw missingObject('sequence', t.oid);
    if (s.ownedBy !== undefined) {
      const tab = state.table(s.ownedBy.tableOid);
      const col = tab?.columns.find((c) => c.attnum === s.ownedBy?.attnum);
      if (col?.identity?.sequenceOid === s.oid && tab !== undefined) {
        throw new SqlError(
          SqlState.dependentObjectsStillExist,
          `cannot drop sequence ${s.name} because column ${col.name} of table ${tab.name} requires it`,
          { hint: `You can drop column ${col.name} of table ${tab.name} instead.` },
        );
      }
    }
  }
}

function removeTarget(w: Work, t: DropTarget): void {
  switch (t.kind) {
    case 'schema':
    case 'table':
    case 'sequence':
    case 'view':
    case 'type':
      if (w.get(t.oid) !== undefined) w.remove(t.oid);
      return;
    case 'index': {
      const found = w.snapshot().index(t.oid);
      if (found === undefined) return;
      const { table } = found;
      assert(table.primaryIndex.oid !== t.oid, 'the primary index goes only with its table');
      w.set({
        ...table,
        indexes: table.indexes.filter((i) => i.oid !== t.oid),
        constraints: table.constraints.filter((c) => !((c.kind === 'primaryKey' || c.kind === 'unique') && c.indexOid === t.oid)),
      });
      return;
    }
    case 'column': {
      const table = w.get(t.tableOid);
      if (table?.kind !== 'table') return;
      w.set({
        ...table,
        columns: table.columns.map((c) => {
          if (c.attnum !== t.attnum) return c;
          const { default: _d, identity: _i, generated: _g, missing: _m, comment: _c, collation: _col, ...rest } = c;
          return { ...rest, name: droppedColumnName(c.attnum), dropped: true, notNull: false };
        }),
        constraints: table.constraints.filter((c) => !((c.kind === 'check' || c.kind === 'foreignKey') && c.attnums.includes(t.attnum))),
      });
      return;
    }
    case 'default': {
      const table = w.get(t.tableOid);
      if (table?.kind !== 'table') return;
      w.set({
        ...table,
        columns: table.columns.map((c) => {
          if (c.attnum !== t.attnum) return c;
          const { default: _d, ...rest } = c;
          return rest;
        }),
      });
      return;
    }
    case 'constraint': {
      const table = w.get(t.tableOid);
      if (table?.kind !== 'table') return;
      const con = table.constraints.find((c) => c.oid === t.oid);
      if (con === undefined) return;
      w.set({ ...table, constraints: table.constraints.filter((c) => c.oid !== t.oid) });
      if (con.kind === 'primaryKey' || con.kind === 'unique') removeTarget(w, { kind: 'index', oid: con.indexOid });
      return;
    }
    default:
      assertNever(t, 'drop target');
  }
}

// ─── enum types ──────────────────────────────────────────────────────────────────────────

/** NAMEDATALEN - 1: the longest enum label in bytes. */
const enumLabelBytesMax = 63;

function enumTypeOf(w: Work, oid: Oid): EnumTypeDescriptor {
  const d = w.get(oid);
  if (d?.kind !== 'enum') throw missingObject('type', oid);
  return d;
}

/** Columns of the type or of its array type (PostgreSQL: a normal pg_depend entry per column). */
/**
 * Dependents of an enum type: its array type (auto, visited first as PostgreSQL does), then the
 * columns of the type; dependents of the array type: its columns. The array type has no
 * descriptor of its own: removing it is a no-op, the enum's descriptor goes with the root.
 */
function enumTypeDependents(state: CatalogState, typeOid: Oid): Dependent[] {
  const e = state.enumType(typeOid);
  const columnType = e?.oid ?? typeOid;
  const out: Dependent[] = [];
  if (e !== undefined) out.push({ target: { kind: 'type', oid: e.arrayOid }, auto: true });
  for (const tab of state.tables()) {
    for (const c of tab.columns) {
      if (c.dropped || c.type.oid !== columnType) continue;
      out.push({ target: { kind: 'column', tableOid: tab.oid, attnum: c.attnum }, auto: false });
    }
  }
  return out;
}

function checkTypeNameFree(w: Work, schemaOid: Oid, name: string): void {
  const s = w.snapshot();
  if (s.typeOidByName(schemaOid, name) !== undefined || s.classEntry(schemaOid, name)?.kind === 'table') {
    throw new SqlError(SqlState.duplicateObject, `type "${name}" already exists`);
  }
}

function checkEnumLabel(label: string): void {
  if (label.length === 0 || Buffer.byteLength(label, 'utf8') > enumLabelBytesMax) {
    throw new SqlError(SqlState.invalidName, `invalid enum label "${label}"`, {
      detail: `Labels must be ${enumLabelBytesMax} bytes or less.`,
    });
  }
}

function enumLabelExists(label: string): SqlError {
  return new SqlError(SqlState.duplicateObject, `enum label "${label}" already exists`);
}

function notAnEnumLabel(label: string): SqlError {
  return new SqlError(SqlState.invalidParameterValue, `"${label}" is not an existing enum label`);
}

function createEnum(w: Work, op: Extract<DdlOp, { kind: 'createEnum' }>): void {
  w.schema(op.schemaOid);
  checkTypeNameFree(w, op.schemaOid, op.name);
  const labels: string[] = [];
  for (const label of op.labels) {
    checkEnumLabel(label);
    if (labels.includes(label)) throw new SqlError(SqlState.duplicateObject, `enum label "${label}" used more than once`);
    labels.push(label);
  }
  const oid = w.useOid(op.oid);
  const arrayOid = w.useOid(op.arrayOid);
  const rows: EnumLabel[] = labels.map((label, i) => ({ oid: w.allocOid(), label, sortOrder: i + 1 }));
  w.set({ kind: 'enum', oid, arrayOid, schemaOid: op.schemaOid, name: op.name, ownerOid: op.ownerOid, labels: rows });
}

function addEnumValue(w: Work, op: Extract<DdlOp, { kind: 'addEnumValue' }>): void {
  const e = enumTypeOf(w, op.typeOid);
  checkEnumLabel(op.label);
  if (e.labels.some((l) => l.label === op.label)) throw enumLabelExists(op.label);
  const sorted = [...e.labels].sort((a, b) => a.sortOrder - b.sortOrder);
  let sortOrder: number;
  if (op.position === undefined) {
    sortOrder = (sorted[sorted.length - 1]?.sortOrder ?? 0) + 1;
  } else {
    const neighbor = op.position.neighbor;
    const i = sorted.findIndex((l) => l.label === neighbor);
    if (i < 0) throw notAnEnumLabel(neighbor);
    const n = sorted[i]!.sortOrder;
    const other = op.position.where === 'before' ? sorted[i - 1]?.sortOrder : sorted[i + 1]?.sortOrder;
    sortOrder = other === undefined ? (op.position.where === 'before' ? n - 1 : n + 1) : (n + other) / 2;
    if (sortOrder === n || sortOrder === other) {
      // PostgreSQL renumbers the labels here; our keys and rows store sort orders, so that would need a rewrite.
      throw new SqlError(SqlState.featureNotSupported, `no room left between enum labels of type ${e.name} to add "${op.label}"`);
    }
  }
  w.set({ ...e, labels: [...e.labels, { oid: w.allocOid(), label: op.label, sortOrder }] });
}

function renameEnumValue(w: Work, op: Extract<DdlOp, { kind: 'renameEnumValue' }>): void {
  const e = enumTypeOf(w, op.typeOid);
  checkEnumLabel(op.to);
  if (!e.labels.some((l) => l.label === op.from)) throw notAnEnumLabel(op.from);
  if (e.labels.some((l) => l.label === op.to)) throw enumLabelExists(op.to);
  w.set({ ...e, labels: e.labels.map((l) => (l.label === op.from ? { ...l, label: op.to } : l)) });
}

function renameType(w: Work, op: Extract<DdlOp, { kind: 'renameType' }>): void {
  const e = enumTypeOf(w, op.typeOid);
  checkTypeNameFree(w, e.schemaOid, op.newName);
  w.set({ ...e, name: op.newName });
}

/**
 * CatalogState: an immutable snapshot of every descriptor at one schema version.
 * Built only by catalog/ops.ts (applyOp/applyBatch) and catalog/store.ts (load/bootstrap).
 * Lookups never mutate; a changed catalog is a new CatalogState sharing unchanged descriptors.
 */
import type { QualifiedName } from '../sql/ast.js';
import { assert, assertNever } from '../util/assert.js';
import { SqlError, SqlState } from '../util/errors.js';
import { EnumResolver } from '../sql/types/enum.js';
import {
  BootstrapOid,
  type DatabaseDescriptor,
  type Descriptor,
  type EnumTypeDescriptor,
  type IndexDescriptor,
  type Oid,
  type RelationDescriptor,
  type RoleDescriptor,
  type SchemaDescriptor,
  type SequenceDescriptor,
  type TableDescriptor,
  type ViewDescriptor,
} from './descriptors.js';

/** The single database every session connects to (CREATE DATABASE is a later issue). */
export const defaultDatabaseName = 'postgres';

/** What a name in pg_class refers to. Indexes live inside their table's descriptor. */
export type ClassEntry =
  | { readonly kind: 'table'; readonly oid: Oid }
  | { readonly kind: 'sequence'; readonly oid: Oid }
  | { readonly kind: 'view'; readonly oid: Oid }
  | { readonly kind: 'index'; readonly oid: Oid; readonly tableOid: Oid };

/** A resolved relation, any pg_class kind. */
export type ResolvedRelation =
  | TableDescriptor
  | SequenceDescriptor
  | ViewDescriptor
  | IndexDescriptor;

function nameKey(schemaOid: Oid, name: string): string {
  return `${schemaOid}\u0000${name}`;
}

/** Human form of a qualified name for messages: s.t */
export function formatQualifiedName(name: QualifiedName): string {
  return name.join('.');
}

/**
 * Memo of CatalogState.enumResolver (states are frozen): a pure function of immutable states,
 * dropped with the state.
 */
const enumResolvers = new WeakMap<CatalogState, { readonly committed: CatalogState | undefined; readonly resolver: EnumResolver }>();

export class CatalogState {
  /** Schema version: bumped once per committed DDL batch. */
  readonly version: number;
  /** Next OID to allocate (>= firstUserOid). */
  readonly nextOid: number;
  private readonly byOidMap: ReadonlyMap<Oid, Descriptor>;
  private readonly classByName: ReadonlyMap<string, ClassEntry>;
  private readonly schemaByName: ReadonlyMap<string, Oid>;
  private readonly roleByName: ReadonlyMap<string, Oid>;
  private readonly indexTable: ReadonlyMap<Oid, Oid>;
  /** pg_type names of catalog-defined types (enums and their `_name` array types) → type oid. */
  private readonly typeByName: ReadonlyMap<string, Oid>;
  private readonly enumList: readonly EnumTypeDescriptor[];

  private constructor(version: number, nextOid: number, byOid: ReadonlyMap<Oid, Descriptor>) {
    this.version = version;
    this.nextOid = nextOid;
    this.byOidMap = byOid;
    const classByName = new Map<string, ClassEntry>();
    const schemaByName = new Map<string, Oid>();
    const roleByName = new Map<string, Oid>();
    const indexTable = new Map<Oid, Oid>();
    const typeByName = new Map<string, Oid>();
    const enumList: EnumTypeDescriptor[] = [];
    const addClass = (schemaOid: Oid, name: string, entry: ClassEntry): void => {
      const key = nameKey(schemaOid, name);
      assert(!classByName.has(key), `duplicate relation name ${name} in schema ${schemaOid}`);
      classByName.set(key, entry);
    };
    for (const d of byOid.values()) {
      switch (d.kind) {
        case 'schema':
          assert(!schemaByName.has(d.name), `duplicate schema ${d.name}`);
          schemaByName.set(d.name, d.oid);
          break;
        case 'role':
          roleByName.set(d.name, d.oid);
          break;
        case 'table':
          addClass(d.schemaOid, d.name, { kind: 'table', oid: d.oid });
          for (const idx of [d.primaryIndex, ...d.indexes]) {
            if (idx.hidden) continue;
            assert(idx.tableOid === d.oid, 'index tableOid mismatch');
            addClass(d.schemaOid, idx.name, { kind: 'index', oid: idx.oid, tableOid: d.oid });
            indexTable.set(idx.oid, d.oid);
          }
          break;
        case 'sequence':
          addClass(d.schemaOid, d.name, { kind: 'sequence', oid: d.oid });
          break;
        case 'view':
          addClass(d.schemaOid, d.name, { kind: 'view', oid: d.oid });
          break;
        case 'enum':
          assert(!typeByName.has(nameKey(d.schemaOid, d.name)), `duplicate type name ${d.name}`);
          typeByName.set(nameKey(d.schemaOid, d.name), d.oid);
          typeByName.set(nameKey(d.schemaOid, `_${d.name}`), d.arrayOid);
          // Values of the type (I/O, order, key encoding) read it through enumResolver().
          enumList.push(d);
          break;
        case 'database':
          break;
        default:
          assertNever(d, 'descriptor');
      }
    }
    this.classByName = classByName;
    this.schemaByName = schemaByName;
    this.roleByName = roleByName;
    this.indexTable = indexTable;
    this.typeByName = typeByName;
    this.enumList = enumList;
    Object.freeze(this);
  }

  /** Builds a state from descriptors (load, bootstrap); verifies name uniqueness. */
  static fromDescriptors(version: number, nextOid: number, descriptors: Iterable<Descriptor>): CatalogState {
    const m = new Map<Oid, Descriptor>();
    for (const d of descriptors) {
      assert(!m.has(d.oid), `duplicate oid ${d.oid}`);
      assert(d.oid < nextOid, `descriptor oid ${d.oid} >= nextOid ${nextOid}`);
      m.set(d.oid, Object.freeze(d));
    }
    return new CatalogState(version, nextOid, m);
  }

  /** A new state with descriptors replaced/added (`put`) and removed (`remove`). */
  withChanges(changes: {
    readonly version?: number;
    readonly nextOid?: number;
    readonly put?: readonly Descriptor[];
    readonly remove?: readonly Oid[];
  }): CatalogState {
    const m = new Map(this.byOidMap);
    for (const oid of changes.remove ?? []) {
      assert(m.has(oid), `remove of unknown oid ${oid}`);
      m.delete(oid);
    }
    for (const d of changes.put ?? []) m.set(d.oid, Object.freeze(d));
    const nextOid = changes.nextOid ?? this.nextOid;
    assert(nextOid >= this.nextOid, 'nextOid must not go back');
    return new CatalogState(changes.version ?? this.version, nextOid, m);
  }

  // ─── raw access ──────────────────────────────────────────────────────────────────────

  descriptors(): IterableIterator<Descriptor> {
    return this.byOidMap.values();
  }

  get(oid: Oid): Descriptor | undefined {
    return this.byOidMap.get(oid);
  }

  table(oid: Oid): TableDescriptor | undefined {
    const d = this.byOidMap.get(oid);
    return d?.kind === 'table' ? d : undefined;
  }

  /** The table with `oid`; asserts it exists (for oids taken from this same state). */
  mustTable(oid: Oid): TableDescriptor {
    const t = this.table(oid);
    assert(t !== undefined, `table ${oid} not in catalog`);
    return t;
  }

  sequence(oid: Oid): SequenceDescriptor | undefined {
    const d = this.byOidMap.get(oid);
    return d?.kind === 'sequence' ? d : undefined;
  }

  view(oid: Oid): ViewDescriptor | undefined {
    const d = this.byOidMap.get(oid);
    return d?.kind === 'view' ? d : undefined;
  }

  schema(oid: Oid): SchemaDescriptor | undefined {
    const d = this.byOidMap.get(oid);
    return d?.kind === 'schema' ? d : undefined;
  }

  role(oid: Oid): RoleDescriptor | undefined {
    const d = this.byOidMap.get(oid);
    return d?.kind === 'role' ? d : undefined;
  }

  /** The index with `oid` and its table. */
  index(oid: Oid): { readonly table: TableDescriptor; readonly index: IndexDescriptor } | undefined {
    const tableOid = this.indexTable.get(oid);
    if (tableOid === undefined) return undefined;
    const table = this.mustTable(tableOid);
    const index = [table.primaryIndex, ...table.indexes].find((i) => i.oid === oid);
    assert(index !== undefined, `index ${oid} missing from table ${tableOid}`);
    return { table, index };
  }

  database(): DatabaseDescriptor {
    for (const d of this.byOidMap.values()) if (d.kind === 'database') return d;
    throw new Error('catalog has no database descriptor');
  }

  schemas(): SchemaDescriptor[] {
    return [...this.byOidMap.values()].filter((d): d is SchemaDescriptor => d.kind === 'schema');
  }

  tables(): TableDescriptor[] {
    return [...this.byOidMap.values()].filter((d): d is TableDescriptor => d.kind === 'table');
  }

  sequences(): SequenceDescriptor[] {
    return [...this.byOidMap.values()].filter((d): d is SequenceDescriptor => d.kind === 'sequence');
  }

  views(): ViewDescriptor[] {
    return [...this.byOidMap.values()].filter((d): d is ViewDescriptor => d.kind === 'view');
  }

  enumType(oid: Oid): EnumTypeDescriptor | undefined {
    const d = this.byOidMap.get(oid);
    return d?.kind === 'enum' ? d : undefined;
  }

  enumTypes(): EnumTypeDescriptor[] {
    return [...this.enumList];
  }

  /** True when this snapshot has exactly `other`'s enum types (descriptors are immutable objects). */
  sameEnumTypesAs(other: CatalogState): boolean {
    const a = this.enumList;
    const b = other.enumList;
    if (a === b) return true;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  /**
   * The enum types of this snapshot for value conversions (sql/types/enum.ts), built once per
   * (state, committed) pair. `committed`: the latest committed state, when this is a
   * transaction's overlay, to find labels the transaction added (55P04 until COMMIT).
   */
  enumResolver(committed?: CatalogState): EnumResolver {
    const base = committed === this ? undefined : committed;
    const memo = enumResolvers.get(this);
    if (memo !== undefined && memo.committed === base) return memo.resolver;
    const specs = this.enumList.map((e) => {
      const before = base?.enumType(e.oid);
      if (before === undefined || before === e) return e;
      // Labels this transaction added to a committed type: not usable until COMMIT (55P04).
      const uncommitted = new Set(e.labels.filter((l) => !before.labels.some((b) => b.oid === l.oid)).map((l) => l.label));
      return uncommitted.size === 0 ? e : { ...e, uncommitted };
    });
    const resolver = new EnumResolver(specs);
    enumResolvers.set(this, { committed: base, resolver });
    return resolver;
  }

  /** The catalog-defined type (enum or its array type) named `name` in `schemaOid`: its oid. */
  typeOidByName(schemaOid: Oid, name: string): Oid | undefined {
    return this.typeByName.get(nameKey(schemaOid, name));
  }

  /** A catalog-defined type name along the search path (or in its explicit schema): its oid. */
  lookupTypeOid(searchPath: readonly string[], name: QualifiedName, user?: string): Oid | undefined {
    const { schemaName, relName } = splitQualifiedName(name);
    if (schemaName !== undefined) {
      const s = this.schemaByName.get(schemaName);
      return s === undefined ? undefined : this.typeOidByName(s, relName);
    }
    for (const schemaOid of this.effectiveSearchPath(searchPath, user)) {
      const t = this.typeOidByName(schemaOid, relName);
      if (t !== undefined) return t;
    }
    return undefined;
  }

  roles(): RoleDescriptor[] {
    return [...this.byOidMap.values()].filter((d): d is RoleDescriptor => d.kind === 'role');
  }

  // ─── names ───────────────────────────────────────────────────────────────────────────

  schemaOidByName(name: string): Oid | undefined {
    return this.schemaByName.get(name);
  }

  /** The schema named `name`, or 3F000 `schema "x" does not exist`. */
  resolveSchema(name: string): SchemaDescriptor {
    const oid = this.schemaByName.get(name);
    if (oid === undefined) throw new SqlError(SqlState.undefinedSchema, `schema "${name}" does not exist`);
    const s = this.schema(oid);
    assert(s !== undefined, 'schema map out of sync');
    return s;
  }

  roleByNameOrUndefined(name: string): RoleDescriptor | undefined {
    const oid = this.roleByName.get(name);
    return oid === undefined ? undefined : this.role(oid);
  }

  /** The pg_class entry named `name` in `schemaOid`, any kind. */
  classEntry(schemaOid: Oid, name: string): ClassEntry | undefined {
    return this.classByName.get(nameKey(schemaOid, name));
  }

  /**
   * The schemas a search path names, in order, that exist; pg_catalog first unless the path
   * lists it (PostgreSQL's implicit pg_catalog). `$user` resolves to `user` when given.
   */
  effectiveSearchPath(searchPath: readonly string[], user?: string): Oid[] {
    const out: Oid[] = [];
    const names = searchPath.map((s) => (s === '$user' ? user : s));
    if (!names.includes('pg_catalog')) out.push(BootstrapOid.pgCatalog);
    for (const n of names) {
      if (n === undefined) continue;
      const oid = this.schemaByName.get(n);
      if (oid !== undefined && !out.includes(oid)) out.push(oid);
    }
    return out;
  }

  /**
   * The schema a CREATE of `name` goes to: the explicit schema, or the first existing schema of
   * the search path (not the implicit pg_catalog). 3F000 as PostgreSQL.
   */
  creationSchema(searchPath: readonly string[], name: QualifiedName, user?: string): { schema: SchemaDescriptor; name: string } {
    const { schemaName, relName } = splitQualifiedName(name);
    if (schemaName !== undefined) return { schema: this.resolveSchema(schemaName), name: relName };
    for (const s of searchPath) {
      const n = s === '$user' ? user : s;
      if (n === undefined) continue;
      const oid = this.schemaByName.get(n);
      if (oid !== undefined) {
        const schema = this.schema(oid);
        assert(schema !== undefined, 'schema map out of sync');
        return { schema, name: relName };
      }
    }
    throw new SqlError(SqlState.undefinedSchema, 'no schema has been selected to create in');
  }

  /** Looks `name` up along the search path (or in its explicit schema); undefined if absent. */
  lookupClass(searchPath: readonly string[], name: QualifiedName, user?: string): ClassEntry | undefined {
    const { schemaName, relName } = splitQualifiedName(name);
    if (schemaName !== undefined) {
      return this.classEntry(this.resolveSchema(schemaName).oid, relName);
    }
    for (const schemaOid of this.effectiveSearchPath(searchPath, user)) {
      const e = this.classEntry(schemaOid, relName);
      if (e !== undefined) return e;
    }
    return undefined;
  }

  /** Any relation (table, view, sequence, index) or 42P01 `relation "x" does not exist`. */
  resolveRelation(searchPath: readonly string[], name: QualifiedName, user?: string): ResolvedRelation {
    const e = this.lookupClass(searchPath, name, user);
    if (e === undefined) throw undefinedRelation(name);
    return this.classDescriptor(e);
  }

  /** The descriptor a pg_class entry names. */
  classDescriptor(e: ClassEntry): ResolvedRelation {
    switch (e.kind) {
      case 'table': return this.mustTable(e.oid);
      case 'sequence': {
        const s = this.sequence(e.oid);
        assert(s !== undefined, 'sequence map out of sync');
        return s;
      }
      case 'view': {
        const v = this.view(e.oid);
        assert(v !== undefined, 'view map out of sync');
        return v;
      }
      case 'index': {
        const i = this.index(e.oid);
        assert(i !== undefined, 'index map out of sync');
        return i.index;
      }
      default:
        assertNever(e, 'class entry');
    }
  }

  /** A table (42P01 when absent, 42809 `"x" is not a table` for another relation kind). */
  resolveTable(searchPath: readonly string[], name: QualifiedName, user?: string): TableDescriptor {
    const r = this.resolveRelation(searchPath, name, user);
    if (r.kind !== 'table') {
      throw new SqlError(SqlState.wrongObjectType, `"${name[name.length - 1]}" is not a table`);
    }
    return r;
  }

  /** A sequence (42P01 when absent, 42809 `"x" is not a sequence`). */
  resolveSequence(searchPath: readonly string[], name: QualifiedName, user?: string): SequenceDescriptor {
    const r = this.resolveRelation(searchPath, name, user);
    if (r.kind !== 'sequence') {
      throw new SqlError(SqlState.wrongObjectType, `"${name[name.length - 1]}" is not a sequence`);
    }
    return r;
  }

  /** An index and its table (42P01 when absent, 42809 `"x" is not an index`). */
  resolveIndex(
    searchPath: readonly string[],
    name: QualifiedName,
    user?: string,
  ): { readonly table: TableDescriptor; readonly index: IndexDescriptor } {
    const e = this.lookupClass(searchPath, name, user);
    if (e === undefined) throw undefinedRelation(name);
    if (e.kind !== 'index') {
      throw new SqlError(SqlState.wrongObjectType, `"${name[name.length - 1]}" is not an index`);
    }
    const r = this.index(e.oid);
    assert(r !== undefined, 'index map out of sync');
    return r;
  }

  /** A relation by oid (regclass), any kind. */
  relationByOid(oid: Oid): ResolvedRelation | undefined {
    const d = this.byOidMap.get(oid);
    if (d !== undefined) {
      if (d.kind === 'table' || d.kind === 'sequence' || d.kind === 'view') return d;
      return undefined;
    }
    return this.index(oid)?.index;
  }

  /** The schema-qualified name of a relation for messages/regclass output. */
  relationSchemaOid(r: RelationDescriptor | IndexDescriptor): Oid {
    if (r.kind === 'index') return this.mustTable(r.tableOid).schemaOid;
    return r.schemaOid;
  }
}

/** Splits ['t'] / ['s','t'] / ['db','s','t'] (db must be the current database). */
export function splitQualifiedName(name: QualifiedName): { schemaName?: string; relName: string } {
  assert(name.length >= 1, 'empty qualified name');
  switch (name.length) {
    case 1:
      return { relName: name[0]! };
    case 2:
      return { schemaName: name[0]!, relName: name[1]! };
    case 3:
      if (name[0] !== defaultDatabaseName) {
        throw new SqlError(
          SqlState.featureNotSupported,
          `cross-database references are not implemented: ${formatQualifiedName(name)}`,
        );
      }
      return { schemaName: name[1]!, relName: name[2]! };
    default:
      throw new SqlError(
        SqlState.syntaxError,
        `improper qualified name (too many dotted names): ${formatQualifiedName(name)}`,
      );
  }
}

export function undefinedRelation(name: QualifiedName): SqlError {
  return new SqlError(SqlState.undefinedTable, `relation "${formatQualifiedName(name)}" does not exist`);
}

/**
 * Enum types (CREATE TYPE ... AS ENUM): the value-level side. An enum datum is its label
 * (a string); comparison, key and row encoding use the label's sort order (a float, like
 * pg_enum.enumsortorder, never renumbered, so stored keys stay ordered after ADD VALUE).
 *
 * Which labels a type has depends on the statement's catalog snapshot (committed, or the
 * transaction's overlay with its own ADD VALUE / RENAME VALUE): value conversions read the
 * EnumResolver of the running statement. The session builds it from the statement's CatalogState
 * (catalog/state.ts `enumResolver`):
 *  - a statement whose transaction changed no enum type uses the latest committed catalog's types
 *    (`useCommittedEnumTypes`), shared by every such session — what PostgreSQL's catalog
 *    snapshots show too;
 *  - a transaction with its own uncommitted enum DDL gets its types for its async call chain
 *    (`usePrivateEnumTypes`, an AsyncLocalStorage), so no other session sees them. The storage is
 *    enabled only while such a transaction exists (`enterPrivateEnumTypes` / `leavePrivateEnumTypes`):
 *    an enabled AsyncLocalStorage makes Node 20 run a hook for every promise, which cost the
 *    prepared point SELECT ~15 % of its CPU.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { assert } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';
import type { TypeInfo } from './index.js';

/** NAMEDATALEN - 1: longest enum label in bytes. */
export const enumLabelBytesMax = 63;

export interface EnumLabelSpec {
  readonly label: string;
  readonly sortOrder: number;
  /** pg_enum.oid */
  readonly oid: number;
}

/** The parts of an enum type descriptor (catalog EnumTypeDescriptor) values need. */
export interface EnumTypeSpec {
  readonly oid: number;
  readonly arrayOid: number;
  readonly name: string;
  readonly labels: readonly EnumLabelSpec[];
  /**
   * Labels added by ALTER TYPE ... ADD VALUE in the statement's open transaction (to a type that
   * existed before it): input refuses them with 55P04 until COMMIT, as PostgreSQL.
   */
  readonly uncommitted?: ReadonlySet<string>;
}

/** SQLSTATE 55P04 unsafe_new_enum_value_usage. */
const unsafeNewEnumValueUsageState = '55P04';

interface EnumEntry {
  readonly spec: EnumTypeSpec;
  readonly byLabel: ReadonlyMap<string, number>;
  readonly bySortOrder: ReadonlyMap<number, string>;
  readonly info: TypeInfo;
  readonly arrayInfo: TypeInfo;
}

/** The enum types of one catalog snapshot, by type oid and by array type oid. */
export class EnumResolver {
  private readonly byOid = new Map<number, EnumEntry>();
  private readonly byArrayOid = new Map<number, EnumEntry>();

  constructor(specs: Iterable<EnumTypeSpec>) {
    for (const spec of specs) {
      const e = enumEntry(spec);
      this.byOid.set(spec.oid, e);
      this.byArrayOid.set(spec.arrayOid, e);
    }
  }

  entry(oid: number): EnumEntry | undefined {
    return this.byOid.get(oid);
  }

  arrayEntry(arrayOid: number): EnumEntry | undefined {
    return this.byArrayOid.get(arrayOid);
  }
}

/**
 * Memo of the derived lookup tables per (immutable) spec: catalog versions share unchanged
 * descriptors, so a new snapshot's resolver rebuilds only the types that changed.
 */
const entryBySpec = new WeakMap<EnumTypeSpec, EnumEntry>();

function enumEntry(spec: EnumTypeSpec): EnumEntry {
  const memo = entryBySpec.get(spec);
  if (memo !== undefined) return memo;
  const byLabel = new Map<string, number>();
  const bySortOrder = new Map<number, string>();
  for (const l of spec.labels) {
    assert(!byLabel.has(l.label), `duplicate enum label ${l.label}`);
    byLabel.set(l.label, l.sortOrder);
    bySortOrder.set(l.sortOrder, l.label);
  }
  const info: TypeInfo = Object.freeze({
    oid: spec.oid, name: spec.name, typlen: 4, typbyval: true, typtype: 'e', typcategory: 'E', typispreferred: false,
    typelem: 0, typarray: spec.arrayOid, typdelim: ',', typinput: 'enum_in', typoutput: 'enum_out',
    typreceive: 'enum_recv', typsend: 'enum_send', typalign: 'i', typstorage: 'p',
  });
  const arrayInfo: TypeInfo = Object.freeze({
    oid: spec.arrayOid, name: `_${spec.name}`, typlen: -1, typbyval: false, typtype: 'b', typcategory: 'A',
    typispreferred: false, typelem: spec.oid, typarray: 0, typdelim: ',', typinput: 'array_in', typoutput: 'array_out',
    typreceive: 'array_recv', typsend: 'array_send', typalign: 'i', typstorage: 'x',
  });
  const e: EnumEntry = { spec, byLabel, bySortOrder, info, arrayInfo };
  entryBySpec.set(spec, e);
  return e;
}

/** The latest committed catalog's enum types (statements without enum DDL of their own). */
let committedEnums: EnumResolver | undefined;
/** Enum types of transactions with uncommitted enum DDL, per async call chain. */
const privateEnums = new AsyncLocalStorage<EnumResolver | undefined>();
/** Transactions with uncommitted enum DDL; the AsyncLocalStorage is disabled while there are none. */
let privateUsers = 0;

function current(): EnumResolver | undefined {
  return (privateUsers > 0 ? privateEnums.getStore() : undefined) ?? committedEnums;
}

/** The committed catalog's enum types become current (for this chain too, if it had private ones). */
export function useCommittedEnumTypes(resolver: EnumResolver): void {
  committedEnums = resolver;
  if (privateUsers > 0 && privateEnums.getStore() !== undefined) privateEnums.enterWith(undefined);
}

/** A transaction's own enum types for the current async call chain (needs enterPrivateEnumTypes). */
export function usePrivateEnumTypes(resolver: EnumResolver): void {
  assert(privateUsers > 0, 'private enum types without enterPrivateEnumTypes');
  if (privateEnums.getStore() !== resolver) privateEnums.enterWith(resolver);
}

/** A transaction starts having uncommitted enum DDL. */
export function enterPrivateEnumTypes(): void {
  privateUsers++;
}

/** A transaction with uncommitted enum DDL ended; the last one disables the AsyncLocalStorage. */
export function leavePrivateEnumTypes(): void {
  assert(privateUsers > 0, 'unbalanced leavePrivateEnumTypes');
  if (--privateUsers === 0) privateEnums.disable();
}

/** Runs `f` with `resolver` as the enum types (tests, and callers outside a session). */
export function withEnumTypes<T>(resolver: EnumResolver, f: () => T): T {
  enterPrivateEnumTypes();
  try {
    return privateEnums.run(resolver, f);
  } finally {
    leavePrivateEnumTypes();
  }
}

export function isEnumOid(oid: number): boolean {
  return current()?.entry(oid) !== undefined;
}

/** pg_type rows of an enum type or its array type in the statement's catalog. */
export function enumTypeInfo(oid: number): TypeInfo | undefined {
  const r = current();
  if (r === undefined) return undefined;
  return r.entry(oid)?.info ?? r.arrayEntry(oid)?.arrayInfo;
}

function entry(oid: number): EnumEntry {
  const e = current()?.entry(oid);
  if (e === undefined) throw new SqlError(SqlState.undefinedObject, `type with OID ${oid} does not exist`);
  return e;
}

/** The labels in sort order. */
export function enumLabels(oid: number): readonly string[] {
  return [...entry(oid).spec.labels].sort((a, b) => a.sortOrder - b.sortOrder).map((l) => l.label);
}

/** enum_in: the label itself, or 22P02 as PostgreSQL. */
export function enumIn(oid: number, text: string): string {
  const e = entry(oid);
  if (!e.byLabel.has(text)) {
    throw new SqlError(SqlState.invalidTextRepresentation, `invalid input value for enum ${e.spec.name}: "${text}"`);
  }
  return checkSafeEnumUse(oid, text);
}

/** PostgreSQL's check_safe_enum_use: 55P04 for a label added by the open transaction. */
export function checkSafeEnumUse(oid: number, label: string): string {
  const e = entry(oid);
  if (e.spec.uncommitted?.has(label) === true) {
    throw new SqlError(unsafeNewEnumValueUsageState, `unsafe use of new value "${label}" of enum type ${e.spec.name}`, {
      hint: 'New enum values must be committed before they can be used.',
    });
  }
  return label;
}

/** The sort order of `label` (a label of this type: values were checked on input). */
export function enumSortOrder(oid: number, label: string): number {
  const s = entry(oid).byLabel.get(label);
  if (s === undefined) throw new SqlError(SqlState.invalidTextRepresentation, `invalid input value for enum ${entry(oid).spec.name}: "${label}"`);
  return s;
}

/** The label stored as `sortOrder` (rows and keys keep sort orders so RENAME VALUE needs no rewrite). */
export function enumLabelOf(oid: number, sortOrder: number): string {
  const l = entry(oid).bySortOrder.get(sortOrder);
  if (l === undefined) throw new SqlError(SqlState.internalError, `invalid internal value for enum: ${sortOrder}`);
  return l;
}

export function compareEnum(oid: number, a: string, b: string): number {
  const x = enumSortOrder(oid, a);
  const y = enumSortOrder(oid, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

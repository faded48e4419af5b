/**
 * Enum types (CREATE TYPE ... AS ENUM): the value-level side. An enum datum is its label
 * (a string); comparison, key and row encoding use the label's sort order (a float, like
 * pg_enum.enumsortorder, never renumbered, so stored keys stay ordered after ADD VALUE).
 *
 * The catalog (catalog/state.ts) registers every enum descriptor of every CatalogState it
 * builds, keyed by type oid (oids are cluster-unique, so states never disagree on what an oid
 * is). The entry is the most recently built version of that type: a label added or renamed
 * inside an open transaction is visible to value conversions of other sessions before COMMIT
 * (catalog lookups by name — pg_type, pg_enum, type names — stay per transaction).
 */
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

/** What the catalog registers: the parts of an enum type descriptor values need. */
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

const enumsByOid = new Map<number, EnumEntry>();
const enumArrays = new Map<number, number>();

/** Registers (or replaces) the value-level view of an enum type; the same spec object is a no-op. */
export function registerEnumType(spec: EnumTypeSpec): void {
  const old = enumsByOid.get(spec.oid);
  if (old !== undefined && old.spec === spec) return;
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
  enumsByOid.set(spec.oid, { spec, byLabel, bySortOrder, info, arrayInfo });
  enumArrays.set(spec.arrayOid, spec.oid);
}

export function isEnumOid(oid: number): boolean {
  return enumsByOid.has(oid);
}

/** pg_type rows of a registered enum type or its array type. */
export function enumTypeInfo(oid: number): TypeInfo | undefined {
  const e = enumsByOid.get(oid);
  if (e !== undefined) return e.info;
  const elem = enumArrays.get(oid);
  return elem === undefined ? undefined : enumsByOid.get(elem)?.arrayInfo;
}

function entry(oid: number): EnumEntry {
  const e = enumsByOid.get(oid);
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

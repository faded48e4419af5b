/**
 * PostgreSQL's generated names (src/backend/commands/indexcmds.c makeObjectName /
 * ChooseRelationName, catalog/pg_constraint.c ChooseConstraintName): `t_pkey`, `t_a_key`,
 * `t_a_b_idx`, `t_a_check`, `t_id_seq`, with collisions resolved as `t_a_key1`, `t_a_key2`...
 */
import { assert } from '../util/assert.js';
import { SqlError, SqlState } from '../util/errors.js';
import type { Oid } from './descriptors.js';
import type { CatalogState } from './state.js';

/** NAMEDATALEN - 1: identifiers longer than this (in bytes) are truncated. */
export const identifierBytesMax = 63;
/** Bound on the collision-suffix search (PostgreSQL loops forever; we never get near this). */
const nameCollisionTriesMax = 100_000;

const utf8 = new TextEncoder();

function byteLength(s: string): number {
  return utf8.encode(s).length;
}

/** The longest prefix of `s` (whole code points) with at most `bytes` UTF-8 bytes. */
export function clipToBytes(s: string, bytes: number): string {
  let out = '';
  let used = 0;
  for (const ch of s) {
    const n = byteLength(ch);
    if (used + n > bytes) break;
    out += ch;
    used += n;
  }
  return out;
}

/** makeObjectName(name1, name2, label): name1_name2_label, shortening the longer name first. */
export function makeObjectName(name1: string, name2: string | undefined, label: string | undefined): string {
  let overhead = 0;
  if (name2 !== undefined) overhead += 1;
  if (label !== undefined) overhead += byteLength(label) + 1;
  const availBytes = identifierBytesMax - overhead;
  assert(availBytes > 0, 'label too long');
  let name1Bytes = byteLength(name1);
  let name2Bytes = name2 === undefined ? 0 : byteLength(name2);
  while (name1Bytes + name2Bytes > availBytes) {
    if (name1Bytes > name2Bytes) name1Bytes--;
    else name2Bytes--;
  }
  let out = clipToBytes(name1, name1Bytes);
  if (name2 !== undefined) out += '_' + clipToBytes(name2, name2Bytes);
  if (label !== undefined) out += '_' + label;
  return out;
}

/** Is `name` taken by any constraint of any relation in the schema (pg_constraint.connamespace)? */
export function constraintNameInSchema(state: CatalogState, schemaOid: Oid, name: string): boolean {
  for (const t of state.tables()) {
    if (t.schemaOid !== schemaOid) continue;
    if (t.constraints.some((c) => c.name === name)) return true;
  }
  return false;
}

/**
 * ChooseRelationName: a name free in pg_class of the schema (and, for constraint-backing
 * indexes, among the schema's constraint names), not in `alsoTaken`.
 */
export function chooseRelationName(
  state: CatalogState,
  schemaOid: Oid,
  parts: { readonly name1: string; readonly name2?: string; readonly label: string },
  opts: { readonly isConstraint: boolean; readonly alsoTaken?: ReadonlySet<string> },
): string {
  for (let pass = 0; pass < nameCollisionTriesMax; pass++) {
    const label = pass === 0 ? parts.label : `${parts.label}${pass}`;
    const name = makeObjectName(parts.name1, parts.name2, label);
    if (state.classEntry(schemaOid, name) !== undefined) continue;
    if (opts.isConstraint && constraintNameInSchema(state, schemaOid, name)) continue;
    if (opts.alsoTaken?.has(name) === true) continue;
    return name;
  }
  throw new Error('could not choose a relation name');
}

/** ChooseConstraintName: free among the schema's constraint names and `alsoTaken`. */
export function chooseConstraintName(
  state: CatalogState,
  schemaOid: Oid,
  parts: { readonly name1: string; readonly name2?: string; readonly label: string },
  alsoTaken?: ReadonlySet<string>,
): string {
  for (let pass = 0; pass < nameCollisionTriesMax; pass++) {
    const label = pass === 0 ? parts.label : `${parts.label}${pass}`;
    const name = makeObjectName(parts.name1, parts.name2, label);
    if (constraintNameInSchema(state, schemaOid, name)) continue;
    if (alsoTaken?.has(name) === true) continue;
    return name;
  }
  throw new Error('could not choose a constraint name');
}

/** ChooseIndexNameAddition: column names joined by '_', clipped to identifierBytesMax. */
export function indexNameAddition(columnNames: readonly string[]): string {
  let buf = '';
  for (const name of columnNames) {
    if (buf.length > 0) buf += '_';
    buf += name;
    if (byteLength(buf) >= identifierBytesMax) break;
  }
  return clipToBytes(buf, identifierBytesMax);
}

/** `a.b`, `"A".b` → ['a', 'b'] / ['A', 'b'] as PostgreSQL's stringToQualifiedNameList. */
export function splitIdentifiers(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  const invalid = (): SqlError => new SqlError(SqlState.invalidName, 'invalid name syntax');
  while (i <= text.length) {
    while (text[i] === ' ') i++;
    let part = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw invalid();
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            part += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        part += text[i++];
      }
    } else {
      const start = i;
      while (i < text.length && text[i] !== '.' && text[i] !== ' ') i++;
      part = text.slice(start, i).toLowerCase();
      if (part === '') throw invalid();
    }
    out.push(part);
    while (text[i] === ' ') i++;
    if (i >= text.length) break;
    if (text[i] !== '.') throw invalid();
    i++;
  }
  return out;
}

/**
 * KV keys of the system tables the catalog owns, built with sql/encoding's prefix helpers:
 *   /1/1/<oid>   descriptor JSON (table id 1: catalog descriptors)
 *   /2/1/1       catalog meta JSON {version, nextOid} (table id 2: catalog meta)
 *   /2/1/2       oid counter (u32 big-endian): the next oid to hand out, advanced with
 *                kv.atomicUpdate (never rolled back, like a sequence) so that concurrent DDL
 *                transactions allocate distinct oids and do not conflict on predictions
 *   /3/1/<oid>   sequence state (table id 3: one key per sequence oid; also a table's rowid counter)
 * A table's descriptor key doubles as its lock key (tableLockKey): DML takes it SHARED for the
 * rest of its transaction, DDL EXCLUSIVE at statement time.
 */
import { encodeUvarintSortable, indexPrefix, KeyWriter, prefixEnd } from '../sql/encoding/key.js';
import type { Span } from '../cluster/kv/api.js';
import { assert } from '../util/assert.js';
import { type Oid, SystemTableId } from './descriptors.js';

const primaryIndexId = 1;
const metaRowId = 1;
const oidCounterRowId = 2;

function systemKey(tableId: number, id: number): Uint8Array {
  assert(Number.isInteger(id) && id >= 0, `bad system key id ${id}`);
  const w = new KeyWriter();
  w.bytes(indexPrefix(tableId, primaryIndexId));
  encodeUvarintSortable(w, id);
  return w.finish();
}

export function descriptorKey(oid: Oid): Uint8Array {
  return systemKey(SystemTableId.descriptors, oid);
}

/** The span holding every descriptor. */
export function descriptorSpan(): Span {
  const start = indexPrefix(SystemTableId.descriptors, primaryIndexId);
  return { start, end: prefixEnd(start) };
}

export function catalogMetaKey(): Uint8Array {
  return systemKey(SystemTableId.meta, metaRowId);
}

export function oidCounterKey(): Uint8Array {
  return systemKey(SystemTableId.meta, oidCounterRowId);
}

/** Where nextval keeps a sequence's state (and a rowid table its counter, under the table oid). */
export function sequenceValueKey(oid: Oid): Uint8Array {
  return systemKey(SystemTableId.sequences, oid);
}

/** The key a statement locks SHARED (DML) or EXCLUSIVE (DDL) to order itself against DDL on table `oid`. */
export function tableLockKey(oid: Oid): Uint8Array {
  return descriptorKey(oid);
}

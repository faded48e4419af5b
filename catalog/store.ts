/**
 * CatalogStore: the committed catalog of this node, persisted in the KV store.
 *
 * Every descriptor is one JSON value under /1/1/<oid>; /2/1/1 holds {version, nextOid}.
 * A DDL transaction calls stage() inside its own KV transaction (so catalog and data changes
 * commit atomically), commits that transaction, then install()s the returned state.
 * One version bump per staged batch. A restarted node loads exactly what was committed.
 */
import type { Kv, Txn } from '../cluster/kv/api.js';
import { assert } from '../util/assert.js';
import { SqlError, SqlState } from '../util/errors.js';
import { bootstrapDescriptors, bootstrapVersion } from './bootstrap.js';
import { type Descriptor, firstUserOid, type Oid } from './descriptors.js';
import { catalogMetaKey, descriptorKey, descriptorSpan, oidCounterKey } from './keys.js';
import { applyBatch, applyOp, type DdlOp } from './ops.js';
import { CatalogState } from './state.js';

/** Bound on descriptors loaded at start (a runaway scan is a bug, not a big catalog). */
export const catalogDescriptorsMax = 1_000_000;

interface CatalogMeta {
  readonly version: number;
  readonly nextOid: number;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

function encodeJson(value: unknown): Uint8Array {
  return utf8Encoder.encode(JSON.stringify(value));
}

function decodeMeta(bytes: Uint8Array): CatalogMeta {
  const m = JSON.parse(utf8Decoder.decode(bytes)) as CatalogMeta;
  assert(Number.isInteger(m.version) && m.version >= bootstrapVersion, 'catalog meta: bad version');
  assert(Number.isInteger(m.nextOid) && m.nextOid >= firstUserOid, 'catalog meta: bad nextOid');
  return m;
}

function decodeDescriptor(bytes: Uint8Array): Descriptor {
  const d = JSON.parse(utf8Decoder.decode(bytes)) as Descriptor;
  assert(typeof d === 'object' && d !== null && typeof d.kind === 'string', 'descriptor: bad shape');
  assert(Number.isInteger(d.oid) && d.oid > 0, 'descriptor: bad oid');
  return d;
}

export function concurrentDdlError(): SqlError {
  return new SqlError(SqlState.serializationFailure, 'could not serialize access due to concurrent DDL', {
    hint: 'The transaction might succeed if retried.',
  });
}

const oidCounterBytes = 4;

/**
 * Hands out `count` consecutive fresh oids from the cluster-wide counter (non-transactional:
 * a rolled-back DDL wastes its oids, as in PostgreSQL). Never below `atLeast` (the catalog's
 * nextOid), so oids allocated before the counter existed are never reused.
 */
export async function allocateOids(kv: Kv, atLeast: number, count: number): Promise<number> {
  assert(Number.isInteger(count) && count > 0, 'oid count');
  let first = 0;
  await kv.atomicUpdate(oidCounterKey(), (old) => {
    const stored = old === undefined ? firstUserOid : new DataView(old.buffer, old.byteOffset, old.byteLength).getUint32(0);
    first = Math.max(stored, atLeast, firstUserOid);
    const next = first + count;
    assert(next <= 0xffffffff, 'oid space exhausted');
    const out = new Uint8Array(oidCounterBytes);
    new DataView(out.buffer).setUint32(0, next);
    return out;
  });
  assert(first >= firstUserOid, 'allocated oid below firstUserOid');
  return first;
}

/** Oids a batch reads or names: every `oid`/`...Oid` field and `dependsOn` entry in its ops. */
function referencedOids(ops: readonly DdlOp[]): Set<Oid> {
  const out = new Set<Oid>();
  const walk = (v: unknown, key: string): void => {
    if (typeof v === 'number') {
      if (key === 'oid' || key.endsWith('Oid') || key === 'dependsOn') out.add(v);
      return;
    }
    if (Array.isArray(v)) {
      for (const x of v) walk(x, key);
      return;
    }
    if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(ops, '');
  return out;
}

function sameDescriptor(a: Descriptor | undefined, b: Descriptor | undefined): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function changedOids(before: CatalogState, after: CatalogState): Set<Oid> {
  const out = new Set<Oid>();
  for (const d of after.descriptors()) if (!sameDescriptor(before.get(d.oid), d)) out.add(d.oid);
  for (const d of before.descriptors()) if (after.get(d.oid) === undefined) out.add(d.oid);
  return out;
}

/**
 * Decides whether `ops`, validated against `base`, may commit on top of the newer committed
 * state `current`: every descriptor the batch changes or names must be unchanged between the
 * two, and the batch must have exactly the same effect on `current` as on `base` (so a DROP
 * SCHEMA ... CASCADE that would now sweep up a concurrently created table is refused). Oids
 * come from the cluster-wide counter, so concurrent CREATEs never collide on them. Returns
 * `current` when the batch commutes; throws 40001 otherwise.
 */
export function rebaseBatch(base: CatalogState, current: CatalogState, ops: readonly DdlOp[]): CatalogState {
  let onBase = base;
  for (const op of ops) onBase = applyOp(onBase, op);
  const touched = changedOids(base, onBase);
  const names = referencedOids(ops);
  for (const oid of [...touched, ...names]) {
    const tableOid = base.index(oid)?.table.oid ?? oid;
    if (!sameDescriptor(base.get(tableOid), current.get(tableOid))) throw concurrentDdlError();
  }
  let onCurrent = current;
  try {
    for (const op of ops) onCurrent = applyOp(onCurrent, op);
  } catch (err) {
    if (err instanceof SqlError) throw concurrentDdlError();
    throw err;
  }
  const effect = changedOids(current, onCurrent);
  if (effect.size !== touched.size) throw concurrentDdlError();
  for (const oid of touched) {
    if (!effect.has(oid) || !sameDescriptor(onBase.get(oid), onCurrent.get(oid))) throw concurrentDdlError();
  }
  return current;
}

export type CatalogListener = (state: CatalogState) => void;

export interface CatalogStore {
  /** The newest installed committed state. */
  current(): CatalogState;
  /**
   * Writes `ops` applied to `base` into `txn`: locks the meta key, fails with 40001 when the
   * committed version is no longer base.version, writes changed/removed descriptors and the new
   * meta. Returns the new state (version base.version + 1); install it after txn commits.
   */
  stage(txn: Txn, base: CatalogState, ops: readonly DdlOp[]): Promise<CatalogState>;
  /** Makes a committed state current (ignored when not newer) and tells listeners. */
  install(state: CatalogState): void;
  /** Re-reads the committed catalog from KV when its version moved (e.g. a missed install). */
  refresh(): Promise<CatalogState>;
  onChange(listener: CatalogListener): () => void;
}

const readOpts = { isolation: 'read committed', readOnly: true, consistency: { kind: 'strong' } } as const;
const writeOpts = { isolation: 'read committed', readOnly: false, consistency: { kind: 'strong' } } as const;

async function loadState(txn: Txn, meta: CatalogMeta): Promise<CatalogState> {
  const descriptors: Descriptor[] = [];
  for await (const kv of txn.scan(descriptorSpan())) {
    descriptors.push(decodeDescriptor(kv.value));
    assert(descriptors.length <= catalogDescriptorsMax, 'too many descriptors');
  }
  return CatalogState.fromDescriptors(meta.version, meta.nextOid, descriptors);
}

/** Opens the catalog: bootstraps it on first start, else loads the committed state. */
export async function openCatalog(kv: Kv): Promise<CatalogStore> {
  const txn = kv.begin(writeOpts);
  try {
    const locked = await txn.lock(catalogMetaKey());
    assert(locked.kind === 'locked', 'meta lock');
    let state: CatalogState;
    if (locked.value === undefined) {
      const descriptors = bootstrapDescriptors();
      for (const d of descriptors) txn.put(descriptorKey(d.oid), encodeJson(d));
      const meta: CatalogMeta = { version: bootstrapVersion, nextOid: firstUserOid };
      txn.put(catalogMetaKey(), encodeJson(meta));
      state = CatalogState.fromDescriptors(meta.version, meta.nextOid, descriptors);
    } else {
      state = await loadState(txn, decodeMeta(locked.value));
    }
    await txn.commit();
    return new KvCatalogStore(kv, state);
  } catch (err) {
    if (txn.state === 'open') await txn.rollback();
    throw err;
  }
}

class KvCatalogStore implements CatalogStore {
  private state: CatalogState;
  private readonly listeners = new Set<CatalogListener>();

  constructor(
    private readonly kv: Kv,
    initial: CatalogState,
  ) {
    this.state = initial;
  }

  current(): CatalogState {
    return this.state;
  }

  async stage(txn: Txn, base: CatalogState, ops: readonly DdlOp[]): Promise<CatalogState> {
    assert(txn.state === 'open', 'stage needs an open transaction');
    const locked = await txn.lock(catalogMetaKey());
    assert(locked.kind === 'locked', 'meta lock');
    assert(locked.value !== undefined, 'catalog meta missing');
    const committed = decodeMeta(locked.value);
    let from = base;
    if (committed.version !== base.version) {
      // Another DDL batch committed since this transaction's DDL was validated: commit on top
      // of it only when the two commute (see rebaseBatch), else 40001.
      assert(committed.version > base.version, 'committed catalog went back');
      const current = committed.version === this.state.version ? this.state : await this.load(committed.version);
      from = rebaseBatch(base, current, ops);
    } else {
      assert(committed.nextOid === base.nextOid, 'same version, different nextOid');
    }
    const next = applyBatch(from, ops);
    assert(next.version === from.version + 1, 'one version bump per batch');
    let written = 0;
    for (const d of next.descriptors()) {
      if (from.get(d.oid) === d) continue;
      txn.put(descriptorKey(d.oid), encodeJson(d));
      written++;
    }
    for (const d of from.descriptors()) {
      if (next.get(d.oid) === undefined) {
        txn.delete(descriptorKey(d.oid));
        written++;
      }
    }
    assert(written <= catalogDescriptorsMax, 'batch too large');
    const meta: CatalogMeta = { version: next.version, nextOid: next.nextOid };
    txn.put(catalogMetaKey(), encodeJson(meta));
    return next;
  }

  /** The committed state at `version`, read in a fresh transaction (the caller holds the meta lock). */
  private async load(version: number): Promise<CatalogState> {
    const txn = this.kv.begin(readOpts);
    try {
      const bytes = await txn.get(catalogMetaKey());
      assert(bytes !== undefined, 'catalog meta missing');
      const meta = decodeMeta(bytes);
      assert(meta.version === version, 'catalog moved while its meta key was locked');
      const state = await loadState(txn, meta);
      await txn.commit();
      return state;
    } finally {
      if (txn.state === 'open') await txn.rollback();
    }
  }

  install(state: CatalogState): void {
    if (state.version <= this.state.version) return;
    this.state = state;
    for (const l of [...this.listeners]) l(state);
  }

  async refresh(): Promise<CatalogState> {
    const txn = this.kv.begin(readOpts);
    try {
      const bytes = await txn.get(catalogMetaKey());
      assert(bytes !== undefined, 'catalog meta missing');
      const meta = decodeMeta(bytes);
      if (meta.version > this.state.version) this.install(await loadState(txn, meta));
      await txn.commit();
    } finally {
      if (txn.state === 'open') await txn.rollback();
    }
    return this.state;
  }

  onChange(listener: CatalogListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}

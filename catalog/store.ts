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
import { type Descriptor, firstUserOid } from './descriptors.js';
import { catalogMetaKey, descriptorKey, descriptorSpan } from './keys.js';
import { applyBatch, type DdlOp } from './ops.js';
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
    if (committed.version !== base.version) throw concurrentDdlError();
    assert(committed.nextOid === base.nextOid, 'same version, different nextOid');
    const next = applyBatch(base, ops);
    assert(next.version === base.version + 1, 'one version bump per batch');
    let written = 0;
    for (const d of next.descriptors()) {
      if (base.get(d.oid) === d) continue;
      txn.put(descriptorKey(d.oid), encodeJson(d));
      written++;
    }
    for (const d of base.descriptors()) {
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

/**
 * INSERT ... ON CONFLICT execution (PostgreSQL's speculative insertion, READ COMMITTED):
 * for each proposed row, lock the key of every arbiter index entry it would have (the lock waits
 * for a concurrent inserter and returns the newest committed entry). No conflict: insert.
 * Conflict + DO NOTHING: skip (a conflict the statement's snapshot already sees is found by a
 * plain read, so skipping holds no lock on the existing row). Conflict + DO UPDATE: lock the existing row, and when it is gone
 * or no longer conflicts (changed concurrently) start over; a row this command already inserted
 * or updated is 21000; WHERE over existing ++ EXCLUDED decides; the update goes through
 * table.ts like UPDATE (other unique indexes still raise 23505).
 */
import type { Datum } from '../types/index.js';
import type { OnConflictPlan, Plan } from '../plan/plan.js';
import { assert } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';
import { compiled, evaluate, isTrue, type Env } from './expr.js';
import { FkQueue } from './foreign-key.js';
import { checkAbort, collect, computeGenerated, insertOne, returningRow, run, validateRow, writeOptions } from './run.js';
import {
  decodeIndexEntry,
  decodeTableRow,
  indexEntry,
  primaryKeyFromValues,
  primaryKeyOf,
  tableCodec,
  updateRow,
  type IndexCodec,
  type TableCodec,
  type WriteOptions,
} from './table.js';

/** Start-overs for one proposed row when its conflicting row keeps changing under us. */
const upsertAttemptsMax = 100;

type Row = Datum[];

function hex(key: Uint8Array): string {
  return Buffer.from(key).toString('hex');
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The key a row has in index `ic` when it can conflict there (null: a NULL key column never conflicts). */
function arbiterKey(codec: TableCodec, ic: IndexCodec, row: readonly Datum[]): Uint8Array | null {
  if (ic === codec.primary) return ic.slots.some((s) => row[s] === null) ? null : primaryKeyOf(codec, row);
  const e = indexEntry(codec, ic, row);
  return e !== null && e.unique ? e.key : null;
}

/**
 * Locks each arbiter key of `row`; returns the primary key of the first existing conflicting row
 * (with `peek`, the DO NOTHING case, a conflict found by a snapshot read returns the entry's key).
 */
async function findConflict(
  codec: TableCodec,
  arbiters: readonly IndexCodec[],
  row: readonly Datum[],
  opts: WriteOptions,
  env: Env,
  peek: boolean,
): Promise<{ readonly ic: IndexCodec; readonly key: Uint8Array; readonly pkKey: Uint8Array } | null> {
  for (const ic of arbiters) {
    const key = arbiterKey(codec, ic, row);
    if (key === null) continue;
    if (peek) {
      // DO NOTHING: an entry this statement's snapshot sees is a conflict; skipping it takes no lock
      // (PostgreSQL does not lock the conflicting row either). Only an absent key is locked, which
      // waits for a concurrent inserter and reserves the key for our insert.
      const seen = await env.ctx.txn.get(key);
      if (seen !== undefined) return { ic, key, pkKey: key };
    }
    const r = await env.ctx.txn.lock(key, opts.lock);
    assert(r.kind === 'locked', 'write locks never skip');
    if (r.value === undefined) continue;
    if (ic === codec.primary) return { ic, key, pkKey: key };
    const { pkValues } = decodeIndexEntry(codec, ic, key, r.value);
    return { ic, key, pkKey: primaryKeyFromValues(codec, pkValues) };
  }
  return null;
}

function arbiterCodecs(codec: TableCodec, oc: OnConflictPlan): IndexCodec[] {
  return oc.arbiters.map((idx) => {
    if (idx.indexId === 1) return codec.primary;
    const ic = codec.secondaries.find((s) => s.index.indexId === idx.indexId);
    assert(ic !== undefined, `arbiter index ${idx.name} missing from table ${codec.table.name}`);
    return ic;
  });
}

export async function* runUpsert(p: Extract<Plan, { kind: 'insert' }>, oc: OnConflictPlan, env: Env): AsyncGenerator<Row> {
  const codec = tableCodec(p.table, env.ctx.catalog);
  const opts = writeOptions(env, p.table);
  const arbiters = arbiterCodecs(codec, oc);
  const set = oc.action === 'update' ? oc.set.map((e) => (e === null ? null : compiled(e))) : [];
  const where = oc.action === 'update' && oc.where !== null ? compiled(oc.where) : null;
  /** Primary keys this command inserted or updated (a second DO UPDATE of one is 21000). */
  const touched = new Set<string>();
  const fk = FkQueue.for(env, p.table);
  const source: AsyncIterable<Row> | Row[] = p.materialize ? await collect(run(p.source, env), env) : run(p.source, env);
  for await (const src of source) {
    checkAbort(env);
    const proposed = src.slice();
    await computeGenerated(p.generated, proposed, env);
    for (let attempt = 0; ; attempt++) {
      if (attempt >= upsertAttemptsMax) {
        throw new SqlError(SqlState.serializationFailure, 'could not serialize access due to concurrent update');
      }
      const conflict = await findConflict(codec, arbiters, proposed, opts, env, oc.action === 'nothing');
      if (conflict === null) {
        await insertOne(p.table, p.checks, proposed, env, opts);
        fk?.inserted(p.table, proposed);
        touched.add(hex(primaryKeyOf(codec, proposed)));
        if (p.returning !== null) yield await returningRow(p.returning, proposed, env);
        break;
      }
      if (oc.action === 'nothing') break;
      if (touched.has(hex(conflict.pkKey))) {
        throw new SqlError(SqlState.cardinalityViolation, 'ON CONFLICT DO UPDATE command cannot affect row a second time', {
          hint: 'Ensure that no rows proposed for insertion within the same command have duplicate constrained values.',
        });
      }
      const r = await env.ctx.txn.lock(conflict.pkKey, opts.lock);
      assert(r.kind === 'locked', 'write locks never skip');
      if (r.value === undefined) continue; // deleted meanwhile: start over
      const existing = decodeTableRow(codec, conflict.pkKey, r.value);
      const nowKey = arbiterKey(codec, conflict.ic, existing);
      if (nowKey === null || !sameBytes(nowKey, conflict.key)) continue; // its key changed meanwhile
      const both = [...existing, ...proposed];
      if (where !== null && !isTrue(await evaluate(where, both, env))) break;
      const next = existing.slice();
      for (let i = 0; i < set.length; i++) {
        const c = set[i];
        if (c != null) next[i] = await evaluate(c, both, env);
      }
      await computeGenerated(p.generated, next, env);
      await validateRow(p.table, p.checks, next, env, opts.schema);
      await updateRow(env.ctx.txn, codec, existing, next, opts);
      fk?.updated(p.table, existing, next);
      touched.add(hex(primaryKeyOf(codec, next)));
      env.affected++;
      if (p.returning !== null) yield await returningRow(p.returning, next, env);
      break;
    }
  }
  await fk?.finish();
}

/**
 * Randomized: long random sequences of DDL ops (names from a small pool so collisions are
 * common). Every op either fails with a SqlError and changes nothing, or yields a state whose
 * invariants hold and that survives a JSON round trip (what the store persists). Replaying the
 * accepted ops from the start gives the identical state (determinism). Prints the seed.
 */
import { describe, expect, it } from 'vitest';
import { Oid as TypeOid, sqlType } from '../sql/types/datum.js';
import { SqlError } from '../util/errors.js';
import { bootstrapState } from './bootstrap.js';
import { BootstrapOid, type Descriptor, type TableDescriptor } from './descriptors.js';
import { applyBatch, applyOp, type DdlOp } from './ops.js';
import { rebaseBatch } from './store.js';
import { resolveSequenceOptions } from './sequence.js';
import { CatalogState } from './state.js';
import { mulberry32 } from '../util/seeded-random.js';


const names = ['a', 'b', 'c', 't', 'u', 't_pkey', 't_a_idx', 's'];
const stepsPerRun = 300;
const runs = Number(process.env.CATALOG_RUNS ?? 6);

function randomOp(state: CatalogState, rnd: () => number): DdlOp {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const name = pick(names);
  const tables = state.tables();
  const t: TableDescriptor | undefined = tables.length > 0 ? pick(tables) : undefined;
  const schemas = state.schemas().filter((s) => !s.system);
  if (schemas.length === 0) return { kind: 'createSchema', name, ownerOid: BootstrapOid.superuser };
  const schemaOid = pick(schemas).oid;
  const live = t?.columns.filter((c) => !c.dropped && !c.hidden) ?? [];
  const col = live.length > 0 ? pick(live) : undefined;
  const owner = BootstrapOid.superuser;
  const int4 = sqlType(TypeOid.int4);
  switch (Math.floor(rnd() * 16)) {
    case 0:
      return { kind: 'createSchema', name, ownerOid: owner };
    case 1:
      return {
        kind: 'createTable', schemaOid, name, ownerOid: owner,
        columns: [{ name: 'a', type: int4, notNull: false }, { name: 'b', type: int4, notNull: false }],
        ...(rnd() < 0.5 ? { primaryKey: { name: `${name}_pkey`, columns: [{ name: 'a', direction: 'asc' as const, nulls: 'last' as const }] } } : {}),
      };
    case 2:
      return t === undefined ? { kind: 'createSchema', name, ownerOid: owner } : { kind: 'dropTable', tableOid: t.oid, cascade: rnd() < 0.5 };
    case 3:
      return t === undefined ? { kind: 'createSchema', name, ownerOid: owner } : { kind: 'addColumn', tableOid: t.oid, column: { name, type: int4, notNull: false }, missing: { text: '1' } };
    case 4:
      return t === undefined || col === undefined ? { kind: 'createSchema', name, ownerOid: owner } : { kind: 'dropColumn', tableOid: t.oid, attnum: col.attnum, cascade: rnd() < 0.5 };
    case 5:
      return t === undefined || col === undefined
        ? { kind: 'createSchema', name, ownerOid: owner }
        : { kind: 'createIndex', tableOid: t.oid, name, unique: rnd() < 0.5, primary: false, columns: [{ attnum: col.attnum, direction: 'asc', nulls: 'last' }], nullsNotDistinct: false, state: 'public' };
    case 6: {
      const idx = t?.indexes[0];
      return idx === undefined || t === undefined ? { kind: 'createSchema', name, ownerOid: owner } : { kind: 'dropIndex', indexOid: idx.oid, cascade: false };
    }
    case 7: {
      const idx = t?.indexes.find((i) => i.unique);
      return idx === undefined || t === undefined
        ? { kind: 'createSchema', name, ownerOid: owner }
        : { kind: 'addConstraint', tableOid: t.oid, constraint: { kind: 'unique', name: idx.name, indexOid: idx.oid } };
    }
    case 8:
      return t === undefined || col === undefined
        ? { kind: 'createSchema', name, ownerOid: owner }
        : { kind: 'addConstraint', tableOid: t.oid, constraint: { kind: 'check', name, check: { expr: { kind: 'ColumnRef', names: [col.name], location: 0 }, source: col.name }, attnums: [col.attnum], noInherit: false } };
    case 9: {
      const c = t?.constraints[0];
      return c === undefined || t === undefined ? { kind: 'createSchema', name, ownerOid: owner } : { kind: 'dropConstraint', tableOid: t.oid, name: c.name, cascade: false };
    }
    case 10:
      return { kind: 'createSequence', schemaOid, name, ownerOid: owner, spec: resolveSequenceOptions({}, TypeOid.int8, undefined).spec };
    case 11: {
      const seqs = state.sequences();
      if (seqs.length === 0 || t === undefined || col === undefined) return { kind: 'createSchema', name, ownerOid: owner };
      const seq = pick(seqs);
      return rnd() < 0.5
        ? { kind: 'setSequenceOwner', sequenceOid: seq.oid, ownedBy: { tableOid: t.oid, attnum: col.attnum } }
        : { kind: 'setDefault', tableOid: t.oid, attnum: col.attnum, default: { expr: { kind: 'Const', type: 'string', value: seq.name, location: 0 }, source: seq.name, dependsOn: [seq.oid] } };
    }
    case 12: {
      const seqs = state.sequences();
      return seqs.length === 0 ? { kind: 'createSchema', name, ownerOid: owner } : { kind: 'dropSequence', sequenceOid: pick(seqs).oid, cascade: rnd() < 0.5 };
    }
    case 13:
      return t === undefined ? { kind: 'createSchema', name, ownerOid: owner } : { kind: 'renameRelation', oid: rnd() < 0.7 || t.indexes.length === 0 ? t.oid : t.indexes[0]!.oid, newName: name };
    case 14:
      return t === undefined || col === undefined ? { kind: 'createSchema', name, ownerOid: owner } : { kind: 'renameColumn', tableOid: t.oid, attnum: col.attnum, newName: name };
    default:
      return { kind: 'dropSchema', schemaOid, cascade: rnd() < 0.5 };
  }
}

function checkInvariants(s: CatalogState): void {
  const oids = new Set<number>();
  for (const d of s.descriptors()) {
    expect(d.oid).toBeLessThan(s.nextOid);
    expect(oids.has(d.oid)).toBe(false);
    oids.add(d.oid);
  }
  for (const t of s.tables()) {
    expect(s.schema(t.schemaOid)).toBeDefined();
    const attnums = t.columns.map((c) => c.attnum);
    expect(new Set(attnums).size).toBe(attnums.length);
    for (const a of attnums) expect(a).toBeLessThan(t.nextAttnum);
    const live = new Set(t.columns.filter((c) => !c.dropped).map((c) => c.attnum));
    const liveNames = t.columns.filter((c) => !c.dropped).map((c) => c.name);
    expect(new Set(liveNames).size).toBe(liveNames.length);
    const ids = [t.primaryIndex.indexId, ...t.indexes.map((i) => i.indexId)];
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toBeLessThan(t.nextIndexId);
    for (const i of [t.primaryIndex, ...t.indexes]) for (const k of i.columns) expect(live.has(k.attnum)).toBe(true);
    const cnames = t.constraints.map((c) => c.name);
    expect(new Set(cnames).size).toBe(cnames.length);
    for (const c of t.constraints) {
      if (c.kind === 'primaryKey' || c.kind === 'unique') expect([t.primaryIndex, ...t.indexes].some((i) => i.oid === c.indexOid && i.name === c.name)).toBe(true);
      if (c.kind === 'check') for (const a of c.attnums) expect(live.has(a)).toBe(true);
    }
    for (const c of t.columns) for (const dep of c.default?.dependsOn ?? []) expect(s.get(dep)).toBeDefined();
  }
  for (const q of s.sequences()) {
    expect(s.schema(q.schemaOid)).toBeDefined();
    if (q.ownedBy !== undefined) {
      const t = s.table(q.ownedBy.tableOid);
      expect(t?.columns.some((c) => c.attnum === q.ownedBy?.attnum && !c.dropped)).toBe(true);
    }
  }
  const roundTrip = CatalogState.fromDescriptors(
    s.version, s.nextOid, JSON.parse(JSON.stringify([...s.descriptors()])) as Descriptor[],
  );
  expect([...roundTrip.descriptors()]).toEqual([...s.descriptors()]);
}

/** Gives creating ops explicit oids from `next` (as sql/ddl does from the cluster counter). */
function withOids(op: DdlOp, next: () => number): DdlOp {
  switch (op.kind) {
    case 'createSchema':
    case 'createSequence':
    case 'createIndex':
      return { ...op, oid: next() };
    case 'createTable':
      return {
        ...op, oid: next(),
        ...(op.primaryKey !== undefined ? { primaryKey: { ...op.primaryKey, indexOid: next(), constraintOid: next() } } : {}),
      };
    case 'addConstraint':
      return { ...op, constraint: { ...op.constraint, oid: next() } };
    default:
      return op;
  }
}

function randomBatch(base: CatalogState, rnd: () => number, next: () => number): DdlOp[] {
  const ops: DdlOp[] = [];
  let s = base;
  const n = 1 + Math.floor(rnd() * 3);
  for (let i = 0; i < n * 4 && ops.length < n; i++) {
    const op = withOids(randomOp(s, rnd), next);
    try {
      s = applyOp(s, op);
      ops.push(op);
    } catch (e) {
      if (!(e instanceof SqlError)) throw e;
    }
  }
  return ops;
}

function descriptorsOf(s: CatalogState): Descriptor[] {
  return [...s.descriptors()].sort((a, b) => a.oid - b.oid);
}

describe('catalog ops (randomized)', () => {
  it('a batch rebased onto a concurrent one commutes with it', () => {
    const baseSeed = Number(process.env.CATALOG_SEED ?? Date.now() % 1_000_000);
    let rebased = 0;
    let lastBatches: unknown;
    for (let run = 0; run < runs * 20; run++) {
      const seed = baseSeed + run;
      try {
        const rnd = mulberry32(seed);
        let counter = 50_000;
        const next = (): number => counter++;
        let base = bootstrapState();
        for (let i = 0; i < 30; i++) {
          try {
            base = applyOp(base, withOids(randomOp(base, rnd), next));
          } catch (e) {
            if (!(e instanceof SqlError)) throw e;
          }
        }
        const a = randomBatch(base, rnd, next);
        const b = randomBatch(base, rnd, next);
        if (a.length === 0 || b.length === 0) continue;
        lastBatches = { a, b };
        const afterA = applyBatch(base, a);
        let from: CatalogState;
        try {
          from = rebaseBatch(base, afterA, b);
        } catch (e) {
          if (e instanceof SqlError && e.code === '40001') continue;
          throw e;
        }
        rebased++;
        const ab = applyBatch(from, b);
        // Both batches' net effects, each as it was on the common base, combined.
        const afterB = applyBatch(base, b);
        const expected = new Map(descriptorsOf(base).map((d) => [d.oid, d] as const));
        for (const after of [afterA, afterB]) {
          for (const d of descriptorsOf(base)) if (after.get(d.oid) === undefined) expected.delete(d.oid);
          for (const d of descriptorsOf(after)) if (JSON.stringify(base.get(d.oid)) !== JSON.stringify(d)) expected.set(d.oid, d);
        }
        expect(descriptorsOf(ab)).toEqual([...expected.values()].sort((x, y) => x.oid - y.oid));
        checkInvariants(ab);
      } catch (e) {
        console.error(`catalog rebase test failed: CATALOG_SEED=${seed}`);
        if (process.env.CATALOG_DEBUG !== undefined) console.error(JSON.stringify(lastBatches));
        throw e;
      }
    }
    expect(rebased).toBeGreaterThan(0);
  });


  it('random op sequences keep every invariant and replay deterministically', () => {
    const baseSeed = Number(process.env.CATALOG_SEED ?? Date.now() % 1_000_000);
    for (let run = 0; run < runs; run++) {
      const seed = baseSeed + run;
      try {
        const rnd = mulberry32(seed);
        let s = bootstrapState();
        const accepted: DdlOp[] = [];
        for (let i = 0; i < stepsPerRun; i++) {
          const op = randomOp(s, rnd);
          let next: CatalogState;
          try {
            next = applyOp(s, op);
          } catch (e) {
            if (e instanceof SqlError) continue;
            throw e;
          }
          s = next;
          accepted.push(op);
          checkInvariants(s);
        }
        let replay = bootstrapState();
        for (const op of JSON.parse(JSON.stringify(accepted)) as DdlOp[]) replay = applyOp(replay, op);
        expect([...replay.descriptors()]).toEqual([...s.descriptors()]);
        expect(accepted.length).toBeGreaterThan(stepsPerRun / 10);
      } catch (e) {
        console.error(`catalog random test failed: CATALOG_SEED=${seed}`);
        throw e;
      }
    }
  });
});

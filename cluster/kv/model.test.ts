/**
 * MVCC visibility against a simple model: random interleavings of transactions (read committed
 * and repeatable read) doing puts, deletes, range deletes, savepoints, reads and scans, commits,
 * rollbacks and gc, driven one step at a time. No explicit lock() calls, so a sequential driver
 * never blocks. The model keeps every committed state; a snapshot is an index into that list.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertNever } from '../../util/assert.js';
import { SqlError } from '../../util/errors.js';
import type { Isolation, Txn } from './api.js';
import { openLocalKv, type LocalKv } from './local.js';

const keyNames = ['a', 'b', 'c', 'd', 'e', 'f'];
const openTxnsMax = 3;
const runsCount = 150;
const stepsMax = 60;

type Cmd =
  | { readonly kind: 'begin'; readonly isolation: Isolation }
  | { readonly kind: 'put'; readonly t: number; readonly key: string; readonly value: string }
  | { readonly kind: 'delete'; readonly t: number; readonly key: string }
  | { readonly kind: 'deleteRange'; readonly t: number; readonly from: string; readonly to: string }
  | { readonly kind: 'get'; readonly t: number; readonly key: string }
  | { readonly kind: 'scan'; readonly t: number; readonly from: string; readonly to: string; readonly reverse: boolean; readonly limit: number }
  | { readonly kind: 'step'; readonly t: number }
  | { readonly kind: 'savepoint'; readonly t: number }
  | { readonly kind: 'rollbackToSavepoint'; readonly t: number }
  | { readonly kind: 'commit'; readonly t: number }
  | { readonly kind: 'rollback'; readonly t: number }
  | { readonly kind: 'gc' };

const keyArb = fc.constantFrom(...keyNames);
const tArb = fc.nat({ max: openTxnsMax - 1 });
const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('begin' as const), isolation: fc.constantFrom<Isolation>('read committed', 'repeatable read') }), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constant('put' as const), t: tArb, key: keyArb, value: fc.string({ minLength: 0, maxLength: 3 }) }), weight: 6 },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), t: tArb, key: keyArb }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('deleteRange' as const), t: tArb, from: keyArb, to: keyArb }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('get' as const), t: tArb, key: keyArb }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('scan' as const), t: tArb, from: keyArb, to: fc.constantFrom(...keyNames, 'z'), reverse: fc.boolean(), limit: fc.nat({ max: 7 }) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('step' as const), t: tArb }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('savepoint' as const), t: tArb }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('rollbackToSavepoint' as const), t: tArb }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('commit' as const), t: tArb }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('rollback' as const), t: tArb }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('gc' as const) }), weight: 1 },
);

type State = ReadonlyMap<string, string>;
type ModelOp =
  | { readonly kind: 'put'; readonly key: string; readonly value: string }
  | { readonly kind: 'delete'; readonly key: string }
  | { readonly kind: 'deleteRange'; readonly from: string; readonly to: string };

interface ModelTxn {
  readonly real: Txn;
  readonly isolation: Isolation;
  snapshot: number; // index into `states`
  readonly beganAt: number;
  readonly ops: ModelOp[];
  savepoints: { real: number; ops: number }[];
}

interface Model {
  states: State[]; // states[i] = committed state after i commits
  lastWrite: Map<string, number>; // key -> index of the state that last changed it
}

/** What the txn's buffer says about `key`: a value, a delete, or nothing. */
function ownWrite(ops: readonly ModelOp[], key: string): { kind: 'none' } | { kind: 'value'; value: string | undefined } {
  let result: { kind: 'none' } | { kind: 'value'; value: string | undefined } = { kind: 'none' };
  for (const op of ops) {
    switch (op.kind) {
      case 'put':
        if (op.key === key) result = { kind: 'value', value: op.value };
        break;
      case 'delete':
        if (op.key === key) result = { kind: 'value', value: undefined };
        break;
      case 'deleteRange':
        if (key >= op.from && key < op.to) result = { kind: 'value', value: undefined };
        break;
      default:
        assertNever(op, 'model op');
    }
  }
  return result;
}

function visible(m: Model, t: ModelTxn, key: string): string | undefined {
  const own = ownWrite(t.ops, key);
  return own.kind === 'value' ? own.value : m.states[t.snapshot]!.get(key);
}

const enc = new TextEncoder();
const dec = new TextDecoder();

let dir: string;
let kv: LocalKv;
let runNo = 0;
const counts = { reads: 0, commits: 0, conflicts: 0 };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nodedb-model-'));
  kv = await openLocalKv({ dir, gcTtlMs: 0 });
});
afterAll(async () => {
  await kv.close();
  rmSync(dir, { recursive: true, force: true });
});

async function runCommands(cmds: readonly Cmd[]): Promise<void> {
  const prefix = `r${String(runNo++).padStart(5, '0')}/`;
  const rk = (key: string): Uint8Array => enc.encode(prefix + key);
  const m: Model = { states: [new Map()], lastWrite: new Map() };
  const txns: ModelTxn[] = [];
  const pick = (t: number): ModelTxn | undefined => (txns.length === 0 ? undefined : txns[t % txns.length]);
  const end = (t: ModelTxn): void => {
    txns.splice(txns.indexOf(t), 1);
  };
  const latest = (): number => m.states.length - 1;

  for (const cmd of cmds) {
    switch (cmd.kind) {
      case 'begin': {
        if (txns.length >= openTxnsMax) break;
        const real = kv.begin({ isolation: cmd.isolation, readOnly: false, consistency: { kind: 'strong' } });
        txns.push({ real, isolation: cmd.isolation, snapshot: latest(), beganAt: latest(), ops: [], savepoints: [] });
        break;
      }
      case 'put': {
        const t = pick(cmd.t);
        if (t === undefined) break;
        t.real.put(rk(cmd.key), enc.encode(cmd.value));
        t.ops.push({ kind: 'put', key: cmd.key, value: cmd.value });
        break;
      }
      case 'delete': {
        const t = pick(cmd.t);
        if (t === undefined) break;
        t.real.delete(rk(cmd.key));
        t.ops.push({ kind: 'delete', key: cmd.key });
        break;
      }
      case 'deleteRange': {
        const t = pick(cmd.t);
        if (t === undefined) break;
        t.real.deleteRange({ start: rk(cmd.from), end: rk(cmd.to) });
        t.ops.push({ kind: 'deleteRange', from: cmd.from, to: cmd.to });
        break;
      }
      case 'get': {
        const t = pick(cmd.t);
        if (t === undefined) break;
        const got = await t.real.get(rk(cmd.key));
        expect(got === undefined ? undefined : dec.decode(got)).toEqual(visible(m, t, cmd.key));
        counts.reads++;
        break;
      }
      case 'scan': {
        const t = pick(cmd.t);
        if (t === undefined) break;
        const got: string[] = [];
        for await (const e of t.real.scan({ start: rk(cmd.from), end: rk(cmd.to) }, { reverse: cmd.reverse, limit: cmd.limit === 0 ? undefined : cmd.limit })) {
          got.push(`${dec.decode(e.key).slice(prefix.length)}=${dec.decode(e.value)}`);
        }
        let want: string[] = [];
        for (const key of keyNames) {
          if (key < cmd.from || key >= cmd.to) continue;
          const val = visible(m, t, key);
          if (val !== undefined) want.push(`${key}=${val}`);
        }
        if (cmd.reverse) want.reverse();
        if (cmd.limit > 0) want = want.slice(0, cmd.limit);
        expect(got).toEqual(want);
        counts.reads++;
        break;
      }
      case 'step': {
        const t = pick(cmd.t);
        if (t === undefined) break;
        t.real.stepStatement();
        if (t.isolation === 'read committed') t.snapshot = latest();
        break;
      }
      case 'savepoint': {
        const t = pick(cmd.t);
        if (t === undefined) break;
        t.savepoints.push({ real: t.real.savepoint(), ops: t.ops.length });
        break;
      }
      case 'rollbackToSavepoint': {
        const t = pick(cmd.t);
        if (t === undefined || t.savepoints.length === 0) break;
        const sp = t.savepoints[t.savepoints.length - 1]!;
        t.real.rollbackToSavepoint(sp.real);
        t.ops.length = sp.ops;
        break;
      }
      case 'commit': {
        const t = pick(cmd.t);
        if (t === undefined) break;
        end(t);
        const cur = m.states[latest()]!;
        const next = new Map(cur);
        const changed: string[] = [];
        const written: string[] = [];
        for (const key of keyNames) {
          const own = ownWrite(t.ops, key);
          if (own.kind === 'none') continue;
          const rangeOnly = own.value === undefined && !t.ops.some((op) => op.kind !== 'deleteRange' && op.key === key);
          if (rangeOnly && !cur.has(key)) continue; // range delete tombstones only live keys
          written.push(key);
          if (own.value === undefined) {
            if (cur.has(key)) {
              next.delete(key);
              changed.push(key);
            }
          } else {
            next.set(key, own.value);
            changed.push(key);
          }
        }
        const conflict =
          t.isolation !== 'read committed' && written.some((key) => (m.lastWrite.get(key) ?? -1) > t.snapshot);
        if (conflict) {
          let code = '';
          await t.real.commit().catch((e: unknown) => (code = e instanceof SqlError ? e.code : String(e)));
          expect(code).toBe('40001');
          counts.conflicts++;
          break;
        }
        await t.real.commit();
        counts.commits++;
        if (written.length > 0) {
          m.states.push(next);
          for (const key of changed) m.lastWrite.set(key, latest());
        }
        break;
      }
      case 'rollback': {
        const t = pick(cmd.t);
        if (t === undefined) break;
        end(t);
        await t.real.rollback();
        break;
      }
      case 'gc':
        await kv.gc();
        break;
      default:
        assertNever(cmd, 'command');
    }
  }
  for (const t of txns) await t.real.rollback();
}

describe('mvcc model', () => {
  it('reads, scans and commit conflicts match the model', async () => {
    const seed = Number(process.env['NODEDB_SEED'] ?? Date.now() % 2_147_483_647);
    console.log(`mvcc model seed=${seed} (replay with NODEDB_SEED=${seed})`);
    await fc.assert(fc.asyncProperty(fc.array(cmdArb, { minLength: 20, maxLength: stepsMax, size: 'max' }), runCommands), {
      seed,
      numRuns: runsCount,
    });
    console.log(`checked ${counts.reads} reads, ${counts.commits} commits, ${counts.conflicts} expected conflicts`);
    expect(counts.reads).toBeGreaterThan(runsCount);
  }, 20_000);
});

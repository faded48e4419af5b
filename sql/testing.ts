/**
 * Helpers for tests that drive real sessions in-process (no sockets): a ResultSink that records
 * what a statement sends, and an engine on a scratch data directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLocalKv } from '../cluster/kv/local.js';
import { createEngine } from './engine.js';
import type { Engine, ResultSink, Session } from './session-api.js';

export interface RecordingSink extends ResultSink {
  /** Every message in order: 'T' RowDescription, 'D' DataRow, 'C <tag>', 'S name=value', 'N message', 'I'. */
  readonly log: string[];
  /** Text-format rows of every result, concatenated. */
  readonly rows: (string | null)[][];
  readonly tags: string[];
  /** The rows since the last RowDescription (the last result's rows). */
  lastResult(): (string | null)[][];
}

export function recordingSink(): RecordingSink {
  const dec = new TextDecoder();
  const log: string[] = [];
  const rows: (string | null)[][] = [];
  const tags: string[] = [];
  let resultStart = 0;
  return {
    log,
    rows,
    tags,
    lastResult: () => rows.slice(resultStart),
    rowDescription: () => {
      log.push('T');
      resultStart = rows.length;
    },
    dataRow: (values) => {
      log.push('D');
      rows.push(values.map((v) => (v === null ? null : dec.decode(v))));
    },
    commandComplete: (tag) => {
      log.push(`C ${tag}`);
      tags.push(tag);
    },
    emptyQuery: () => log.push('I'),
    notice: (n) => log.push(`N ${n.message}`),
    parameterStatus: (name, value) => log.push(`S ${name}=${value}`),
    drain: async () => {},
    copyIn: () => {
      throw new Error('no COPY in this test sink');
    },
    copyOutStart: () => {},
    copyData: () => {},
    copyDone: () => {},
  };
}

export interface TestEngine {
  readonly engine: Engine;
  /** A new session as user postgres. */
  open(): Session;
  /** Shuts the engine down and removes its data directory. */
  close(): Promise<void>;
}

export async function openTestEngine(name: string): Promise<TestEngine> {
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  const kv = await openLocalKv({ dir });
  const engine = await createEngine({ kv, dataDir: dir });
  return {
    engine,
    open: () => engine.openSession({ user: 'postgres', database: 'postgres', applicationName: name, settings: new Map() }),
    close: async () => {
      await engine.shutdown();
      await kv.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

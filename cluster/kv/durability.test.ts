/**
 * Crash durability: a child process commits rows with a counter and reports each acknowledged
 * commit on stdout; we SIGKILL it mid-stream, reopen the directory and require every
 * acknowledged counter to be there. The child runs our TypeScript transpiled into a temp dir.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { openLocalKv } from './local.js';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const sourceDirs = ['util', 'cluster/hlc', 'cluster/storage', 'cluster/kv'];
const ackedCommitsBeforeKill = 400;
const childDeadlineMs = 15_000;

function transpileTree(outRoot: string): void {
  for (const d of sourceDirs) {
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const full = join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) {
          const out = ts.transpileModule(readFileSync(full, 'utf8'), {
            compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
          }).outputText;
          const dest = join(outRoot, relative(repoRoot, full)).replace(/\.ts$/, '.js');
          mkdirSync(dirname(dest), { recursive: true });
          writeFileSync(dest, out);
        }
      }
    };
    walk(join(repoRoot, d));
  }
  writeFileSync(join(outRoot, 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(join(repoRoot, 'node_modules'), join(outRoot, 'node_modules'));
}

const childSource = `
import { openLocalKv } from './cluster/kv/local.js';
const dir = process.argv[2];
const kv = await openLocalKv({ dir });
const concurrency = 8;
let next = 0;
async function worker() {
  for (;;) {
    const i = next++;
    const txn = kv.begin({ isolation: 'read committed', readOnly: false, consistency: { kind: 'strong' } });
    txn.put(new TextEncoder().encode('row/' + String(i).padStart(8, '0')), new TextEncoder().encode(String(i)));
    await txn.commit();
    process.stdout.write(i + '\\n');
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
`;

const scratch = mkdtempSync(join(tmpdir(), 'nodedb-durability-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('durability', () => {
  it('every acknowledged commit survives SIGKILL', async () => {
    const codeDir = join(scratch, 'code');
    const dataDir = join(scratch, 'data');
    mkdirSync(codeDir);
    transpileTree(codeDir);
    writeFileSync(join(codeDir, 'child.mjs'), childSource);
    const child = spawn(process.execPath, [join(codeDir, 'child.mjs'), dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked = new Set<number>();
    let stderr = '';
    let pending = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child made too little progress: ${acked.size} acks; ${stderr}`)), childDeadlineMs);
      child.stdout.on('data', (b: Buffer) => {
        pending += b.toString();
        const lines = pending.split('\n');
        pending = lines.pop()!;
        for (const l of lines) acked.add(Number(l));
        if (acked.size >= ackedCommitsBeforeKill) {
          clearTimeout(timer);
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => {
        clearTimeout(timer);
        if (acked.size < ackedCommitsBeforeKill) reject(new Error(`child exited early: ${stderr}`));
      });
    });
    expect(await exited).toBe('SIGKILL');
    // acks that were still in the pipe when the child died count too
    for (const l of pending.split('\n')) if (l !== '') acked.add(Number(l));

    const kv = await openLocalKv({ dir: dataDir });
    try {
      const txn = kv.begin({ isolation: 'read committed', readOnly: true, consistency: { kind: 'strong' } });
      const found = new Set<number>();
      for await (const e of txn.scan({ start: new TextEncoder().encode('row/'), end: new TextEncoder().encode('row0') })) {
        found.add(Number(new TextDecoder().decode(e.value)));
      }
      await txn.commit();
      const missing = [...acked].filter((i) => !found.has(i));
      expect(missing).toEqual([]);
      expect(found.size).toBeGreaterThanOrEqual(acked.size);
    } finally {
      await kv.close();
    }
  }, 30_000);
});

/**
 * etcd/CockroachDB-style data-driven test files:
 *
 *   # comment
 *   command arg key=value
 *   ----
 *   expected output
 *   (blank line)
 *
 * runDataDriven() runs every directive and either compares the output or, with
 * REWRITE=1 in the environment, rewrites the file with the actual output.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface Directive {
  readonly line: number;
  readonly cmd: string;
  readonly args: readonly string[];
  readonly kv: ReadonlyMap<string, string>;
  readonly input: string;
  readonly expected: string;
}

interface ParsedFile {
  readonly directives: readonly Directive[];
  /** File text before each directive (comments, blank lines), kept on rewrite. */
  readonly preambles: readonly (readonly string[])[];
  readonly trailer: string;
}

function parseArgs(input: string): { cmd: string; args: string[]; kv: Map<string, string> } {
  const words = input.trim().split(/\s+/);
  const kv = new Map<string, string>();
  const args: string[] = [];
  for (const w of words.slice(1)) {
    const eq = w.indexOf('=');
    if (eq > 0) kv.set(w.slice(0, eq), w.slice(eq + 1));
    else args.push(w);
  }
  return { cmd: words[0] ?? '', args, kv };
}

export function parseDataDriven(text: string): ParsedFile {
  const lines = text.split('\n');
  const directives: Directive[] = [];
  const preambles: string[][] = [];
  let pre: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const l = lines[i]!;
    if (l.trim() === '' || l.startsWith('#')) {
      pre.push(l);
      i++;
      continue;
    }
    const start = i;
    const inputLines: string[] = [];
    while (i < lines.length && lines[i] !== '----') inputLines.push(lines[i++]!);
    i++; // skip ----
    const out: string[] = [];
    while (i < lines.length && lines[i] !== '') out.push(lines[i++]!);
    const { cmd, args, kv } = parseArgs(inputLines[0]!);
    directives.push({ line: start + 1, cmd, args, kv, input: inputLines.join('\n'), expected: out.join('\n') });
    preambles.push(pre);
    pre = [];
  }
  while (pre.length > 0 && pre[pre.length - 1] === '') pre.pop();
  return { directives, preambles, trailer: pre.join('\n') };
}

export interface DataDrivenResult {
  readonly failures: readonly string[];
  readonly rewritten: boolean;
}

export function runDataDriven(path: string, run: (d: Directive) => string): DataDrivenResult {
  const parsed = parseDataDriven(readFileSync(path, 'utf8'));
  const rewrite = process.env['REWRITE'] === '1';
  const failures: string[] = [];
  const chunks: string[] = [];
  parsed.directives.forEach((d, k) => {
    const actual = run(d).replace(/\n+$/, '');
    if (actual !== d.expected) {
      failures.push(`${path}:${d.line}: ${d.input}\n--- expected\n${d.expected}\n--- actual\n${actual}`);
    }
    const pre = parsed.preambles[k]!.map((l) => l + '\n').join('');
    chunks.push(`${pre}${d.input}\n----\n${actual.length > 0 ? actual + '\n' : ''}`);
  });
  if (rewrite) {
    writeFileSync(path, chunks.join('') + (parsed.trailer.length > 0 ? parsed.trailer + '\n' : ''));
  }
  return { failures: rewrite ? [] : failures, rewritten: rewrite };
}

// Runs a child process to completion with a deadline; never throws on a non-zero exit.
import { spawn } from 'node:child_process';

const outputBytesMax = 16 * 1024 * 1024;

export function run(cmd, args, { env = process.env, input, timeoutMs = 120_000, cwd } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.stdout.on('data', (c) => { if (stdout.length < outputBytesMax) stdout += c.toString('utf8'); });
    child.stderr.on('data', (c) => { if (stderr.length < outputBytesMax) stderr += c.toString('utf8'); });
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

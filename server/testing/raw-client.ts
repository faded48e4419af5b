/**
 * A byte-level pgwire client for server/ tests (imported only by *.test.ts): sends frames
 * built with pg-protocol's serializer (or raw bytes) and collects parsed backend messages.
 */
import net from 'node:net';
import { serialize } from 'pg-protocol';
import { Parser } from 'pg-protocol/dist/parser.js';
import type { BackendMessage } from 'pg-protocol/dist/messages.js';

export const rawClientWaitMsDefault = 5_000;
const recheckMs = 10;

export class RawClient {
  readonly messages: BackendMessage[] = [];
  /** Raw bytes received before any message parsing (SSLRequest answers). */
  private rawMode = false;
  readonly rawBytes: number[] = [];
  private readonly parser = new Parser();
  private waiters: (() => void)[] = [];
  ended = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      if (this.rawMode) {
        this.rawBytes.push(...chunk);
      } else {
        this.parser.parse(Buffer.from(chunk), (m) => this.messages.push(m));
      }
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  /** Collect the next raw bytes (for the one-byte SSL/GSSENC answer). */
  setRawMode(on: boolean): void {
    this.rawMode = on;
  }

  send(...frames: Buffer[]): void {
    this.socket.write(Buffer.concat(frames));
  }

  /** Waits until `pred` holds for the collected state or the deadline passes (throws). */
  async waitFor(pred: () => boolean, what: string, timeoutMs = rawClientWaitMsDefault): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${this.messages.map((m) => m.name).join(',')}`);
      // Woken by socket events; also re-checks every recheckMs for conditions on the server side.
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, recheckMs));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Messages from index `from` up to and including the first one named `name`; consumes them. */
  async until(name: string, timeoutMs = rawClientWaitMsDefault): Promise<BackendMessage[]> {
    await this.waitFor(() => this.messages.some((m) => m.name === name), name, timeoutMs);
    const at = this.messages.findIndex((m) => m.name === name);
    return this.messages.splice(0, at + 1);
  }

  async closed(timeoutMs = rawClientWaitMsDefault): Promise<void> {
    await this.waitFor(() => this.ended, 'connection close', timeoutMs);
  }

  async startup(params: Record<string, string> = { user: 'postgres' }): Promise<BackendMessage[]> {
    this.send(serialize.startup(params));
    return await this.until('readyForQuery');
  }

  end(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }
}

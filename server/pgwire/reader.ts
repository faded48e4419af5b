/**
 * Pull-based message source over a socket: the connection loop (and COPY FROM STDIN) ask
 * for the next frontend message. Input is paused while more than `bufferedBytesMax` bytes
 * wait unparsed, so a client that pipelines faster than we execute is held back by TCP.
 */
import type { Socket } from 'node:net';
import { assert } from '../../util/assert.js';
import { FrontendParser, type FrontendMessage } from './frontend.js';

export type ReadResult =
  | { readonly kind: 'message'; readonly message: FrontendMessage }
  /** The client closed the connection, or the server interrupted the wait (shutdown). */
  | { readonly kind: 'closed' };

const closedResult: ReadResult = Object.freeze({ kind: 'closed' });

export class MessageReader {
  private waiter: (() => void) | undefined;
  private ended = false;
  private interrupted = false;
  private paused = false;

  constructor(
    private readonly socket: Socket,
    private readonly parser: FrontendParser,
    private readonly bufferedBytesMax: number,
  ) {
    assert(bufferedBytesMax > 0, 'bufferedBytesMax > 0');
    socket.on('data', (chunk: Buffer) => {
      parser.push(chunk);
      if (parser.bufferedBytes > this.bufferedBytesMax && !this.paused) {
        this.paused = true;
        socket.pause();
      }
      this.wake();
    });
    const onEnd = (): void => {
      this.ended = true;
      this.wake();
    };
    socket.on('end', onEnd);
    socket.on('close', onEnd);
  }

  /** Bytes received but not yet returned as messages. */
  get bufferedBytes(): number {
    return this.parser.bufferedBytes;
  }

  /** Makes a pending and every later `next()` return 'closed'. */
  interrupt(): void {
    this.interrupted = true;
    this.wake();
  }

  /**
   * The next message; throws SqlError 08P01 on a framing violation. A message already buffered
   * is returned synchronously (no promise): pipelined Bind/Execute/Sync cost no microtask hops.
   */
  next(): ReadResult | Promise<ReadResult> {
    if (this.interrupted) return closedResult;
    const message = this.parser.next();
    if (message !== undefined) {
      if (this.paused && this.parser.bufferedBytes <= this.bufferedBytesMax) this.resume();
      return { kind: 'message', message };
    }
    if (this.ended) return closedResult;
    return this.nextAsync();
  }

  private async nextAsync(): Promise<ReadResult> {
    for (;;) {
      if (this.interrupted) return { kind: 'closed' };
      const message = this.parser.next();
      if (message !== undefined) {
        if (this.paused && this.parser.bufferedBytes <= this.bufferedBytesMax) this.resume();
        return { kind: 'message', message };
      }
      if (this.ended) return { kind: 'closed' };
      // Need more bytes: the buffered part of one message may exceed the bound.
      if (this.paused) this.resume();
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
  }

  private resume(): void {
    this.paused = false;
    this.socket.resume();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    if (w !== undefined) w();
  }
}

/**
 * The ResultSink a Session writes into: turns result calls into backend messages in the
 * connection's BackendWriter and hands batches to the socket (once per batch, or when the
 * batch passes `outputFlushBytes`). Also the server's vantage point for statement metrics.
 */
import type { Socket } from 'node:net';
import { assertNever } from '../util/assert.js';
import { SqlError, SqlState } from '../util/errors.js';
import type { CopyFormat, FieldDescription, NoticeFields, ResultSink, Session, TransactionStatus } from '../sql/session-api.js';
import type { ConnectionLimits } from './connection.js';
import { statementKind, type ServerMetrics } from './metrics.js';
import { noticeFields, type BackendWriter } from './pgwire/backend.js';
import { protocolViolation } from './pgwire/frontend.js';
import type { MessageReader } from './pgwire/reader.js';

const transactionControlKinds = new Set(['BEGIN', 'START', 'COMMIT', 'ROLLBACK', 'END', 'ABORT', 'SAVEPOINT', 'RELEASE', 'PREPARE']);

export interface CallSummary {
  readonly before: TransactionStatus;
  readonly after: TransactionStatus;
  readonly failed: boolean;
  /** The call ends an implicit transaction (simple Query; Sync does it for the extended protocol). */
  readonly implicitEnds: boolean;
}

export class ResultWriter implements ResultSink {
  private session: Session | undefined;
  /** performance.now() at the statement's start (a double: no BigInt per statement). */
  private statementStartMs = 0;
  private statementsCompleted = 0;
  /** The current call ran BEGIN/COMMIT/ROLLBACK/SAVEPOINT...: it is not an implicit transaction. */
  sawTransactionControl = false;

  constructor(
    private readonly writer: BackendWriter,
    private readonly socket: Socket,
    private readonly reader: MessageReader,
    private readonly limits: ConnectionLimits,
    private readonly metrics: ServerMetrics,
  ) {}

  /** Writes the pending batch to the socket (one write). Dropped when the socket is gone. */
  flush(): void {
    if (this.writer.length === 0) return;
    const batch = this.writer.takeBatch();
    if (this.socket.destroyed || !this.socket.writable) return;
    this.socket.write(batch);
  }

  private maybeFlush(): void {
    if (this.writer.length >= this.limits.outputFlushBytes) this.flush();
  }

  // --- per-call bookkeeping (metrics) -------------------------------------------------------

  beginCall(session: Session): void {
    this.session = session;
    this.statementStartMs = performance.now();
    this.statementsCompleted = 0;
    this.sawTransactionControl = false;
  }

  private statementEnded(): void {
    const now = performance.now();
    this.metrics.statementDuration.observe((now - this.statementStartMs) / 1000);
    this.statementStartMs = now;
  }

  statementFailed(): void {
    this.statementEnded();
  }

  endCall(s: CallSummary): void {
    const ranSomething = this.statementsCompleted > 0 || s.failed;
    if (s.implicitEnds && s.before === 'I' && s.after === 'I' && !this.sawTransactionControl && ranSomething) {
      if (s.failed) this.metrics.rollbacks.inc();
      else this.metrics.commits.inc();
    }
    this.session = undefined;
  }

  // --- ResultSink ---------------------------------------------------------------------------

  rowDescription(fields: readonly FieldDescription[]): void {
    this.writer.rowDescription(fields);
  }

  dataRow(values: readonly (Uint8Array | null)[]): void {
    this.writer.dataRow(values);
    this.maybeFlush();
  }

  commandComplete(tag: string): void {
    this.writer.commandComplete(tag);
    this.statementsCompleted++;
    this.statementEnded();
    this.metrics.statementCompleted(tag);
    const kind = statementKind(tag);
    if (!transactionControlKinds.has(kind)) return;
    this.sawTransactionControl = true;
    // ROLLBACK TO SAVEPOINT also says 'ROLLBACK' but leaves the transaction open.
    const ended = this.session?.transactionStatus() === 'I';
    if (kind === 'COMMIT' && ended) this.metrics.commits.inc();
    if (kind === 'ROLLBACK' && ended) this.metrics.rollbacks.inc();
  }

  emptyQuery(): void {
    this.writer.emptyQueryResponse();
    this.statementEnded();
  }

  notice(notice: NoticeFields): void {
    this.writer.noticeResponse(noticeFields(notice));
    this.maybeFlush();
  }

  parameterStatus(name: string, value: string): void {
    this.writer.parameterStatus(name, value);
  }

  /**
   * Backpressure between row batches. Output stays batched until `outputFlushBytes` (or the
   * ReadyForQuery / Flush that ends the call): a short result costs one socket write per
   * call, as in PostgreSQL, instead of one for the rows and one for ReadyForQuery.
   */
  async drain(): Promise<void> {
    this.maybeFlush();
    if (this.socket.writableLength <= this.limits.socketBufferedBytesMax) return;
    if (this.socket.destroyed) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  copyIn(format: CopyFormat, columnCount: number): AsyncIterable<Uint8Array> {
    this.writer.copyInResponse(isBinary(format), columnCount);
    this.flush();
    return this.copyInMessages();
  }

  private async *copyInMessages(): AsyncGenerator<Uint8Array, void, undefined> {
    for (;;) {
      const r = await this.reader.next();
      if (r.kind === 'closed') {
        throw new SqlError(SqlState.connectionException, 'unexpected EOF on client connection during COPY', { severity: 'FATAL' });
      }
      const msg = r.message;
      switch (msg.kind) {
        case 'CopyData':
          yield msg.data;
          continue;
        case 'CopyDone':
          return;
        case 'CopyFail':
          throw new SqlError(SqlState.queryCanceled, `COPY from stdin failed: ${msg.message}`);
        case 'Sync':
        case 'Flush':
          // Ignored during copy-in, as PostgreSQL does (clients may send them with the Execute).
          continue;
        case 'Terminate':
          throw new SqlError(SqlState.connectionException, 'connection terminated during COPY', { severity: 'FATAL' });
        case 'InvalidText':
          throw msg.error;
        case 'Query':
        case 'Parse':
        case 'Bind':
        case 'Describe':
        case 'Execute':
        case 'Close':
        case 'FunctionCall':
        case 'AuthResponse':
          throw new SqlError(SqlState.protocolViolation, `unexpected message type ${msg.kind} during COPY from stdin`);
        case 'Startup':
        case 'SSLRequest':
        case 'GSSENCRequest':
        case 'CancelRequest':
          throw protocolViolation(`unexpected ${msg.kind} during COPY from stdin`);
        default:
          assertNever(msg, 'frontend message');
      }
    }
  }

  copyOutStart(format: CopyFormat, columnCount: number): void {
    this.writer.copyOutResponse(isBinary(format), columnCount);
  }

  copyData(data: Uint8Array): void {
    this.writer.copyData(data);
    this.maybeFlush();
  }

  copyDone(): void {
    this.writer.copyDone();
  }
}

function isBinary(format: CopyFormat): boolean {
  switch (format) {
    case 'binary':
      return true;
    case 'text':
    case 'csv':
      return false;
    default:
      return assertNever(format, 'copy format');
  }
}

/**
 * One client connection: startup and authentication, then the simple and extended query
 * protocols and COPY, driving one sql Session. Layers: MessageReader (bytes → messages),
 * this state machine, ResultWriter (sink → BackendWriter → socket, one write per batch).
 */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { assert, assertNever } from '../util/assert.js';
import { SqlError, SqlState } from '../util/errors.js';
import type { Engine, Session } from '../sql/session-api.js';
import type { Logger } from './log.js';
import type { ServerMetrics } from './metrics.js';
import { BackendWriter, errorFields } from './pgwire/backend.js';
import { FrontendParser, decodeSaslInitialResponse, protocolViolation, type FrontendMessage } from './pgwire/frontend.js';
import { MessageReader } from './pgwire/reader.js';
import { ScramExchange, scramMechanism, type ScramSecret, parseScramSecret } from './pgwire/scram.js';
import { startupParamsFrom } from './startup.js';
import { ResultWriter } from './result-writer.js';

export type AuthConfig =
  | { readonly kind: 'trust' }
  | {
      readonly kind: 'scram';
      /** The bootstrap role whose password was given on the command line / environment. */
      readonly bootstrapUser: string;
      readonly bootstrapSecret: ScramSecret;
    };

export interface ConnectionLimits {
  readonly startupBytesMax: number;
  readonly messageBytesMax: number;
  /** Unparsed input above this pauses the socket. */
  readonly inputBufferedBytesMax: number;
  /** Pending output above this is written to the socket at once, mid-batch. */
  readonly outputFlushBytes: number;
  /** `drain()` waits while the socket holds more than this many unsent bytes. */
  readonly socketBufferedBytesMax: number;
  /** Startup + authentication must finish within this time. */
  readonly authTimeoutMs: number;
}

export const defaultConnectionLimits: ConnectionLimits = {
  startupBytesMax: 10_000,
  messageBytesMax: 1024 * 1024 * 1024,
  inputBufferedBytesMax: 1024 * 1024,
  outputFlushBytes: 64 * 1024,
  socketBufferedBytesMax: 256 * 1024,
  authTimeoutMs: 60_000,
};

/** What a connection needs from the server that owns it. */
export interface ConnectionHost {
  readonly engine: Engine;
  readonly auth: AuthConfig;
  readonly limits: ConnectionLimits;
  readonly metrics: ServerMetrics;
  readonly log: Logger;
  /** Admission after the startup packet: an error (FATAL 57P03 / 53300) refuses the client. */
  admit(conn: Connection): SqlError | undefined;
  /** The connection is ready for queries and can be cancelled with (pid, secret). */
  registerCancelKey(conn: Connection, pid: number, secret: number): void;
  cancel(pid: number, secret: number): void;
  /** The connection ended; `admitted` says whether admit() accepted it. */
  release(conn: Connection, admitted: boolean): void;
  /** A call finished or a connection closed (the shutdown sequence waits on these). */
  notifyChange(): void;
}

const newestProtocolMinor = 0;
/** After we end a socket, the client has this long to read the rest before it is destroyed. */
const socketEndGraceMs = 5_000;

/** Reasons given to a call's AbortController; sql/ can throw `signal.reason` directly. */
export const abortReasons = {
  cancelRequest: (): SqlError => new SqlError(SqlState.queryCanceled, 'canceling statement due to user request'),
  shutdown: (): SqlError =>
    new SqlError(SqlState.adminShutdown, 'terminating connection due to administrator command', { severity: 'FATAL' }),
  clientGone: (): SqlError =>
    new SqlError(SqlState.connectionException, 'connection to client lost', { severity: 'FATAL' }),
} as const;

export class Connection {
  private readonly parser: FrontendParser;
  private readonly reader: MessageReader;
  private readonly writer = new BackendWriter();
  private readonly out: ResultWriter;
  private session: Session | undefined;
  private admitted = false;
  private call: AbortController | undefined;
  private skipToSync = false;
  private terminating = false;
  /** A FATAL ErrorResponse went out (a terminated statement reports it; the connection must not repeat it). */
  private fatalSent = false;
  private closedByPeer = false;
  private readonly log: Logger;
  /** Implicit-transaction bookkeeping for the extended protocol (metrics only). */
  private extendedImplicit = { statements: 0, failed: false, explicit: false };
  readonly done: Promise<void>;

  constructor(
    private readonly socket: Socket,
    private readonly host: ConnectionHost,
  ) {
    this.log = host.log.child({ remote: `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}` });
    this.parser = new FrontendParser({ startupBytesMax: host.limits.startupBytesMax, messageBytesMax: host.limits.messageBytesMax });
    this.reader = new MessageReader(socket, this.parser, host.limits.inputBufferedBytesMax);
    this.out = new ResultWriter(this.writer, socket, this.reader, host.limits, host.metrics);
    socket.setNoDelay(true);
    socket.on('error', (err) => this.log.debug('socket error', { err: err.message }));
    socket.on('close', () => {
      this.closedByPeer = true;
      // The client is gone: stop whatever runs for it.
      this.call?.abort(abortReasons.clientGone());
    });
    this.done = this.run();
  }

  /** A statement (or COPY, or sync) is running for this connection. */
  get busy(): boolean {
    return this.call !== undefined;
  }

  /**
   * Aborts the running call, if any. The AbortSignal's reason is a SqlError that sql/ may
   * throw as is: 57014 for a CancelRequest, FATAL 57P01 when the server shuts down.
   */
  cancel(reason: SqlError = abortReasons.cancelRequest()): void {
    this.call?.abort(reason);
  }

  /** Server shutdown: cancel what runs, then end the connection with FATAL 57P01. */
  terminate(): void {
    this.terminating = true;
    this.call?.abort(abortReasons.shutdown());
    this.reader.interrupt();
  }

  private async run(): Promise<void> {
    try {
      const ready = await this.withAuthTimeout(() => this.startup());
      if (ready) await this.messageLoop();
      if (this.terminating && !this.closedByPeer && !this.fatalSent) {
        this.sendFatal(new SqlError(SqlState.adminShutdown, 'terminating connection due to administrator command', { severity: 'FATAL' }));
      }
    } catch (err) {
      this.sendFatal(err);
    } finally {
      await this.cleanup();
    }
  }

  private async withAuthTimeout<T>(fn: () => Promise<T>): Promise<T> {
    const timer = setTimeout(() => {
      this.log.info('startup timed out', { authTimeoutMs: this.host.limits.authTimeoutMs });
      this.reader.interrupt();
    }, this.host.limits.authTimeoutMs);
    try {
      return await fn();
    } finally {
      clearTimeout(timer);
    }
  }

  private async cleanup(): Promise<void> {
    // The client is done with: end the socket first, so a slow session close (rollback,
    // lock release) never leaves the client hanging on a half-closed connection.
    this.out.flush();
    this.socket.end();
    // A client that never reads must not keep the socket forever.
    setTimeout(() => this.socket.destroy(), socketEndGraceMs).unref();
    const session = this.session;
    this.session = undefined;
    if (session !== undefined) {
      try {
        await session.close();
      } catch (err) {
        this.log.error('session close failed', { err });
      }
    }
    this.host.release(this, this.admitted);
    this.host.notifyChange();
  }

  /** Reports a fatal error (best effort) before the connection closes. */
  private sendFatal(err: unknown): void {
    const sqlErr = toSqlError(err, this.log);
    const fatal = new SqlError(sqlErr.code, sqlErr.message, { ...sqlErr.fields, severity: 'FATAL' });
    if (this.closedByPeer) return;
    this.reportError(fatal);
    this.out.flush();
  }

  // --- startup ----------------------------------------------------------------------------

  /** True when the session is ready for queries; false when the connection should just end. */
  private async startup(): Promise<boolean> {
    for (;;) {
      const r = await this.reader.next();
      if (r.kind === 'closed') return false;
      const msg = r.message;
      switch (msg.kind) {
        case 'SSLRequest':
        case 'GSSENCRequest':
          // Bytes already pipelined after the request would be read as plaintext (CVE-2021-23214).
          if (this.reader.bufferedBytes > 0) throw protocolViolation('received unencrypted data after SSL request');
          this.writer.encryptionRefused();
          this.out.flush();
          continue;
        case 'CancelRequest':
          this.host.cancel(msg.pid, msg.secret);
          return false;
        case 'Startup':
          return await this.startSession(msg.protocolMajor, msg.protocolMinor, msg.params);
        case 'Query':
        case 'Parse':
        case 'Bind':
        case 'Describe':
        case 'Execute':
        case 'Close':
        case 'Sync':
        case 'Flush':
        case 'Terminate':
        case 'CopyData':
        case 'CopyDone':
        case 'CopyFail':
        case 'AuthResponse':
        case 'FunctionCall':
        case 'InvalidText':
          throw protocolViolation(`unexpected ${msg.kind} message during startup`);
        default:
          return assertNever(msg, 'frontend message');
      }
    }
  }

  private async startSession(major: number, minor: number, raw: ReadonlyMap<string, string>): Promise<boolean> {
    if (major !== 3) {
      throw protocolViolation(`unsupported frontend protocol ${major}.${minor}: server supports 3.0 to 3.${newestProtocolMinor}`);
    }
    const params = new Map<string, string>();
    const unrecognized: string[] = [];
    for (const [k, v] of raw) {
      if (k.startsWith('_pq_.')) unrecognized.push(k);
      else params.set(k, v);
    }
    if (minor > newestProtocolMinor || unrecognized.length > 0) {
      this.writer.negotiateProtocolVersion(newestProtocolMinor, unrecognized);
    }
    const startup = startupParamsFrom(params);
    const refusal = this.host.admit(this);
    if (refusal !== undefined) throw refusal;
    this.admitted = true;
    if (!(await this.authenticate(startup.user))) return false;
    this.writer.authenticationOk();
    const session = this.host.engine.openSession(startup, { cancel: () => this.cancel(), terminate: () => this.terminate() });
    this.session = session;
    for (const [name, value] of session.initialParameterStatus()) this.writer.parameterStatus(name, value);
    const secret = randomBytes(4).readInt32BE(0);
    this.writer.backendKeyData(session.backendPid, secret);
    this.host.registerCancelKey(this, session.backendPid, secret);
    this.writer.readyForQuery(session.transactionStatus());
    this.out.flush();
    this.log.debug('session started', { user: startup.user, database: startup.database, pid: session.backendPid });
    return true;
  }

  /** True when authenticated; throws FATAL 28P01 / 08P01 otherwise; false if the client left. */
  private async authenticate(user: string): Promise<boolean> {
    const auth = this.host.auth;
    switch (auth.kind) {
      case 'trust':
        return true;
      case 'scram':
        return await this.scram(user, auth);
      default:
        return assertNever(auth, 'auth config');
    }
  }

  private async scram(user: string, auth: Extract<AuthConfig, { kind: 'scram' }>): Promise<boolean> {
    let secret: ScramSecret | undefined;
    if (user === auth.bootstrapUser) {
      secret = auth.bootstrapSecret;
    } else {
      const stored = this.host.engine.scramSecret(user);
      secret = stored === undefined ? undefined : parseScramSecret(stored);
    }
    const exchange = new ScramExchange(user, secret);
    this.writer.authenticationSasl([scramMechanism]);
    this.out.flush();
    const first = await this.nextAuthResponse();
    if (first === undefined) return false;
    const initial = decodeSaslInitialResponse(first);
    if (initial.mechanism !== scramMechanism) {
      throw protocolViolation('client selected an invalid SASL authentication mechanism');
    }
    if (initial.response === null) throw protocolViolation('malformed SCRAM message');
    const step1 = exchange.clientFirst(initial.response);
    if (step1.kind !== 'continue') return this.scramFailed(step1);
    this.writer.authenticationSaslContinue(Buffer.from(step1.serverFirst, 'utf8'));
    this.out.flush();
    const final = await this.nextAuthResponse();
    if (final === undefined) return false;
    const step2 = exchange.clientFinal(Buffer.from(final.buffer, final.byteOffset, final.length));
    if (step2.kind !== 'done') return this.scramFailed(step2);
    this.writer.authenticationSaslFinal(Buffer.from(step2.serverFinal, 'utf8'));
    return true;
  }

  private scramFailed(step: ReturnType<ScramExchange['clientFirst']>): never {
    switch (step.kind) {
      case 'failed':
        throw step.error;
      case 'continue':
      case 'done':
        throw new Error(`SCRAM exchange in unexpected state ${step.kind}`);
      default:
        return assertNever(step, 'scram step');
    }
  }

  private async nextAuthResponse(): Promise<Uint8Array | undefined> {
    const r = await this.reader.next();
    if (r.kind === 'closed') return undefined;
    if (r.message.kind !== 'AuthResponse') {
      throw protocolViolation(`expected SASL response, got message type ${r.message.kind}`);
    }
    return r.message.data;
  }

  // --- queries ----------------------------------------------------------------------------

  private async messageLoop(): Promise<void> {
    for (;;) {
      if (this.terminating) return;
      // Buffered messages and Parse/Bind/Describe/Close are handled without a promise.
      const next = this.reader.next();
      const r = next instanceof Promise ? await next : next;
      if (r.kind === 'closed') return;
      const msg = r.message;
      if (msg.kind === 'Terminate') return;
      if (this.skipToSync && msg.kind !== 'Sync') continue;
      const handled = this.handle(msg);
      const keepGoing = typeof handled === 'boolean' ? handled : await handled;
      if (!keepGoing) return;
    }
  }

  /** False when the connection must end (a FATAL error was sent). */
  private handle(msg: FrontendMessage): boolean | Promise<boolean> {
    const session = this.session;
    assert(session !== undefined, 'no session after startup');
    switch (msg.kind) {
      case 'Query':
        return this.simpleQuery(session, msg.sql);
      case 'Parse':
      case 'Bind':
      case 'Describe':
      case 'Execute':
      case 'Close':
        return this.extended(session, msg);
      case 'Sync':
        return this.sync(session);
      case 'Flush':
        this.out.flush();
        return true;
      case 'CopyData':
      case 'CopyDone':
      case 'CopyFail':
        // Leftovers of a COPY FROM STDIN that already failed: dropped, as PostgreSQL does.
        return true;
      case 'FunctionCall':
        this.reportError(new SqlError(SqlState.featureNotSupported, 'fastpath function calls are not supported'));
        this.readyForQuery(session);
        return true;
      case 'InvalidText':
        return this.invalidText(session, msg.messageType, msg.error);
      case 'AuthResponse':
        throw protocolViolation('unexpected password message after authentication');
      case 'Startup':
      case 'SSLRequest':
      case 'GSSENCRequest':
      case 'CancelRequest':
      case 'Terminate':
        throw protocolViolation(`unexpected ${msg.kind} message`);
      default:
        return assertNever(msg, 'frontend message');
    }
  }

  private invalidText(session: Session, messageType: string, error: SqlError): boolean {
    if (messageType === 'f') return true; // CopyFail outside COPY
    if (messageType === 'Q') {
      this.reportError(error);
      this.readyForQuery(session);
      return true;
    }
    this.extendedError(session, error);
    return true;
  }

  private readyForQuery(session: Session): void {
    this.writer.readyForQuery(session.transactionStatus());
    this.out.flush();
  }

  /**
   * The call's AbortController. One controller serves consecutive calls until it is aborted
   * (cancel, shutdown, client gone), then the next call gets a fresh one: a point query
   * allocates no controller, and only a running call can be aborted (`call` is unset between
   * calls). Listeners never outlive a call (statement_timeout and lock waits remove theirs).
   */
  private controller = new AbortController();

  private beginCall(): AbortSignal {
    assert(this.call === undefined, 'one call at a time');
    if (this.controller.signal.aborted) this.controller = new AbortController();
    const ac = this.controller;
    this.call = ac;
    if (this.terminating) ac.abort(abortReasons.shutdown());
    return ac.signal;
  }

  private endCall(): void {
    this.call = undefined;
    this.host.notifyChange();
  }

  private async simpleQuery(session: Session, sql: string): Promise<boolean> {
    const before = session.transactionStatus();
    this.out.beginCall(session);
    const signal = this.beginCall();
    let failed: SqlError | undefined;
    try {
      await session.simpleQuery(sql, this.out, signal);
    } catch (err) {
      failed = toSqlError(err, this.log);
    } finally {
      this.endCall();
    }
    if (failed !== undefined) {
      this.out.statementFailed();
      this.reportError(failed);
    }
    this.out.endCall({ before, after: session.transactionStatus(), failed: failed !== undefined, implicitEnds: true });
    if (failed?.fields.severity === 'FATAL') return false;
    this.readyForQuery(session);
    return true;
  }

  /** Parse, Bind, Describe and Close are synchronous; only Execute returns a promise. */
  private extended(
    session: Session,
    msg: Extract<FrontendMessage, { kind: 'Parse' | 'Bind' | 'Describe' | 'Execute' | 'Close' }>,
  ): boolean | Promise<boolean> {
    if (msg.kind === 'Execute') return this.extendedExecute(session, msg.portal, msg.maxRows);
    try {
      switch (msg.kind) {
        case 'Parse':
          session.parse(msg.name, msg.sql, msg.paramTypes);
          this.writer.parseComplete();
          break;
        case 'Bind':
          session.bind(msg.portal, msg.statement, msg.params, msg.paramFormats, msg.resultFormats);
          this.writer.bindComplete();
          break;
        case 'Describe':
          this.describe(session, msg.target, msg.name);
          break;
        case 'Close':
          if (msg.target === 'S') session.closeStatement(msg.name);
          else session.closePortal(msg.name);
          this.writer.closeComplete();
          break;
        default:
          return assertNever(msg, 'extended message');
      }
    } catch (err) {
      return this.extendedFailed(session, err);
    }
    return true;
  }

  private async extendedExecute(session: Session, portal: string, maxRows: number): Promise<boolean> {
    try {
      await this.execute(session, portal, maxRows);
    } catch (err) {
      return this.extendedFailed(session, err);
    }
    return true;
  }

  /** False when the connection must end (FATAL). */
  private extendedFailed(session: Session, err: unknown): boolean {
    const sqlErr = toSqlError(err, this.log);
    this.extendedError(session, sqlErr);
    return sqlErr.fields.severity !== 'FATAL';
  }

  private describe(session: Session, target: 'S' | 'P', name: string): void {
    if (target === 'S') {
      const d = session.describeStatement(name);
      this.writer.parameterDescription(d.paramTypes);
      if (d.fields === null) this.writer.noData();
      else this.writer.rowDescription(d.fields);
    } else {
      const fields = session.describePortal(name);
      if (fields === null) this.writer.noData();
      else this.writer.rowDescription(fields);
    }
  }

  private async execute(session: Session, portal: string, maxRows: number): Promise<void> {
    const before = session.transactionStatus();
    this.out.beginCall(session);
    const signal = this.beginCall();
    try {
      const outcome = await session.execute(portal, maxRows, this.out, signal);
      switch (outcome) {
        case 'suspended':
          this.writer.portalSuspended();
          break;
        case 'complete':
          break;
        default:
          assertNever(outcome, 'execute outcome');
      }
      this.noteExtendedImplicit(before, false);
    } catch (err) {
      this.out.statementFailed();
      this.noteExtendedImplicit(before, true);
      throw err;
    } finally {
      this.endCall();
      this.out.endCall({ before, after: session.transactionStatus(), failed: false, implicitEnds: false });
    }
  }

  private noteExtendedImplicit(before: 'I' | 'T' | 'E', failed: boolean): void {
    if (before !== 'I') return;
    this.extendedImplicit.statements++;
    if (failed) this.extendedImplicit.failed = true;
    if (this.out.sawTransactionControl) this.extendedImplicit.explicit = true;
  }

  private extendedError(session: Session, err: SqlError): void {
    this.reportError(err);
    session.errorInExtended(err);
    this.skipToSync = true;
    // PostgreSQL sends an error at once, not at the next Sync: a client that sent Parse/Describe/Flush
    // (asyncpg) waits for it, and the Flush that would have pushed it out is skipped with the rest.
    this.out.flush();
  }

  private async sync(session: Session): Promise<boolean> {
    this.skipToSync = false;
    this.beginCall();
    let failed: SqlError | undefined;
    try {
      await session.sync();
    } catch (err) {
      failed = toSqlError(err, this.log);
    } finally {
      this.endCall();
    }
    if (failed !== undefined) this.reportError(failed);
    const imp = this.extendedImplicit;
    this.extendedImplicit = { statements: 0, failed: false, explicit: false };
    if (imp.statements > 0 && !imp.explicit && session.transactionStatus() === 'I') {
      if (imp.failed || failed !== undefined) this.host.metrics.rollbacks.inc();
      else this.host.metrics.commits.inc();
    }
    if (failed?.fields.severity === 'FATAL') return false;
    this.readyForQuery(session);
    return true;
  }

  private reportError(err: SqlError): void {
    if (err.fields.severity === 'FATAL') this.fatalSent = true;
    this.host.metrics.errorSent(err.code);
    this.writer.errorResponse(errorFields(err));
  }
}

/** Any thrown value as a SqlError; non-SqlErrors become XX000 and are logged with their stack. */
export function toSqlError(err: unknown, log: Logger): SqlError {
  if (err instanceof SqlError) return err;
  const message = err instanceof Error ? err.message : String(err);
  log.error('internal error', { err });
  return new SqlError(SqlState.internalError, message);
}

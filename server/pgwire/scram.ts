/**
 * SCRAM-SHA-256 server side (RFC 5802, RFC 7677), as PostgreSQL speaks it: no channel
 * binding offered (mechanism SCRAM-SHA-256 only), the user name comes from the startup
 * packet (the SCRAM 'n=' attribute is ignored, as in PostgreSQL), and secrets use
 * PostgreSQL's format `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`.
 * Known gap: passwords are not SASLprep-normalised (PostgreSQL uses the raw bytes when
 * SASLprep fails, so ASCII passwords behave identically).
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { assert } from '../../util/assert.js';
import { SqlError, SqlState } from '../../util/errors.js';

export const scramMechanism = 'SCRAM-SHA-256';
export const scramIterationsDefault = 4096;
export const scramSaltBytes = 16;
export const scramNonceBytes = 18;
/** Longest client message we accept in the exchange. */
export const scramMessageBytesMax = 1024;

export interface ScramSecret {
  readonly iterations: number;
  readonly salt: Buffer;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
}

function hmac(key: Buffer, data: string | Buffer): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

export function makeScramSecret(password: string, salt: Buffer = randomBytes(scramSaltBytes), iterations = scramIterationsDefault): ScramSecret {
  assert(iterations > 0, 'iterations > 0');
  const salted = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256');
  const clientKey = hmac(salted, 'Client Key');
  return {
    iterations,
    salt,
    storedKey: createHash('sha256').update(clientKey).digest(),
    serverKey: hmac(salted, 'Server Key'),
  };
}

export function formatScramSecret(s: ScramSecret): string {
  return `${scramMechanism}$${s.iterations}:${s.salt.toString('base64')}$${s.storedKey.toString('base64')}:${s.serverKey.toString('base64')}`;
}

/** Parses PostgreSQL's stored form; undefined when it is not a SCRAM-SHA-256 secret. */
export function parseScramSecret(text: string): ScramSecret | undefined {
  const m = /^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/.exec(text);
  if (m === null) return undefined;
  const iterations = Number(m[1]);
  const storedKey = Buffer.from(m[3]!, 'base64');
  const serverKey = Buffer.from(m[4]!, 'base64');
  if (!Number.isSafeInteger(iterations) || iterations <= 0 || storedKey.length !== 32 || serverKey.length !== 32) return undefined;
  return { iterations, salt: Buffer.from(m[2]!, 'base64'), storedKey, serverKey };
}

export type ScramStep =
  | { readonly kind: 'continue'; readonly serverFirst: string }
  | { readonly kind: 'done'; readonly serverFinal: string }
  | { readonly kind: 'failed'; readonly error: SqlError };

function authFailed(user: string): SqlError {
  return new SqlError(SqlState.invalidPassword, `password authentication failed for user "${user}"`, { severity: 'FATAL' });
}

function malformed(detail: string): SqlError {
  return new SqlError(SqlState.protocolViolation, 'malformed SCRAM message', { severity: 'FATAL', detail });
}

/**
 * One exchange. `secret` undefined (unknown user, or no SCRAM secret) runs a mock exchange
 * with a derived salt that always fails at the proof, so a client cannot tell which users exist.
 */
export class ScramExchange {
  private state: 'initial' | 'sentFirst' | 'finished' = 'initial';
  private readonly secret: ScramSecret;
  private readonly mock: boolean;
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';
  private gs2Header = '';

  constructor(
    private readonly user: string,
    secret: ScramSecret | undefined,
    private readonly serverNonce: string = randomBytes(scramNonceBytes).toString('base64'),
  ) {
    this.mock = secret === undefined;
    this.secret = secret ?? makeScramSecret(randomBytes(16).toString('hex'), createHash('sha256').update(`mock:${user}`).digest().subarray(0, scramSaltBytes));
  }

  clientFirst(message: Buffer): ScramStep {
    assert(this.state === 'initial', 'clientFirst twice');
    this.state = 'sentFirst';
    if (message.length > scramMessageBytesMax) return { kind: 'failed', error: malformed('message too long') };
    const text = message.toString('utf8');
    // gs2-header: cbind-flag "," [authzid] ","
    const m = /^([nyp])(=[^,]*)?,([^,]*),(.*)$/s.exec(text);
    if (m === null) return { kind: 'failed', error: malformed('invalid GS2 header') };
    if (m[1] === 'p') {
      return { kind: 'failed', error: malformed('channel binding was requested but the server does not offer SCRAM-SHA-256-PLUS') };
    }
    if (m[3] !== '') return { kind: 'failed', error: new SqlError(SqlState.featureNotSupported, 'client uses authorization identity, but it is not supported', { severity: 'FATAL' }) };
    this.gs2Header = `${m[1]}${m[2] ?? ''},${m[3]},`;
    this.clientFirstBare = m[4]!;
    const attrs = parseAttributes(this.clientFirstBare);
    if (attrs === undefined || attrs[0]?.[0] !== 'n' || attrs[1]?.[0] !== 'r') {
      return { kind: 'failed', error: malformed('expected attributes n= and r=') };
    }
    const clientNonce = attrs[1][1];
    if (clientNonce.length === 0 || !/^[\x21-\x2b\x2d-\x7e]+$/.test(clientNonce)) return { kind: 'failed', error: malformed('invalid client nonce') };
    this.nonce = clientNonce + this.serverNonce;
    this.serverFirst = `r=${this.nonce},s=${this.secret.salt.toString('base64')},i=${this.secret.iterations}`;
    return { kind: 'continue', serverFirst: this.serverFirst };
  }

  clientFinal(message: Buffer): ScramStep {
    assert(this.state === 'sentFirst', 'clientFinal out of order');
    this.state = 'finished';
    if (message.length > scramMessageBytesMax) return { kind: 'failed', error: malformed('message too long') };
    const text = message.toString('utf8');
    const proofAt = text.lastIndexOf(',p=');
    if (proofAt < 0) return { kind: 'failed', error: malformed('missing proof') };
    const withoutProof = text.slice(0, proofAt);
    const attrs = parseAttributes(withoutProof);
    if (attrs === undefined || attrs[0]?.[0] !== 'c' || attrs[1]?.[0] !== 'r') return { kind: 'failed', error: malformed('expected attributes c= and r=') };
    if (attrs[0][1] !== Buffer.from(this.gs2Header, 'utf8').toString('base64')) {
      return { kind: 'failed', error: malformed('unexpected channel-binding data') };
    }
    if (attrs[1][1] !== this.nonce) return { kind: 'failed', error: malformed('nonce does not match') };
    const proof = Buffer.from(text.slice(proofAt + 3), 'base64');
    if (proof.length !== 32) return { kind: 'failed', error: malformed('invalid proof length') };
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const clientSignature = hmac(this.secret.storedKey, authMessage);
    const clientKey = Buffer.alloc(32);
    for (let i = 0; i < 32; i++) clientKey[i] = proof[i]! ^ clientSignature[i]!;
    const storedKey = createHash('sha256').update(clientKey).digest();
    if (this.mock || !timingSafeEqual(storedKey, this.secret.storedKey)) return { kind: 'failed', error: authFailed(this.user) };
    const serverSignature = hmac(this.secret.serverKey, authMessage);
    return { kind: 'done', serverFinal: `v=${serverSignature.toString('base64')}` };
  }
}

/** "a=v,b=w" → [['a','v'],['b','w']]; undefined when malformed. Extensions after the known ones are kept. */
function parseAttributes(text: string): [string, string][] | undefined {
  const out: [string, string][] = [];
  for (const part of text.split(',')) {
    if (part.length < 2 || part[1] !== '=' || !/[A-Za-z]/.test(part[0]!)) return undefined;
    out.push([part[0]!, part.slice(2)]);
  }
  return out;
}

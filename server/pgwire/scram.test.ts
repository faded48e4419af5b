import { describe, expect, it } from 'vitest';
import { ScramExchange, formatScramSecret, makeScramSecret, parseScramSecret } from './scram.js';

describe('SCRAM-SHA-256 server', () => {
  // RFC 7677 section 3 test vector.
  const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
  const secret = makeScramSecret('pencil', salt, 4096);
  const serverNonce = '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
  const clientFirst = 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO';
  const clientFinal = 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=';

  it('reproduces the RFC 7677 exchange', () => {
    const x = new ScramExchange('user', secret, serverNonce);
    expect(x.clientFirst(Buffer.from(clientFirst))).toEqual({
      kind: 'continue',
      serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
    });
    expect(x.clientFinal(Buffer.from(clientFinal))).toEqual({ kind: 'done', serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=' });
  });

  it('fails a wrong proof, a mock (unknown user) exchange, and malformed messages', () => {
    const wrong = new ScramExchange('user', makeScramSecret('other', salt, 4096), serverNonce);
    wrong.clientFirst(Buffer.from(clientFirst));
    const r = wrong.clientFinal(Buffer.from(clientFinal));
    expect(r.kind === 'failed' && r.error.code).toBe('28P01');
    const mock = new ScramExchange('nobody', undefined, serverNonce);
    expect(mock.clientFirst(Buffer.from(clientFirst)).kind).toBe('continue');
    const m = mock.clientFinal(Buffer.from(clientFinal));
    expect(m.kind === 'failed' && m.error.code).toBe('28P01');
    for (const bad of ['', 'x', 'p=tls-server-end-point,,n=u,r=abc', 'n,,r=abc', 'n,a=admin,n=u,r=abc']) {
      const x = new ScramExchange('user', secret, serverNonce);
      expect(x.clientFirst(Buffer.from(bad)).kind, bad).toBe('failed');
    }
    const badNonce = new ScramExchange('user', secret, serverNonce);
    badNonce.clientFirst(Buffer.from(clientFirst));
    expect(badNonce.clientFinal(Buffer.from('c=biws,r=other,p=' + 'A'.repeat(44))).kind).toBe('failed');
  });

  it('round-trips PostgreSQL\'s stored secret format', () => {
    const text = formatScramSecret(secret);
    expect(text.startsWith('SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$')).toBe(true);
    expect(parseScramSecret(text)).toEqual(secret);
    expect(parseScramSecret('md5abc')).toBeUndefined();
  });
});

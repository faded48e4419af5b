import { describe, expect, it } from 'vitest';
import { Parser } from 'pg-protocol/dist/parser.js';
import type { BackendMessage } from 'pg-protocol/dist/messages.js';
import { BackendWriter, errorFields, noticeFields } from './backend.js';
import { SqlError } from '../../util/errors.js';

function parseBackend(bytes: Buffer): BackendMessage[] {
  const out: BackendMessage[] = [];
  new Parser().parse(Buffer.from(bytes), (m) => out.push(m));
  return out;
}

function parseSplitEverywhere(bytes: Buffer): void {
  const whole = JSON.stringify(parseBackend(bytes));
  for (let at = 0; at <= bytes.length; at++) {
    // pg-protocol reuses (writes into) the buffers it is given and aliases copyData chunks:
    // hand it copies and snapshot each message at once.
    const out: string[] = [];
    const p = new Parser();
    p.parse(Buffer.from(bytes.subarray(0, at)), (m) => out.push(JSON.stringify(m)));
    p.parse(Buffer.from(bytes.subarray(at)), (m) => out.push(JSON.stringify(m)));
    expect(`[${out.join(',')}]`).toBe(whole);
  }
}

describe('BackendWriter', () => {
  it('writes messages pg-protocol parses back to the same values', () => {
    const w = new BackendWriter();
    w.authenticationOk();
    w.parameterStatus('server_version', '15.0');
    w.backendKeyData(4242, -7);
    w.readyForQuery('I');
    w.rowDescription([{ name: 'nämé', tableOid: 16384, columnAttr: 2, typeOid: 25, typeSize: -1, typmod: -1, format: 0 }]);
    w.dataRow([Buffer.from('€uro ✓'), null, Buffer.alloc(0)]);
    w.commandComplete('SELECT 1');
    w.emptyQueryResponse();
    w.parseComplete();
    w.bindComplete();
    w.closeComplete();
    w.noData();
    w.portalSuspended();
    w.parameterDescription([23, 25, 4294967295]);
    w.copyInResponse(false, 2);
    w.copyOutResponse(true, 1);
    w.copyData(Buffer.from('a\tb\n'));
    w.copyDone();
    w.readyForQuery('E');
    const bytes = w.takeBatch();
    expect(w.length).toBe(0);
    const msgs = parseBackend(bytes);
    expect(msgs.map((m) => m.name)).toEqual([
      'authenticationOk',
      'parameterStatus',
      'backendKeyData',
      'readyForQuery',
      'rowDescription',
      'dataRow',
      'commandComplete',
      'emptyQuery',
      'parseComplete',
      'bindComplete',
      'closeComplete',
      'noData',
      'portalSuspended',
      'parameterDescription',
      'copyInResponse',
      'copyOutResponse',
      'copyData',
      'copyDone',
      'readyForQuery',
    ]);
    expect(msgs[1]).toMatchObject({ parameterName: 'server_version', parameterValue: '15.0' });
    expect(msgs[2]).toMatchObject({ processID: 4242, secretKey: -7 });
    expect(msgs[4]).toMatchObject({ fieldCount: 1, fields: [{ name: 'nämé', tableID: 16384, columnID: 2, dataTypeID: 25, dataTypeSize: -1, format: 'text' }] });
    expect(msgs[5]).toMatchObject({ fields: ['€uro ✓', null, ''] });
    expect(msgs[6]).toMatchObject({ text: 'SELECT 1' });
    expect(msgs[13]).toMatchObject({ dataTypeIDs: [23, 25, 4294967295] });
    expect(msgs[14]).toMatchObject({ binary: false, columnTypes: [0, 0] });
    expect(msgs[15]).toMatchObject({ binary: true, columnTypes: [1] });
    expect(msgs[18]).toMatchObject({ status: 'E' });
    parseSplitEverywhere(bytes);
  });

  it('writes every ErrorResponse field of a SqlError and notices', () => {
    const w = new BackendWriter();
    const err = new SqlError('23505', 'duplicate key value violates unique constraint "t_pkey"', {
      detail: 'Key (id)=(1) already exists.',
      hint: 'hint text',
      position: 17,
      schema: 'public',
      table: 't',
      column: 'id',
      dataType: 'int4',
      constraint: 't_pkey',
    });
    w.errorResponse(errorFields(err));
    w.noticeResponse(noticeFields({ severity: 'WARNING', code: '01000', message: 'careful', detail: 'd' }));
    const [e, n] = parseBackend(w.takeBatch());
    expect(e).toMatchObject({
      name: 'error',
      severity: 'ERROR',
      code: '23505',
      message: 'duplicate key value violates unique constraint "t_pkey"',
      detail: 'Key (id)=(1) already exists.',
      hint: 'hint text',
      position: '17',
      schema: 'public',
      table: 't',
      column: 'id',
      dataType: 'int4',
      constraint: 't_pkey',
    });
    expect(n).toMatchObject({ name: 'notice', severity: 'WARNING', code: '01000', message: 'careful', detail: 'd' });
  });

  it('grows its buffer for large rows and SASL messages', () => {
    const w = new BackendWriter();
    const big = Buffer.alloc(300_000, 0x61);
    w.authenticationSasl(['SCRAM-SHA-256']);
    w.authenticationSaslContinue(Buffer.from('r=abc,s=c2FsdA==,i=4096'));
    w.authenticationSaslFinal(Buffer.from('v=xyz'));
    w.dataRow([big, big]);
    const msgs = parseBackend(w.takeBatch());
    expect(msgs.map((m) => m.name)).toEqual(['authenticationSASL', 'authenticationSASLContinue', 'authenticationSASLFinal', 'dataRow']);
    expect(msgs[0]).toMatchObject({ mechanisms: ['SCRAM-SHA-256'] });
    expect(msgs[1]).toMatchObject({ data: 'r=abc,s=c2FsdA==,i=4096' });
    expect(msgs[2]).toMatchObject({ data: 'v=xyz' });
    expect((msgs[3] as unknown as { fields: string[] }).fields[1]!.length).toBe(300_000);
  });
});

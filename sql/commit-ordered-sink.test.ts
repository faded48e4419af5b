// The last CommandComplete of a simple query waits for the implicit commit, as in PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlError } from '../util/errors.js';
import { CommitOrderedSink } from './commit-ordered-sink.js';
import type { Session } from './session-api.js';
import { openTestEngine, recordingSink as recorder, type TestEngine } from './testing.js';

describe('CommitOrderedSink', () => {
  it('holds CommandComplete and what follows it until release, in order', () => {
    const r = recorder();
    const s = new CommitOrderedSink(r);
    s.parameterStatus('a', '1');
    s.commandComplete('INSERT 0 1');
    s.parameterStatus('b', '2');
    expect(r.log).toEqual(['S a=1']);
    s.release();
    expect(r.log).toEqual(['S a=1', 'C INSERT 0 1', 'S b=2']);
  });

  it('drops what it holds when the commit fails', () => {
    const r = recorder();
    const s = new CommitOrderedSink(r);
    s.commandComplete('INSERT 0 1');
    s.discard();
    s.release();
    expect(r.log).toEqual([]);
  });
});

describe('simple query whose implicit commit fails', () => {
  let t: TestEngine;
  let s: Session;
  const signal = new AbortController().signal;

  beforeAll(async () => {
    t = await openTestEngine('commit-order');
    s = t.open();
    await s.simpleQuery('create table p (id int primary key); create table c (pid int references p deferrable initially deferred)', recorder(), signal);
  });
  afterAll(async () => {
    await s.close();
    await t.close();
  });

  it('reports only the error, not the CommandComplete of the statement (deferred foreign key)', async () => {
    const r = recorder();
    const err = await s.simpleQuery('insert into c values (1)', r, signal).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(SqlError);
    expect((err as SqlError).code).toBe('23503');
    expect(r.log).toEqual([]);
    expect(s.transactionStatus()).toBe('I');
  });

  it('sends the earlier statements of the message and holds only the last one', async () => {
    const r = recorder();
    const err = await s.simpleQuery('select 1; insert into c values (2)', r, signal).then(() => undefined, (e: unknown) => e);
    expect((err as SqlError).code).toBe('23503');
    expect(r.log).toEqual(['T', 'D', 'C SELECT 1']);
  });

  it('still sends CommandComplete when the commit succeeds', async () => {
    const r = recorder();
    await s.simpleQuery('insert into p values (1); insert into c values (1)', r, signal);
    expect(r.log).toEqual(['C INSERT 0 1', 'C INSERT 0 1']);
  });
});

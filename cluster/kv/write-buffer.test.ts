import { describe, expect, it } from 'vitest';
import { SqlError } from '../../util/errors.js';
import { bufferedOpOverheadBytes, WriteBuffer } from './write-buffer.js';

const key = (i: number) => Buffer.from(`key-${String(i).padStart(6, '0')}`);

describe('WriteBuffer byte bound', () => {
  it('refuses the write that would pass the bound with 54000 and keeps what it had', () => {
    const perOp = bufferedOpOverheadBytes + key(0).length + 100;
    const b = new WriteBuffer(perOp * 10);
    for (let i = 0; i < 10; i++) b.put(key(i), Buffer.alloc(100));
    let err: unknown;
    try {
      b.put(key(10), Buffer.alloc(100));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SqlError);
    expect((err as SqlError).code).toBe('54000');
    expect((err as SqlError).message).toBe('transaction is too large');
    expect(b.opCount).toBe(10);
    expect(b.lookup(key(10))).toEqual({ kind: 'absent' });
  });

  it('gives the bytes of rolled-back writes back', () => {
    const perOp = bufferedOpOverheadBytes + key(0).length + 100;
    const b = new WriteBuffer(perOp * 10);
    const sp = b.savepoint();
    for (let i = 0; i < 10; i++) b.put(key(i), Buffer.alloc(100));
    b.rollbackTo(sp);
    for (let i = 0; i < 10; i++) b.put(key(i + 100), Buffer.alloc(100));
    expect(b.opCount).toBe(10);
  });
});

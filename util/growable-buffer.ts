/** A Buffer written at `len` that grows (at least doubling) on `ensure` (row encoding, spill records). */
export class GrowableBuffer {
  buf: Buffer;
  len = 0;
  constructor(initialBytes: number) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }
  /** Room for `extraBytes` more bytes at `len`. */
  ensure(extraBytes: number): void {
    if (this.len + extraBytes <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + extraBytes));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
}

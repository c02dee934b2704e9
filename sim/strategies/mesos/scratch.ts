/**
 * A reusable Float64Array for work that ends before the next use (one
 * decision's arithmetic on a batch of offers): allocating a typed array per
 * batch of thousands of offers cost more than the arithmetic. `take(n)` gives
 * a buffer of at least n values, the first n holding `from` (n values) when
 * given, the rest unspecified; it stays valid until the next take.
 */
export class Scratch {
  private buffer = new Float64Array(64);

  take(n: number, from?: ArrayLike<number>): Float64Array {
    if (this.buffer.length < n) this.buffer = new Float64Array(Math.max(n, 2 * this.buffer.length));
    if (from !== undefined) this.buffer.set(from);
    return this.buffer;
  }
}

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

/**
 * Buffers for offer batches, each with room for a whole cluster's offers
 * (3 values per node), lent and given back: a batch lives from its round
 * until its framework answers, and a round makes one per framework it offers
 * to. Only a buffer out on loan is taken back, once.
 */
export class BatchBuffers {
  private readonly free: Float64Array[] = [];
  private readonly lent = new Set<ArrayBufferLike>();

  constructor(private readonly nodes: number) {}

  take(): Float64Array {
    const buffer = this.free.pop() ?? new Float64Array(3 * this.nodes);
    this.lent.add(buffer.buffer);
    return buffer;
  }

  /** Gives back the buffer under `amounts` (a view of one lent by this pool; anything else is left alone). */
  give(amounts: Float64Array): void {
    if (this.lent.delete(amounts.buffer)) this.free.push(new Float64Array(amounts.buffer));
  }
}

/**
 * Per-node typed arrays laid out in one WebAssembly memory, so that a
 * WebAssembly kernel (kube's scan, sim/strategies/kube/scan-kernel.wat)
 * reads them where they are: the cluster's capacities and free resources,
 * and the arrays a strategy allocates here beside them. To JavaScript they
 * are ordinary typed arrays. The memory is sized once, for `SLOTS` arrays
 * of 8 bytes per node and a little more, and never grows (growing would
 * detach every view); asking for more than that throws.
 */
export class NodeArena {
  /** Per-node arrays of 8 bytes per node (or two of 4) the arena holds. */
  static readonly SLOTS = 16;
  /** Room beyond the per-node arrays, for small buffers (bytes). */
  static readonly EXTRA_BYTES = 8192;
  readonly memory: WebAssembly.Memory;
  private readonly capacity: number;
  private end = 0;

  constructor(readonly nodes: number) {
    this.capacity = NodeArena.SLOTS * 8 * nodes + NodeArena.EXTRA_BYTES;
    this.memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(this.capacity / 65536)) });
  }

  /** A new zeroed Float64Array of one element per node. */
  f64(): Float64Array {
    return new Float64Array(this.memory.buffer, this.take(8 * this.nodes), this.nodes);
  }

  /** A new zeroed Uint32Array of one element per node. */
  u32(): Uint32Array {
    return new Uint32Array(this.memory.buffer, this.take(4 * this.nodes), this.nodes);
  }

  /** A new zeroed Int32Array of `length` elements. */
  i32(length: number): Int32Array {
    return new Int32Array(this.memory.buffer, this.take(4 * length), length);
  }

  /** Whether the view lies in this arena's memory. */
  holds(view: ArrayBufferView): boolean {
    return view.buffer === this.memory.buffer;
  }

  /** The offset of `bytes` more (8-byte aligned). */
  private take(bytes: number): number {
    const at = this.end;
    const end = at + Math.ceil(bytes / 8) * 8;
    if (end > this.capacity) throw new Error(`node arena: ${bytes} more bytes would pass its ${this.capacity} (${NodeArena.SLOTS} per-node arrays of ${this.nodes} nodes)`);
    this.end = end;
    return at;
  }
}

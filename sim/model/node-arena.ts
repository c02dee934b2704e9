/**
 * Per-node typed arrays laid out in one WebAssembly memory, so that a
 * WebAssembly kernel (kube's scan, sim/strategies/kube/scan-kernel.wat)
 * reads them where they are: the cluster's capacities and free resources,
 * and the arrays a strategy allocates here beside them. To JavaScript they
 * are ordinary typed arrays. The memory is sized once, for `SLOTS` arrays
 * of 8 bytes per node and a little more, and never grows (growing would
 * detach every view); once it is full, the arrays asked for are plain ones
 * outside it (`holds` tells), which a kernel then cannot read.
 */
export class NodeArena {
  /** Per-node arrays of 8 bytes per node (or two of 4) the arena holds. */
  static readonly SLOTS = 48;
  /** Room beyond the per-node arrays, for small buffers (bytes). */
  static readonly EXTRA_BYTES = 8192;
  readonly memory: WebAssembly.Memory;
  private readonly capacity: number;
  private end = 0;

  constructor(readonly nodes: number) {
    this.capacity = NodeArena.SLOTS * 8 * nodes + NodeArena.EXTRA_BYTES;
    this.memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(this.capacity / 65536)) });
  }

  /** A new zeroed Float64Array of `length` elements (one per node unless given). */
  f64(length = this.nodes): Float64Array {
    const at = this.take(8 * length);
    return at < 0 ? new Float64Array(length) : new Float64Array(this.memory.buffer, at, length);
  }

  /** A new zeroed Uint8Array of one element per node. */
  u8(): Uint8Array {
    const at = this.take(this.nodes);
    return at < 0 ? new Uint8Array(this.nodes) : new Uint8Array(this.memory.buffer, at, this.nodes);
  }

  /** A new zeroed Uint32Array of `length` elements (one per node unless given). */
  u32(length = this.nodes): Uint32Array {
    const at = this.take(4 * length);
    return at < 0 ? new Uint32Array(length) : new Uint32Array(this.memory.buffer, at, length);
  }

  /** A new zeroed Int32Array of `length` elements. */
  i32(length: number): Int32Array {
    const at = this.take(4 * length);
    return at < 0 ? new Int32Array(length) : new Int32Array(this.memory.buffer, at, length);
  }

  /** Whether the view lies in this arena's memory. */
  holds(view: ArrayBufferView): boolean {
    return view.buffer === this.memory.buffer;
  }

  /** The offset of `bytes` more (8-byte aligned), or -1 when they do not fit. */
  private take(bytes: number): number {
    const at = this.end;
    const end = at + Math.ceil(bytes / 8) * 8;
    if (end > this.capacity) return -1;
    this.end = end;
    return at;
  }
}

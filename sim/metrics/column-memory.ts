/** Where a summary's per-group typed arrays come from (each zero-filled). */
export interface ColumnMemory {
  f64(n: number): Float64Array;
  i32(n: number): Int32Array;
  u8(n: number): Uint8Array;
}

/** Fresh arrays, each its own memory. */
export const FRESH: ColumnMemory = {
  f64: (n) => new Float64Array(n),
  i32: (n) => new Int32Array(n),
  u8: (n) => new Uint8Array(n),
};

/**
 * Per-group arrays carved in turn from one shared buffer made before a run
 * starts, so another thread may touch its memory while the run simulates
 * (sim/execute/prefault.ts): on this project's VM the first touch of a page
 * costs ~11 us, and the summaries of 100,000 groups fill ~40 MB. Once the
 * buffer is used up, arrays are fresh ones (`overflow` counts their bytes).
 */
export class SharedColumns implements ColumnMemory {
  readonly buffer: SharedArrayBuffer;
  private used = 0;
  /** Bytes given as fresh arrays because the buffer was used up. */
  overflow = 0;

  constructor(bytes: number) {
    this.buffer = new SharedArrayBuffer(bytes);
  }

  /** Shared columns of `bytes`, or undefined where so much cannot be had at once (a limited address space): fresh arrays will do. */
  static tryCreate(bytes: number): SharedColumns | undefined {
    try {
      return new SharedColumns(bytes);
    } catch (err) {
      if (err instanceof RangeError) return undefined;
      throw err;
    }
  }

  f64(n: number): Float64Array {
    const at = this.take(n * 8);
    return at < 0 ? new Float64Array(n) : new Float64Array(this.buffer, at, n);
  }

  i32(n: number): Int32Array {
    const at = this.take(n * 4);
    return at < 0 ? new Int32Array(n) : new Int32Array(this.buffer, at, n);
  }

  u8(n: number): Uint8Array {
    const at = this.take(n);
    return at < 0 ? new Uint8Array(n) : new Uint8Array(this.buffer, at, n);
  }

  /** The offset of `bytes` more (8-byte aligned), or -1 when they do not fit. */
  private take(bytes: number): number {
    const at = (this.used + 7) & ~7;
    if (at + bytes > this.buffer.byteLength) {
      this.overflow += bytes;
      return -1;
    }
    this.used = at + bytes;
    return at;
  }
}

/**
 * Bytes of per-group arrays the summaries of `groups` groups take from their
 * ColumnMemory (groups.csv's table and the replay that fills it, and the
 * occupancy sampler), with room for alignment: test/column-memory.test.ts
 * holds a run's summaries to it.
 */
export function summaryColumnBytes(groups: number): number {
  return groups * SUMMARY_BYTES_PER_GROUP + 64 * 8;
}

/**
 * Per group: the table's 32 numeric columns, 2 flags and node column (270 B),
 * the replay's own arrays (89), its gang tally (39), live tasks (12), start
 * nodes (12), open deadlocks and stalls (8), and the occupancy sampler's (14).
 */
const SUMMARY_BYTES_PER_GROUP = 270 + 89 + 39 + 12 + 12 + 8 + 14;

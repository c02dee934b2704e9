import { LOG_COLUMN_BYTES, type LogColumns } from "./log.ts";

/**
 * Another thread's EventLog, read through the shared buffers of its columns
 * (`EventLog.buffers`) up to the length its writer has published. The
 * writer publishes with an atomic store after writing the entries, and the
 * reader learns the length with an atomic load (`LogLength`), so every entry
 * below it is written and stays as it is (the log is append-only).
 */
export class LogReader implements LogColumns {
  length = 0;
  // Views of each buffer as far as it had grown when last looked at, made anew when the length passes them.
  t!: Float64Array;
  kind!: Uint8Array;
  group!: Int32Array;
  node!: Int32Array;
  id!: Int32Array;
  r0!: Float64Array;
  r1!: Float64Array;
  r2!: Float64Array;

  constructor(private readonly buffers: readonly SharedArrayBuffer[]) {
    if (buffers.length !== LOG_COLUMN_BYTES.length) throw new Error(`LogReader: ${buffers.length} buffers, expected ${LOG_COLUMN_BYTES.length}`);
    this.view();
  }

  /** Reads the log up to `length` entries (what its writer published: never fewer than before). */
  advance(length: number): void {
    if (!(Number.isInteger(length) && length >= this.length)) throw new Error(`LogReader: length ${length} after ${this.length}`);
    if (length > this.t.length) this.view();
    if (length > this.t.length) throw new Error(`LogReader: length ${length} past the ${this.t.length} entries the buffers hold`);
    this.length = length;
  }

  private view(): void {
    // Fixed-length views (a view that follows a growing buffer is slower to index).
    const entries = Math.min(...this.buffers.map((b, c) => Math.floor(b.byteLength / LOG_COLUMN_BYTES[c]!)));
    const [t, kind, group, node, id, r0, r1, r2] = this.buffers as [SharedArrayBuffer, SharedArrayBuffer, SharedArrayBuffer, SharedArrayBuffer, SharedArrayBuffer, SharedArrayBuffer, SharedArrayBuffer, SharedArrayBuffer];
    this.t = new Float64Array(t, 0, entries);
    this.kind = new Uint8Array(kind, 0, entries);
    this.group = new Int32Array(group, 0, entries);
    this.node = new Int32Array(node, 0, entries);
    this.id = new Int32Array(id, 0, entries);
    this.r0 = new Float64Array(r0, 0, entries);
    this.r1 = new Float64Array(r1, 0, entries);
    this.r2 = new Float64Array(r2, 0, entries);
  }
}

/**
 * The length of a log as its writer publishes it to another thread: an
 * atomic store after the entries are written, an atomic load by the reader.
 */
export class LogLength {
  readonly cell: Int32Array;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.cell = new Int32Array(buffer, 0, 1);
  }

  get buffer(): SharedArrayBuffer {
    return this.cell.buffer as SharedArrayBuffer;
  }

  publish(length: number): void {
    Atomics.store(this.cell, 0, length);
  }

  read(): number {
    return Atomics.load(this.cell, 0);
  }
}

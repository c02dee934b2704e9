import { LOG_COLUMN_BYTES, LogViews } from "./log.ts";

/**
 * Another thread's EventLog, read through the shared buffers of its columns
 * (`EventLog.buffers`) up to the length its writer has published. The
 * writer publishes with an atomic store after writing the entries, and the
 * reader learns the length with an atomic load (`LogLength`), so every entry
 * below it is written and stays as it is (the log is append-only).
 */
export class LogReader extends LogViews {
  length = 0;

  constructor(private readonly buffers: readonly SharedArrayBuffer[]) {
    super();
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

  /** Views as far as every buffer has grown. */
  private view(): void {
    this.viewColumns(this.buffers, Math.min(...this.buffers.map((b, c) => Math.floor(b.byteLength / LOG_COLUMN_BYTES[c]!))));
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

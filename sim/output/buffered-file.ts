import { closeSync, openSync, writeSync } from "node:fs";
import { gzipSync } from "node:zlib";

const SIZE = 1 << 20;

/**
 * Text or bytes written to a file through one reused 1 MiB buffer (gzip: one member
 * per buffer, a multi-member file gzip and pandas read as one stream). A big
 * table is written as many small strings, never one big one, so memory stays
 * flat however long the table: large strings outlive the young generation and
 * pile up until a full collection.
 */
export class BufferedFile {
  private readonly fd: number;
  private readonly buffer = Buffer.allocUnsafe(SIZE);
  private used = 0;

  /** `append`: add to the file; else create it, replacing nothing (it must not exist). */
  constructor(
    file: string,
    append: boolean,
    private readonly compress: boolean,
  ) {
    this.fd = openSync(file, append ? "a" : "wx");
  }

  /** Text, as UTF-8; or bytes, as they are. */
  write(data: string | Uint8Array): void {
    if (typeof data !== "string") return this.writeBytes(data);
    // Up to 3 bytes per UTF-16 unit.
    if (this.used + 3 * data.length > SIZE) this.flush();
    if (3 * data.length > SIZE) this.out(Buffer.from(data, "utf8"));
    else this.used += this.buffer.write(data, this.used, "utf8");
  }

  private writeBytes(bytes: Uint8Array): void {
    if (this.used + bytes.length > SIZE) this.flush();
    if (bytes.length > SIZE) this.out(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
    else {
      this.buffer.set(bytes, this.used);
      this.used += bytes.length;
    }
  }

  close(): void {
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }

  private flush(): void {
    if (this.used === 0) return;
    this.out(this.buffer.subarray(0, this.used));
    this.used = 0;
  }

  private out(bytes: Buffer): void {
    const data = this.compress ? gzipSync(bytes) : bytes;
    for (let at = 0; at < data.length; ) at += writeSync(this.fd, data, at, data.length - at);
  }
}

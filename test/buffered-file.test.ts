import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { BufferedFile } from "../sim/output/buffered-file.ts";

const work = mkdtempSync(join(tmpdir(), "cosched-buffered-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Text of `n` bytes, ASCII and two- and three-byte characters mixed. */
const text = (n: number, seed: string): string => `${seed}ü€,`.repeat(Math.ceil(n / 8)).slice(0, n);

describe("a buffered file", () => {
  it.each([
    ["plain", false],
    ["gzip", true],
  ] as const)("holds text and bytes in the order written, chunks over its 1 MiB buffer included (%s)", (_, compress) => {
    const file = join(work, `mixed-${compress ? "gz" : "plain"}.csv`);
    const parts: (string | Uint8Array)[] = [
      "header\n",
      Buffer.from(text(1000, "a")),
      text(300_000, "b"),
      Buffer.from(text(1_500_000, "c")), // more than the buffer: written past it
      Buffer.from(text(900_000, "d")), // fills the buffer up: flushed first
      text(20, "e"),
      new Uint8Array(0),
      Buffer.from(text(2_500_000, "f")).subarray(7, 2_400_007), // a view not at the start of its memory
    ];
    const out = new BufferedFile(file, false, compress);
    for (const part of parts) out.write(part);
    out.close();
    const raw = readFileSync(file);
    const written = compress ? gunzipSync(raw) : raw;
    const expected = Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p.buffer, p.byteOffset, p.byteLength))));
    expect(written.equals(expected)).toBe(true);
  });
});

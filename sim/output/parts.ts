import { closeSync, existsSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { tableFile, TABLES } from "./tables.ts";

const CHUNK = 1 << 20;

/**
 * Joins runs written apart (each in its own part folder, only the first with
 * headers) into the tables of `dir`, in the order of `parts`: each table is
 * its parts' bytes one after another, the same bytes the runs would have
 * appended to one file in that order (a compressed part is whole gzip
 * members, so the joined file is one multi-member gzip file). The tables must
 * not exist in `dir` yet; the part folders are removed once joined.
 */
export function joinParts(dir: string, parts: readonly string[], compress: boolean): void {
  const buffer = Buffer.allocUnsafe(CHUNK);
  for (const table of TABLES) {
    const out = openSync(join(dir, tableFile(table, compress)), "wx");
    try {
      for (const part of parts) {
        const file = join(part, tableFile(table, compress));
        if (!existsSync(file)) continue;
        const fd = openSync(file, "r");
        try {
          for (let n = readSync(fd, buffer, 0, CHUNK, null); n > 0; n = readSync(fd, buffer, 0, CHUNK, null)) writeSync(out, buffer, 0, n);
        } finally {
          closeSync(fd);
        }
      }
    } finally {
      closeSync(out);
    }
  }
  for (const part of parts) rmSync(part, { recursive: true, force: true });
}

import { CsvBytes } from "../csv-bytes.ts";
import type { GroupLines, GroupRow } from "./group-table.ts";

/** Bytes per block of lines: a line never spans two, and blocks are never copied to grow. */
const BLOCK_BITS = 22;
const BLOCK_BYTES = 1 << BLOCK_BITS;
const NONE = -1;

/**
 * groups.csv lines made while the run is still going, for the groups whose
 * rows can no longer change (GroupReplay.settle), kept by group until the
 * table is written, which copies them (GroupTable.csvBytes). A line is
 * dropped when its group turns out to change after all, and made again
 * then. The lines are kept in blocks of 4 MB up to `capBytes`; past it no
 * more are taken, and the rest are made as the table is written.
 */
export class EarlyLines {
  private readonly at: Int32Array;
  private readonly length: Int32Array;
  private readonly blocks: Uint8Array[] = [];
  private used = BLOCK_BYTES;
  private readonly line = new CsvBytes();
  private count = 0;

  constructor(
    groups: number,
    /** The columns and trailing fields every line is made with. */
    readonly columns: readonly (keyof GroupRow)[],
    readonly extra: readonly Uint8Array[],
    private readonly writer: GroupLines,
    private readonly capBytes: number,
  ) {
    this.at = new Int32Array(groups).fill(NONE);
    this.length = new Int32Array(groups);
  }

  /** Lines held (made, and not dropped). */
  get size(): number {
    return this.count;
  }

  /** Whether the blocks are used up: no more lines are taken. */
  get full(): boolean {
    return this.used === BLOCK_BYTES && this.blocks.length * BLOCK_BYTES >= this.capBytes;
  }

  /** Makes group g's line now (its row as it stands); false, making nothing, when the blocks are used up. */
  add(g: number): boolean {
    const line = this.line;
    line.reset();
    this.writer.write(g, line);
    const n = line.size;
    if (this.used + n > BLOCK_BYTES) {
      if (n > BLOCK_BYTES || (this.blocks.length + 1) * BLOCK_BYTES > this.capBytes) return false;
      this.blocks.push(new Uint8Array(BLOCK_BYTES));
      this.used = 0;
    }
    const block = this.blocks.length - 1;
    this.blocks[block]!.set(line.view(), this.used);
    if (this.at[g] === NONE) this.count++;
    this.at[g] = block * BLOCK_BYTES + this.used;
    this.length[g] = n;
    this.used += n;
    return true;
  }

  /** Group g's line no longer holds (its row changed after it was made). */
  drop(g: number): void {
    if (this.at[g] === NONE) return;
    this.at[g] = NONE;
    this.count--;
  }

  /** Appends group g's line to `out`; false when there is none. */
  copy(g: number, out: CsvBytes): boolean {
    const at = this.at[g]!;
    if (at === NONE) return false;
    const from = at & (BLOCK_BYTES - 1);
    out.raw(this.blocks[at >>> BLOCK_BITS]!.subarray(from, from + this.length[g]!));
    return true;
  }

  /** Whether the lines were made with these columns and trailing fields (a table written otherwise makes its own). */
  madeFor(columns: readonly (keyof GroupRow)[], extra: readonly Uint8Array[]): boolean {
    if (columns.length !== this.columns.length || extra.length !== this.extra.length) return false;
    for (let i = 0; i < columns.length; i++) if (columns[i] !== this.columns[i]) return false;
    for (let i = 0; i < extra.length; i++) if (!sameBytes(extra[i]!, this.extra[i]!)) return false;
    return true;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

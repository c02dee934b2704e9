/** Gains a journal remembers: older ones are forgotten (a reader asking that far back is told so). */
const KEPT = 1024;

/**
 * The nodes that gained room (more free resources, a Pod fewer), in order,
 * with a running count: a reader that stamped the count at some moment can
 * list every node that gained since, as long as fewer than KEPT gains came
 * after. Any other node can only have lost room since the stamp.
 */
export class GainJournal {
  /** Gains so far. */
  count = 0;
  private readonly ring = new Int32Array(KEPT);

  /** The node gained room. */
  gained(node: number): void {
    this.ring[this.count % KEPT] = node;
    this.count++;
  }

  /**
   * Appends to `out` (from `at`) the nodes that gained since the count was
   * `stamp`, possibly repeated; returns the new end, or -1 when some of them
   * are forgotten.
   */
  since(stamp: number, out: Int32Array, at: number): number {
    if (this.count - stamp > KEPT) return -1;
    for (let k = stamp; k < this.count; k++) out[at++] = this.ring[k % KEPT]!;
    return at;
  }

  /** The most gains since a stamp that since() can list. */
  static readonly KEPT = KEPT;
}

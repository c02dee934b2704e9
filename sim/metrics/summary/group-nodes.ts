import { widened } from "../../model/widened.ts";
import { FRESH, type ColumnMemory } from "../column-memory.ts";

/** at[g]: no list set; a list of any length but one, in the pool. */
const UNSET = -1;
const POOLED = -2;

/**
 * A list of nodes per group, set whole: typed arrays and one shared pool,
 * not an array per group. A list of one node is kept in the group's slot
 * itself (the usual case); others in the pool. The naive baseline splits
 * most groups, and a Map entry with two arrays for each of them cost more
 * than the rest of the replay at 300,000 groups.
 */
export class GroupNodes {
  /** One node (>= 0), UNSET or POOLED. */
  private readonly at: Int32Array;
  /** A POOLED group's list: pool[from[g] .. from[g] + count[g]). */
  private readonly from: Int32Array;
  private readonly count: Int32Array;
  private pool = new Int32Array(1024);
  private used = 0;

  constructor(groups: number, memory: ColumnMemory = FRESH) {
    this.at = memory.i32(groups).fill(UNSET);
    this.from = memory.i32(groups);
    this.count = memory.i32(groups);
  }

  /** Sets group g's list (a list set again leaves the earlier one unused in the pool). */
  set(g: number, nodes: readonly number[]): void {
    if (nodes.length === 1) {
      this.at[g] = nodes[0]!;
      return;
    }
    if (this.used + nodes.length > this.pool.length) this.pool = widened(this.pool, Math.max(2 * this.pool.length, this.used + nodes.length));
    this.at[g] = POOLED;
    this.from[g] = this.used;
    this.count[g] = nodes.length;
    for (const node of nodes) this.pool[this.used++] = node;
  }

  /** Group g has no list any more. */
  clear(g: number): void {
    this.at[g] = UNSET;
  }

  /** Whether group g has a list (perhaps empty). */
  has(g: number): boolean {
    return this.at[g] !== UNSET;
  }

  /** Nodes in group g's list (0 when it has none). */
  length(g: number): number {
    const at = this.at[g]!;
    return at >= 0 ? 1 : at === POOLED ? this.count[g]! : 0;
  }

  /** The i-th node of group g's list (0 <= i < length(g)). */
  node(g: number, i: number): number {
    const at = this.at[g]!;
    return at >= 0 ? at : this.pool[this.from[g]! + i]!;
  }
}

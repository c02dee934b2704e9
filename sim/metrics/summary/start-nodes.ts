import { widened } from "../../model/widened.ts";
import { FRESH, type ColumnMemory } from "../column-memory.ts";
import type { LogColumns } from "../log.ts";
import type { LiveTasks } from "./live-tasks.ts";

/** at[g]: no start recorded; started on several nodes (or on none: no task ran). */
const NONE = -1;
const SEVERAL = -2;

/**
 * The nodes each group's tasks ran on when it last started, while the log is
 * replayed: one node, several (distinct, in start order), or none recorded.
 * Typed arrays and one shared pool of node lists, not a list per group: the
 * naive baseline splits most groups, and a Map entry with two arrays for each
 * of them cost more than the rest of the replay at 300,000 groups.
 */
export class StartNodes {
  /** One node (>= 0), NONE or SEVERAL. */
  private readonly at: Int32Array;
  /** A SEVERAL group's list: pool[from[g] .. from[g] + count[g]). */
  private readonly from: Int32Array;
  private readonly count: Int32Array;
  private pool = new Int32Array(1024);
  private used = 0;

  constructor(groups: number, memory: ColumnMemory = FRESH) {
    this.at = memory.i32(groups).fill(NONE);
    this.from = memory.i32(groups);
    this.count = memory.i32(groups);
  }

  /** Group g started: records the nodes of its running tasks (their starts in the log). */
  record(g: number, live: LiveTasks, log: LogColumns): void {
    const first = live.first(g);
    const node0 = first >= 0 ? log.node[live.startOf(first)]! : NONE;
    let same = first >= 0;
    for (let t = first >= 0 ? live.after(first) : -1; same && t >= 0; t = live.after(t)) same = log.node[live.startOf(t)] === node0;
    if (same) {
      this.at[g] = node0;
      return;
    }
    // Several nodes (or none): kept distinct, in start order.
    this.at[g] = SEVERAL;
    const from = this.used;
    this.from[g] = from;
    for (let t = first; t >= 0; t = live.after(t)) {
      const node = log.node[live.startOf(t)]!;
      let seen = false;
      for (let i = from; i < this.used && !seen; i++) seen = this.pool[i] === node;
      if (!seen) this.push(node);
    }
    this.count[g] = this.used - from;
  }

  /** Group g's start no longer stands (its Pods were deleted or lost). */
  clear(g: number): void {
    this.at[g] = NONE;
  }

  /**
   * The nodes groups.csv names for group g, distinct, in `out` (emptied
   * first): those of its last start if one stands, else those of its running
   * tasks now.
   */
  placed(g: number, live: LiveTasks, log: LogColumns, out: number[]): number[] {
    out.length = 0;
    const at = this.at[g]!;
    if (at >= 0) out.push(at);
    else if (at === SEVERAL) for (let i = this.from[g]!, end = i + this.count[g]!; i < end; i++) out.push(this.pool[i]!);
    else
      for (let t = live.first(g); t >= 0; t = live.after(t)) {
        const node = log.node[live.startOf(t)]!;
        if (!out.includes(node)) out.push(node);
      }
    return out;
  }

  private push(node: number): void {
    if (this.used === this.pool.length) this.pool = widened(this.pool, this.pool.length * 2);
    this.pool[this.used++] = node;
  }
}

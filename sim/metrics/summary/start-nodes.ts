import { FRESH, type ColumnMemory } from "../column-memory.ts";
import type { LogColumns } from "../log.ts";
import { GroupNodes } from "./group-nodes.ts";
import type { LiveTasks } from "./live-tasks.ts";

/**
 * The nodes each group's tasks ran on when it last started, while the log is
 * replayed: distinct, in start order (none when no task ran), or no start
 * recorded.
 */
export class StartNodes {
  private readonly lists: GroupNodes;
  private readonly scratch: number[] = [];

  constructor(groups: number, memory: ColumnMemory = FRESH) {
    this.lists = new GroupNodes(groups, memory);
  }

  /** Group g started: records the nodes of its running tasks (their starts in the log), distinct, in start order. */
  record(g: number, live: LiveTasks, log: LogColumns): void {
    this.lists.set(g, runningNodes(g, live, log, this.scratch));
  }

  /** Group g's start no longer stands (its Pods were deleted or lost). */
  clear(g: number): void {
    this.lists.clear(g);
  }

  /**
   * The nodes groups.csv names for group g, distinct, in `out` (emptied
   * first): those of its last start if one stands, else those of its running
   * tasks now.
   */
  placed(g: number, live: LiveTasks, log: LogColumns, out: number[]): number[] {
    const lists = this.lists;
    if (!lists.has(g)) return runningNodes(g, live, log, out);
    out.length = 0;
    for (let i = 0, n = lists.length(g); i < n; i++) out.push(lists.node(g, i));
    return out;
  }
}

/** The distinct nodes of group g's running tasks, in start order, in `out` (emptied first). */
function runningNodes(g: number, live: LiveTasks, log: LogColumns, out: number[]): number[] {
  out.length = 0;
  for (let t = live.first(g); t >= 0; t = live.after(t)) {
    const node = log.node[live.startOf(t)]!;
    if (!out.includes(node)) out.push(node);
  }
  return out;
}

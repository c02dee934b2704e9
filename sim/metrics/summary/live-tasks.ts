import { widened } from "../../model/widened.ts";
import { FRESH, type ColumnMemory } from "../column-memory.ts";

/**
 * While the log is replayed: each group's running tasks in start order, as
 * linked lists in typed arrays indexed by task id (ids are dense from 0), and
 * the log index where each running task started. No array or map entry per
 * task or group: at 300,000 groups a list per group and a map of task starts
 * cost more than the replay itself.
 */
export class LiveTasks {
  private readonly head: Int32Array;
  private readonly tail: Int32Array;
  private readonly count: Int32Array;
  private next = new Int32Array(1024);
  private prev = new Int32Array(1024);
  /** Log index of each running task's TaskStart; -1 when it is not running. */
  private started = new Int32Array(1024).fill(-1);

  constructor(groups: number, memory: ColumnMemory = FRESH) {
    this.head = memory.i32(groups).fill(-1);
    this.tail = memory.i32(groups).fill(-1);
    this.count = memory.i32(groups);
  }

  /** Task `id` of group g started at log index i. */
  start(g: number, id: number, i: number): void {
    if (id >= this.started.length) this.grow(id);
    this.started[id] = i;
    this.prev[id] = this.tail[g]!;
    this.next[id] = -1;
    if (this.tail[g]! >= 0) this.next[this.tail[g]!] = id;
    else this.head[g] = id;
    this.tail[g] = id;
    this.count[g]!++;
  }

  /** Task `id` of group g ended: the log index where it started, or -1 if it was not running. */
  end(g: number, id: number): number {
    const i = id < this.started.length ? this.started[id]! : -1;
    if (i < 0) return -1;
    this.started[id] = -1;
    const p = this.prev[id]!;
    const n = this.next[id]!;
    if (p >= 0) this.next[p] = n;
    else this.head[g] = n;
    if (n >= 0) this.prev[n] = p;
    else this.tail[g] = p;
    this.count[g]!--;
    return i;
  }

  size(g: number): number {
    return this.count[g]!;
  }

  /**
   * Walking group g's running tasks in start order without a list: `first(g)`
   * is the earliest (-1: none), `after(task)` the next (-1: none), and
   * `startOf(task)` the log index of its start.
   */
  first(g: number): number {
    return this.head[g]!;
  }

  after(task: number): number {
    return this.next[task]!;
  }

  startOf(task: number): number {
    return this.started[task]!;
  }

  /** Room for task ids up to `id` (sized as they come in, rather than by reading the whole log first). */
  private grow(id: number): void {
    if (!(Number.isInteger(id) && id >= 0)) throw new Error(`summary: task id ${id} is not a count from 0`);
    const size = Math.max(this.started.length * 2, id + 1);
    this.next = widened(this.next, size);
    this.prev = widened(this.prev, size);
    this.started = widened(this.started, size, -1);
  }
}

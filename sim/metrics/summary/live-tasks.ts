import { Ev, type EventLog } from "../log.ts";

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
  private readonly next: Int32Array;
  private readonly prev: Int32Array;
  /** Log index of each running task's TaskStart; -1 when it is not running. */
  private readonly started: Int32Array;

  constructor(groups: number, log: EventLog) {
    let tasks = 0;
    for (let i = 0; i < log.length; i++) if (log.kind[i] === Ev.TaskStart && log.id[i]! >= tasks) tasks = log.id[i]! + 1;
    this.head = new Int32Array(groups).fill(-1);
    this.tail = new Int32Array(groups).fill(-1);
    this.count = new Int32Array(groups);
    this.next = new Int32Array(tasks);
    this.prev = new Int32Array(tasks);
    this.started = new Int32Array(tasks).fill(-1);
  }

  /** Task `id` of group g started at log index i. */
  start(g: number, id: number, i: number): void {
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
}

import { Phase, type EventId, type Simulator } from "../engine/index.ts";
import { Ev, type EventLog } from "../metrics/log.ts";
import type { Cluster } from "./cluster.ts";
import type { Group } from "./group.ts";
import type { Resources } from "./resources.ts";

/** Some members of one group running on one node under one allocation. */
export interface Task {
  readonly id: number;
  readonly group: number;
  readonly node: number;
  readonly members: number;
  readonly request: Resources;
  readonly start: number;
  /** Its GPU device allocation (-1: none). */
  readonly gpuHandle: number;
}

interface GroupRun {
  running: number;
  tasks: Task[];
  finish: EventId | undefined;
  done: boolean;
}

/**
 * Runs what strategies place: starts tasks on nodes (allocating their
 * request), starts a group once all its members run, finishes it after its
 * duration (releasing everything), and kills tasks on a rollback. Every step
 * is written to the event log. Strategies are told about freed nodes through
 * `onFreed`, which the runner wires to the strategy.
 */
export class Lifecycle {
  onFreed: (node: number, group: Group) => void = () => {};
  private readonly runs: GroupRun[];
  /** 1 from a group's loss to a node failure until a controller replaces it. */
  private readonly lost: Uint8Array;
  /** Live tasks per node, for node failures. */
  private readonly onNode = new Map<number, Set<Task>>();
  private nextTask = 0;

  constructor(
    private readonly sim: Simulator,
    private readonly cluster: Cluster,
    private readonly groups: readonly Group[],
    private readonly log: EventLog,
  ) {
    this.runs = groups.map(() => ({ running: 0, tasks: [], finish: undefined, done: false }));
    this.lost = new Uint8Array(groups.length);
  }

  /** Members of the group that run now. */
  runningMembers(group: number): number {
    return this.run(group).running;
  }

  /** True once the group has finished its duration. */
  isDone(group: number): boolean {
    return this.run(group).done;
  }

  /**
   * Starts `members` members of the group on `node`, allocating `request`
   * there. A group lost to a node failure whose loss the strategy has not
   * noticed yet starts nothing (undefined): its Pods are gone.
   */
  start(group: Group, members: number, node: number, request: Resources): Task | undefined {
    if (this.lost[group.index]) return undefined;
    this.check(group, members);
    const handle = this.cluster.allocate(node, request);
    return this.adopt(group, members, node, request, handle);
  }

  /**
   * Starts members whose `request` is already allocated on `node` (a committed
   * claim of an optimistic transaction). For a lost group the claim is given
   * back and nothing starts.
   */
  startClaimed(group: Group, members: number, node: number, request: Resources, gpuHandle = -1): Task | undefined {
    if (this.lost[group.index]) {
      this.cluster.release(node, request, gpuHandle);
      return undefined;
    }
    this.check(group, members);
    return this.adopt(group, members, node, request, gpuHandle);
  }

  /** A controller's replacement of a lost group: it may run again. */
  revive(group: Group): void {
    this.lost[group.index] = 0;
  }

  private check(group: Group, members: number): void {
    const run = this.run(group.index);
    if (run.done) throw new Error(`lifecycle: group ${group.id} already finished`);
    if (run.running + members > group.members.length) {
      throw new Error(`lifecycle: group ${group.id} would run ${run.running + members} of ${group.members.length} members`);
    }
  }

  private adopt(group: Group, members: number, node: number, request: Resources, gpuHandle: number): Task {
    const run = this.run(group.index);
    const now = this.sim.now;
    const task: Task = { id: this.nextTask++, group: group.index, node, members, request, start: now, gpuHandle };
    run.tasks.push(task);
    run.running += members;
    let here = this.onNode.get(node);
    if (here === undefined) {
      here = new Set();
      this.onNode.set(node, here);
    }
    here.add(task);
    this.log.pushResources(now, Ev.TaskStart, group.index, node, task.id, request);
    if (run.running === group.members.length) {
      this.log.push(now, Ev.GroupStart, group.index);
      // An infinite duration (placeOnce) never ends.
      if (Number.isFinite(group.duration)) run.finish = this.sim.after(group.duration, Phase.Release, () => this.finish(group));
    }
    return task;
  }

  /** Kills every live task of the group (a rollback); their work is wasted. */
  killGroup(group: Group): void {
    this.notifyFreed(group, this.endTasks(group, Ev.TaskKill));
  }

  /**
   * A node failed: every group with a task on it loses all its tasks (their
   * work is wasted) and stops; the cluster then takes the node down. Returns
   * the groups lost, for the strategy and any controller to act on.
   */
  failNode(node: number): Group[] {
    const lost: Group[] = [];
    for (const task of this.onNode.get(node) ?? []) {
      const group = this.groups[task.group]!;
      if (!lost.includes(group)) lost.push(group);
    }
    this.cluster.down(node);
    const now = this.sim.now;
    this.log.push(now, Ev.NodeDown, -1, node);
    for (const group of lost) {
      this.lost[group.index] = 1;
      const tasks = this.endTasks(group, Ev.TaskLost);
      this.log.push(now, Ev.GroupLost, group.index, node);
      this.notifyFreed(group, tasks.filter((t) => t.node !== node));
    }
    return lost;
  }

  /** The node is back, empty. */
  recoverNode(node: number): void {
    this.cluster.recover(node);
    this.log.push(this.sim.now, Ev.NodeUp, -1, node);
  }

  private finish(group: Group): void {
    this.run(group.index).finish = undefined; // firing now: nothing to cancel
    const tasks = this.endTasks(group, Ev.TaskFinish);
    this.run(group.index).done = true;
    this.log.push(this.sim.now, Ev.GroupFinish, group.index);
    this.notifyFreed(group, tasks);
  }

  /** Releases every live task of the group, logging each with `kind`; returns them. */
  private endTasks(group: Group, kind: typeof Ev.TaskFinish | typeof Ev.TaskKill | typeof Ev.TaskLost): Task[] {
    const run = this.run(group.index);
    const tasks = run.tasks;
    run.tasks = [];
    run.running = 0;
    if (run.finish !== undefined) {
      this.sim.cancel(run.finish);
      run.finish = undefined;
    }
    const now = this.sim.now;
    for (const task of tasks) {
      this.cluster.release(task.node, task.request, task.gpuHandle);
      this.onNode.get(task.node)?.delete(task);
      this.log.pushResources(now, kind, task.group, task.node, task.id, task.request);
    }
    return tasks;
  }

  private notifyFreed(group: Group, tasks: readonly Task[]): void {
    for (let i = 0; i < tasks.length; i++) {
      const node = tasks[i]!.node;
      let seen = false;
      for (let j = 0; j < i; j++) if (tasks[j]!.node === node) seen = true;
      if (!seen) this.onFreed(node, group);
    }
  }

  private run(group: number): GroupRun {
    const run = this.runs[group];
    if (run === undefined) throw new Error(`lifecycle: no group ${group}`);
    return run;
  }
}

import { Phase, type EventId, type Simulator } from "../engine/index.ts";
import { Ev, type EventLog } from "../metrics/log.ts";
import type { Cluster } from "./cluster.ts";
import { memberCount, podCount, podEnd, podFirst, podOf, quorum, type Group } from "./group.ts";
import type { Resources } from "./resources.ts";
import { END, TaskTable } from "./task-table.ts";

/** Per-Pod state of a gang or job. */
interface PodRuns {
  /** Members running, per Pod. */
  readonly members: Uint16Array;
  /** Per Pod: the node its running containers are on (-1: none yet, -2: more than one, a split Pod). */
  readonly node: Int32Array;
  /** When each Pod last became fully running. */
  readonly upAt: Float64Array;
  /** job: each Pod's pending end of its duration. */
  readonly finishes: (EventId | undefined)[];
  /** job: Pods that ran their duration. */
  readonly finished: Uint8Array;
  /** Pods fully running now. */
  up: number;
  /** job: Pods that have ended their duration. */
  ended: number;
  /** job: Pods that have run, since the last reset. */
  everUp: number;
  /** gang: quorum reached (its duration runs); job: every Pod has run. */
  started: boolean;
  /** Every Pod ran at the same time (logged once per placement). */
  full: boolean;
}

/**
 * Runs what strategies place: starts tasks on nodes (allocating their
 * request), starts a group once all its members run, finishes it after its
 * duration (releasing everything), and kills tasks on a rollback. Every step
 * is written to the event log. Strategies are told about freed nodes through
 * `onFreed`, which the runner wires to the strategy.
 */
export class Lifecycle {
  onFreed: (node: number, group: Group, pod?: number) => void = () => {};
  // Per group, by index: typed arrays and arrays of what only some groups have, not an object per group
  // (a run of 300,000 groups would hold 300,000 of them, and an empty task list each, to its end).
  /** Members running now. */
  private readonly running: Int32Array;
  /** 1 once the group has finished its duration. */
  private readonly done: Uint8Array;
  /** The pending end of the group's duration (-1: none). */
  private readonly finishEvent: Float64Array;
  /** Live tasks (some members of one group running on one node under one allocation), by group and by node. */
  private readonly tasks: TaskTable;
  /** A group of several Pods (gang, job): per-Pod state, made at its first start. */
  private readonly pods: (PodRuns | undefined)[];
  /** 1 from a group's loss to a node failure until a controller replaces it. */
  private readonly lost: Uint8Array;
  private nextTask = 0;

  constructor(
    private readonly sim: Simulator,
    private readonly cluster: Cluster,
    private readonly groups: readonly Group[],
    private readonly log: EventLog,
  ) {
    const n = groups.length;
    this.running = new Int32Array(n);
    this.done = new Uint8Array(n);
    this.finishEvent = new Float64Array(n).fill(-1);
    this.tasks = new TaskTable(n, cluster.size);
    this.pods = new Array<PodRuns | undefined>(n).fill(undefined);
    this.lost = new Uint8Array(groups.length);
  }

  /** Members of the group that run now. */
  runningMembers(group: number): number {
    return this.running[this.index(group)]!;
  }

  /**
   * Every Pod of the group has run since it was placed (Kueue's PodsReady):
   * all its members run (colocate), all its Pods run at once (gang), or each
   * Pod has run (job).
   */
  allPodsRan(group: number): boolean {
    const g = this.groups[this.index(group)]!;
    if (g.pods === undefined) return this.running[group] === memberCount(g);
    const pods = this.pods[group];
    if (pods === undefined) return false;
    return g.kind === "job" ? pods.everUp === podCount(g) : pods.full;
  }

  /** Whether Pod `p` of a job has run its duration (since the job was last killed or lost). */
  podFinished(group: number, p: number): boolean {
    return this.pods[this.index(group)]?.finished[p] === 1;
  }

  /** True once the group has finished its duration. */
  isDone(group: number): boolean {
    return this.done[this.index(group)] === 1;
  }

  /**
   * Starts `members` members of the group on `node`, allocating `request`
   * there; true. A group lost to a node failure whose loss the strategy has
   * not noticed yet starts nothing (false): its Pods are gone.
   */
  start(group: Group, members: number, node: number, request: Resources, first = 0): boolean {
    if (this.lost[group.index]) return false;
    this.check(group, members, first);
    const handle = this.cluster.allocate(node, request);
    return this.adopt(group, members, node, request, handle, first);
  }

  /**
   * Starts members whose `request` is already allocated on `node` (a committed
   * claim of an optimistic transaction); true. For a lost group the claim
   * is given back and nothing starts (false).
   */
  startClaimed(group: Group, members: number, node: number, request: Resources, gpuHandle = -1, first = 0): boolean {
    if (this.lost[group.index]) {
      this.cluster.release(node, request, gpuHandle);
      this.log.pushResources(this.sim.now, Ev.ClaimReturned, group.index, node, -1, request);
      return false;
    }
    this.check(group, members, first);
    return this.adopt(group, members, node, request, gpuHandle, first);
  }

  /** A controller's replacement of a lost group: it may run again. */
  revive(group: Group): void {
    this.lost[group.index] = 0;
  }

  private check(group: Group, members: number, first: number): void {
    const g = this.index(group.index);
    if (this.done[g] === 1) throw new Error(`lifecycle: group ${group.id} already finished`);
    const running = this.running[g]!;
    if (running + members > memberCount(group)) {
      throw new Error(`lifecycle: group ${group.id} would run ${running + members} of ${memberCount(group)} members`);
    }
    if (group.pods !== undefined) {
      const p = podOf(group, first);
      const size = podEnd(group, p) - podFirst(group, p);
      if (first + members > podEnd(group, p)) throw new Error(`lifecycle: a task of group ${group.id} spans Pods ${p} and ${p + 1}`);
      const pods = this.pods[g];
      const ran = pods?.members[p] ?? 0;
      if (ran + members > size) throw new Error(`lifecycle: Pod ${p} of group ${group.id} would run ${ran + members} of ${size} members`);
      if (pods?.finished[p] === 1) throw new Error(`lifecycle: Pod ${p} of job ${group.id} already ran its duration`);
    }
  }

  private adopt(group: Group, members: number, node: number, request: Resources, gpuHandle: number, first: number): true {
    const g = group.index;
    const now = this.sim.now;
    const id = this.nextTask++;
    this.tasks.add(id, g, node, members, first, request.cpu, request.memory, request.gpu, gpuHandle);
    const running = (this.running[g]! += members);
    this.log.pushResources(now, Ev.TaskStart, g, node, id, request);
    if (group.pods !== undefined) {
      this.adoptPod(group, node, members, first);
      return true;
    }
    if (running === memberCount(group)) {
      this.log.push(now, Ev.GroupStart, g);
      // An infinite duration (placeOnce) never ends.
      if (Number.isFinite(group.duration)) this.finishEvent[g] = this.sim.after(group.duration, Phase.Release, () => this.finish(group));
    }
    return true;
  }

  /**
   * A task of a gang or job started: when it completes its Pod, the Pod is up
   * (PodUp). A gang starts its duration once `minMember` Pods are up at once
   * (GroupStart, r0 = co-start skew: now minus the earliest up time among
   * them); a job's Pod runs its own duration from when it is up, and the job
   * counts as started when every Pod has run (GroupStart).
   */
  private adoptPod(group: Group, node: number, members: number, first: number): void {
    const now = this.sim.now;
    const n = podCount(group);
    const pods = (this.pods[group.index] ??= {
      members: new Uint16Array(n),
      node: new Int32Array(n).fill(-1),
      upAt: new Float64Array(n).fill(NaN),
      finishes: group.kind === "job" ? new Array<EventId | undefined>(n).fill(undefined) : [],
      finished: new Uint8Array(group.kind === "job" ? n : 0),
      up: 0,
      ended: 0,
      everUp: 0,
      started: false,
      full: false,
    });
    const p = podOf(group, first);
    pods.members[p]! += members;
    const at = pods.node[p]!;
    if (at === -1) pods.node[p] = node;
    else if (at !== node) pods.node[p] = -2;
    if (pods.members[p] !== podEnd(group, p) - podFirst(group, p)) return;
    pods.up++;
    pods.upAt[p] = now;
    // r0 = 1: the Pod's containers run on more than one node (a split Pod, naive's doing).
    this.log.push(now, Ev.PodUp, group.index, node, p, pods.node[p] === -2 ? 1 : 0);
    if (group.kind === "job") {
      pods.everUp++;
      if (Number.isFinite(group.duration)) pods.finishes[p] = this.sim.after(group.duration, Phase.Release, () => this.finishPod(group, p));
      if (!pods.started && pods.everUp === n) {
        pods.started = true;
        this.log.push(now, Ev.GroupStart, group.index, -1, -1, this.skew(pods));
      }
    } else if (!pods.started && pods.up >= quorum(group)) {
      pods.started = true;
      this.log.push(now, Ev.GroupStart, group.index, -1, -1, this.skew(pods));
      if (Number.isFinite(group.duration)) this.finishEvent[group.index] = this.sim.after(group.duration, Phase.Release, () => this.finish(group));
    }
    if (!pods.full && pods.up === n) {
      pods.full = true;
      this.log.push(now, Ev.GroupFull, group.index);
    }
  }

  /** Now minus the earliest time a Pod that is up now came up. */
  private skew(pods: PodRuns): number {
    let first = Infinity;
    for (let p = 0; p < pods.upAt.length; p++) {
      const t = pods.upAt[p]!;
      if (pods.members[p]! > 0 && t < first) first = t;
    }
    return Number.isFinite(first) ? this.sim.now - first : 0;
  }

  /** A job's Pod ran its duration: its tasks end; the job finishes with its last Pod. */
  private finishPod(group: Group, p: number): void {
    const g = group.index;
    const pods = this.pods[g]!;
    pods.finishes[p] = undefined;
    const head = this.tasks.detach(g, podFirst(group, p), podEnd(group, p));
    for (let s = head; s !== END; s = this.tasks.next(s)) this.running[g]! -= this.tasks.members[s]!;
    const freed = this.release(head, Ev.TaskFinish);
    const now = this.sim.now;
    pods.members[p] = 0;
    pods.node[p] = -1;
    pods.up--;
    pods.finished[p] = 1;
    pods.ended++;
    const finished = pods.ended === podCount(group);
    if (finished) {
      this.done[g] = 1;
      this.log.push(now, Ev.GroupFinish, group.index);
    }
    this.notifyFreed(group, freed, p);
    if (finished) group.forgetMembers?.();
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
    for (const s of this.tasks.on(node)) {
      const group = this.groups[this.tasks.group[s]!]!;
      if (!lost.includes(group)) lost.push(group);
    }
    this.cluster.down(node);
    const now = this.sim.now;
    this.log.push(now, Ev.NodeDown, -1, node);
    for (const group of lost) {
      this.lost[group.index] = 1;
      const freed = this.endTasks(group, Ev.TaskLost);
      this.log.push(now, Ev.GroupLost, group.index, node);
      this.notifyFreed(group, freed.filter((n) => n !== node));
    }
    return lost;
  }

  /** The node is back, empty. */
  recoverNode(node: number): void {
    this.cluster.recover(node);
    this.log.push(this.sim.now, Ev.NodeUp, -1, node);
  }

  private finish(group: Group): void {
    this.finishEvent[group.index] = -1; // firing now: nothing to cancel
    const tasks = this.endTasks(group, Ev.TaskFinish);
    this.done[group.index] = 1;
    this.log.push(this.sim.now, Ev.GroupFinish, group.index);
    this.notifyFreed(group, tasks);
    // The group has run: what it held for its members may go.
    group.forgetMembers?.();
  }

  /** Releases every live task of the group, logging each with `kind`; returns their nodes, in start order. */
  private endTasks(group: Group, kind: typeof Ev.TaskFinish | typeof Ev.TaskKill | typeof Ev.TaskLost): number[] {
    const g = this.index(group.index);
    const head = this.tasks.detach(g);
    this.running[g] = 0;
    const finish = this.finishEvent[g]!;
    if (finish >= 0) {
      this.sim.cancel(finish);
      this.finishEvent[g] = -1;
    }
    const pods = this.pods[g];
    if (pods !== undefined && kind !== Ev.TaskFinish) {
      // Killed or lost: the group starts over (a job's finished Pods too: its Pods are deleted).
      for (const e of pods.finishes) if (e !== undefined) this.sim.cancel(e);
      this.pods[g] = undefined;
    }
    return this.release(head, kind);
  }

  /**
   * Ends the detached tasks from `head` on: releases each one's request,
   * logs it with `kind` and frees its slot; returns their nodes, in start
   * order (running counts are the caller's).
   */
  private release(head: number, kind: typeof Ev.TaskFinish | typeof Ev.TaskKill | typeof Ev.TaskLost): number[] {
    const { tasks, cluster, log } = this;
    const now = this.sim.now;
    const nodes: number[] = [];
    for (let s = head; s !== END; ) {
      const next = tasks.next(s);
      const g = tasks.group[s]!;
      const node = tasks.node[s]!;
      const cpu = tasks.cpu[s]!;
      const memory = tasks.memory[s]!;
      const gpu = tasks.gpu[s]!;
      cluster.releaseHeld(node, cpu, memory, gpu, tasks.gpuHandle[s]!);
      log.push(now, kind, g, node, tasks.id[s]!, cpu, memory, gpu);
      tasks.free(s);
      nodes.push(node);
      s = next;
    }
    return nodes;
  }

  private notifyFreed(group: Group, nodes: readonly number[], pod?: number): void {
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      let seen = false;
      for (let j = 0; j < i; j++) if (nodes[j] === node) seen = true;
      if (!seen) this.onFreed(node, group, pod);
    }
  }

  /** The group's index, checked: a strategy asking about a group the workload lacks is a bug. */
  private index(group: number): number {
    if (!(group >= 0 && group < this.running.length && Number.isInteger(group))) throw new Error(`lifecycle: no group ${group}`);
    return group;
  }
}

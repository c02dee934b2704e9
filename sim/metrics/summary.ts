import type { Group } from "../model/group.ts";
import type { Resources } from "../model/resources.ts";
import { DeadlockResolution, Ev, type EventLog } from "./log.ts";
import { ascending, mean, percentile, ratio } from "./stats.ts";

/** What the summaries need to know about a run; RunResult provides it. */
export interface RunRecord {
  readonly runId: string;
  readonly scenario: string;
  readonly strategy: string;
  readonly seed: number;
  readonly workload: { readonly groups: readonly Group[] };
  readonly cluster: { readonly total: Resources; name(node: number): string };
  readonly log: EventLog;
  readonly end: number;
  readonly sampleEvery: number;
  readonly events: number;
}

export const OUTCOMES = ["completed", "running", "pending", "deadlocked", "abandoned", "unschedulable", "split", "lost"] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface GroupRow {
  run_id: string;
  scenario: string;
  strategy: string;
  seed: number;
  group_id: string;
  kind: string;
  members: number;
  cpu: number;
  memory: number;
  gpu: number;
  submit: number;
  pod_created: number;
  placed: number;
  started: number;
  finished: number;
  latency: number;
  nodes: string;
  outcome: Outcome;
  correct: boolean;
  attempts: number;
  conflicts: number;
  rollbacks: number;
  held_cpu_s: number;
  held_memory_s: number;
  held_gpu_s: number;
  wasted_cpu_s: number;
  wasted_memory_s: number;
  wasted_gpu_s: number;
  co_start_skew: number;
  split_s: number;
  phase: PodPhase;
}

/** Kubernetes Pod phases, as the group ends the run. */
export type PodPhase = "Pending" | "Running" | "Succeeded" | "Failed";

/** The Pod phase of an outcome: a group that never ran as a whole is Pending, one lost to a node failure Failed. */
export function podPhase(outcome: Outcome, finished: boolean): PodPhase {
  switch (outcome) {
    case "completed":
      return "Succeeded";
    case "running":
      return "Running";
    case "split":
      return finished ? "Succeeded" : "Running";
    case "lost":
      return "Failed";
    default:
      return "Pending";
  }
}

/** The resource vector a group asks for in total: the sum of its app containers, or its largest init container. */
function groupRequest(g: Group): Resources {
  let cpu = 0;
  let memory = 0;
  let gpu = 0;
  let icpu = 0;
  let imem = 0;
  let igpu = 0;
  for (const m of g.members) {
    if (m.init) {
      icpu = Math.max(icpu, m.request.cpu);
      imem = Math.max(imem, m.request.memory);
      igpu = Math.max(igpu, m.request.gpu);
    } else {
      cpu += m.request.cpu;
      memory += m.request.memory;
      gpu += m.request.gpu;
    }
  }
  return { cpu: Math.max(cpu, icpu), memory: Math.max(memory, imem), gpu: Math.max(gpu, igpu) };
}

/**
 * One row per group, computed from the event log in one pass. Pure: the same
 * record always gives the same rows.
 */
export function groupRows(run: RunRecord): GroupRow[] {
  const groups = run.workload.groups;
  const n = groups.length;
  const log = run.log;
  const end = run.end;
  const created = new Float64Array(n).fill(NaN);
  const placed = new Float64Array(n).fill(NaN);
  const started = new Float64Array(n).fill(NaN);
  const finished = new Float64Array(n).fill(NaN);
  const attemptFirst = new Float64Array(n).fill(NaN);
  const skew = new Float64Array(n).fill(NaN);
  /** Since when some but not all members run, and the total of such time. */
  const partialFrom = new Float64Array(n).fill(NaN);
  const partialTotal = new Float64Array(n);
  const attempts = new Int32Array(n);
  const conflicts = new Int32Array(n);
  const rollbacks = new Int32Array(n);
  const flags = new Uint8Array(n);
  const held = new Float64Array(n * 3);
  const wasted = new Float64Array(n * 3);
  /** Resource-seconds of tasks that ended normally, wasted if the group turns out split. */
  const ranWork = new Float64Array(n * 3);
  const live: number[][] = Array.from({ length: n }, () => []);
  const startNodes: (number[] | undefined)[] = new Array(n);
  const taskStart = new Map<number, number>();
  /** Log index of the HoldStart of each hold still in place. */
  const holdStart = new Map<number, number>();
  /** The open deadlock each group is in, or -1. */
  const deadlock = new Int32Array(n).fill(-1);
  const deadlockMembers = new Map<number, number[]>();

  const UNSCHEDULABLE = 1;
  const ABANDONED = 2;
  const LOST = 4;

  for (let i = 0; i < log.length; i++) {
    const t = log.t[i]!;
    const g = log.group[i]!;
    switch (log.kind[i]) {
      case Ev.Created:
        if (Number.isNaN(created[g]!)) created[g] = t;
        break;
      case Ev.Attempt:
        attempts[g]!++;
        break;
      case Ev.Conflict:
        conflicts[g]!++;
        break;
      case Ev.Rollback:
        rollbacks[g]!++;
        break;
      case Ev.Unschedulable:
        flags[g]! |= UNSCHEDULABLE;
        break;
      case Ev.Abandon:
        flags[g]! |= ABANDONED;
        break;
      case Ev.GroupLost:
        flags[g]! |= LOST;
        started[g] = NaN;
        startNodes[g] = undefined;
        break;
      case Ev.Restart:
        // A controller's replacement: a new attempt of the same group.
        flags[g]! &= ~LOST;
        attempts[g]!++;
        break;
      case Ev.TaskStart: {
        const id = log.id[i]!;
        taskStart.set(id, t);
        if (Number.isNaN(placed[g]!)) placed[g] = t;
        if (live[g]!.length === 0) {
          attemptFirst[g] = t;
          partialFrom[g] = t;
        }
        live[g]!.push(i);
        break;
      }
      case Ev.TaskFinish:
      case Ev.TaskKill:
      case Ev.TaskLost: {
        const id = log.id[i]!;
        const t0 = taskStart.get(id);
        if (t0 === undefined) throw new Error(`summary: task ${id} ended without starting`);
        taskStart.delete(id);
        const target = log.kind[i] === Ev.TaskFinish ? ranWork : wasted;
        const dt = t - t0;
        target[g * 3]! += log.r0[i]! * dt;
        target[g * 3 + 1]! += log.r1[i]! * dt;
        target[g * 3 + 2]! += log.r2[i]! * dt;
        live[g] = live[g]!.filter((j) => log.id[j] !== id);
        if (live[g]!.length === 0 && !Number.isNaN(partialFrom[g]!)) {
          partialTotal[g]! += t - partialFrom[g]!;
          partialFrom[g] = NaN;
        }
        break;
      }
      case Ev.GroupStart:
        if (!Number.isNaN(partialFrom[g]!)) partialTotal[g]! += t - partialFrom[g]!;
        partialFrom[g] = NaN;
        started[g] = t;
        skew[g] = t - attemptFirst[g]!;
        startNodes[g] = live[g]!.map((j) => log.node[j]!);
        break;
      case Ev.GroupFinish:
        finished[g] = t;
        break;
      case Ev.HoldStart:
        holdStart.set(log.id[i]!, i);
        break;
      case Ev.DeadlockJoin: {
        const id = log.id[i]!;
        deadlock[g] = id;
        const members = deadlockMembers.get(id) ?? [];
        members.push(g);
        deadlockMembers.set(id, members);
        break;
      }
      case Ev.DeadlockLeave:
        if (deadlock[g] === log.id[i]) deadlock[g] = -1;
        break;
      case Ev.DeadlockEnd: {
        const id = log.id[i]!;
        for (const member of deadlockMembers.get(id) ?? []) if (deadlock[member] === id) deadlock[member] = -1;
        deadlockMembers.delete(id);
        break;
      }
      case Ev.HoldEnd: {
        const j = holdStart.get(log.id[i]!);
        if (j === undefined) throw new Error(`summary: hold ${log.id[i]} ended without starting`);
        holdStart.delete(log.id[i]!);
        const dt = t - log.t[j]!;
        held[g * 3]! += log.r0[i]! * dt;
        held[g * 3 + 1]! += log.r1[i]! * dt;
        held[g * 3 + 2]! += log.r2[i]! * dt;
        break;
      }
      default:
        break;
    }
  }
  // Holds still in place at the end count up to the end.
  for (const i of holdStart.values()) {
    const g = log.group[i]!;
    const dt = end - log.t[i]!;
    held[g * 3]! += log.r0[i]! * dt;
    held[g * 3 + 1]! += log.r1[i]! * dt;
    held[g * 3 + 2]! += log.r2[i]! * dt;
  }

  const rows: GroupRow[] = [];
  for (let g = 0; g < n; g++) {
    const group = groups[g]!;
    const liveNodes = live[g]!.map((j) => log.node[j]!);
    const nodesAtStart = startNodes[g];
    const placedNodes = distinct(nodesAtStart ?? liveNodes);
    const isStarted = !Number.isNaN(started[g]!);
    const split = isStarted && placedNodes.length > 1;
    let outcome: Outcome;
    if (flags[g]! & UNSCHEDULABLE) outcome = "unschedulable";
    else if (flags[g]! & ABANDONED) outcome = "abandoned";
    else if (flags[g]! & LOST) outcome = "lost";
    else if (deadlock[g]! >= 0) outcome = "deadlocked";
    else if (split) outcome = "split";
    else if (!Number.isNaN(finished[g]!)) outcome = "completed";
    else if (isStarted && live[g]!.length > 0) outcome = "running";
    else outcome = "pending";
    if (split) {
      // A split group's work is incorrect placement: all of it is wasted.
      for (let d = 0; d < 3; d++) wasted[g * 3 + d]! += ranWork[g * 3 + d]!;
      for (const j of live[g]!) {
        const dt = end - log.t[j]!;
        wasted[g * 3]! += log.r0[j]! * dt;
        wasted[g * 3 + 1]! += log.r1[j]! * dt;
        wasted[g * 3 + 2]! += log.r2[j]! * dt;
      }
    }
    const req = groupRequest(group);
    rows.push({
      run_id: run.runId,
      scenario: run.scenario,
      strategy: run.strategy,
      seed: run.seed,
      group_id: group.id,
      kind: group.kind,
      members: group.members.length,
      cpu: req.cpu,
      memory: req.memory,
      gpu: req.gpu,
      submit: group.submit,
      pod_created: created[g]!,
      placed: placed[g]!,
      started: started[g]!,
      finished: finished[g]!,
      latency: started[g]! - group.submit,
      nodes: placedNodes.map((node) => run.cluster.name(node)).join(";"),
      outcome,
      correct: outcome === "completed" || outcome === "running",
      attempts: attempts[g]!,
      conflicts: conflicts[g]!,
      rollbacks: rollbacks[g]!,
      held_cpu_s: held[g * 3]!,
      held_memory_s: held[g * 3 + 1]!,
      held_gpu_s: held[g * 3 + 2]!,
      wasted_cpu_s: wasted[g * 3]!,
      wasted_memory_s: wasted[g * 3 + 1]!,
      wasted_gpu_s: wasted[g * 3 + 2]!,
      co_start_skew: skew[g]!,
      split_s: partialTotal[g]! + (Number.isNaN(partialFrom[g]!) ? 0 : end - partialFrom[g]!),
      phase: podPhase(outcome, !Number.isNaN(finished[g]!)),
    });
  }
  return rows;
}

function distinct(nodes: readonly number[]): number[] {
  const out: number[] = [];
  for (const n of nodes) if (!out.includes(n)) out.push(n);
  return out;
}

export interface TimeseriesRow {
  run_id: string;
  scenario: string;
  strategy: string;
  seed: number;
  time: number;
  util_cpu: number;
  util_memory: number;
  util_gpu: number;
  held_cpu: number;
  held_memory: number;
  held_gpu: number;
  pending_groups: number;
  running_groups: number;
}

/** Time-weighted usage of the whole run, alongside the sampled series. */
export interface Occupancy {
  readonly rows: TimeseriesRow[];
  /** Resource-seconds in use (running tasks) over [0, end]. */
  readonly usedSeconds: Resources;
}

/**
 * Samples the cluster every `sampleEvery` seconds from 0 to the end, each
 * sample taken after every event at that instant, and integrates usage.
 */
export function occupancy(run: RunRecord): Occupancy {
  const log = run.log;
  const groups = run.workload.groups;
  const total = run.cluster.total;
  const rows: TimeseriesRow[] = [];
  const used = [0, 0, 0];
  const heldNow = [0, 0, 0];
  const area = [0, 0, 0];
  const liveTasks = new Int32Array(groups.length);
  const whole = new Uint8Array(groups.length);
  const terminal = new Uint8Array(groups.length);
  let wholeCount = 0;
  let terminalCount = 0;
  let runningCount = 0;
  let submitted = 0;
  let lastT = 0;
  let k = 0;
  const step = run.sampleEvery;

  const advance = (t: number): void => {
    for (let d = 0; d < 3; d++) area[d]! += used[d]! * (t - lastT);
    lastT = t;
  };
  const emit = (time: number): void => {
    while (submitted < groups.length && groups[submitted]!.submit <= time) submitted++;
    rows.push({
      run_id: run.runId,
      scenario: run.scenario,
      strategy: run.strategy,
      seed: run.seed,
      time,
      util_cpu: ratio(used[0]!, total.cpu),
      util_memory: ratio(used[1]!, total.memory),
      util_gpu: ratio(used[2]!, total.gpu),
      held_cpu: heldNow[0]!,
      held_memory: heldNow[1]!,
      held_gpu: heldNow[2]!,
      pending_groups: submitted - wholeCount - terminalCount,
      running_groups: runningCount,
    });
  };
  const setTerminal = (g: number): void => {
    if (terminal[g]) return;
    if (whole[g]) {
      whole[g] = 0;
      wholeCount--;
    }
    terminal[g] = 1;
    terminalCount++;
  };

  for (let i = 0; i < log.length; i++) {
    const t = log.t[i]!;
    while (k * step < t && k * step <= run.end) {
      advance(k * step);
      emit(k * step);
      k++;
    }
    advance(t);
    const g = log.group[i]!;
    const sign = log.kind[i] === Ev.TaskStart || log.kind[i] === Ev.HoldStart ? 1 : -1;
    switch (log.kind[i]) {
      case Ev.TaskStart:
      case Ev.TaskFinish:
      case Ev.TaskKill:
      case Ev.TaskLost:
        used[0]! += sign * log.r0[i]!;
        used[1]! += sign * log.r1[i]!;
        used[2]! += sign * log.r2[i]!;
        if (sign > 0 && liveTasks[g]!++ === 0) runningCount++;
        if (sign < 0 && --liveTasks[g]! === 0) runningCount--;
        if ((log.kind[i] === Ev.TaskKill || log.kind[i] === Ev.TaskLost) && whole[g]) {
          whole[g] = 0;
          wholeCount--;
        }
        break;
      case Ev.HoldStart:
      case Ev.HoldEnd:
        heldNow[0]! += sign * log.r0[i]!;
        heldNow[1]! += sign * log.r1[i]!;
        heldNow[2]! += sign * log.r2[i]!;
        break;
      case Ev.GroupStart:
        if (!whole[g]) {
          whole[g] = 1;
          wholeCount++;
        }
        break;
      case Ev.GroupFinish:
      case Ev.Unschedulable:
      case Ev.Abandon:
      case Ev.GroupLost:
        setTerminal(g);
        break;
      case Ev.Restart:
        if (terminal[g]) {
          terminal[g] = 0;
          terminalCount--;
        }
        break;
      default:
        break;
    }
  }
  while (k * step <= run.end) {
    advance(k * step);
    emit(k * step);
    k++;
  }
  advance(run.end);
  return { rows, usedSeconds: { cpu: area[0]!, memory: area[1]!, gpu: area[2]! } };
}

export interface RunRow {
  run_id: string;
  scenario: string;
  strategy: string;
  seed: number;
  groups: number;
  completed: number;
  running: number;
  pending: number;
  deadlocked: number;
  abandoned: number;
  unschedulable: number;
  split: number;
  lost: number;
  correct_rate: number;
  latency_mean: number;
  latency_p50: number;
  latency_p90: number;
  latency_p99: number;
  latency_max: number;
  makespan: number;
  util_cpu: number;
  util_memory: number;
  util_gpu: number;
  held_cpu_s: number;
  held_memory_s: number;
  held_gpu_s: number;
  wasted_cpu_s: number;
  wasted_memory_s: number;
  wasted_gpu_s: number;
  deadlocks: number;
  first_deadlock: number;
  offers: number;
  declines: number;
  rescinds: number;
  alloc_rounds: number;
  alloc_nodes_visited: number;
  attempts: number;
  conflicts: number;
  commits: number;
  conflict_fraction: number;
  rollbacks: number;
  schedulers: number;
  busy_s: number;
  busy_useful_s: number;
  busy_wasted_s: number;
  busyness: number;
  split_s: number;
  events: number;
  horizon: number;
}

/** One row for the run, from its group rows, its occupancy and its log. */
export function runRow(run: RunRecord, rows: readonly GroupRow[], occ: Occupancy): RunRow {
  const count = (o: Outcome): number => rows.filter((r) => r.outcome === o).length;
  const latencies = ascending(rows.map((r) => r.latency).filter((x) => !Number.isNaN(x)));
  const sumOf = (key: keyof GroupRow): number => rows.reduce((acc, r) => acc + (r[key] as number), 0);
  const log = run.log;
  let busy = 0;
  let busyUseful = 0;
  let schedulers = 0;
  let commits = 0;
  let offers = 0;
  let declines = 0;
  let rescinds = 0;
  let rounds = 0;
  let visited = 0;
  const deadlocks = new Set<number>();
  let firstDeadlock = NaN;
  for (let i = 0; i < log.length; i++) {
    switch (log.kind[i]) {
      case Ev.Busy:
        busy += log.r0[i]!;
        if (log.r1[i]! > 0) busyUseful += log.r0[i]!;
        break;
      case Ev.SchedulerUp:
        schedulers++;
        break;
      case Ev.Commit:
        commits++;
        break;
      case Ev.Offer:
        offers += log.r0[i]!;
        break;
      case Ev.Decline:
        declines += log.r0[i]!;
        break;
      case Ev.Rescind:
        rescinds++;
        break;
      case Ev.AllocRound:
        rounds++;
        visited += log.r0[i]!;
        break;
      case Ev.DeadlockJoin:
        if (deadlocks.size === 0) firstDeadlock = log.t[i]!;
        deadlocks.add(log.id[i]!);
        break;
      default:
        break;
    }
  }
  let makespan = NaN;
  for (const r of rows) {
    if (!Number.isNaN(r.finished) && (Number.isNaN(makespan) || r.finished > makespan)) makespan = r.finished;
  }
  const total = run.cluster.total;
  const conflicts = sumOf("conflicts");
  return {
    run_id: run.runId,
    scenario: run.scenario,
    strategy: run.strategy,
    seed: run.seed,
    groups: rows.length,
    completed: count("completed"),
    running: count("running"),
    pending: count("pending"),
    deadlocked: count("deadlocked"),
    abandoned: count("abandoned"),
    unschedulable: count("unschedulable"),
    split: count("split"),
    lost: count("lost"),
    correct_rate: ratio(rows.filter((r) => r.correct).length, rows.length),
    latency_mean: mean(latencies),
    latency_p50: percentile(latencies, 0.5),
    latency_p90: percentile(latencies, 0.9),
    latency_p99: percentile(latencies, 0.99),
    latency_max: latencies.length === 0 ? NaN : latencies[latencies.length - 1]!,
    makespan,
    util_cpu: ratio(occ.usedSeconds.cpu, total.cpu * run.end),
    util_memory: ratio(occ.usedSeconds.memory, total.memory * run.end),
    util_gpu: ratio(occ.usedSeconds.gpu, total.gpu * run.end),
    held_cpu_s: sumOf("held_cpu_s"),
    held_memory_s: sumOf("held_memory_s"),
    held_gpu_s: sumOf("held_gpu_s"),
    wasted_cpu_s: sumOf("wasted_cpu_s"),
    wasted_memory_s: sumOf("wasted_memory_s"),
    wasted_gpu_s: sumOf("wasted_gpu_s"),
    deadlocks: deadlocks.size,
    first_deadlock: firstDeadlock,
    offers,
    declines,
    rescinds,
    alloc_rounds: rounds,
    alloc_nodes_visited: visited,
    attempts: sumOf("attempts"),
    conflicts,
    commits,
    conflict_fraction: conflicts === 0 ? 0 : ratio(conflicts, commits),
    rollbacks: sumOf("rollbacks"),
    schedulers,
    busy_s: busy,
    busy_useful_s: busyUseful,
    busy_wasted_s: busy - busyUseful,
    busyness: ratio(busy, schedulers * run.end),
    split_s: sumOf("split_s"),
    events: run.events,
    horizon: run.end,
  };
}

export interface DeadlockRow {
  run_id: string;
  scenario: string;
  strategy: string;
  seed: number;
  deadlock: number;
  time: number;
  groups: number;
  group_ids: string;
  nodes: string;
  held_cpu: number;
  held_memory: number;
  held_gpu: number;
  resolution: string;
  resolved_at: number;
}

/** One row per detected deadlock: when, who, where, what they held, how it ended. */
export function deadlockRows(run: RunRecord): DeadlockRow[] {
  const log = run.log;
  const groups = run.workload.groups;
  const rows = new Map<number, DeadlockRow & { groupList: number[]; nodeList: number[] }>();
  for (let i = 0; i < log.length; i++) {
    const kind = log.kind[i];
    if (kind !== Ev.DeadlockJoin && kind !== Ev.DeadlockEnd) continue;
    const id = log.id[i]!;
    let row = rows.get(id);
    if (row === undefined) {
      row = {
        run_id: run.runId,
        scenario: run.scenario,
        strategy: run.strategy,
        seed: run.seed,
        deadlock: id,
        time: log.t[i]!,
        groups: 0,
        group_ids: "",
        nodes: "",
        held_cpu: 0,
        held_memory: 0,
        held_gpu: 0,
        resolution: "none",
        resolved_at: NaN,
        groupList: [],
        nodeList: [],
      };
      rows.set(id, row);
    }
    const node = log.node[i]!;
    if (node >= 0 && !row.nodeList.includes(node)) row.nodeList.push(node);
    if (kind === Ev.DeadlockJoin) {
      row.groupList.push(log.group[i]!);
      row.held_cpu += log.r0[i]!;
      row.held_memory += log.r1[i]!;
      row.held_gpu += log.r2[i]!;
    } else {
      row.resolved_at = log.t[i]!;
      const code = log.r0[i]!;
      const aborted = log.group[i]!;
      row.resolution =
        code === DeadlockResolution.Timeout
          ? "timeout"
          : code === DeadlockResolution.Aborted
            ? `aborted:${groups[aborted]?.id ?? aborted}`
            : "released";
    }
  }
  return [...rows.values()].map(({ groupList, nodeList, ...row }) => ({
    ...row,
    groups: groupList.length,
    group_ids: groupList.map((g) => groups[g]?.id ?? String(g)).join(";"),
    nodes: nodeList.map((node) => run.cluster.name(node)).join(";"),
  }));
}

export interface SchedulerRow {
  run_id: string;
  scenario: string;
  strategy: string;
  seed: number;
  scheduler: number;
  decisions: number;
  placing_decisions: number;
  busy_s: number;
  busyness: number;
}

/** One row per scheduler instance (kube scheduler, mesos framework, omega scheduler): its decision time. */
export function schedulerRows(run: RunRecord): SchedulerRow[] {
  const log = run.log;
  const rows = new Map<number, SchedulerRow>();
  for (let i = 0; i < log.length; i++) {
    const kind = log.kind[i];
    if (kind !== Ev.SchedulerUp && kind !== Ev.Busy) continue;
    const id = log.id[i]!;
    let row = rows.get(id);
    if (row === undefined) {
      row = { run_id: run.runId, scenario: run.scenario, strategy: run.strategy, seed: run.seed, scheduler: id, decisions: 0, placing_decisions: 0, busy_s: 0, busyness: 0 };
      rows.set(id, row);
    }
    if (kind === Ev.Busy) {
      row.decisions++;
      if (log.r1[i]! > 0) row.placing_decisions++;
      row.busy_s += log.r0[i]!;
    }
  }
  return [...rows.values()].sort((a, b) => a.scheduler - b.scheduler).map((r) => ({ ...r, busyness: ratio(r.busy_s, run.end) }));
}

import { podCount, quorum } from "../../model/group.ts";
import { groupRequest, memberCount } from "../../model/group-store.ts";
import { Ev } from "../log.ts";
import { GangTally } from "./gangs.ts";
import { GroupTable, type GroupRow, type PodPhase } from "./group-table.ts";
import { HoldStarts } from "./hold-starts.ts";
import { LiveTasks } from "./live-tasks.ts";
import { OpenRecords } from "./open-records.ts";
import type { Outcome, RunRecord } from "./record.ts";
import { StartNodes } from "./start-nodes.ts";

export type { GroupRow, PodPhase } from "./group-table.ts";

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
    case "preempted":
      return "Failed";
    case "partial":
      return "Running";
    default:
      return "Pending";
  }
}

/**
 * groups.csv of a run, computed from the event log in one pass, held by
 * column. Pure: the same record always gives the same table.
 */
export function groupTable(run: RunRecord): GroupTable {
  const groups = run.workload.groups;
  const n = groups.length;
  const log = run.log;
  const end = run.end;
  // The table's own columns tally what it shows as the log is read (no second copy of each per group:
  // at 300,000 groups, ~30 MB less at the summary's peak).
  const table = new GroupTable(run, n);
  const num = table.numbers;
  const text = table.texts;
  const flag = table.flags;
  const created = num.pod_created.fill(NaN);
  const placed = num.placed.fill(NaN);
  const started = num.started.fill(NaN);
  const finished = num.finished.fill(NaN);
  const skew = num.co_start_skew.fill(NaN);
  const attempts = num.attempts;
  const conflicts = num.conflicts;
  const rollbacks = num.rollbacks;
  const preempted = num.preempted;
  const heldCpu = num.held_cpu_s;
  const heldMemory = num.held_memory_s;
  const heldGpu = num.held_gpu_s;
  const wastedCpu = num.wasted_cpu_s;
  const wastedMemory = num.wasted_memory_s;
  const wastedGpu = num.wasted_gpu_s;
  const attemptFirst = new Float64Array(n).fill(NaN);
  /** Since when some but not all members run, and the total of such time. */
  const partialFrom = new Float64Array(n).fill(NaN);
  const partialTotal = new Float64Array(n);
  const flags = new Uint8Array(n);
  /** Resource-seconds of tasks that ended normally, wasted if the group turns out split. */
  const ranWork = new Float64Array(n * 3);
  const live = new LiveTasks(n, log);
  /** The nodes a group's tasks ran on when it started (tasks all on one node, as omega claims member by member, are that node). */
  const startNodes = new StartNodes(n);
  const holdStarts = new HoldStarts();
  /** 1 for a gang or job (a group of several Pods), read once in group order rather than at each start. */
  const multiPod = new Uint8Array(n);
  for (let g = 0; g < n; g++) multiPod[g] = groups[g]!.pods !== undefined ? 1 : 0;
  const gangs = new GangTally(n, {
    partialCpu: num.partial_cpu_s,
    partialMemory: num.partial_memory_s,
    partialGpu: num.partial_gpu_s,
    full: num.full,
    admitted: num.admitted,
    timeouts: num.timeouts,
    rejections: num.rejections,
    evictions: num.evictions,
  });
  const deadlock = new OpenRecords(n);
  const stall = new OpenRecords(n);

  const UNSCHEDULABLE = 1;
  const ABANDONED = 2;
  const LOST = 4;
  const PREEMPTED = 8;
  /** Each group's last preemptor, and whether a kill of its Pod is due (the times it was chosen: `preempted`). */
  const preemptor = new Int32Array(n).fill(-1);
  const victim = new Uint8Array(n);

  for (let i = 0; i < log.length; i++) {
    const t = log.t[i]!;
    const g = log.group[i]!;
    gangs.see(log, i);
    switch (log.kind[i]) {
      case Ev.Evicted:
        // Kueue deleted its Pods: a new start is needed, and a preemption pending on them is moot.
        started[g] = NaN;
        startNodes.clear(g);
        victim[g] = 0;
        break;
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
        startNodes.clear(g);
        break;
      case Ev.Preempted:
        preempted[g]!++;
        preemptor[g] = log.id[i]!;
        victim[g] = 1;
        break;
      case Ev.Restart:
        // A controller's replacement: a new attempt of the same group.
        flags[g]! &= ~(LOST | PREEMPTED);
        attempts[g]!++;
        break;
      case Ev.TaskStart: {
        const id = log.id[i]!;
        if (Number.isNaN(placed[g]!)) placed[g] = t;
        if (live.size(g) === 0) {
          attemptFirst[g] = t;
          partialFrom[g] = t;
        }
        live.start(g, id, i);
        break;
      }
      case Ev.TaskFinish:
      case Ev.TaskKill:
      case Ev.TaskLost: {
        const id = log.id[i]!;
        const at = live.end(g, id);
        if (at < 0) throw new Error(`summary: task ${id} ended without starting`);
        const t0 = log.t[at]!;
        if (log.kind[i] === Ev.TaskKill && victim[g]) {
          // A preemption victim's Pod was deleted after its grace period.
          flags[g]! |= PREEMPTED;
          victim[g] = 0;
          started[g] = NaN;
          startNodes.clear(g);
        }
        const dt = t - t0;
        if (log.kind[i] === Ev.TaskFinish) {
          ranWork[g * 3]! += log.r0[i]! * dt;
          ranWork[g * 3 + 1]! += log.r1[i]! * dt;
          ranWork[g * 3 + 2]! += log.r2[i]! * dt;
        } else {
          wastedCpu[g]! += log.r0[i]! * dt;
          wastedMemory[g]! += log.r1[i]! * dt;
          wastedGpu[g]! += log.r2[i]! * dt;
        }
        if (live.size(g) === 0 && !Number.isNaN(partialFrom[g]!)) {
          partialTotal[g]! += t - partialFrom[g]!;
          partialFrom[g] = NaN;
        }
        break;
      }
      case Ev.GroupStart:
        if (!Number.isNaN(partialFrom[g]!)) partialTotal[g]! += t - partialFrom[g]!;
        partialFrom[g] = NaN;
        started[g] = t;
        // A gang or job with a Pod that fits no node may still start with its other Pods.
        if (multiPod[g] === 1) flags[g]! &= ~UNSCHEDULABLE;
        // A gang or job: the lifecycle's skew among the Pods running at its start.
        skew[g] = multiPod[g] === 1 ? log.r0[i]! : t - attemptFirst[g]!;
        startNodes.record(g, live, log);
        break;
      case Ev.GroupFinish:
        finished[g] = t;
        victim[g] = 0; // it finished within its grace period
        break;
      case Ev.HoldStart:
        holdStarts.start(log.id[i]!, i);
        break;
      case Ev.DeadlockJoin:
        deadlock.join(g, log.id[i]!);
        break;
      case Ev.DeadlockLeave:
        deadlock.leave(g, log.id[i]!);
        break;
      case Ev.DeadlockEnd:
        deadlock.end(log.id[i]!);
        break;
      case Ev.StallJoin:
        stall.join(g, log.id[i]!);
        break;
      case Ev.StallLeave:
        stall.leave(g, log.id[i]!);
        break;
      case Ev.StallEnd:
        stall.end(log.id[i]!);
        break;
      case Ev.HoldEnd: {
        const j = holdStarts.end(log.id[i]!);
        if (j < 0) throw new Error(`summary: hold ${log.id[i]} ended without starting`);
        const dt = t - log.t[j]!;
        heldCpu[g]! += log.r0[i]! * dt;
        heldMemory[g]! += log.r1[i]! * dt;
        heldGpu[g]! += log.r2[i]! * dt;
        break;
      }
      default:
        break;
    }
  }
  // Holds still in place at the end count up to the end.
  for (const i of holdStarts.open()) {
    const g = log.group[i]!;
    const dt = end - log.t[i]!;
    heldCpu[g]! += log.r0[i]! * dt;
    heldMemory[g]! += log.r1[i]! * dt;
    heldGpu[g]! += log.r2[i]! * dt;
  }

  gangs.close(end);

  const placedNodes: number[] = [];
  for (let g = 0; g < n; g++) {
    const group = groups[g]!;
    const multiPod = group.pods !== undefined;
    startNodes.placed(g, live, log, placedNodes);
    const isStarted = !Number.isNaN(started[g]!);
    // A gang or job spans nodes by design: it is split only when one of its Pods is.
    const split = multiPod ? gangs.splitPod[g] === 1 : isStarted && placedNodes.length > 1;
    let outcome: Outcome;
    if (flags[g]! & UNSCHEDULABLE) outcome = "unschedulable";
    else if (flags[g]! & ABANDONED) outcome = "abandoned";
    else if (flags[g]! & LOST) outcome = "lost";
    else if (flags[g]! & PREEMPTED) outcome = "preempted";
    else if (deadlock.isIn(g)) outcome = "deadlocked";
    else if (stall.isIn(g)) outcome = "stalled";
    else if (split) outcome = "split";
    else if (!Number.isNaN(finished[g]!)) outcome = "completed";
    else if (isStarted && live.size(g) > 0) outcome = "running";
    else if (multiPod && !Number.isNaN(placed[g]!) && (!isStarted || group.kind === "job")) outcome = "partial";
    else outcome = "pending";
    if (split) {
      // A split group's work is incorrect placement: all of it is wasted.
      wastedCpu[g]! += ranWork[g * 3]!;
      wastedMemory[g]! += ranWork[g * 3 + 1]!;
      wastedGpu[g]! += ranWork[g * 3 + 2]!;
      for (let task = live.first(g); task >= 0; task = live.after(task)) {
        const j = live.startOf(task);
        const dt = end - log.t[j]!;
        wastedCpu[g]! += log.r0[j]! * dt;
        wastedMemory[g]! += log.r1[j]! * dt;
        wastedGpu[g]! += log.r2[j]! * dt;
      }
    }
    const req = groupRequest(group);
    text.group_id[g] = group.id;
    text.class[g] = run.workload.classes[group.cls ?? 0]?.name ?? "default";
    text.kind[g] = group.kind;
    num.members[g] = memberCount(group);
    num.cpu[g] = req.cpu;
    num.memory[g] = req.memory;
    num.gpu[g] = req.gpu;
    num.submit[g] = group.submit;
    num.latency[g] = started[g]! - group.submit;
    text.nodes[g] = placedNodes.length === 1 ? run.cluster.name(placedNodes[0]!) : placedNodes.map((node) => run.cluster.name(node)).join(";");
    text.outcome[g] = outcome;
    flag.correct[g] = outcome === "completed" || outcome === "running" ? 1 : 0;
    text.preemptor[g] = preemptor[g]! >= 0 ? (groups[preemptor[g]!]?.id ?? "") : "";
    num.split_s[g] = partialTotal[g]! + (Number.isNaN(partialFrom[g]!) ? 0 : end - partialFrom[g]!);
    text.phase[g] = podPhase(outcome, !Number.isNaN(finished[g]!));
    num.pods[g] = podCount(group);
    num.min_member[g] = quorum(group);
    flag.gang_ok[g] = gangs.everStarted[g] === 1 && !split ? 1 : 0;
    if (group.kind === "job") {
      // A job's Pods run on their own: no time is partial.
      num.partial_cpu_s[g] = 0;
      num.partial_memory_s[g] = 0;
      num.partial_gpu_s[g] = 0;
    }
  }
  return table;
}

/** One row per group (groupTable's rows as objects). Pure. */
export function groupRows(run: RunRecord): GroupRow[] {
  return groupTable(run).rows();
}

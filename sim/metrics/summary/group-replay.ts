import { podCount, quorum, type Group } from "../../model/group.ts";
import { groupRequest, memberCount } from "../../model/group-store.ts";
import { FRESH, type ColumnMemory } from "../column-memory.ts";
import { Ev, type LogColumns } from "../log.ts";
import { GangTally } from "./gangs.ts";
import { EarlyLines } from "./early-lines.ts";
import { FinishedQueue } from "./finished-queue.ts";
import { GroupTable, podPhase, type GroupRow } from "./group-table.ts";
import { HoldStarts } from "./hold-starts.ts";
import { LiveTasks } from "./live-tasks.ts";
import { OpenRecords } from "./open-records.ts";
import type { Outcome, RunRecord } from "./record.ts";
import { StartNodes } from "./start-nodes.ts";

/** Sim seconds a finished group's row waits before it is written early: its last entries (tasks finishing at the same time) come first. */
const MARGIN = 1;

const UNSCHEDULABLE = 1;
const ABANDONED = 2;
const LOST = 4;
const PREEMPTED = 8;

/** What a replay needs of a run: everything of RunRecord but the log it is fed. */
export type ReplayRun = Pick<RunRecord, "runId" | "scenario" | "strategy" | "seed" | "workload" | "cluster">;

/**
 * groups.csv of a run, replayed from its event log in order: `see` takes the
 * log's entries, `finish(end)` writes every row (but those written early
 * that still hold: writeEarly, settle). The table's own columns tally most
 * of what they show as the log is read (no second copy of each per group:
 * at 300,000 groups, ~30 MB less at the summary's peak).
 */
export class GroupReplay {
  readonly table: GroupTable;
  /** Each group's scheduler class (its index in the workload's classes). */
  readonly classOf: Int32Array;
  /** 1 for a job (its Pods run on their own: no partial time). */
  private readonly isJob: Uint8Array;
  private readonly attemptFirst: Float64Array;
  /** Since when some but not all members run, and the total of such time. */
  private readonly partialFrom: Float64Array;
  private readonly partialTotal: Float64Array;
  private readonly flags: Uint8Array;
  /** Resource-seconds of tasks that ended normally, wasted if the group turns out split. */
  private readonly ranWork: Float64Array;
  /** Resource-seconds of tasks killed or lost (the table's wasted columns are these, plus the split's work: writeRow). */
  private readonly killedWork: Float64Array;
  /** Holds in place per group (a row is settled only without any: one in place at the end counts up to it). */
  private readonly openHolds: Int32Array;
  /** 1: the group's row was written early (settle) and no entry of the group came since. */
  private readonly settled: Uint8Array;
  /** Groups whose GroupFinish was seen, in log order, to settle once the log is MARGIN past it (writeEarly). */
  private finishedQueue: FinishedQueue | undefined;
  private early: EarlyLines | undefined;
  private readonly live: LiveTasks;
  /** The nodes a group's tasks ran on when it started (tasks all on one node, as omega claims member by member, are that node). */
  private readonly startNodes: StartNodes;
  private readonly holdStarts = new HoldStarts();
  /** 1 for a gang or job (a group of several Pods), read once in group order rather than at each start. */
  private readonly multiPod: Uint8Array;
  private readonly gangs: GangTally;
  private readonly deadlock: OpenRecords;
  private readonly stall: OpenRecords;
  /** Each group's last preemptor, and whether a kill of its Pod is due (the times it was chosen: `preempted`). */
  private readonly preemptor: Int32Array;
  private readonly victim: Uint8Array;
  private readonly placedNodes: number[] = [];

  /** `memory`: where its per-group arrays and its table's columns come from. */
  constructor(run: ReplayRun, memory: ColumnMemory = FRESH) {
    const groups = run.workload.groups;
    const n = groups.length;
    // The table keeps the cluster's node names only (the replay keeps nothing else of the run: no group object once it is made).
    const cluster = run.cluster;
    const table = (this.table = new GroupTable(run, n, (node) => cluster.name(node), memory));
    const num = table.numbers;
    for (const c of ["pod_created", "placed", "started", "finished", "co_start_skew"] as const) num[c].fill(NaN);
    this.attemptFirst = memory.f64(n).fill(NaN);
    this.partialFrom = memory.f64(n).fill(NaN);
    this.partialTotal = memory.f64(n);
    this.flags = memory.u8(n);
    this.ranWork = memory.f64(n * 3);
    this.killedWork = memory.f64(n * 3);
    this.openHolds = memory.i32(n);
    this.settled = memory.u8(n);
    this.live = new LiveTasks(n, memory);
    this.startNodes = new StartNodes(n, memory);
    this.multiPod = memory.u8(n);
    this.isJob = memory.u8(n);
    this.classOf = memory.i32(n);
    this.gangs = new GangTally(n, {
      partialCpu: num.partial_cpu_s,
      partialMemory: num.partial_memory_s,
      partialGpu: num.partial_gpu_s,
      full: num.full,
      admitted: num.admitted,
      timeouts: num.timeouts,
      rejections: num.rejections,
      evictions: num.evictions,
    }, memory);
    this.deadlock = new OpenRecords(n, memory);
    this.stall = new OpenRecords(n, memory);
    this.preemptor = memory.i32(n).fill(-1);
    this.victim = memory.u8(n);
    for (let g = 0; g < n; g++) this.describe(g, groups[g]!, run.workload.classes);
  }

  /**
   * Group g's columns that the workload alone decides (its id, class, kind,
   * size, request, submit time), and what the replay reads of it later:
   * written once, before any entry is read.
   */
  private describe(g: number, group: Group, classes: ReplayRun["workload"]["classes"]): void {
    const { table } = this;
    const num = table.numbers;
    const text = table.texts;
    const req = groupRequest(group);
    this.multiPod[g] = group.pods !== undefined ? 1 : 0;
    this.isJob[g] = group.kind === "job" ? 1 : 0;
    const cls = (this.classOf[g] = group.cls ?? 0);
    text.group_id[g] = group.id;
    text.class[g] = classes[cls]?.name ?? "default";
    text.kind[g] = group.kind;
    num.members[g] = memberCount(group);
    num.cpu[g] = req.cpu;
    num.memory[g] = req.memory;
    num.gpu[g] = req.gpu;
    num.submit[g] = group.submit;
    num.pods[g] = podCount(group);
    num.min_member[g] = quorum(group);
  }

  /** Takes in the log's entries [from, to): every entry once, in order (the whole log by default). */
  see(log: LogColumns, from = 0, to = log.length): void {
    const num = this.table.numbers;
    const { pod_created: created, placed, started, finished: finishedAt, co_start_skew: skew, attempts, conflicts, rollbacks, preempted } = num;
    const { held_cpu_s: heldCpu, held_memory_s: heldMemory, held_gpu_s: heldGpu } = num;
    const { attemptFirst, partialFrom, partialTotal, flags, ranWork, killedWork, openHolds, settled, live, startNodes, holdStarts, multiPod, gangs, deadlock, stall, preemptor, victim } = this;
    for (let i = from; i < to; i++) {
      const t = log.t[i]!;
      const g = log.group[i]!;
      // A row written early no longer holds once an entry of its group comes (g is -1 for entries of no group).
      if (settled[g] === 1) this.unsettle(g);
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
            killedWork[g * 3]! += log.r0[i]! * dt;
            killedWork[g * 3 + 1]! += log.r1[i]! * dt;
            killedWork[g * 3 + 2]! += log.r2[i]! * dt;
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
          finishedAt[g] = t;
          victim[g] = 0; // it finished within its grace period
          this.finishedQueue?.push(g);
          break;
        case Ev.HoldStart:
          holdStarts.start(log.id[i]!, i);
          openHolds[g]!++;
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
          openHolds[log.group[j]!]!--;
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
  }

  /** Every row, as the run ends at `end` (a row written early that still holds is kept). */
  finish(log: LogColumns, end: number): GroupTable {
    const num = this.table.numbers;
    // Holds still in place at the end count up to the end.
    for (const i of this.holdStarts.open()) {
      const g = log.group[i]!;
      const dt = end - log.t[i]!;
      num.held_cpu_s[g]! += log.r0[i]! * dt;
      num.held_memory_s[g]! += log.r1[i]! * dt;
      num.held_gpu_s[g]! += log.r2[i]! * dt;
    }
    this.gangs.close(end);
    const settled = this.settled;
    for (let g = 0; g < this.table.length; g++) if (settled[g] !== 1) this.writeRow(g, log, end);
    return this.table;
  }

  /**
   * From now on, writes early the rows of groups that have finished, once
   * nothing more can change them, and makes their lines of groups.csv
   * (`columns`, `extra`) into EarlyLines of at most `capBytes`, which the
   * table copies when it is written (settle).
   */
  writeEarly(columns: readonly (keyof GroupRow)[], extra: readonly Uint8Array[], capBytes: number): void {
    const table = this.table;
    this.early = table.early = new EarlyLines(table.length, columns, extra, table.lines(columns, extra), capBytes);
    this.finishedQueue = new FinishedQueue(table.length);
  }

  /**
   * Writes the rows and lines (writeEarly) of at most `max` groups that
   * finished more than MARGIN before `now` (the time of the last entry seen)
   * and have no task running (so no time partly running either), no hold in
   * place, and no open deadlock or stall: a row that nothing but an entry of its own
   * group can change any more, and `see` drops it if one comes. Returns how
   * many groups it looked at; 0 when none is due.
   */
  settle(log: LogColumns, now: number, max: number): number {
    const { early, finishedQueue: queue } = this;
    if (early === undefined || queue === undefined) return 0;
    const finished = this.table.numbers.finished;
    const { live, openHolds, settled, deadlock, stall } = this;
    let looked = 0;
    while (looked < max && !queue.empty && !early.full) {
      const g = queue.peek();
      if (!(finished[g]! + MARGIN < now)) break;
      queue.shift();
      looked++;
      if (settled[g] === 1 || live.size(g) > 0 || openHolds[g]! > 0 || deadlock.isIn(g) || stall.isIn(g)) continue;
      // Nothing of the row depends on the end: no task runs, no partial time or hold is open.
      this.writeRow(g, log, now);
      if (early.add(g)) settled[g] = 1;
    }
    return looked;
  }

  /** An entry of group g came after its row was written early: it is written again at the end. */
  private unsettle(g: number): void {
    this.settled[g] = 0;
    this.early!.drop(g);
  }

  /** Group g's outcome and the row's derived figures, as the run ends at `end`. */
  private writeRow(g: number, log: LogColumns, end: number): void {
    const { table, live, flags, ranWork, partialFrom, partialTotal, gangs } = this;
    const num = table.numbers;
    const text = table.texts;
    const flag = table.flags;
    const multiPod = this.multiPod[g] === 1;
    const isJob = this.isJob[g] === 1;
    const placedNodes = this.startNodes.placed(g, live, log, this.placedNodes);
    const started = num.started[g]!;
    const finished = num.finished[g]!;
    const isStarted = !Number.isNaN(started);
    // A gang or job spans nodes by design: it is split only when one of its Pods is.
    const split = multiPod ? gangs.splitPod[g] === 1 : isStarted && placedNodes.length > 1;
    let outcome: Outcome;
    if (flags[g]! & UNSCHEDULABLE) outcome = "unschedulable";
    else if (flags[g]! & ABANDONED) outcome = "abandoned";
    else if (flags[g]! & LOST) outcome = "lost";
    else if (flags[g]! & PREEMPTED) outcome = "preempted";
    else if (this.deadlock.isIn(g)) outcome = "deadlocked";
    else if (this.stall.isIn(g)) outcome = "stalled";
    else if (split) outcome = "split";
    else if (!Number.isNaN(finished)) outcome = "completed";
    else if (isStarted && live.size(g) > 0) outcome = "running";
    else if (multiPod && !Number.isNaN(num.placed[g]!) && (!isStarted || isJob)) outcome = "partial";
    else outcome = "pending";
    // Killed and lost work is wasted; a split group's work is incorrect placement: all of it is wasted.
    // Made from the replay's own sums, so a row written twice (settle, then finish) is the same.
    let wastedCpu = this.killedWork[g * 3]!;
    let wastedMemory = this.killedWork[g * 3 + 1]!;
    let wastedGpu = this.killedWork[g * 3 + 2]!;
    if (split) {
      wastedCpu += ranWork[g * 3]!;
      wastedMemory += ranWork[g * 3 + 1]!;
      wastedGpu += ranWork[g * 3 + 2]!;
      for (let task = live.first(g); task >= 0; task = live.after(task)) {
        const j = live.startOf(task);
        const dt = end - log.t[j]!;
        wastedCpu += log.r0[j]! * dt;
        wastedMemory += log.r1[j]! * dt;
        wastedGpu += log.r2[j]! * dt;
      }
    }
    num.wasted_cpu_s[g] = wastedCpu;
    num.wasted_memory_s[g] = wastedMemory;
    num.wasted_gpu_s[g] = wastedGpu;
    num.latency[g] = started - num.submit[g]!;
    table.nodes.set(g, placedNodes);
    text.outcome[g] = outcome;
    flag.correct[g] = outcome === "completed" || outcome === "running" ? 1 : 0;
    const preemptor = this.preemptor[g]!;
    text.preemptor[g] = preemptor >= 0 ? (text.group_id[preemptor] ?? "") : "";
    num.split_s[g] = partialTotal[g]! + (Number.isNaN(partialFrom[g]!) ? 0 : end - partialFrom[g]!);
    text.phase[g] = podPhase(outcome, !Number.isNaN(finished));
    flag.gang_ok[g] = gangs.everStarted[g] === 1 && !split ? 1 : 0;
    if (isJob) {
      // A job's Pods run on their own: no time is partial.
      num.partial_cpu_s[g] = 0;
      num.partial_memory_s[g] = 0;
      num.partial_gpu_s[g] = 0;
    }
  }
}

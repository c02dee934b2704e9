import { Ev, type LogColumns } from "../log.ts";
import { mean, percentile, ratio } from "../stats.ts";
import { countWhere, type GroupTable } from "./group-table.ts";
import type { Outcome, RunRecord } from "./record.ts";
import type { Occupancy } from "./timeseries.ts";

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
  /** Groups in an open stall at the end (mesos: waiting on a node that can never give them their need). */
  stalled: number;
  abandoned: number;
  unschedulable: number;
  split: number;
  lost: number;
  preempted: number;
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
  /** Stalls detected (mesos): a group hoarding a node too small for it, or starved below the minimum offer. */
  stalls: number;
  /** Pods chosen as preemption victims (kube, naive). */
  preemptions: number;
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
  /** placeOnce: groups running whole, and the share of each resource in use, when the first group failed (NaN otherwise). */
  fill_groups: number;
  fill_cpu: number;
  fill_memory: number;
  fill_gpu: number;
  events: number;
  horizon: number;
  /** Groups of several Pods (gang or job) in the run. */
  gangs: number;
  /** Groups that ran some Pods but never their quorum together (gangs), or not every Pod (jobs). */
  partial: number;
  /** partial_cpu_s as a share of the cluster's cpu-seconds over the horizon: capacity idled by incomplete gangs. */
  partial_cpu_share: number;
  /** held_cpu_s (Permit reservations, mesos hoarding) as a share of the cluster's cpu-seconds over the horizon. */
  held_cpu_share: number;
  /** Share of groups whose quorum ran together, unsplit (gang_ok in groups.csv), pooled over the run's groups. */
  gang_ok_rate: number;
  partial_cpu_s: number;
  partial_memory_s: number;
  partial_gpu_s: number;
  timeouts: number;
  rejections: number;
  evictions: number;
  /** Kueue: mean seconds from submit to first admission, over admitted groups (NaN without admission). */
  admission_delay_mean: number;
}

/** One row for the run, from its group table, its occupancy and its log's counts (`tally`); `latencies`: the groups' latencies that are not NaN, ascending. */
export function runRow(run: Omit<RunRecord, "workload" | "log">, table: GroupTable, occ: Occupancy, tally: RunLogTally, latencies: Float64Array): RunRow {
  const n = table.length;
  const { numbers, texts, flags } = table;
  const outcomes = texts.outcome;
  // Every outcome counted in one pass over the groups.
  const counts = new Map<Outcome, number>();
  for (let g = 0; g < n; g++) {
    const o = outcomes[g] as Outcome;
    counts.set(o, (counts.get(o) ?? 0) + 1);
  }
  const count = (o: Outcome): number => counts.get(o) ?? 0;
  // Sums in group order, as a fold over the rows would add them.
  const sumOf = (key: keyof typeof numbers): number => {
    const values = numbers[key];
    let acc = 0;
    for (let g = 0; g < n; g++) acc += values[g]!;
    return acc;
  };
  const { busy, busyUseful, schedulers, preemptions, commits, offers, declines, rescinds, rounds, visited, deadlocks, stalls, firstDeadlock } = tally;
  let makespan = NaN;
  for (let g = 0; g < n; g++) {
    const finished = numbers.finished[g]!;
    if (!Number.isNaN(finished) && (Number.isNaN(makespan) || finished > makespan)) makespan = finished;
  }
  const admissionDelays: number[] = [];
  for (let g = 0; g < n; g++) if (!Number.isNaN(numbers.admitted[g]!)) admissionDelays.push(numbers.admitted[g]! - numbers.submit[g]!);
  const total = run.cluster.total;
  const conflicts = sumOf("conflicts");
  return {
    run_id: run.runId,
    scenario: run.scenario,
    strategy: run.strategy,
    seed: run.seed,
    groups: n,
    completed: count("completed"),
    running: count("running"),
    pending: count("pending"),
    deadlocked: count("deadlocked"),
    stalled: count("stalled"),
    abandoned: count("abandoned"),
    unschedulable: count("unschedulable"),
    split: count("split"),
    lost: count("lost"),
    preempted: count("preempted"),
    correct_rate: ratio(countWhere(n, (g) => flags.correct[g] === 1), n),
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
    stalls: stalls.size,
    preemptions,
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
    fill_groups: occ.fill?.groups ?? NaN,
    fill_cpu: occ.fill?.cpu ?? NaN,
    fill_memory: occ.fill?.memory ?? NaN,
    fill_gpu: occ.fill?.gpu ?? NaN,
    events: run.events,
    horizon: run.end,
    gangs: countWhere(n, (g) => numbers.pods[g]! > 1 || texts.kind[g] !== "colocate"),
    partial: count("partial"),
    partial_cpu_share: ratio(sumOf("partial_cpu_s"), total.cpu * run.end),
    held_cpu_share: ratio(sumOf("held_cpu_s"), total.cpu * run.end),
    gang_ok_rate: ratio(countWhere(n, (g) => flags.gang_ok[g] === 1), n),
    partial_cpu_s: sumOf("partial_cpu_s"),
    partial_memory_s: sumOf("partial_memory_s"),
    partial_gpu_s: sumOf("partial_gpu_s"),
    timeouts: sumOf("timeouts"),
    rejections: sumOf("rejections"),
    evictions: sumOf("evictions"),
    admission_delay_mean: mean(admissionDelays),
  };
}

/** What runs.csv counts from the log itself (decision time, offers, deadlocks...), taken in as the log is read, in order. */
export class RunLogTally {
  busy = 0;
  busyUseful = 0;
  schedulers = 0;
  preemptions = 0;
  commits = 0;
  offers = 0;
  declines = 0;
  rescinds = 0;
  rounds = 0;
  visited = 0;
  readonly deadlocks = new Set<number>();
  readonly stalls = new Set<number>();
  firstDeadlock = NaN;

  /** Takes in the log's entries [from, to): every entry once, in order (the whole log by default). */
  see(log: LogColumns, from = 0, to = log.length): void {
    for (let i = from; i < to; i++) {
      switch (log.kind[i]) {
        case Ev.Busy:
          this.busy += log.r0[i]!;
          if (log.r1[i]! > 0) this.busyUseful += log.r0[i]!;
          break;
        case Ev.SchedulerUp:
          this.schedulers++;
          break;
        case Ev.Commit:
          this.commits++;
          break;
        case Ev.Offer:
          this.offers += log.r0[i]!;
          break;
        case Ev.Decline:
          this.declines += log.r0[i]!;
          break;
        case Ev.Rescind:
          this.rescinds++;
          break;
        case Ev.Preempted:
          this.preemptions++;
          break;
        case Ev.AllocRound:
          this.rounds++;
          this.visited += log.r0[i]!;
          break;
        case Ev.StallJoin:
          this.stalls.add(log.id[i]!);
          break;
        case Ev.DeadlockJoin:
          if (this.deadlocks.size === 0) this.firstDeadlock = log.t[i]!;
          this.deadlocks.add(log.id[i]!);
          break;
        default:
          break;
      }
    }
  }
}

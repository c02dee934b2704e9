import type { Resources } from "../../model/resources.ts";
import { FRESH, type ColumnMemory } from "../column-memory.ts";
import { Ev, type LogColumns } from "../log.ts";
import { ratio } from "../stats.ts";
import type { RunRecord } from "./record.ts";

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
  /** placeOnce: at the first failure, the groups running whole and the share of each resource in use; undefined if none failed. */
  readonly fill: { readonly groups: number; readonly cpu: number; readonly memory: number; readonly gpu: number } | undefined;
}

/** What the occupancy replay needs of a run: everything of RunRecord but the log it is fed and its count of events. */
export type OccupancyRun = Pick<RunRecord, "runId" | "scenario" | "strategy" | "seed" | "workload" | "cluster" | "end" | "sampleEvery">;

/**
 * Samples the cluster every `sampleEvery` seconds from 0 to the end, each
 * sample taken after every event at that instant, and integrates usage. Fed
 * the log in order, whole or in pieces as another thread writes it (`see`);
 * `finish` takes the samples up to the end. Either way the same rows: a
 * sample at time s is taken when the first entry after s is seen, or at the
 * finish.
 */
export class OccupancyReplay {
  private readonly rows: TimeseriesRow[] = [];
  private readonly used = [0, 0, 0];
  private readonly heldNow = [0, 0, 0];
  private readonly area = [0, 0, 0];
  private readonly liveTasks: Int32Array;
  private readonly whole: Uint8Array;
  private readonly terminal: Uint8Array;
  private wholeCount = 0;
  private terminalCount = 0;
  private runningCount = 0;
  private submitted = 0;
  private lastT = 0;
  /** The next sample is the k-th (at k * sampleEvery). */
  private k = 0;
  private fill: Occupancy["fill"];
  /** What the replay keeps of the run: no group object once it is made. */
  private readonly run: Omit<OccupancyRun, "workload">;
  /** Each group's submit time, in group (submit) order. */
  private readonly submits: Float64Array;

  constructor(run: OccupancyRun, memory: ColumnMemory = FRESH) {
    const { workload, ...rest } = run;
    this.run = rest;
    const groups = workload.groups;
    const n = groups.length;
    this.liveTasks = memory.i32(n);
    this.whole = memory.u8(n);
    this.terminal = memory.u8(n);
    this.submits = memory.f64(n);
    for (let g = 0; g < n; g++) this.submits[g] = groups[g]!.submit;
  }

  /** Takes in the log's entries [from, to): every entry once, in order (the whole log by default). */
  see(log: LogColumns, from = 0, to = log.length): void {
    const { used, heldNow, liveTasks, whole, run } = this;
    const total = run.cluster.total;
    const step = run.sampleEvery;
    for (let i = from; i < to; i++) {
      const t = log.t[i]!;
      while (this.k * step < t && this.k * step <= run.end) this.sample();
      this.advance(t);
      const g = log.group[i]!;
      const kind = log.kind[i]!;
      const sign = kind === Ev.TaskStart || kind === Ev.HoldStart ? 1 : -1;
      switch (kind) {
        case Ev.TaskStart:
        case Ev.TaskFinish:
        case Ev.TaskKill:
        case Ev.TaskLost:
          used[0]! += sign * log.r0[i]!;
          used[1]! += sign * log.r1[i]!;
          used[2]! += sign * log.r2[i]!;
          if (sign > 0 && liveTasks[g]!++ === 0) this.runningCount++;
          if (sign < 0 && --liveTasks[g]! === 0) this.runningCount--;
          if ((kind === Ev.TaskKill || kind === Ev.TaskLost) && whole[g]) {
            whole[g] = 0;
            this.wholeCount--;
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
            this.wholeCount++;
          }
          break;
        case Ev.GroupFinish:
        case Ev.Unschedulable:
        case Ev.Abandon:
        case Ev.GroupLost:
          this.setTerminal(g);
          break;
        case Ev.FillFailed:
          this.fill ??= { groups: this.wholeCount, cpu: ratio(used[0]!, total.cpu), memory: ratio(used[1]!, total.memory), gpu: ratio(used[2]!, total.gpu) };
          break;
        case Ev.Restart:
          if (this.terminal[g]) {
            this.terminal[g] = 0;
            this.terminalCount--;
          }
          break;
        default:
          break;
      }
    }
  }

  /** The samples left up to the end, and the usage integrated over [0, end]. */
  finish(): Occupancy {
    const { run, area } = this;
    while (this.k * run.sampleEvery <= run.end) this.sample();
    this.advance(run.end);
    return { rows: this.rows, usedSeconds: { cpu: area[0]!, memory: area[1]!, gpu: area[2]! }, fill: this.fill };
  }

  private advance(t: number): void {
    const { area, used } = this;
    for (let d = 0; d < 3; d++) area[d]! += used[d]! * (t - this.lastT);
    this.lastT = t;
  }

  /** Takes the k-th sample. */
  private sample(): void {
    const { run, used, heldNow } = this;
    const time = this.k * run.sampleEvery;
    this.k++;
    this.advance(time);
    const submits = this.submits;
    while (this.submitted < submits.length && submits[this.submitted]! <= time) this.submitted++;
    const total = run.cluster.total;
    this.rows.push({
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
      pending_groups: this.submitted - this.wholeCount - this.terminalCount,
      running_groups: this.runningCount,
    });
  }

  private setTerminal(g: number): void {
    if (this.terminal[g]) return;
    if (this.whole[g]) {
      this.whole[g] = 0;
      this.wholeCount--;
    }
    this.terminal[g] = 1;
    this.terminalCount++;
  }
}

import type { Resources } from "../../model/resources.ts";
import { FRESH, type ColumnMemory } from "../column-memory.ts";
import { Ev } from "../log.ts";
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

/**
 * Samples the cluster every `sampleEvery` seconds from 0 to the end, each
 * sample taken after every event at that instant, and integrates usage.
 */
export function occupancy(run: RunRecord, memory: ColumnMemory = FRESH): Occupancy {
  const log = run.log;
  const groups = run.workload.groups;
  const total = run.cluster.total;
  const rows: TimeseriesRow[] = [];
  const used = [0, 0, 0];
  const heldNow = [0, 0, 0];
  const area = [0, 0, 0];
  const liveTasks = memory.i32(groups.length);
  const whole = memory.u8(groups.length);
  const terminal = memory.u8(groups.length);
  let wholeCount = 0;
  let terminalCount = 0;
  let runningCount = 0;
  let submitted = 0;
  let lastT = 0;
  let k = 0;
  let fill: Occupancy["fill"];
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
      case Ev.FillFailed:
        fill ??= { groups: wholeCount, cpu: ratio(used[0]!, total.cpu), memory: ratio(used[1]!, total.memory), gpu: ratio(used[2]!, total.gpu) };
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
  return { rows, usedSeconds: { cpu: area[0]!, memory: area[1]!, gpu: area[2]! }, fill };
}

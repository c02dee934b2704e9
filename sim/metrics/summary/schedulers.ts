import { Ev } from "../log.ts";
import { ratio } from "../stats.ts";
import type { RunRecord } from "./record.ts";

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

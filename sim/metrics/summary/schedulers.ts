import { Ev } from "../log.ts";
import { ratio } from "../stats.ts";
import type { RunRecord } from "./record.ts";

export interface SchedulerRow {
  run_id: string;
  scenario: string;
  strategy: string;
  seed: number;
  scheduler: number;
  /** The scheduler class it serves ("all" for kube's one queue over several classes). */
  class: string;
  decisions: number;
  placing_decisions: number;
  busy_s: number;
  busyness: number;
  /** omega: transactions with a conflicted claim, clean ones, and their ratio (the Omega simulator's conflict fraction). */
  conflicts: number;
  commits: number;
  conflict_fraction: number;
}

/** The class a scheduler serves, from its SchedulerUp (r0 = class index, -1 = all). */
export function className(run: RunRecord, cls: number): string {
  return cls < 0 ? "all" : (run.workload.classes[cls]?.name ?? String(cls));
}

/** One row per scheduler instance (kube scheduler, mesos framework, omega scheduler): its decision time and transactions. */
export function schedulerRows(run: RunRecord): SchedulerRow[] {
  const log = run.log;
  const rows = new Map<number, SchedulerRow>();
  for (let i = 0; i < log.length; i++) {
    const kind = log.kind[i];
    if (kind !== Ev.SchedulerUp && kind !== Ev.Busy && kind !== Ev.Conflict && kind !== Ev.Commit) continue;
    const id = log.id[i]!;
    let row = rows.get(id);
    if (row === undefined) {
      row = {
        run_id: run.runId,
        scenario: run.scenario,
        strategy: run.strategy,
        seed: run.seed,
        scheduler: id,
        class: "",
        decisions: 0,
        placing_decisions: 0,
        busy_s: 0,
        busyness: 0,
        conflicts: 0,
        commits: 0,
        conflict_fraction: 0,
      };
      rows.set(id, row);
    }
    if (kind === Ev.SchedulerUp) row.class = className(run, log.r0[i]!);
    else if (kind === Ev.Conflict) row.conflicts++;
    else if (kind === Ev.Commit) row.commits++;
    else {
      row.decisions++;
      if (log.r1[i]! > 0) row.placing_decisions++;
      row.busy_s += log.r0[i]!;
    }
  }
  return [...rows.values()]
    .sort((a, b) => a.scheduler - b.scheduler)
    .map((r) => ({ ...r, busyness: ratio(r.busy_s, run.end), conflict_fraction: r.conflicts === 0 ? 0 : ratio(r.conflicts, r.commits) }));
}

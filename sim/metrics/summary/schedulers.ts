import { Ev, type LogColumns } from "../log.ts";
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
export function className(run: { readonly workload: Pick<RunRecord["workload"], "classes"> }, cls: number): string {
  return cls < 0 ? "all" : (run.workload.classes[cls]?.name ?? String(cls));
}

/**
 * One row per scheduler instance (kube scheduler, mesos framework, omega
 * scheduler): its decision time and transactions. Taken in as the log is
 * read, in order (`see`), made when it has all been (`rows`).
 */
export class SchedulerTally {
  private readonly byId = new Map<number, SchedulerRow>();
  /** What the tally keeps of the run: its classes, not its groups. */
  private readonly run: Pick<RunRecord, "runId" | "scenario" | "strategy" | "seed" | "end"> & { readonly workload: Pick<RunRecord["workload"], "classes"> };

  constructor(run: Pick<RunRecord, "runId" | "scenario" | "strategy" | "seed" | "workload" | "end">) {
    const { runId, scenario, strategy, seed, end, workload } = run;
    this.run = { runId, scenario, strategy, seed, end, workload: { classes: workload.classes } };
  }

  /** Takes in the log's entries [from, to): every entry once, in order (the whole log by default). */
  see(log: LogColumns, from = 0, to = log.length): void {
    for (let i = from; i < to; i++) {
      const kind = log.kind[i];
      if (kind !== Ev.SchedulerUp && kind !== Ev.Busy && kind !== Ev.Conflict && kind !== Ev.Commit) continue;
      const id = log.id[i]!;
      const row = this.byId.get(id) ?? this.newRow(id);
      if (kind === Ev.SchedulerUp) row.class = className(this.run, log.r0[i]!);
      else if (kind === Ev.Conflict) row.conflicts++;
      else if (kind === Ev.Commit) row.commits++;
      else {
        row.decisions++;
        if (log.r1[i]! > 0) row.placing_decisions++;
        row.busy_s += log.r0[i]!;
      }
    }
  }

  /** One row per scheduler seen, by id. */
  rows(): SchedulerRow[] {
    const end = this.run.end;
    return [...this.byId.values()]
      .sort((a, b) => a.scheduler - b.scheduler)
      .map((r) => ({ ...r, busyness: ratio(r.busy_s, end), conflict_fraction: r.conflicts === 0 ? 0 : ratio(r.conflicts, r.commits) }));
  }

  private newRow(id: number): SchedulerRow {
    const { runId, scenario, strategy, seed } = this.run;
    const row: SchedulerRow = { run_id: runId, scenario, strategy, seed, scheduler: id, class: "", decisions: 0, placing_decisions: 0, busy_s: 0, busyness: 0, conflicts: 0, commits: 0, conflict_fraction: 0 };
    this.byId.set(id, row);
    return row;
  }
}

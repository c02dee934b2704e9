import { ascending, mean, percentile, ratio } from "../stats.ts";
import { countWhere, present, type GroupTable } from "./group-table.ts";
import type { RunRecord } from "./record.ts";
import type { SchedulerRow } from "./schedulers.ts";

export interface ClassRow {
  run_id: string;
  scenario: string;
  strategy: string;
  seed: number;
  class: string;
  /** The class's decision time (s): tJob + tTask x units. */
  t_job: number;
  t_task: number;
  groups: number;
  completed: number;
  correct_rate: number;
  latency_mean: number;
  latency_p50: number;
  latency_p99: number;
  /** The class's own schedulers (mesos frameworks, omega schedulers); 0 when one scheduler serves every class (kube). */
  schedulers: number;
  /** Mean busyness of the class's own schedulers (busy time / horizon). */
  busyness: number;
  conflicts: number;
  commits: number;
  conflict_fraction: number;
}

/**
 * One row per scheduler class of the run (one, "default", when the workload
 * has no classes): its groups' outcomes and latency, and its own schedulers'
 * busyness and conflicts; `classOf` holds each group's class index
 * (GroupReplay.classOf). `latencies`: every group's latency that is not
 * NaN, ascending (the run's, which are those of a class of every group).
 * Pure.
 */
export function classRows(
  run: Pick<RunRecord, "runId" | "scenario" | "strategy" | "seed"> & { readonly workload: Pick<RunRecord["workload"], "classes"> },
  table: GroupTable,
  schedulers: readonly SchedulerRow[],
  classOf: Int32Array,
  latencies: Float64Array,
): ClassRow[] {
  const n = table.length;
  return run.workload.classes.map((c, cls) => {
    const mine = (g: number): boolean => classOf[g] === cls;
    const groups = countWhere(n, mine);
    // A class of every group has the run's latencies.
    const own = groups === n ? latencies : ascending(present(table.numbers.latency, mine));
    const ownSchedulers = schedulers.filter((s) => s.class === c.name);
    const conflicts = ownSchedulers.reduce((n, s) => n + s.conflicts, 0);
    const commits = ownSchedulers.reduce((n, s) => n + s.commits, 0);
    return {
      run_id: run.runId,
      scenario: run.scenario,
      strategy: run.strategy,
      seed: run.seed,
      class: c.name,
      t_job: c.decision.tJob,
      t_task: c.decision.tTask,
      groups,
      completed: countWhere(n, (g) => mine(g) && table.texts.outcome[g] === "completed"),
      correct_rate: ratio(countWhere(n, (g) => mine(g) && table.flags.correct[g] === 1), groups),
      latency_mean: mean(own),
      latency_p50: percentile(own, 0.5),
      latency_p99: percentile(own, 0.99),
      schedulers: ownSchedulers.length,
      busyness: ownSchedulers.length === 0 ? NaN : mean(ownSchedulers.map((s) => s.busyness)),
      conflicts,
      commits,
      conflict_fraction: conflicts === 0 ? 0 : ratio(conflicts, commits),
    };
  });
}

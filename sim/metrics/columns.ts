import type { ClassRow, DeadlockRow, GroupRow, RunRow, SchedulerRow, TimeseriesRow } from "./summary.ts";

/** Column orders of the CSV outputs: fixed, documented in the README. */
export const GROUP_COLUMNS = [
  "run_id", "scenario", "strategy", "seed", "group_id", "class", "kind", "members", "cpu", "memory", "gpu",
  "submit", "pod_created", "placed", "started", "finished", "latency", "nodes", "outcome", "correct",
  "attempts", "conflicts", "rollbacks", "preempted", "preemptor", "held_cpu_s", "held_memory_s", "held_gpu_s",
  "wasted_cpu_s", "wasted_memory_s", "wasted_gpu_s", "co_start_skew", "split_s", "phase",
  "pods", "min_member", "gang_ok", "full", "partial_cpu_s", "partial_memory_s", "partial_gpu_s", "timeouts", "rejections", "evictions", "admitted",
] as const satisfies readonly (keyof GroupRow)[];

export const RUN_COLUMNS = [
  "run_id", "scenario", "strategy", "seed", "groups", "completed", "running", "pending", "deadlocked", "stalled",
  "abandoned", "unschedulable", "split", "lost", "preempted", "correct_rate", "latency_mean", "latency_p50",
  "latency_p90", "latency_p99", "latency_max", "makespan", "util_cpu", "util_memory", "util_gpu",
  "held_cpu_s", "held_memory_s", "held_gpu_s", "wasted_cpu_s", "wasted_memory_s", "wasted_gpu_s",
  "deadlocks", "stalls", "first_deadlock", "preemptions", "offers", "declines", "rescinds", "alloc_rounds", "alloc_nodes_visited", "attempts", "conflicts", "commits", "conflict_fraction", "rollbacks",
  "schedulers", "busy_s", "busy_useful_s", "busy_wasted_s", "busyness", "split_s", "fill_groups", "fill_cpu", "fill_memory", "fill_gpu", "events", "horizon",
  "gangs", "partial", "gang_ok_rate", "partial_cpu_s", "partial_cpu_share", "held_cpu_share", "partial_memory_s", "partial_gpu_s", "timeouts", "rejections", "evictions", "admission_delay_mean",
] as const satisfies readonly (keyof RunRow)[];

export const TIMESERIES_COLUMNS = [
  "run_id", "scenario", "strategy", "seed", "time", "util_cpu", "util_memory", "util_gpu",
  "held_cpu", "held_memory", "held_gpu", "pending_groups", "running_groups",
] as const satisfies readonly (keyof TimeseriesRow)[];

export const DEADLOCK_COLUMNS = [
  "run_id", "scenario", "strategy", "seed", "kind", "deadlock", "time", "groups", "group_ids", "nodes",
  "held_cpu", "held_memory", "held_gpu", "resolution", "resolved_at",
] as const satisfies readonly (keyof DeadlockRow)[];

export const SCHEDULER_COLUMNS = [
  "run_id", "scenario", "strategy", "seed", "scheduler", "class", "decisions", "placing_decisions", "busy_s", "busyness",
  "conflicts", "commits", "conflict_fraction",
] as const satisfies readonly (keyof SchedulerRow)[];

export const CLASS_COLUMNS = [
  "run_id", "scenario", "strategy", "seed", "class", "t_job", "t_task", "groups", "completed", "correct_rate",
  "latency_mean", "latency_p50", "latency_p99", "schedulers", "busyness", "conflicts", "commits", "conflict_fraction",
] as const satisfies readonly (keyof ClassRow)[];

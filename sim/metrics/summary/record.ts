import type { Group, SchedulerClass } from "../../model/group.ts";
import type { Resources } from "../../model/resources.ts";
import type { LogColumns } from "../log.ts";

/** What the summaries need to know about a run; RunResult provides it. */
export interface RunRecord {
  readonly runId: string;
  readonly scenario: string;
  readonly strategy: string;
  readonly seed: number;
  readonly workload: { readonly groups: readonly Group[]; readonly classes: readonly SchedulerClass[] };
  readonly cluster: { readonly total: Resources; name(node: number): string };
  readonly log: LogColumns;
  readonly end: number;
  readonly sampleEvery: number;
  readonly events: number;
}

export const OUTCOMES = ["completed", "running", "pending", "deadlocked", "stalled", "abandoned", "unschedulable", "split", "lost", "preempted", "partial"] as const;
export type Outcome = (typeof OUTCOMES)[number];

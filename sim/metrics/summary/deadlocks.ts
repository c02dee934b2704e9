import { DeadlockResolution, Ev } from "../log.ts";
import type { RunRecord } from "./record.ts";

export interface DeadlockRow {
  run_id: string;
  scenario: string;
  strategy: string;
  seed: number;
  deadlock: number;
  time: number;
  groups: number;
  group_ids: string;
  nodes: string;
  held_cpu: number;
  held_memory: number;
  held_gpu: number;
  resolution: string;
  resolved_at: number;
}

/** One row per detected deadlock: when, who, where, what they held, how it ended. */
export function deadlockRows(run: RunRecord): DeadlockRow[] {
  const log = run.log;
  const groups = run.workload.groups;
  const rows = new Map<number, DeadlockRow & { groupList: number[]; nodeList: number[] }>();
  for (let i = 0; i < log.length; i++) {
    const kind = log.kind[i];
    if (kind !== Ev.DeadlockJoin && kind !== Ev.DeadlockEnd) continue;
    const id = log.id[i]!;
    let row = rows.get(id);
    if (row === undefined) {
      row = {
        run_id: run.runId,
        scenario: run.scenario,
        strategy: run.strategy,
        seed: run.seed,
        deadlock: id,
        time: log.t[i]!,
        groups: 0,
        group_ids: "",
        nodes: "",
        held_cpu: 0,
        held_memory: 0,
        held_gpu: 0,
        resolution: "none",
        resolved_at: NaN,
        groupList: [],
        nodeList: [],
      };
      rows.set(id, row);
    }
    const node = log.node[i]!;
    if (node >= 0 && !row.nodeList.includes(node)) row.nodeList.push(node);
    if (kind === Ev.DeadlockJoin) {
      row.groupList.push(log.group[i]!);
      row.held_cpu += log.r0[i]!;
      row.held_memory += log.r1[i]!;
      row.held_gpu += log.r2[i]!;
    } else {
      row.resolved_at = log.t[i]!;
      const code = log.r0[i]!;
      const aborted = log.group[i]!;
      row.resolution =
        code === DeadlockResolution.Timeout
          ? "timeout"
          : code === DeadlockResolution.Aborted
            ? `aborted:${groups[aborted]?.id ?? aborted}`
            : "released";
    }
  }
  return [...rows.values()].map(({ groupList, nodeList, ...row }) => ({
    ...row,
    groups: groupList.length,
    group_ids: groupList.map((g) => groups[g]?.id ?? String(g)).join(";"),
    nodes: nodeList.map((node) => run.cluster.name(node)).join(";"),
  }));
}

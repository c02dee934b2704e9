import { DeadlockResolution, Ev } from "../log.ts";
import type { RunRecord } from "./record.ts";

export interface DeadlockRow {
  run_id: string;
  scenario: string;
  strategy: string;
  seed: number;
  /** deadlock: hold-and-wait among two or more groups; stall: groups waiting for what their node can never give. */
  kind: "deadlock" | "stall";
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

const JOIN = new Map<number, "deadlock" | "stall">([
  [Ev.DeadlockJoin, "deadlock"],
  [Ev.StallJoin, "stall"],
]);
const END = new Map<number, "deadlock" | "stall">([
  [Ev.DeadlockEnd, "deadlock"],
  [Ev.StallEnd, "stall"],
]);

/** One row per detected deadlock or stall (numbered apart, in order of detection): when, who, where, what they held, how it ended. */
export function deadlockRows(run: RunRecord): DeadlockRow[] {
  const log = run.log;
  const groups = run.workload.groups;
  const rows = new Map<string, DeadlockRow & { groupList: number[]; nodeList: number[] }>();
  for (let i = 0; i < log.length; i++) {
    const kind = log.kind[i]!;
    const joinKind = JOIN.get(kind);
    const rowKind = joinKind ?? END.get(kind);
    if (rowKind === undefined) continue;
    const id = log.id[i]!;
    const key = `${rowKind}:${id}`;
    let row = rows.get(key);
    if (row === undefined) {
      row = {
        run_id: run.runId,
        scenario: run.scenario,
        strategy: run.strategy,
        seed: run.seed,
        kind: rowKind,
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
      rows.set(key, row);
    }
    const node = log.node[i]!;
    if (node >= 0 && !row.nodeList.includes(node)) row.nodeList.push(node);
    if (joinKind !== undefined) {
      // A gang in a cross-node deadlock joins once per node it holds on: listed once, its holds summed.
      if (!row.groupList.includes(log.group[i]!)) row.groupList.push(log.group[i]!);
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

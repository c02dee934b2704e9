import { DeadlockResolution, Ev, type LogColumns } from "../log.ts";
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

type OpenRow = DeadlockRow & { groupList: number[]; nodeList: number[]; endCode: number; aborted: number };

/**
 * One row per detected deadlock or stall (numbered apart, in order of
 * detection): when, who, where, what they held, how it ended. Taken in as
 * the log is read, in order (`see`), made when it has all been (`rows`).
 */
export class DeadlockTally {
  private readonly byKey = new Map<string, OpenRow>();
  /** What the tally keeps of the run: no group object. */
  private readonly run: Pick<RunRecord, "runId" | "scenario" | "strategy" | "seed" | "cluster">;
  /** Group g's id. */
  private readonly idOf: (g: number) => string | undefined;

  /** `idOf`: each group's id (the groups table's, so the tally keeps no group object). */
  constructor(run: Pick<RunRecord, "runId" | "scenario" | "strategy" | "seed" | "cluster">, idOf: (g: number) => string | undefined) {
    const { runId, scenario, strategy, seed, cluster } = run;
    this.run = { runId, scenario, strategy, seed, cluster };
    this.idOf = idOf;
  }

  /** Takes in the log's entries [from, to): every entry once, in order (the whole log by default). */
  see(log: LogColumns, from = 0, to = log.length): void {
    for (let i = from; i < to; i++) {
      const kind = log.kind[i]!;
      if (kind !== Ev.DeadlockJoin && kind !== Ev.StallJoin && kind !== Ev.DeadlockEnd && kind !== Ev.StallEnd) continue;
      const join = kind === Ev.DeadlockJoin || kind === Ev.StallJoin;
      const rowKind = kind === Ev.DeadlockJoin || kind === Ev.DeadlockEnd ? "deadlock" : "stall";
      const id = log.id[i]!;
      const key = `${rowKind}:${id}`;
      const row = this.byKey.get(key) ?? this.newRow(key, rowKind, id, log.t[i]!);
      const node = log.node[i]!;
      if (node >= 0 && !row.nodeList.includes(node)) row.nodeList.push(node);
      if (join) {
        // A gang in a cross-node deadlock joins once per node it holds on: listed once, its holds summed.
        if (!row.groupList.includes(log.group[i]!)) row.groupList.push(log.group[i]!);
        row.held_cpu += log.r0[i]!;
        row.held_memory += log.r1[i]!;
        row.held_gpu += log.r2[i]!;
      } else {
        row.resolved_at = log.t[i]!;
        row.endCode = log.r0[i]!;
        row.aborted = log.group[i]!;
      }
    }
  }

  /** One row per deadlock and stall seen, in order of detection. */
  rows(): DeadlockRow[] {
    const idOf = this.idOf;
    // A row that never ended has no resolved_at.
    const resolution = (ended: boolean, code: number, aborted: number): string =>
      !ended ? "none" : code === DeadlockResolution.Timeout ? "timeout" : code === DeadlockResolution.Aborted ? `aborted:${idOf(aborted) ?? aborted}` : "released";
    return [...this.byKey.values()].map(({ groupList, nodeList, endCode, aborted, ...row }) => ({
      ...row,
      groups: groupList.length,
      group_ids: groupList.map((g) => idOf(g) ?? String(g)).join(";"),
      nodes: nodeList.map((node) => this.run.cluster.name(node)).join(";"),
      resolution: resolution(!Number.isNaN(row.resolved_at), endCode, aborted),
    }));
  }

  private newRow(key: string, kind: "deadlock" | "stall", id: number, time: number): OpenRow {
    const { runId, scenario, strategy, seed } = this.run;
    const row: OpenRow = {
      run_id: runId,
      scenario,
      strategy,
      seed,
      kind,
      deadlock: id,
      time,
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
      endCode: 0,
      aborted: -1,
    };
    this.byKey.set(key, row);
    return row;
  }
}

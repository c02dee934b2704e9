import { assertOutcomes } from "../../sim/check/outcomes.ts";
import { GROUP_COLUMNS } from "../../sim/metrics/columns.ts";
import { CsvBytes } from "../../sim/metrics/csv-bytes.ts";
import { summarize, type RunTables } from "../../sim/metrics/report.ts";
import type { GroupTable } from "../../sim/metrics/summary/group-table.ts";
import type { GroupRow } from "../../sim/metrics/summary.ts";
import type { Resources } from "../../sim/model/resources.ts";
import { runOnce, type RunOptions, type RunResult } from "../../sim/runner.ts";
import type { Pod } from "../../sim/strategies/kube/pod.ts";
import { loadScenario, validateScenario, type Scenario } from "../../sim/workload/scenario.ts";

/** Small builders for scenario files, so tests say only what matters to them. */

export interface NodeInput {
  name: string;
  capacity: { cpu?: number; memory?: number; gpu?: number; pods?: number };
  labels?: Record<string, string>;
}

export function node(name: string, memory: number, cpu = 64000, gpu = 0): NodeInput {
  return { name, capacity: { cpu, memory, gpu } };
}

export interface MemberInput {
  name?: string;
  request: { cpu?: number; memory?: number; gpu?: number };
  delay?: number;
  init?: boolean;
}

export function member(memory: number, opts: { cpu?: number; delay?: number; init?: boolean; name?: string } = {}): MemberInput {
  const m: MemberInput = { request: { cpu: opts.cpu ?? 100, memory } };
  if (opts.delay !== undefined) m.delay = opts.delay;
  if (opts.init !== undefined) m.init = opts.init;
  if (opts.name !== undefined) m.name = opts.name;
  return m;
}

export function group(id: string, submit: number, duration: number, members: MemberInput[], extra: Record<string, unknown> = {}) {
  return { id, submit, kind: "colocate", duration, members, ...extra };
}

export function inlineScenario(opts: {
  nodes: NodeInput[];
  groups: ReturnType<typeof group>[];
  horizon?: number;
  tJob?: number;
  tTask?: number;
  strategies?: Record<string, unknown>;
  sampleEvery?: number;
}): Scenario {
  return validateScenario("<test>", {
    name: "test",
    horizon: opts.horizon ?? 100,
    sampleEvery: opts.sampleEvery ?? 1,
    decision: { tJob: opts.tJob ?? 0.1, tTask: opts.tTask ?? 0.05 },
    cluster: { type: "inline", nodes: opts.nodes },
    workload: { type: "inline", groups: opts.groups },
    strategies: opts.strategies ?? {},
  });
}

export function shipped(name: string, sets: string[] = []): Scenario {
  return loadScenario(name, sets);
}

export interface Ran {
  result: RunResult;
  tables: RunTables;
  /** The row of one group, by id. */
  row(id: string): GroupRow;
}

export function run(scenario: Scenario, strategy: string, seed = 1, options: RunOptions = {}): Ran {
  const result = runOnce(scenario, strategy, seed, options);
  const tables = summarize(result);
  if (options.check) assertOutcomes(result, tables.groups);
  return {
    result,
    tables,
    row(id) {
      const r = tables.groups.find((g) => g.group_id === id);
      if (r === undefined) throw new Error(`no group ${id}`);
      return r;
    },
  };
}

/** A kube Pod of one container asking for `request`, for a scan's select; with `mask`, one whose node selector matches the nodes marked 1. */
export function scanPod(request: Resources, mask?: Uint8Array): Pod {
  const group = { index: 0, id: "p", submit: 0, kind: "colocate" as const, duration: 1, priority: 0, members: [{ name: "c", request, delay: 0, init: false }] };
  return { group, index: 0, firstMember: 0, members: 1, request, nonZero: request, mask, order: 0, createdAt: 0, timestamp: 0, attempts: 0, state: "inflight", token: 0, node: -1, boundAt: NaN, nominated: -1, terminating: false, prevOnNode: undefined, nextOnNode: undefined };
}

/** The CSV lines of groups [from, to) of a group table as groups.csv gets them (GroupTable.csvBytes), as text. */
export function groupLines(table: GroupTable, from = 0, to = table.length, extra: readonly Uint8Array[] = []): string {
  const out = new CsvBytes();
  table.csvBytes(GROUP_COLUMNS, from, to, extra, out);
  return new TextDecoder("utf-8", { fatal: true }).decode(out.view());
}

import { FRESH, type ColumnMemory } from "../column-memory.ts";
import { fieldBytes, type CsvBytes } from "../csv-bytes.ts";
import type { EarlyLines } from "./early-lines.ts";
import { NodeColumn } from "./node-column.ts";
import type { Outcome } from "./record.ts";

/** Kubernetes Pod phases, as the group ends the run. */
export type PodPhase = "Pending" | "Running" | "Succeeded" | "Failed";

/** The Pod phase of an outcome: a group that never ran as a whole is Pending, one lost to a node failure Failed. */
export function podPhase(outcome: Outcome, finished: boolean): PodPhase {
  switch (outcome) {
    case "completed":
      return "Succeeded";
    case "running":
      return "Running";
    case "split":
      return finished ? "Succeeded" : "Running";
    case "lost":
    case "preempted":
      return "Failed";
    case "partial":
      return "Running";
    default:
      return "Pending";
  }
}

/** One row of groups.csv. */
export interface GroupRow {
  run_id: string;
  scenario: string;
  strategy: string;
  seed: number;
  group_id: string;
  /** The group's scheduler class ("default" when the workload has none). */
  class: string;
  kind: string;
  members: number;
  cpu: number;
  memory: number;
  gpu: number;
  submit: number;
  pod_created: number;
  placed: number;
  started: number;
  finished: number;
  latency: number;
  nodes: string;
  outcome: Outcome;
  correct: boolean;
  attempts: number;
  conflicts: number;
  rollbacks: number;
  held_cpu_s: number;
  /** Times the group was chosen as a preemption victim, and the id of the group whose Pod preempted it last. */
  preempted: number;
  preemptor: string;
  held_memory_s: number;
  held_gpu_s: number;
  wasted_cpu_s: number;
  wasted_memory_s: number;
  wasted_gpu_s: number;
  co_start_skew: number;
  split_s: number;
  phase: PodPhase;
  /** Pods in the group (1 for colocate), and how many must run at once (gang: minMember; else every Pod). */
  pods: number;
  min_member: number;
  /** The group's quorum ran together, unsplit: a gang's minMember Pods at once, a colocate group's members on one node, every Pod of a job. */
  gang_ok: boolean;
  /** When every Pod of the group first ran at the same time (NaN if never). */
  full: number;
  /** Resource-seconds of the group's tasks while the group had not started (a gang short of minMember Pods; 0 for jobs). */
  partial_cpu_s: number;
  partial_memory_s: number;
  partial_gpu_s: number;
  /** Coscheduling: Permit waits of the group's Pods that timed out, and that were rejected before (PostFilter, Unreserve). */
  timeouts: number;
  rejections: number;
  /** Kueue: times the admitted group was evicted (waitForPodsReady timeout), and its first admission. */
  evictions: number;
  admitted: number;
}

/** The numeric columns of groups.csv. */
export const GROUP_NUMBERS = [
  "members", "cpu", "memory", "gpu", "submit", "pod_created", "placed", "started", "finished", "latency",
  "attempts", "conflicts", "rollbacks", "preempted", "held_cpu_s", "held_memory_s", "held_gpu_s",
  "wasted_cpu_s", "wasted_memory_s", "wasted_gpu_s", "co_start_skew", "split_s", "pods", "min_member", "full",
  "partial_cpu_s", "partial_memory_s", "partial_gpu_s", "timeouts", "rejections", "evictions", "admitted",
] as const satisfies readonly (keyof GroupRow)[];
/** The text columns that vary by group (run_id, scenario and strategy are the run's; `nodes` is a NodeColumn). */
export const GROUP_TEXTS = ["group_id", "class", "kind", "outcome", "preemptor", "phase"] as const satisfies readonly (keyof GroupRow)[];
export const GROUP_FLAGS = ["correct", "gang_ok"] as const satisfies readonly (keyof GroupRow)[];

type NumberColumn = (typeof GROUP_NUMBERS)[number];
type TextColumn = (typeof GROUP_TEXTS)[number];
type FlagColumn = (typeof GROUP_FLAGS)[number];
type RunColumn = "run_id" | "scenario" | "strategy" | "seed";
// Every column of a group row is exactly one of these kinds, or `nodes` (checked by the compiler).
type Unassigned = Exclude<keyof GroupRow, NumberColumn | TextColumn | FlagColumn | RunColumn | "nodes">;
const everyColumnHasAKind: Unassigned extends never ? true : Unassigned = true;
void everyColumnHasAKind;

/**
 * groups.csv of one run held by column (typed arrays for numbers), not as a
 * row object per group: a few hundred bytes per group where row objects took
 * over a kilobyte, and the CSV is written from the columns in chunks.
 * `row(g)` and `rows()` give the row objects when a caller wants them.
 */
export class GroupTable {
  readonly length: number;
  /** The run's own fields, the same in every row. */
  readonly run: { readonly runId: string; readonly scenario: string; readonly strategy: string; readonly seed: number };
  readonly numbers: Record<NumberColumn, Float64Array>;
  readonly texts: Record<TextColumn, string[]>;
  readonly flags: Record<FlagColumn, Uint8Array>;
  /** The nodes each group ran on, named by `nodeName`. */
  readonly nodes: NodeColumn;
  /** Lines made while the run was still going (GroupReplay.settle), for csvBytes to copy. */
  early: EarlyLines | undefined;

  constructor(
    run: { readonly runId: string; readonly scenario: string; readonly strategy: string; readonly seed: number },
    length: number,
    nodeName: (node: number) => string,
    memory: ColumnMemory = FRESH,
  ) {
    this.run = { runId: run.runId, scenario: run.scenario, strategy: run.strategy, seed: run.seed };
    this.length = length;
    this.nodes = new NodeColumn(length, nodeName, memory);
    this.numbers = Object.fromEntries(GROUP_NUMBERS.map((c) => [c, memory.f64(length)])) as Record<NumberColumn, Float64Array>;
    this.texts = Object.fromEntries(GROUP_TEXTS.map((c) => [c, new Array<string>(length).fill("")])) as Record<TextColumn, string[]>;
    this.flags = Object.fromEntries(GROUP_FLAGS.map((c) => [c, memory.u8(length)])) as Record<FlagColumn, Uint8Array>;
  }

  /** Group g's row. */
  row(g: number): GroupRow {
    const out: Record<string, unknown> = { run_id: this.run.runId, scenario: this.run.scenario, strategy: this.run.strategy, seed: this.run.seed };
    for (const c of GROUP_NUMBERS) out[c] = this.numbers[c][g]!;
    for (const c of GROUP_TEXTS) out[c] = this.texts[c][g]!;
    for (const c of GROUP_FLAGS) out[c] = this.flags[c][g] === 1;
    out.nodes = this.nodes.text(g);
    return out as unknown as GroupRow;
  }

  rows(): GroupRow[] {
    return Array.from({ length: this.length }, (_, g) => this.row(g));
  }

  /**
   * Appends the CSV lines of groups [from, to) to `out`, each ending in "\n",
   * with `columns` in order and `extra` (fields' bytes, fieldBytes) at the end
   * of every line: the bytes of what csvRows writes for the same rows
   * (test/csv.test.ts holds them equal). A line made ahead for the same
   * columns and fields (`early`) is copied rather than made again.
   */
  csvBytes(columns: readonly (keyof GroupRow)[], from: number, to: number, extra: readonly Uint8Array[], out: CsvBytes): void {
    const lines = this.lines(columns, extra);
    const early = this.early?.madeFor(columns, extra) === true ? this.early : undefined;
    for (let g = from; g < to; g++) if (early === undefined || !early.copy(g, out)) lines.write(g, out);
  }

  /** A writer of one group's line at a time, with `columns` and `extra` as csvBytes takes them (the run's own fields encoded once). */
  lines(columns: readonly (keyof GroupRow)[], extra: readonly Uint8Array[]): GroupLines {
    return new GroupLines(this.plan(columns, extra), this.nodes);
  }

  /** How each field of a line is written, in order; neighbouring fields the same on every line are joined into one. */
  private plan(columns: readonly (keyof GroupRow)[], extra: readonly Uint8Array[]): PlannedCell[] {
    const plan: PlannedCell[] = [];
    const constant = (bytes: Uint8Array): void => {
      const last = plan[plan.length - 1];
      if (last?.kind !== Cell.Raw) plan.push({ ...NO_CELL, kind: Cell.Raw, raw: bytes });
      else {
        const joined = new Uint8Array(last.raw.length + 1 + bytes.length);
        joined.set(last.raw);
        joined[last.raw.length] = 0x2c; // ","
        joined.set(bytes, last.raw.length + 1);
        plan[plan.length - 1] = { ...NO_CELL, kind: Cell.Raw, raw: joined };
      }
    };
    for (const column of columns) {
      if (column === "run_id" || column === "scenario" || column === "strategy" || column === "seed") {
        constant(fieldBytes(this.run[column === "run_id" ? "runId" : column]));
      } else if ((GROUP_NUMBERS as readonly string[]).includes(column)) {
        plan.push({ ...NO_CELL, kind: Cell.Number, numbers: this.numbers[column as NumberColumn] });
      } else if (column === "nodes") {
        plan.push({ ...NO_CELL, kind: Cell.Nodes });
      } else if ((GROUP_FLAGS as readonly string[]).includes(column)) {
        plan.push({ ...NO_CELL, kind: Cell.Flag, flags: this.flags[column as FlagColumn] });
      } else {
        plan.push({ ...NO_CELL, kind: Cell.Text, texts: this.texts[column as TextColumn] });
      }
    }
    for (const bytes of extra) constant(bytes);
    return plan;
  }
}

/** Writes groups' lines of groups.csv by a plan made once (GroupTable.lines). */
export class GroupLines {
  constructor(
    private readonly plan: readonly PlannedCell[],
    private readonly nodes: NodeColumn,
  ) {}

  /** Group g's line, ending in "\n". */
  write(g: number, out: CsvBytes): void {
    const plan = this.plan;
    const n = plan.length;
    for (let i = 0; i < n; i++) {
      const c = plan[i]!;
      if (i > 0) out.comma();
      switch (c.kind) {
        case Cell.Raw:
          out.raw(c.raw);
          break;
        case Cell.Number:
          out.number(c.numbers[g]!);
          break;
        case Cell.Flag:
          out.raw(c.flags[g] === 1 ? TRUE : FALSE);
          break;
        case Cell.Text:
          out.string(c.texts[g]!);
          break;
        case Cell.Nodes:
          this.nodes.write(g, out);
          break;
      }
    }
    out.newline();
  }
}

/** How a field of groups.csv is written: bytes the same on every line, or from a number, flag, text or node column. */
const Cell = { Raw: 0, Number: 1, Flag: 2, Text: 3, Nodes: 4 } as const;

/** One shape for every kind (the fields it does not read are empty), so the loop over a line reads one kind of object. */
interface PlannedCell {
  readonly kind: (typeof Cell)[keyof typeof Cell];
  readonly raw: Uint8Array;
  readonly numbers: Float64Array;
  readonly flags: Uint8Array;
  readonly texts: readonly string[];
}

const NO_CELL: PlannedCell = { kind: Cell.Raw, raw: new Uint8Array(0), numbers: new Float64Array(0), flags: new Uint8Array(0), texts: [] };
const TRUE = fieldBytes(true);
const FALSE = fieldBytes(false);

/** How many of groups 0..n-1 satisfy `test`. */
export function countWhere(n: number, test: (g: number) => boolean): number {
  let count = 0;
  for (let g = 0; g < n; g++) if (test(g)) count++;
  return count;
}

/** The values that are not NaN, in order. */
export function present(values: Float64Array, keep: (g: number) => boolean = () => true): number[] {
  const out: number[] = [];
  for (let g = 0; g < values.length; g++) if (keep(g) && !Number.isNaN(values[g]!)) out.push(values[g]!);
  return out;
}

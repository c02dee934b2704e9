import { Bench } from "tinybench";
import { Rng } from "../sim/engine/index.ts";
import { stringify } from "csv-stringify/sync";
import { formatNumber, toCsv } from "../sim/metrics/csv.ts";
import { GROUP_COLUMNS } from "../sim/metrics/columns.ts";
import type { GroupRow } from "../sim/metrics/summary.ts";
import { alternatedPairs } from "./pairs.ts";
import { bulkEngineQueue, bulkTypedHeap, holdEngineQueue, holdFastPriorityQueue, holdTypedHeap, increments } from "./engine-models.ts";

export interface MicroResult {
  readonly name: string;
  readonly unit: string;
  /** Operations per iteration. */
  readonly work: number;
  /** Median operations per second over the iterations. */
  readonly perSecond: number;
  readonly iterations: number;
}

const HOLD_PENDING = 10_000;
const HOLD_OPS = 1_000_000;
const BULK = 1_000_000;
const DRAWS = 1_000_000;
const CSV_ROWS = 100_000;

function sampleRows(n: number): GroupRow[] {
  const rng = new Rng("csv");
  return Array.from({ length: n }, (_, i) => ({
    run_id: "0123456789ab", scenario: "bench", strategy: "kube", seed: 1, group_id: `g${i}`, class: "default", kind: "colocate",
    members: 3, cpu: 6000, memory: 12288, gpu: 0, submit: rng.uniform(0, 1000), pod_created: 1.5, placed: 2.25,
    started: 2.25, finished: 302.25, latency: 0.75, nodes: "node-0042", outcome: "completed", correct: true,
    attempts: 1, conflicts: 0, rollbacks: 0, preempted: 0, preemptor: "", held_cpu_s: 0, held_memory_s: 0, held_gpu_s: 0, wasted_cpu_s: 0,
    wasted_memory_s: 0, wasted_gpu_s: 0, co_start_skew: 0, split_s: 0, phase: "Succeeded",
    pods: 1, min_member: 1, gang_ok: true, full: NaN, partial_cpu_s: 0, partial_memory_s: 0, partial_gpu_s: 0, timeouts: 0, rejections: 0, evictions: 0, admitted: NaN,
  }));
}

/** tinybench micro-benchmarks of the engine's parts; each task's rate is work / median iteration time. */
export async function runMicro(iterations = 7): Promise<MicroResult[]> {
  const inc = increments(1 << 20);
  const rows = sampleRows(CSV_ROWS);
  const rng = new Rng("draws");
  const tasks: { name: string; unit: string; work: number; fn: () => void }[] = [
    { name: "queue hold: engine (typed-array heap)", unit: "events/s", work: HOLD_OPS, fn: () => holdEngineQueue(HOLD_PENDING, HOLD_OPS, inc) },
    { name: "queue hold: fastpriorityqueue (objects)", unit: "events/s", work: HOLD_OPS, fn: () => holdFastPriorityQueue(HOLD_PENDING, HOLD_OPS, inc) },
    { name: "queue hold: reference typed heap", unit: "events/s", work: HOLD_OPS, fn: () => holdTypedHeap(HOLD_PENDING, HOLD_OPS, inc) },
    { name: "queue bulk: engine", unit: "ops/s", work: 2 * BULK, fn: () => bulkEngineQueue(BULK, inc) },
    { name: "queue bulk: reference typed heap", unit: "ops/s", work: 2 * BULK, fn: () => bulkTypedHeap(BULK, inc) },
    {
      name: "rng: alea stream draws",
      unit: "draws/s",
      work: DRAWS,
      fn: () => {
        let s = 0;
        for (let i = 0; i < DRAWS; i++) s += rng.next();
        if (s < 0) throw new Error("unreachable");
      },
    },
    { name: "csv: groups.csv rows (cosched's writer)", unit: "rows/s", work: CSV_ROWS, fn: () => void toCsv(rows, GROUP_COLUMNS) },
    {
      name: "csv: groups.csv rows (csv-stringify, the reference)",
      unit: "rows/s",
      work: CSV_ROWS,
      fn: () => void stringify(rows, { header: true, columns: [...GROUP_COLUMNS], cast: { boolean: (v) => (v ? "true" : "false"), number: formatNumber } }),
    },
  ];
  const bench = new Bench({ iterations, time: 0, warmupIterations: 1, warmupTime: 0 });
  for (const t of tasks) bench.add(t.name, t.fn);
  await bench.run();
  return tasks.map((t) => {
    const task = bench.getTask(t.name);
    const result = task?.result as { latency?: { p50: number }; state?: string; error?: unknown } | undefined;
    const p50 = result?.latency?.p50;
    if (p50 === undefined) throw new Error(`bench: task "${t.name}" produced no result (${String(result?.error ?? result?.state)})`);
    return { name: t.name, unit: t.unit, work: t.work, perSecond: t.work / (p50 / 1000), iterations };
  });
}

/**
 * The engine's hold model against the bare typed-array kernel, timed in
 * alternated pairs (alternatedPairs: engine then kernel, then kernel then
 * engine, and so on), each pair's ratio of rates taken, and the median of
 * those: both sides of a pair see the machine at the same moment. tinybench
 * times one task's iterations after the other's, so a change of the
 * machine's speed between them (minutes long on the shared machine this was
 * written on) lands on one side only.
 */
export function holdVersusKernel(pairs = 11): { median: number; ratios: readonly number[] } {
  const inc = increments(1 << 20);
  const timed = (fn: () => number) => (): { wall_s: number } => {
    const t0 = performance.now();
    fn();
    return { wall_s: (performance.now() - t0) / 1000 };
  };
  const engine = timed(() => holdEngineQueue(HOLD_PENDING, HOLD_OPS, inc));
  const kernel = timed(() => holdTypedHeap(HOLD_PENDING, HOLD_OPS, inc));
  // Warm both up first.
  engine();
  kernel();
  // The kernel's time over the engine's: the engine's rate as a share of the kernel's.
  const { median, ratios } = alternatedPairs(pairs, engine, kernel);
  return { median, ratios };
}

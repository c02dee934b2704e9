// The anchors' claims beside cosched's figures: reads results/study (the `study` sweep on
// scenarios/batch-service.json) and writes results/study/summary.md, which `npm run study`
// also puts into the README between its study markers. Every figure is the mean over the
// sweep's seeds of one run's value, ± the half-width of its 95 % confidence interval.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { spread } from "../sim/metrics/stats.ts";
import { num, readTable, type Row } from "../sim/report/data.ts";
import { withSpread } from "../sim/report/format.ts";
import { replaceBetween } from "./markers.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dir = join(root, "results/study");
const T_SERVICE = "param.workload.classes.1.decision.tJob";

interface Claim {
  /** What the anchor reports, and where. */
  readonly anchor: string;
  readonly strategy: string;
  /** The rows of the setting compared, by the label each series gets. */
  readonly series: readonly { readonly label: string; readonly where: (r: Row) => boolean }[];
  /** Which table, class and column hold the figure, and how to print it. */
  readonly table: "classes" | "runs";
  readonly cls?: string;
  readonly column: string;
  readonly what: string;
  readonly format: (x: number) => string;
  /** The direction the anchor reports: the figure grows with tJob(service), or the first series is below the second at the slowest service. */
  readonly expect: "grows with tJob" | "first below second" | "flat in tJob";
}

const param = (name: string, value: string) => (r: Row) => (r[`param.${name}`] ?? "") === value;
const unset = (...names: string[]) => (r: Row) => names.every((n) => (r[`param.${n}`] ?? "") === "");
const and = (...fs: ((r: Row) => boolean)[]) => (r: Row) => fs.every((f) => f(r));
const f3 = (x: number) => (Number.isNaN(x) ? "-" : x.toFixed(3));
const s1 = (x: number) => (Number.isNaN(x) ? "-" : x < 10 ? x.toFixed(2) : x.toFixed(0));
const omegaBase = unset("strategies.omega.conflict", "strategies.omega.commit");
const oneBatch = and(param("strategies.omega.schedulers.batch", "1"), omegaBase);
type Series = Claim["series"][number];
const MULTI_PATH: Series = { label: "multi-path", where: param("strategies.kube.decisionPath", "multi-path") };
const SINGLE_PATH: Series = { label: "single-path", where: param("strategies.kube.decisionPath", "single-path") };
const ONE_BATCH: Series = { label: "1 batch scheduler", where: oneBatch };
const FOUR_BATCH: Series = { label: "4 batch schedulers", where: and(param("strategies.omega.schedulers.batch", "4"), omegaBase) };

const CLAIMS: Claim[] = [
  {
    anchor: "Omega paper §4.1: a single-path monolithic scheduler's busyness climbs with tJob(service) and saturates; multi-path keeps it far lower",
    strategy: "kube",
    series: [MULTI_PATH, SINGLE_PATH],
    table: "runs",
    column: "busyness",
    what: "scheduler busyness",
    format: f3,
    expect: "first below second",
  },
  {
    anchor: "Omega paper §4.1: under single-path, batch jobs wait behind the slow logic (batch latency explodes); multi-path batch latency stays low",
    strategy: "kube",
    series: [MULTI_PATH, SINGLE_PATH],
    table: "classes",
    cls: "batch",
    column: "latency_p50",
    what: "batch latency p50 (s)",
    format: s1,
    expect: "first below second",
  },
  {
    anchor: "Omega paper §4.2: in Mesos (the paper's simulator offers the whole cell to one framework), a slow service framework holds the offer for its whole decision and batch jobs wait longer as tJob(service) grows",
    strategy: "mesos",
    series: [{ label: "cell offers", where: param("strategies.mesos.offerScope", "cell") }],
    table: "classes",
    cls: "batch",
    column: "latency_p99",
    what: "batch latency p99 (s)",
    format: s1,
    expect: "grows with tJob",
  },
  {
    anchor: "The same with per-node offers, as Mesos' allocator makes them (hierarchical.cpp): the paper does not model them",
    strategy: "mesos",
    series: [{ label: "per-node offers", where: param("strategies.mesos.offerScope", "node") }],
    table: "classes",
    cls: "batch",
    column: "latency_p99",
    what: "batch latency p99 (s)",
    format: s1,
    expect: "grows with tJob",
  },
  {
    anchor: "Omega paper §4.3: the service scheduler's conflict fraction grows with tJob(service) (its transactions take longer, so more of them meet a changed cell)",
    strategy: "omega",
    series: [ONE_BATCH],
    table: "classes",
    cls: "service",
    column: "conflict_fraction",
    what: "service conflict fraction",
    format: f3,
    expect: "grows with tJob",
  },
  {
    anchor: "Omega paper §4.3: batch jobs are not held up by the slow service scheduler (batch latency stays flat)",
    strategy: "omega",
    series: [ONE_BATCH],
    table: "classes",
    cls: "batch",
    column: "latency_p50",
    what: "batch latency p50 (s)",
    format: s1,
    expect: "flat in tJob",
  },
  {
    anchor: "Omega paper §4.3: more batch schedulers share the batch load (per-scheduler busyness falls)",
    strategy: "omega",
    series: [FOUR_BATCH, ONE_BATCH],
    table: "classes",
    cls: "batch",
    column: "busyness",
    what: "mean batch scheduler busyness",
    format: f3,
    expect: "first below second",
  },
  {
    anchor: "Omega paper §4.3: more batch schedulers conflict more among themselves",
    strategy: "omega",
    series: [ONE_BATCH, FOUR_BATCH],
    table: "classes",
    cls: "batch",
    column: "conflict_fraction",
    what: "batch conflict fraction",
    format: f3,
    expect: "first below second",
  },
  {
    anchor: "Omega paper §5: coarse-grained conflict detection (sequence numbers) gives more conflicts than fine-grained (resource fit)",
    strategy: "omega",
    series: [
      { label: "resource-fit", where: oneBatch },
      { label: "sequence-numbers", where: param("strategies.omega.conflict", "sequence-numbers") },
    ],
    table: "classes",
    cls: "service",
    column: "conflict_fraction",
    what: "service conflict fraction",
    format: f3,
    expect: "first below second",
  },
  {
    anchor: "Omega paper §5: all-or-nothing (gang) transactions conflict more than incremental ones",
    strategy: "omega",
    series: [
      { label: "incremental", where: oneBatch },
      { label: "all-or-nothing", where: param("strategies.omega.commit", "all-or-nothing") },
    ],
    table: "classes",
    cls: "service",
    column: "conflict_fraction",
    what: "service conflict fraction",
    format: f3,
    expect: "first below second",
  },
];

/** Mean (and spread) of the claim's figure per series and tJob(service). */
function figures(claim: Claim, rows: readonly Row[]): { tJobs: number[]; cells: Map<string, ReturnType<typeof spread>> } {
  const mine = rows.filter((r) => r.strategy === claim.strategy && (claim.cls === undefined || r.class === claim.cls));
  const tJobs = [...new Set(mine.map((r) => num(r[T_SERVICE])))].sort((a, b) => a - b);
  const cells = new Map<string, ReturnType<typeof spread>>();
  for (const s of claim.series) {
    for (const t of tJobs) {
      const values = mine.filter((r) => s.where(r) && num(r[T_SERVICE]) === t).map((r) => num(r[claim.column]));
      cells.set(`${s.label}@${t}`, spread(values));
    }
  }
  return { tJobs, cells };
}

function verdict(claim: Claim, tJobs: readonly number[], cells: Map<string, ReturnType<typeof spread>>): string {
  const at = (label: string, t: number) => cells.get(`${label}@${t}`)!.mean;
  const first = claim.series[0]!.label;
  const lo = tJobs[0]!;
  const hi = tJobs[tJobs.length - 1]!;
  if (claim.expect === "grows with tJob") return at(first, hi) > at(first, lo) ? "reproduced" : "not reproduced";
  if (claim.expect === "flat in tJob") return Math.abs(at(first, hi) - at(first, lo)) <= 0.1 * Math.max(Math.abs(at(first, lo)), 1e-9) + 0.01 ? "reproduced" : "not reproduced";
  return at(first, hi) < at(claim.series[1]!.label, hi) ? "reproduced" : "not reproduced";
}

async function main(): Promise<void> {
  const tables = { classes: await readTable(dir, "classes"), runs: await readTable(dir, "runs") };
  if (tables.classes === undefined || tables.runs === undefined) throw new Error(`${dir}: no classes.csv or runs.csv; run: node bin/cosched.js sweep study --out results/study`);
  const seeds = new Set(tables.runs.map((r) => r.seed)).size;
  const out: string[] = [
    `Sweep \`study\` on \`scenarios/batch-service.json\` (50 nodes, batch tJob 0.1 s, service tJob varied), ${tables.runs.length} runs. ` +
      `Each cell: the mean over ${seeds} seeds of one run's figure, ± the half-width of its 95 % confidence interval across seeds. ` +
      `"Reproduced" compares the means at the slowest service (or the growth from the fastest to the slowest).`,
    "",
  ];
  CLAIMS.forEach((claim, i) => {
    const { tJobs, cells } = figures(claim, tables[claim.table]!);
    out.push(`**${i + 1}. ${claim.anchor}.** ${claim.strategy}, ${claim.what}: **${verdict(claim, tJobs, cells)}**.`, "");
    out.push(`| ${claim.strategy} | ${tJobs.map((t) => `tJob(service) ${t} s`).join(" | ")} |`);
    out.push(`|---|${tJobs.map(() => "---").join("|")}|`);
    for (const s of claim.series) out.push(`| ${s.label} | ${tJobs.map((t) => withSpread(cells.get(`${s.label}@${t}`)!, claim.format)).join(" | ")} |`);
    out.push("");
  });
  const text = out.join("\n");
  writeFileSync(join(dir, "summary.md"), text);
  const readme = join(root, "README.md");
  writeFileSync(readme, replaceBetween(readFileSync(readme, "utf8"), "<!-- results:study:start -->", "<!-- results:study:end -->", text));
  process.stdout.write(text + "\n");
}

await main();

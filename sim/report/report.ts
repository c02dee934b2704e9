import { join } from "node:path";
import * as vega from "vega";
import { compile } from "vega-lite";
import { renderTable } from "../cli/table.ts";
import { writeFileAtomic } from "../metrics/output.ts";
import { chooseAxis, conflictsVsDecision, correctVsLoad, deadlocksVsLoad, latencyCdf, utilisationOverTime, type Chart } from "./charts.ts";
import { groupBy, meanOf, num, readColumns, readTable, type Row } from "./data.ts";

/** Renders a Vega-Lite spec to SVG in Node (no browser). */
export async function toSvg(chart: Chart): Promise<string> {
  const view = new vega.View(vega.parse(compile(chart.spec).spec), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

const pct = (x: number): string => (Number.isNaN(x) ? "-" : `${(100 * x).toFixed(1)}%`);
const fixed = (x: number, d = 3): string => (Number.isNaN(x) ? "-" : x.toFixed(d));
const sci = (x: number): string => (Number.isNaN(x) ? "-" : x.toExponential(2));

/** The per-strategy comparison over every run in the folder. */
export function comparisonTable(runs: readonly Row[]): string {
  const header = ["strategy", "runs", "groups", "correct", "lat p50", "lat p99", "deadlocks", "conflicts", "conflict frac", "rollbacks", "held mem·s", "wasted mem·s"];
  const body = [...groupBy(runs, (r) => r.strategy!)].map(([strategy, list]) => {
    const groups = list.reduce((a, r) => a + num(r.groups), 0);
    const correct = list.reduce((a, r) => a + num(r.correct_rate) * num(r.groups), 0) / groups;
    const sum = (k: string) => list.reduce((a, r) => a + (Number.isFinite(num(r[k])) ? num(r[k]) : 0), 0);
    return [
      strategy,
      String(list.length),
      String(groups),
      pct(correct),
      fixed(meanOf(list.map((r) => num(r.latency_p50)))),
      fixed(meanOf(list.map((r) => num(r.latency_p99)))),
      String(sum("deadlocks")),
      String(sum("conflicts")),
      fixed(meanOf(list.map((r) => num(r.conflict_fraction)))),
      String(sum("rollbacks")),
      sci(meanOf(list.map((r) => num(r.held_memory_s)))),
      sci(meanOf(list.map((r) => num(r.wasted_memory_s)))),
    ];
  });
  return renderTable(header, body);
}

export interface ReportOptions {
  /** Swept paths to prefer as the load axis and as the decision-time axis. */
  readonly load?: string;
  readonly decision?: string;
}

/** Writes every chart next to the folder's CSVs; returns the table and the chart files. */
export async function report(dir: string, options: ReportOptions = {}): Promise<{ table: string; charts: string[] }> {
  const runs = readTable(dir, "runs.csv");
  const groups = readColumns(dir, "groups.csv", ["strategy", "latency"]);
  const series = readTable(dir, "timeseries.csv", true);
  const load = chooseAxis(runs, [options.load ?? "workload.rate", "workload.groups", "workload.arrival.rate"]);
  const decision = chooseAxis(runs, [options.decision ?? "decision.tJob", "decision.tTask", load.title]);
  const charts = [latencyCdf(groups), utilisationOverTime(series), correctVsLoad(runs, load), conflictsVsDecision(runs, decision), deadlocksVsLoad(runs, load)];
  const files: string[] = [];
  for (const chart of charts) {
    const file = join(dir, chart.file);
    writeFileAtomic(file, await toSvg(chart));
    files.push(file);
  }
  return { table: comparisonTable(runs), charts: files };
}

import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as vega from "vega";
import { compile } from "vega-lite";
import { OutputFolder } from "../output/folder.ts";
import { inspectFolder } from "../output/ownership.ts";
import { InputError } from "../workload/errors.ts";
import { chooseAxis } from "./axes.ts";
import { conflictsVsDecision, correctVsLoad, deadlocksVsLoad, gangOkVsLoad, latencyCdf, partialVsLoad, utilisationOverTime, type Chart, type Skipped } from "./charts.ts";
import { num, readTable } from "./data.ts";
import { wrap } from "./format.ts";
import { comparisonTable, TABLE_LEGEND } from "./table.ts";

/** Renders a Vega-Lite spec to SVG in Node (no browser). */
export async function toSvg(chart: Chart): Promise<string> {
  const view = new vega.View(vega.parse(compile(chart.spec).spec), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

export interface ReportOptions {
  /** Swept paths to prefer as the load axis and as the decision-time axis. */
  readonly load?: string;
  readonly decision?: string;
  /** Write charts into a folder cosched did not write (never replacing a file there). */
  readonly force?: boolean;
}

export interface ReportResult {
  /** The comparison table, with its legend. */
  readonly table: string;
  /** Chart files written. */
  readonly charts: string[];
  /** Charts not drawn, and why (an earlier file of that name is left as it was). */
  readonly skipped: Skipped[];
}

const isChart = (c: Chart | Skipped): c is Chart => "spec" in c;

/**
 * Prints the comparison of a run or sweep folder and writes its charts next
 * to the CSVs. A chart whose data is missing is not drawn (and an earlier
 * chart of that name is kept, never replaced by an empty one).
 */
export async function report(dir: string, options: ReportOptions = {}): Promise<ReportResult> {
  const runs = await readTable(dir, "runs");
  if (runs === undefined) throw new InputError(`${dir}: no runs.csv (expected the output folder of cosched run or cosched sweep)`);
  if (runs.length === 0) throw new InputError(`${dir}: runs.csv has no runs`);
  const owned = inspectFolder(dir).kind === "owned";
  if (!owned && !options.force) {
    throw new InputError(`${dir}: not a folder cosched wrote (no cosched manifest.json), so report writes no charts into it; add --force to write them beside its files (existing files are never replaced)`);
  }
  const groups = await readTable(dir, "groups", ["scenario", "strategy", "latency"]);
  const series = await readTable(dir, "timeseries", ["scenario", "strategy", "time", "util_memory", "held_memory"]);
  const load = chooseAxis(runs, [options.load ?? "workload.rate", "workload.groups", "workload.arrival.rate"]);
  const decision = chooseAxis(runs, [options.decision ?? "decision.tJob", "decision.tTask", load.path]);
  // The gang charts belong to folders with gangs or jobs; elsewhere they are not missing, just not relevant.
  const gangs = runs.some((r) => num(r.gangs) > 0) ? [gangOkVsLoad(runs, load), partialVsLoad(runs, load)] : [];
  const all = [latencyCdf(groups), utilisationOverTime(series), correctVsLoad(runs, load), conflictsVsDecision(runs, decision), deadlocksVsLoad(runs, load), ...gangs];
  const charts = all.filter(isChart);
  const skipped = all.filter((c): c is Skipped => !isChart(c));
  const svgs = await Promise.all(charts.map(toSvg));
  const out = new OutputFolder(dir, { flag: "report", force: !owned, writes: charts.map((c) => c.file) });
  try {
    charts.forEach((c, i) => writeFileSync(out.path(c.file), svgs[i]!));
    out.commit({ as: "charts" });
  } catch (err) {
    out.abort();
    throw err;
  }
  return { table: `${wrap(TABLE_LEGEND)}\n\n${comparisonTable(runs)}`, charts: charts.map((c) => join(dir, c.file)), skipped };
}

/** How report describes a chart it did not draw. */
export function describeSkipped(dir: string, s: Skipped): string {
  const kept = existsSync(join(dir, s.file)) ? `; the earlier ${s.file} there is left as it was` : "";
  return `not drawn: ${s.file}: ${s.reason}${kept}`;
}

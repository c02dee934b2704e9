import type { TopLevelSpec } from "vega-lite";
import { groupBy, meanOf, num, type Row } from "./data.ts";

/** A chart: a file name and a Vega-Lite spec with its data inlined. */
export interface Chart {
  readonly file: string;
  readonly title: string;
  readonly spec: TopLevelSpec;
}

const WIDTH = 520;
const HEIGHT = 300;
const strategyColor = { field: "strategy", type: "nominal", title: "strategy" } as const;

/** The x axis for "vs load" charts: a swept path, or the scenario when nothing was swept. */
export interface Axis {
  readonly field: string;
  readonly title: string;
  readonly quantitative: boolean;
}

export function chooseAxis(runs: readonly Row[], preferred: readonly string[]): Axis {
  const params = Object.keys(runs[0] ?? {}).filter((c) => c.startsWith("param."));
  for (const want of preferred) {
    const hit = params.find((p) => p === `param.${want}`);
    if (hit !== undefined && new Set(runs.map((r) => r[hit])).size > 1) return { field: hit, title: want, quantitative: runs.every((r) => r[hit] === "" || Number.isFinite(Number(r[hit]))) };
  }
  const varied = params.find((p) => new Set(runs.map((r) => r[p])).size > 1);
  if (varied !== undefined) return { field: varied, title: varied.slice("param.".length), quantitative: runs.every((r) => r[varied] === "" || Number.isFinite(Number(r[varied]))) };
  return { field: "scenario", title: "scenario", quantitative: false };
}

/** Mean of `metric` per (strategy, x) over seeds and other parameters. */
function meanBy(runs: readonly Row[], axis: Axis, metric: string, strategies?: readonly string[]): Record<string, unknown>[] {
  const rows = runs.filter((r) => (strategies === undefined || strategies.includes(r.strategy!)) && r[axis.field] !== "");
  const out: Record<string, unknown>[] = [];
  for (const [, list] of groupBy(rows, (r) => `${r.scenario}\u0000${r.strategy}\u0000${r[axis.field]}`)) {
    const x = list[0]![axis.field]!;
    out.push({ scenario: list[0]!.scenario, strategy: list[0]!.strategy, x: axis.quantitative ? Number(x) : x, y: meanOf(list.map((r) => num(r[metric]))), runs: list.length });
  }
  return out.filter((r) => Number.isFinite(r.y as number));
}

/** One line per strategy against the axis; one panel per scenario when several scenarios swept it. */
function lineVs(file: string, title: string, values: Record<string, unknown>[], axis: Axis, yTitle: string, yFormat?: string): Chart {
  const scenarios = new Set(values.map((v) => v.scenario)).size;
  const facet = axis.field !== "scenario" && scenarios > 1;
  return {
    file,
    title,
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title,
      width: facet ? Math.max(220, Math.floor((WIDTH * 1.4) / scenarios)) : WIDTH,
      height: HEIGHT,
      ...(facet ? { resolve: { scale: { x: "independent" } } } : {}),
      data: { values },
      mark: { type: axis.quantitative ? "line" : "bar", point: axis.quantitative },
      encoding: {
        x: { field: "x", type: axis.quantitative ? "quantitative" : "nominal", title: axis.title },
        y: { field: "y", type: "quantitative", title: yTitle, ...(yFormat ? { axis: { format: yFormat } } : {}) },
        color: strategyColor,
        ...(axis.quantitative ? {} : { xOffset: { field: "strategy" } }),
        ...(facet ? { column: { field: "scenario", type: "nominal", title: null } } : {}),
      },
    } as TopLevelSpec,
  };
}

/** Latency CDF per strategy, from groups.csv (up to 200 quantiles per strategy). */
export function latencyCdf(groups: readonly Row[]): Chart {
  const values: Record<string, unknown>[] = [];
  for (const [strategy, list] of groupBy(groups, (r) => r.strategy!)) {
    const lat = list.map((r) => num(r.latency)).filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
    const steps = Math.min(200, lat.length);
    for (let i = 1; i <= steps; i++) {
      const k = Math.max(0, Math.ceil((i / steps) * lat.length) - 1);
      values.push({ strategy, latency: Math.max(lat[k]!, 1e-3), fraction: (k + 1) / list.length });
    }
  }
  return {
    file: "latency_cdf.svg",
    title: "Group latency (submit to all members running), CDF over groups",
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: "Latency CDF per strategy (unplaced groups never reach 1)",
      width: WIDTH,
      height: HEIGHT,
      data: { values },
      mark: { type: "line", interpolate: "step-after" },
      encoding: {
        x: { field: "latency", type: "quantitative", scale: { type: "log" }, title: "latency (s, log)" },
        y: { field: "fraction", type: "quantitative", title: "fraction of groups", scale: { domain: [0, 1] } },
        color: strategyColor,
      },
    } as TopLevelSpec,
  };
}

/**
 * Memory utilisation and hoarded memory over time per strategy (mean over
 * runs), from timeseries.csv, for one scenario: the one with the most rows.
 */
export function utilisationOverTime(allSeries: readonly Row[]): Chart {
  const byScenario = [...groupBy(allSeries, (r) => r.scenario!)].sort((a, b) => b[1].length - a[1].length);
  const scenario = byScenario[0]?.[0] ?? "";
  const series = byScenario[0]?.[1] ?? [];
  const values: Record<string, unknown>[] = [];
  for (const [, list] of groupBy(series, (r) => `${r.strategy}\u0000${r.time}`)) {
    values.push({
      strategy: list[0]!.strategy,
      time: num(list[0]!.time),
      utilisation: meanOf(list.map((r) => num(r.util_memory))),
      held: meanOf(list.map((r) => num(r.held_memory))) / 1024,
    });
  }
  const panel = (field: string, title: string, format?: string) => ({
    width: WIDTH,
    height: 180,
    mark: "line",
    encoding: {
      x: { field: "time", type: "quantitative", title: "simulated time (s)" },
      y: { field, type: "quantitative", title, ...(format ? { axis: { format } } : {}) },
      color: strategyColor,
    },
  });
  return {
    file: "utilisation.svg",
    title: "Memory in use and memory hoarded over time",
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: `${scenario}: memory in use (running tasks) and hoarded (held idle), mean over runs`,
      data: { values },
      vconcat: [panel("utilisation", "memory utilisation", "%"), panel("held", "hoarded memory (GiB)")],
    } as TopLevelSpec,
  };
}

export function correctVsLoad(runs: readonly Row[], axis: Axis): Chart {
  return lineVs("correct_vs_load.svg", `Correct placement rate vs ${axis.title}`, meanBy(runs, axis, "correct_rate"), axis, "correct placement rate", "%");
}

export function conflictsVsDecision(runs: readonly Row[], axis: Axis): Chart {
  return lineVs("conflicts_vs_decision.svg", `Omega conflict fraction vs ${axis.title}`, meanBy(runs, axis, "conflict_fraction", ["omega"]), axis, "conflicts per successful transaction");
}

export function deadlocksVsLoad(runs: readonly Row[], axis: Axis): Chart {
  return lineVs("deadlocks_vs_load.svg", `Mesos deadlocks vs ${axis.title}`, meanBy(runs, axis, "deadlocks", ["mesos"]), axis, "deadlocks per run");
}

import type { TopLevelSpec } from "vega-lite";
import { spread } from "../metrics/stats.ts";
import type { Axis } from "./axes.ts";
import { groupBy, num, settingLabeler, type Row } from "./data.ts";

/** A chart: a file name, what it needs, and a Vega-Lite spec with its data inlined. */
export interface Chart {
  readonly file: string;
  readonly spec: TopLevelSpec;
}

/** A chart that cannot be drawn, and why. */
export interface Skipped {
  readonly file: string;
  readonly reason: string;
}

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
const WIDTH = 300;
const HEIGHT = 200;

/** Each strategy keeps its colour in every chart (Tableau 10, in registry order), whoever else is drawn. */
const PALETTE = ["#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b", "#b279a2", "#ff9da6", "#9d755d", "#bab0ac"];
const KNOWN = ["kube", "mesos", "omega", "naive", "kube-coscheduling", "kube-kueue"];

/** Colour by strategy; no legend when there is one strategy. */
function colour(values: readonly { strategy?: unknown }[]) {
  const present = [...new Set(values.map((v) => String(v.strategy)))];
  const order = [...KNOWN, ...present.filter((s) => !KNOWN.includes(s)).sort()];
  const domain = order.filter((s) => present.includes(s));
  const range = domain.map((s) => PALETTE[order.indexOf(s) % PALETTE.length]!);
  return { field: "strategy", type: "nominal", title: "strategy", scale: { domain, range }, ...(domain.length < 2 ? { legend: null } : {}) } as const;
}

/** One point per (panel, strategy, x): the mean over runs and its 95 % confidence interval across seeds. */
interface Point {
  panel: string;
  strategy: string;
  x: number | string;
  mean: number;
  lo: number;
  hi: number;
  runs: number;
}

/**
 * Means per (scenario and the settings other than the axis, strategy, axis
 * value) over seeds. Panels are scenarios with the other swept values, so
 * different scenarios (or settings) are never averaged together.
 */
function pointsBy(runs: readonly Row[], axis: Axis, metric: string, range: readonly [number, number] = [0, Infinity]): Point[] {
  const panelOf = settingLabeler(runs, axis.field);
  const settingOf = settingLabeler(runs);
  const points: Point[] = [];
  const onAxis = axis.field === "setting" ? runs : runs.filter((r) => (r[axis.field] ?? "") !== "");
  for (const [, list] of groupBy(onAxis, (r) => `${panelOf(r)}\u0000${r.strategy}\u0000${axis.field === "setting" ? "" : r[axis.field]}`)) {
    const first = list[0]!;
    const s = spread(list.map((r) => num(r[metric])));
    if (Number.isNaN(s.mean)) continue;
    const x = axis.field === "setting" ? settingOf(first) : first[axis.field]!;
    points.push({ panel: axis.field === "setting" ? "" : panelOf(first), strategy: first.strategy!, x: axis.quantitative ? Number(x) : x, mean: s.mean, lo: Math.max(range[0], s.lo), hi: Math.min(range[1], s.hi), runs: list.length });
  }
  return points.sort((a, b) => (a.panel < b.panel ? -1 : a.panel > b.panel ? 1 : 0) || (typeof a.x === "number" && typeof b.x === "number" ? a.x - b.x : 0));
}

/** Mean over seeds with its 95 % interval against the axis; one panel per scenario setting. */
function vsChart(file: string, title: string, points: Point[], axis: Axis, yTitle: string, percent: boolean, note = ""): Chart {
  const panels = new Set(points.map((p) => p.panel)).size;
  const x = axis.quantitative
    ? { field: "x", type: "quantitative", title: axis.title, scale: { zero: false } }
    : { field: "x", type: "nominal", title: axis.title, sort: null, axis: { labelAngle: -30, labelLimit: 220 } };
  const y = { type: "quantitative", title: yTitle, scale: { zero: false }, ...(percent ? { axis: { format: "%" } } : {}) };
  const layer = [
    { mark: { type: "rule" }, encoding: { x, y: { field: "lo", ...y }, y2: { field: "hi" }, color: colour(points) } },
    { mark: { type: axis.quantitative ? "line" : "point", point: axis.quantitative, ...(axis.quantitative ? {} : { filled: true, size: 60 }) }, encoding: { x, y: { field: "mean", ...y }, color: colour(points), ...(axis.quantitative ? {} : { xOffset: { field: "strategy" } }) } },
  ];
  const subtitle = ["mean over seeds; bars: 95 % confidence interval across seeds (clipped to the possible range)", ...(note ? [note] : [])];
  const spec =
    panels > 1
      ? { facet: { field: "panel", type: "nominal", title: null }, columns: 3, spec: { width: WIDTH, height: HEIGHT, layer }, resolve: { scale: { x: "independent", y: "independent" } } }
      : { width: 1.6 * WIDTH, height: 1.4 * HEIGHT, layer };
  return { file, spec: { $schema: SCHEMA, title: { text: title, subtitle }, data: { values: points }, ...spec } as unknown as TopLevelSpec };
}

/**
 * Correct placement rate against load. A strategy far below the others (all
 * its points under 50 % while others stay above) is left out of the drawing,
 * and named with its range in the subtitle, so the y axis shows the
 * differences among the rest (97-100 %, not 0-100 %).
 */
export function correctVsLoad(runs: readonly Row[], axis: Axis): Chart | Skipped {
  const points = pointsBy(runs, axis, "correct_rate", [0, 1]);
  if (points.length === 0) return { file: "correct_vs_load.svg", reason: "no run has a correct rate" };
  const low = [...groupBy(points, (p) => p.strategy)].filter(([, list]) => list.every((p) => p.mean < 0.5));
  const lowIds = new Set(low.map(([s]) => s));
  const drawn = low.length > 0 && lowIds.size < new Set(points.map((p) => p.strategy)).size ? points.filter((p) => !lowIds.has(p.strategy)) : points;
  const pc = (x: number) => `${(100 * x).toFixed(1)} %`;
  const note =
    drawn === points
      ? ""
      : `not drawn, far below the others (see the table): ${low.map(([s, list]) => `${s} ${pc(Math.min(...list.map((p) => p.mean)))}-${pc(Math.max(...list.map((p) => p.mean)))}`).join(", ")}`;
  return vsChart("correct_vs_load.svg", `Correct placement rate vs ${axis.title}`, drawn, axis, "groups placed correctly (share of the run's groups)", true, note);
}

export function conflictsVsDecision(runs: readonly Row[], axis: Axis): Chart | Skipped {
  const omega = runs.filter((r) => r.strategy === "omega");
  if (omega.length === 0) return { file: "conflicts_vs_decision.svg", reason: "no omega runs in this folder" };
  return vsChart("conflicts_vs_decision.svg", `Omega conflict fraction vs ${axis.title}`, pointsBy(omega, axis, "conflict_fraction"), axis, "conflicted per successful transaction", false);
}

/** Runs with gangs or jobs (older runs.csv files have no `gangs` column: none). */
const withGangs = (runs: readonly Row[]): Row[] => runs.filter((r) => num(r.gangs) > 0);

/** Share of groups whose quorum of Pods ran together, against load: gangs only. */
export function gangOkVsLoad(runs: readonly Row[], axis: Axis): Chart | Skipped {
  const gangs = withGangs(runs);
  if (gangs.length === 0) return { file: "gang_ok_vs_load.svg", reason: "no run has gangs or jobs" };
  return vsChart("gang_ok_vs_load.svg", `Gangs run whole vs ${axis.title}`, pointsBy(gangs, axis, "gang_ok_rate", [0, 1]), axis, "groups whose minMember Pods ran together (share of the run's groups)", true);
}

/** Capacity idled by Pods of incomplete gangs, against load. */
export function partialVsLoad(runs: readonly Row[], axis: Axis): Chart | Skipped {
  const gangs = withGangs(runs);
  if (gangs.length === 0) return { file: "partial_vs_load.svg", reason: "no run has gangs or jobs" };
  return vsChart("partial_vs_load.svg", `Idle waste of partial gangs vs ${axis.title}`, pointsBy(gangs, axis, "partial_cpu_share", [0, 1]), axis, "cpu held by Pods of gangs short of minMember (share of cpu-time)", true);
}

export function deadlocksVsLoad(runs: readonly Row[], axis: Axis): Chart | Skipped {
  const mesos = runs.filter((r) => r.strategy === "mesos");
  if (mesos.length === 0) return { file: "deadlocks_vs_load.svg", reason: "no mesos runs in this folder" };
  return vsChart("deadlocks_vs_load.svg", `Mesos deadlocks vs ${axis.title}`, pointsBy(mesos, axis, "deadlocks"), axis, "deadlocks detected per run", false);
}

/**
 * Latency CDF per strategy, one panel per scenario setting: the fraction of
 * the setting's groups (pooled over its seeds) that started within a latency.
 * Groups that never started keep the curve below 1.
 */
export function latencyCdf(groups: readonly Row[] | undefined): Chart | Skipped {
  const file = "latency_cdf.svg";
  if (groups === undefined) return { file, reason: "no groups.csv (or groups.csv.gz) in the folder" };
  const settingOf = settingLabeler(groups);
  const values: Record<string, unknown>[] = [];
  for (const [, list] of groupBy(groups, (r) => `${settingOf(r)}\u0000${r.strategy}`)) {
    const lat = list.map((r) => num(r.latency)).filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
    const steps = Math.min(200, lat.length);
    for (let i = 1; i <= steps; i++) {
      const k = Math.max(0, Math.ceil((i / steps) * lat.length) - 1);
      values.push({ panel: settingOf(list[0]!), strategy: list[0]!.strategy, latency: Math.max(lat[k]!, 1e-3), fraction: (k + 1) / list.length });
    }
  }
  if (values.length === 0) return { file, reason: "no group in groups.csv ever started" };
  const panels = new Set(values.map((v) => v.panel)).size;
  const layer = {
    mark: { type: "line", interpolate: "step-after" },
    encoding: {
      x: { field: "latency", type: "quantitative", scale: { type: "log" }, title: "latency, submit to all members running (s, log scale)" },
      y: { field: "fraction", type: "quantitative", title: "fraction of groups started", scale: { domain: [0, 1] }, axis: { format: "%" } },
      color: colour(values),
    },
  };
  const subtitle = "each panel pools the groups of one scenario setting over its seeds; groups that never started keep a curve below 100 %";
  const spec = panels > 1 ? { facet: { field: "panel", type: "nominal", title: null }, columns: 3, spec: { width: WIDTH, height: HEIGHT, ...layer } } : { width: 1.6 * WIDTH, height: 1.4 * HEIGHT, ...layer };
  return { file, spec: { $schema: SCHEMA, title: { text: "Latency CDF per strategy", subtitle }, data: { values }, ...spec } as unknown as TopLevelSpec };
}

/**
 * Memory in use and memory hoarded over time, per strategy, for the most
 * informative setting: where hoarding peaks (else where utilisation peaks).
 * Lines are means over seeds, bands the 95 % interval across seeds.
 */
export function utilisationOverTime(series: readonly Row[] | undefined): Chart | Skipped {
  const file = "utilisation.svg";
  if (series === undefined) return { file, reason: "no timeseries.csv (or timeseries.csv.gz) in the folder" };
  if (series.length === 0) return { file, reason: "timeseries.csv has no samples" };
  const bySetting = groupBy(series, settingLabeler(series));
  const peak = (rows: readonly Row[], column: string) => rows.reduce((m, r) => Math.max(m, num(r[column]) || 0), 0);
  const settings = [...bySetting.keys()];
  const hoarding = settings.some((s) => peak(bySetting.get(s)!, "held_memory") > 0);
  const metric = hoarding ? "held_memory" : "util_memory";
  const chosen = settings.reduce((best, s) => (peak(bySetting.get(s)!, metric) > peak(bySetting.get(best)!, metric) ? s : best), settings[0]!);
  const values: Record<string, unknown>[] = [];
  for (const [, list] of groupBy(bySetting.get(chosen)!, (r) => `${r.strategy}\u0000${r.time}`)) {
    const u = spread(list.map((r) => num(r.util_memory)));
    const h = spread(list.map((r) => num(r.held_memory) / 1024));
    const clip = (x: number, hi = Infinity) => Math.min(hi, Math.max(0, x));
    values.push({ strategy: list[0]!.strategy, time: num(list[0]!.time), util: u.mean, utilLo: clip(u.lo), utilHi: clip(u.hi, 1), held: h.mean, heldLo: clip(h.lo), heldHi: clip(h.hi) });
  }
  const panel = (field: string, title: string, percent: boolean) => ({
    width: 1.6 * WIDTH,
    height: 150,
    layer: [
      { mark: { type: "area", opacity: 0.2 }, encoding: { x: { field: "time", type: "quantitative", title: "simulated time (s)" }, y: { field: `${field}Lo`, type: "quantitative", title }, y2: { field: `${field}Hi` }, color: colour(values) } },
      { mark: "line", encoding: { x: { field: "time", type: "quantitative" }, y: { field, type: "quantitative", title, ...(percent ? { axis: { format: "%" } } : {}) }, color: colour(values) } },
    ],
  });
  const why = hoarding ? "the setting where hoarding peaks" : "the setting where memory use peaks";
  return {
    file,
    spec: {
      $schema: SCHEMA,
      title: { text: `${chosen}: memory in use and memory hoarded idle`, subtitle: `${why}; lines: mean over seeds, bands: 95 % confidence interval across seeds (clipped at 0)` },
      data: { values },
      vconcat: [panel("util", "memory in use (share of cluster)", true), panel("held", "memory hoarded idle (GiB)", false)],
    } as unknown as TopLevelSpec,
  };
}

import type { TopLevelSpec } from "vega-lite";
import { toSvg } from "../sim/report/report.ts";

/** Time per group against the number of groups, one line per strategy, one panel per cluster size. */
export async function scaleChart(rows: readonly { strategy: string; nodes: number; groups: number; us_per_group: number }[]): Promise<string> {
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: "Scale benchmark: wall time per group (µs) vs groups, per cluster size",
    data: { values: rows.map((r) => ({ strategy: r.strategy, nodes: `${r.nodes} nodes`, groups: r.groups, us: r.us_per_group })) },
    width: 220,
    height: 220,
    mark: { type: "line", point: true },
    encoding: {
      x: { field: "groups", type: "quantitative", scale: { type: "log" }, title: "groups (log)" },
      y: { field: "us", type: "quantitative", title: "µs per group" },
      color: { field: "strategy", type: "nominal" },
      column: { field: "nodes", type: "nominal", title: null, sort: ["1000 nodes", "10000 nodes", "50000 nodes"] },
    },
  } as TopLevelSpec;
  return toSvg({ file: "scale.svg", spec });
}

import type { Row } from "./data.ts";

/** Axis titles with units for the scenario paths researchers sweep; other paths show as they are. */
const TITLES: Record<string, string> = {
  "workload.rate": "arrival rate (groups/s)",
  "workload.arrival.rate": "arrival rate (groups/s)",
  "workload.groups": "groups in the workload",
  "decision.tJob": "decision time per job tJob (s)",
  "decision.tTask": "decision time per task tTask (s)",
  "cluster.count": "nodes",
  horizon: "horizon (s)",
  "strategies.omega.schedulers": "omega schedulers",
  "strategies.mesos.frameworks": "mesos frameworks",
};

export function axisTitle(path: string): string {
  return TITLES[path] ?? path;
}

/** The x axis of a "vs load" chart: a swept path (numeric when every value is), or the setting when nothing was swept. */
export interface Axis {
  /** The CSV column (param.<path>), or "setting". */
  readonly field: string;
  readonly path: string;
  readonly title: string;
  readonly quantitative: boolean;
}

/** The first of `preferred` that varies among the runs, else any swept path that varies, else the setting. */
export function chooseAxis(runs: readonly Row[], preferred: readonly string[]): Axis {
  const params = Object.keys(runs[0] ?? {}).filter((c) => c.startsWith("param."));
  const varies = (column: string) => new Set(runs.map((r) => r[column]).filter((v) => v !== "")).size > 1;
  const hit = preferred.map((p) => `param.${p}`).find((c) => params.includes(c) && varies(c)) ?? params.find(varies);
  if (hit === undefined) return { field: "setting", path: "setting", title: "scenario setting", quantitative: false };
  const path = hit.slice("param.".length);
  return { field: hit, path, title: axisTitle(path), quantitative: runs.every((r) => r[hit] === "" || Number.isFinite(Number(r[hit]))) };
}

import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Resvg } from "@resvg/resvg-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { report } from "../sim/report/report.ts";
import { runSweep } from "../sim/sweep/run-sweep.ts";
import { loadSweep } from "../sim/sweep/spec.ts";

const work = mkdtempSync(join(tmpdir(), "cosched-report-"));
const out = join(work, "ci");
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeAll(async () => {
  await runSweep(loadSweep("ci"), { out, workers: 2, quiet: true });
});

const CHARTS = ["latency_cdf.svg", "utilisation.svg", "correct_vs_load.svg", "conflicts_vs_decision.svg", "deadlocks_vs_load.svg"];

describe("cosched report", () => {
  it("prints a comparison per strategy and writes every chart for a sweep with all strategies", async () => {
    const { table, charts, skipped } = await report(out);
    expect(skipped).toEqual([]);
    const lines = table.split("\n");
    expect(table.slice(0, table.indexOf("\n\n")).replace(/\s+/g, " ")).toMatch(/the mean over runs \(seeds\) of that run.s value/);
    const head = lines.findIndex((l) => /^setting\s+strategy/.test(l));
    // One row per setting and strategy: two swept rates of contention-1k and the staggered example.
    const rows = lines.slice(head + 2, lines.indexOf("", head)).map((l) => l.split(/\s{2,}/));
    expect(rows.map((r) => `${r[0]} ${r[1]}`)).toEqual(
      ["contention-1k · workload.rate=10", "contention-1k · workload.rate=25", "seed-two-nodes-staggered"].flatMap((s) => ["kube", "mesos", "omega", "naive"].map((k) => `${s} ${k}`)),
    );
    // Swept values that do not vary are said once, not hidden.
    expect(table.replace(/\s+/g, " ")).toMatch(/the same in every run of a scenario: contention-1k: cluster\.count=100, workload\.groups=300, horizon=600\./);
    expect(charts.map((c) => c.split("/").pop())).toEqual(CHARTS);
    const legend: Record<string, RegExp> = { "conflicts_vs_decision.svg": /omega/, "deadlocks_vs_load.svg": /mesos/ };
    for (const chart of CHARTS) {
      const svg = readFileSync(join(out, chart), "utf8");
      expect(svg.startsWith("<svg")).toBe(true);
      expect(svg).toMatch(legend[chart] ?? /kube/);
    }
    // The load axis is the swept rate.
    expect(readFileSync(join(out, "correct_vs_load.svg"), "utf8")).toMatch(/arrival rate \(groups\/s\)/);
  });

  it("renders a chart to a PNG that is not blank", async () => {
    await report(out);
    expect(existsSync(join(out, "correct_vs_load.svg"))).toBe(true);
    const png = new Resvg(readFileSync(join(out, "latency_cdf.svg"), "utf8"), { background: "white" }).render();
    const pixels = png.pixels;
    expect(png.width).toBeGreaterThan(300);
    let dark = 0;
    const colours = new Set<number>();
    for (let i = 0; i < pixels.length; i += 4) {
      const [r, g, b] = [pixels[i]!, pixels[i + 1]!, pixels[i + 2]!];
      if (r + g + b < 600) dark++;
      colours.add((r << 16) | (g << 8) | b);
    }
    expect(dark / (pixels.length / 4)).toBeGreaterThan(0.01);
    expect(colours.size).toBeGreaterThan(10);
  });
});

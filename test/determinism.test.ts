import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { executeRuns } from "../sim/cli/run.ts";
import { shipped, run } from "./support/fixtures.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function runTo(strategies: string[], seeds: number[], scenario = "contention-1k"): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "cosched-det-"));
  dirs.push(dir);
  const out = join(dir, "out");
  await executeRuns({ scenarios: [shipped(scenario)], strategies, seeds, out, check: false, log: () => {} });
  return out;
}

const read = (dir: string, file: string): string => readFileSync(join(dir, file), "utf8");

describe("determinism", () => {
  it("gives byte-identical CSV for the same scenario, strategies and seed", async () => {
    const all = ["kube", "mesos", "omega", "naive"];
    const a = await runTo(all, [1]);
    const b = await runTo(all, [1]);
    for (const file of ["groups.csv", "runs.csv", "timeseries.csv", "deadlocks.csv", "schedulers.csv"]) expect(read(a, file)).toBe(read(b, file));
  });

  it("gives different rows for a different seed on a generated scenario", async () => {
    const a = await runTo(["kube"], [1]);
    const b = await runTo(["kube"], [2]);
    const body = (dir: string) => read(dir, "groups.csv").split("\n").slice(1).map((l) => l.split(",").slice(4).join(","));
    expect(body(a)).not.toEqual(body(b));
  });

  it("gives every strategy the same workload under one seed", () => {
    const scenario = shipped("contention-1k");
    const shape = (strategy: string) => run(scenario, strategy, 3).tables.groups.map((r) => [r.group_id, r.submit, r.members, r.cpu, r.memory]);
    const kube = shape("kube");
    for (const other of ["mesos", "omega", "naive"]) expect(shape(other)).toEqual(kube);
  });
});

describe("validating observer", () => {
  it.each(["kube", "mesos", "omega", "naive"])("never sees a node over capacity on contention-1k under %s", (strategy) => {
    const ran = run(shipped("contention-1k"), strategy, 1, { check: true });
    expect(ran.tables.run.groups).toBe(5000);
    expect(ran.tables.run.events).toBeGreaterThan(10000);
  });

  const corruptOnce = (node: number) => {
    let done = false;
    return (_now: number, internals: { cluster: { freeMemory: Float64Array } }) => {
      if (done) return;
      done = true;
      internals.cluster.freeMemory[node]! += 5; // phantom free memory
    };
  };

  it("catches phantom free memory at the next event that touches it", () => {
    expect(() => run(shipped("seed-two-nodes"), "kube", 1, { check: true, observers: [corruptOnce(1)] })).toThrow(
      /invariant violated at t=0.15\d* on node-b \(memory\)/,
    );
  });

  it("catches phantom free memory that no later event touches, by the final full check", () => {
    expect(() => run(shipped("seed-two-nodes"), "kube", 1, { check: true, observers: [corruptOnce(0)] })).toThrow(
      /invariant violated at t=60 on node-a \(memory\)/,
    );
  });
});

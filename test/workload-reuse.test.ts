import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RngStreams } from "../sim/engine/index.ts";
import { executeRunJob } from "../sim/execute/job.ts";
import { runOnce } from "../sim/runner.ts";
import { strategyIds } from "../sim/strategies/registry.ts";
import { WorkloadReuse } from "../sim/workload/reuse.ts";
import { loadScenario, type Scenario } from "../sim/workload/scenario.ts";
import { shipped } from "./support/fixtures.ts";

const work = mkdtempSync(join(tmpdir(), "cosched-reuse-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The OpenB fixture, each Pod split into 1-4 containers with random sidecar shares and delays (the split's own stream). */
function splitOpenb(): Scenario {
  const fixture = resolve(import.meta.dirname, "fixtures/openb");
  const file = join(work, "openb-split.json");
  writeFileSync(
    file,
    JSON.stringify({
      name: "openb-split",
      seed: 5,
      horizon: 5000,
      cluster: { type: "openb", nodes: join(fixture, "nodes.csv") },
      workload: { type: "openb", pods: join(fixture, "pods.csv"), split: { containers: [1, 4], sidecarShare: [0.05, 0.3], delay: { dist: "uniform", min: 0, max: 2 } } },
    }),
  );
  return loadScenario(file);
}

/** Every table a job writes, by file name. */
function tablesOf(dir: string): Record<string, string> {
  return Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), "utf8")]));
}

let dirs = 0;
function job(scenario: Scenario, strategy: string, seed: number, reuse?: WorkloadReuse): Record<string, string> {
  const dir = join(work, `job-${dirs++}`);
  mkdirSync(dir);
  executeRunJob({ scenario, strategy, seed, check: false, dir, compress: false }, reuse ? { reuse } : {});
  return tablesOf(dir);
}

describe("a thread's kept workload", () => {
  it.each([
    ["a generated workload", () => shipped("contention-1k")],
    ["an OpenB trace split into containers", splitOpenb],
  ])("is taken by every strategy's run of the same scenario and seed in turn, whose tables are the bytes of runs that built their own (%s)", (_, scenario) => {
    const s = scenario();
    const reuse = new WorkloadReuse();
    for (const strategy of strategyIds()) expect(job(s, strategy, 2, reuse), strategy).toEqual(job(s, strategy, 2));
  });

  it("is taken only by the same scenario and seed, with its input files unchanged", () => {
    // (Identity compared as booleans: toBe on two distinct workloads would compare them deeply for its message.)
    const reuse = new WorkloadReuse();
    const s = shipped("contention-1k");
    const first = runOnce(s, "kube", 1, { reuse }).workload;
    expect(runOnce(s, "mesos", 1, { reuse }).workload === first).toBe(true);
    const otherSeed = runOnce(s, "mesos", 2, { reuse }).workload;
    expect(otherSeed === first).toBe(false);
    expect(runOnce(shipped("contention-1k", ["workload.groups=300"]), "mesos", 2, { reuse }).workload === otherSeed).toBe(false);
    // A trace edited between two runs is read again.
    const copy = join(work, "openb-copy");
    mkdirSync(copy);
    for (const f of ["nodes.csv", "pods.csv"]) copyFileSync(join(resolve(import.meta.dirname, "fixtures/openb"), f), join(copy, f));
    const file = join(work, "openb-copy.json");
    writeFileSync(file, JSON.stringify({ name: "openb-copy", seed: 1, horizon: 5000, cluster: { type: "openb", nodes: join(copy, "nodes.csv") }, workload: { type: "openb", pods: join(copy, "pods.csv") } }));
    const before = runOnce(loadScenario(file), "kube", 1, { reuse }).workload;
    const pods = join(copy, "pods.csv");
    writeFileSync(pods, readFileSync(pods, "utf8").replace("pod-c,", "pod-z,"));
    const after = runOnce(loadScenario(file), "mesos", 1, { reuse }).workload;
    expect(after === before).toBe(false);
    expect(after.groups.map((g) => g.id)).toContain("pod-z");
    // Without a reuse, every run builds its own.
    expect(runOnce(s, "kube", 1).workload === runOnce(s, "kube", 1).workload).toBe(false);
  });

  it("keeps its groups' members again once built, in a run after one that let them go", () => {
    const reuse = new WorkloadReuse();
    const s = shipped("contention-1k");
    const { workload } = runOnce(s, "kube", 1, { reuse });
    // The run let the members of the groups that ran go: each ask builds them afresh.
    const ran = workload.groups.find((g) => g.members !== g.members);
    expect(ran === undefined).toBe(false);
    runOnce(s, "omega", 1, { reuse, onStart: () => expect(ran!.members === ran!.members).toBe(true) });
  });

  it("gives a run its random streams as the build left them", () => {
    const built = new RngStreams(7);
    built.stream("workload").next();
    built.stream("workload/split").skip(3);
    const snapshot = built.snapshot();
    const after = [built.stream("workload").next(), built.stream("workload/split").next()];
    for (let i = 0; i < 2; i++) {
      const restored = new RngStreams(7);
      restored.restore(snapshot);
      expect([restored.stream("workload").next(), restored.stream("workload/split").next()]).toEqual(after);
      // A stream the build did not make starts where a fresh one does.
      expect(restored.stream("faults").next()).toBe(new RngStreams(7).stream("faults").next());
    }
  });
});

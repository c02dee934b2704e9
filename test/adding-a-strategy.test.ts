import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError, registerStrategy, runScenario, strategyIds } from "../sim/index.ts";
import { firstFit } from "./fixtures/strategies/first-fit.ts";

registerStrategy(firstFit);

describe("the README's example strategy, first-fit", () => {
  it("places the seeds' example whole on the first node that fits, after one decision of tJob + 2 tTask", () => {
    // Node A (1.25 GiB free) cannot hold A + B (1.5 GiB); node B can. The decision takes 0.1 + 2 x 0.05 s.
    const run = runScenario("seed-two-nodes", { strategy: "first-fit", check: true });
    expect(run.groups).toHaveLength(1);
    expect(run.groups[0]).toMatchObject({ nodes: "node-b", started: 0.2, latency: 0.2, outcome: "completed", correct: true, attempts: 1 });
    expect(run.run.busyness).toBeGreaterThan(0);
  });

  it("keeps whole groups and never overbooks a node on a busy cluster (validating observer on)", () => {
    const run = runScenario("contention-1k", { strategy: "first-fit", check: true, set: ["cluster.count=50", "workload.groups=400", "horizon=900"] });
    expect(run.run.groups).toBe(400);
    expect(run.run.correct_rate).toBeGreaterThan(0.9);
  });

  it("is configured like any strategy, and its parameters are validated", () => {
    const waiting = runScenario("contention-1k", { strategy: "first-fit", set: ["cluster.count=5", "workload.groups=100", "horizon=300", 'strategies.first-fit={"retryOnFree":false}'] });
    expect(waiting.run.pending).toBeGreaterThan(0);
    expect(() => runScenario("seed-two-nodes", { strategy: "first-fit", set: ["strategies.first-fit.retryOnFre=true"] })).toThrow(InputError);
    expect(() => runScenario("seed-two-nodes", { strategy: "first-fit", set: ["strategies.first-fit.retryOnFre=true"] })).toThrow(/retryOnFre: unknown field \(did you mean "retryOnFree"\?\)/);
    expect(strategyIds()).toContain("first-fit");
    expect(() => registerStrategy(firstFit)).toThrow(/already registered/);
  });
});

describe("the programmatic API", () => {
  it("runs an inline scenario object and returns the tables cosched writes", () => {
    const scenario = {
      name: "inline",
      horizon: 10,
      cluster: { type: "inline", nodes: [{ name: "n1", capacity: { cpu: 4000, memory: 4096 } }] },
      workload: { type: "inline", groups: [{ id: "g", submit: 0, kind: "colocate", duration: 5, members: [{ request: { cpu: 1000, memory: 1024 } }] }] },
    };
    const run = runScenario(scenario, { strategy: "kube" });
    expect(run.groups[0]).toMatchObject({ group_id: "g", outcome: "completed", nodes: "n1" });
    expect(run.runId).toMatch(/^[0-9a-f]{12}$/);
    expect(() => runScenario({ ...scenario, horizon: -1 })).toThrow(/<inline>: \$\.horizon: Too small/);
  });

  it('is what `import { runScenario } from "cosched"` gives a project using the built package', () => {
    const code = `import { runScenario } from "cosched"; const r = runScenario("seed-two-nodes", { strategy: "naive" }); console.log(r.groups[0].outcome);`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd: resolve(import.meta.dirname, ".."), encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe("split");
  });
});

import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { executeRuns } from "../sim/cli/run.ts";
import { RngStreams } from "../sim/engine/index.ts";
import { buildGroups } from "../sim/workload/build.ts";
import { validateScenario } from "../sim/workload/scenario.ts";
import { shipped, run } from "./support/fixtures.ts";
import { numRuns, propertySeed, rawScenarioArb, SMALL, timeoutFor } from "./support/random-scenario.ts";

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
    for (const file of ["groups.csv", "runs.csv", "timeseries.csv", "deadlocks.csv", "schedulers.csv", "classes.csv"]) expect(read(a, file)).toBe(read(b, file));
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

const TABLES = ["groups.csv", "runs.csv", "timeseries.csv", "deadlocks.csv", "schedulers.csv", "classes.csv"];
const BIN = resolve(import.meta.dirname, "../bin/cosched.js");

/** Writes a random scenario to a file of its own. */
function scenarioFile(raw: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), "cosched-random-"));
  dirs.push(dir);
  const file = join(dir, "random.json");
  writeFileSync(file, JSON.stringify(raw));
  return file;
}

function cliRun(file: string, out: string, seed: number): Promise<void> {
  return new Promise((done, failed) =>
    execFile(process.execPath, [BIN, "run", file, "--strategy", "all", "--seed", String(seed), "--out", out, "--quiet"], (err) => (err ? failed(err) : done())),
  );
}

describe("determinism on random scenarios", () => {
  it("gives identical CSV bytes when a random scenario runs twice in one process, for every strategy", async () => {
    await fc.assert(
      fc.asyncProperty(rawScenarioArb(SMALL), fc.integer({ min: 0, max: 1000 }), async (raw, seed) => {
        const scenario = validateScenario(scenarioFile(raw), raw);
        const runs = [0, 1].map(async () => {
          const dir = mkdtempSync(join(tmpdir(), "cosched-det-"));
          dirs.push(dir);
          await executeRuns({ scenarios: [scenario], strategies: ["kube", "mesos", "omega", "naive"], seeds: [seed], out: join(dir, "out"), check: false, log: () => {} });
          return join(dir, "out");
        });
        const [a, b] = await Promise.all(runs);
        for (const table of TABLES) expect(read(b!, table)).toBe(read(a!, table));
      }),
      { numRuns: numRuns(15), seed: propertySeed(11) },
    );
  }, timeoutFor(60_000));

  it("gives identical CSV bytes when a random scenario runs in two processes", async () => {
    const cases = fc.sample(fc.record({ raw: rawScenarioArb(SMALL), seed: fc.integer({ min: 0, max: 1000 }) }), { numRuns: numRuns(3), seed: propertySeed(12) ?? 12 });
    for (const c of cases) {
      const file = scenarioFile(c.raw);
      const outs = [join(file, "..", "a"), join(file, "..", "b")];
      await Promise.all(outs.map((out) => cliRun(file, out, c.seed)));
      for (const table of TABLES) expect(read(outs[1]!, table)).toBe(read(outs[0]!, table));
    }
  }, timeoutFor(60_000));

  it("gives a different workload for a different seed on a random generated scenario", () => {
    const generated = rawScenarioArb(SMALL).filter((raw) => raw.workload.type === "generate" && (raw.workload as { groups: number }).groups >= 2);
    fc.assert(
      fc.property(generated, fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 1000 }), (raw, seed, delta) => {
        const spec = validateScenario("<random>", raw).spec;
        const groups = (s: number) => buildGroups(spec.workload, new RngStreams(s)).map((g) => [g.submit, g.duration, g.members.map((m) => m.request)]);
        expect(groups(seed + delta)).not.toEqual(groups(seed));
      }),
      { numRuns: numRuns(50), seed: propertySeed(13) },
    );
  }, timeoutFor(60_000));
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

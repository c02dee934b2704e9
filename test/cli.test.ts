import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { executeRuns } from "../sim/cli/run.ts";
import { loadScenario } from "../sim/workload/scenario.ts";

const BIN = resolve(import.meta.dirname, "../bin/cosched.js");
const SEED = resolve(import.meta.dirname, "../scenarios/seed-two-nodes.json");
const work = mkdtempSync(join(tmpdir(), "cosched-cli-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function cosched(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", cwd: work });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Writes a scenario derived from seed-two-nodes, changed by `edit`, and returns its path. */
function scenarioFile(name: string, edit: (s: any) => void): string {
  const s = JSON.parse(readFileSync(SEED, "utf8"));
  edit(s);
  const file = join(work, `${name}.json`);
  writeFileSync(file, JSON.stringify(s, null, 2));
  return file;
}

describe("cosched run", () => {
  it("runs a shipped scenario by name, prints the summary table and writes every output", () => {
    const out = join(work, "ok");
    const r = cosched("run", "seed-two-nodes", "--strategy", "kube,naive", "--out", out, "--quiet");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/seed-two-nodes\s+kube\s+1\s+1\s+1/);
    // completed, running, pending, split
    expect(r.stdout).toMatch(/seed-two-nodes\s+naive\s+1\s+1\s+0\s+0\s+0\s+1/);
    expect(readdirSync(out).sort()).toEqual(["classes.csv", "deadlocks.csv", "groups.csv", "manifest.json", "runs.csv", "schedulers.csv", "timeseries.csv"]);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    expect(manifest.strategies).toEqual(["kube", "naive"]);
    expect(manifest.runs).toHaveLength(2);
  });

  it("runs several seeds and applies --set overrides", () => {
    const out = join(work, "seeds");
    const r = cosched("run", "contention-1k", "--strategy", "kube", "--seeds", "1..2", "--set", "workload.groups=50", "--set", "horizon=900", "--out", out, "--quiet");
    expect(r.code).toBe(0);
    const runs = readFileSync(join(out, "runs.csv"), "utf8").trim().split("\n");
    expect(runs).toHaveLength(3);
    expect(runs.slice(1).map((l) => l.split(",")[4])).toEqual(["50", "50"]);
  });

  it("finishes with exit code 0 when a member is larger than every node (the group is unschedulable)", () => {
    const file = scenarioFile("huge-member", (s) => (s.workload.groups[0].members[0].request.memory = 999999));
    const out = join(work, "huge");
    const r = cosched("run", file, "--strategy", "all", "--out", out, "--quiet");
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, "groups.csv"), "utf8")).toMatch(/,unschedulable,false,/);
  });
});

describe("bad input: one clear line, exit code 2, no output folder", () => {
  const cases: [string, () => string[], RegExp][] = [
    [
      "a missing field",
      () => [scenarioFile("missing", (s) => delete s.horizon)],
      /missing\.json: \$\.horizon: missing required field \(expected number\)$/,
    ],
    [
      "a negative request",
      () => [scenarioFile("negative", (s) => (s.workload.groups[0].members[1].request.memory = -512))],
      /negative\.json: \$\.workload\.groups\[0\]\.members\[1\]\.request\.memory: Too small: expected number to be >=0$/,
    ],
    [
      "a wrongly typed field",
      () => [scenarioFile("typed", (s) => (s.cluster.nodes[1].capacity.cpu = "lots"))],
      /typed\.json: \$\.cluster\.nodes\[1\]\.capacity\.cpu: expected number, received string$/,
    ],
    [
      "an unknown field",
      () => [scenarioFile("unknown-field", (s) => (s.workload.groups[0].colour = "red"))],
      /unknown-field\.json: \$\.workload\.groups\[0\]\.colour: unknown field \(expected one of id, submit, kind, duration, priority, members, pods, minMember, framework, scheduler, restart\)$/,
    ],
    [
      "a misspelt field, with a hint",
      () => [scenarioFile("misspelt", (s) => (s.workload.groups[0].duratoin = 5))],
      /misspelt\.json: \$\.workload\.groups\[0\]\.duratoin: unknown field \(did you mean "duration"\?\)$/,
    ],
    [
      "a misspelt strategy parameter, with a hint",
      () => [scenarioFile("misspelt-param", (s) => (s.strategies = { mesos: { onDeadLock: "report" } }))],
      /misspelt-param\.json: \$\.strategies\.mesos\.onDeadLock: unknown field \(did you mean "onDeadlock"\?\)$/,
    ],
    [
      "a duplicate node name",
      () => [scenarioFile("duplicate-node", (s) => (s.cluster.nodes[1].name = "node-a"))],
      /duplicate-node\.json: \$\.cluster\.nodes\[1\]\.name: duplicate node name "node-a"$/,
    ],
    [
      "an unknown strategy id on the command line",
      () => ["seed-two-nodes", "--strategy", "kube,borg"],
      /--strategy: unknown strategy "borg" \(expected one of kube, mesos, omega, naive, kube-coscheduling, kube-kueue, or all\)$/,
    ],
    [
      "an unknown strategy in the scenario",
      () => [scenarioFile("unknown-strategy", (s) => (s.strategies = { borg: {} }))],
      /unknown-strategy\.json: \$\.strategies\.borg: unknown strategy "borg"/,
    ],
    [
      "a bad strategy parameter",
      () => [scenarioFile("bad-param", (s) => (s.strategies = { kube: { scoring: "Random" } }))],
      /bad-param\.json: \$\.strategies\.kube\.scoring: Invalid option: expected one of "LeastAllocated"\|"MostAllocated"\|"BalancedAllocation"$/,
    ],
    [
      "malformed JSON",
      () => {
        const file = join(work, "malformed.json");
        writeFileSync(file, '{\n  "name": "x",\n  "horizon": 10,,\n}\n');
        return [file];
      },
      /malformed\.json:3:17: malformed JSON: Expected double-quoted property name$/,
    ],
    ["a scenario that does not exist", () => ["no-such-scenario"], /no-such-scenario: no such scenario file/],
    ["a bad seed range", () => ["seed-two-nodes", "--seeds", "5..1"], /--seeds 5\.\.1: expected lo\.\.hi with lo <= hi$/],
    ["a bad --set", () => ["seed-two-nodes", "--set", "horizon"], /--set horizon: expected path=value/],
    ["a --set that breaks validation, blamed on the flag", () => ["seed-two-nodes", "--set", "horizon=-1"], /--set horizon=-1: \$\.horizon: Too small: expected number to be >0 \(scenario \S+seed-two-nodes\.json\)$/],
    ["an unknown flag", () => ["seed-two-nodes", "--colour", "red"], /Unknown argument: colour/],
    [
      "a broken trace row",
      () => {
        const trace = join(work, "broken_batch_task.csv");
        writeFileSync(trace, "M1,4,j_1,1,Terminated,100,160,50,0.5\nM2,2,j_1,1,Terminated,170,oops,100,1.0\n");
        const file = join(work, "broken-trace.json");
        writeFileSync(
          file,
          JSON.stringify({
            name: "broken-trace",
            horizon: 100,
            cluster: { type: "generate", count: 2, capacity: { cpu: 96000, memory: 98304 } },
            workload: { type: "alibaba2018", tasks: "broken_batch_task.csv", machine: { cpu: 96000, memory: 98304 } },
          }),
        );
        return [file];
      },
      /broken_batch_task\.csv:2: column 7 \(end_time\): expected a non-negative number, got "oops"$/,
    ],
    [
      "a missing trace file",
      () => [scenarioFile("missing-trace", (s) => (s.workload = { type: "openb", pods: "nowhere.csv" }))],
      /missing-trace\.json: \$\.workload\.pods: no such trace file .*nowhere\.csv/,
    ],
  ];

  it.each(cases)("%s", (_, args, message) => {
    const out = join(work, `never-${Math.abs(hash(_))}`);
    const r = cosched("run", ...args(), "--out", out);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^cosched: /);
    expect(lines[0]).toMatch(message);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(work).filter((f) => f.includes("tmp-"))).toEqual([]);
  });

  it("validate reports the same error for a bad file", () => {
    const r = cosched("validate", scenarioFile("validate-bad", (s) => (s.workload.groups[0].submit = -1)));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/validate-bad\.json: \$\.workload\.groups\[0\]\.submit: Too small/);
  });
});

describe("interrupted runs", () => {
  /** Starts a long run, waits until its temporary output folder exists, sends `signal`, and reports how it ended. */
  async function interrupt(signal: NodeJS.Signals, previous: boolean) {
    const dir = mkdtempSync(join(work, "signal-"));
    const out = join(dir, "out");
    if (previous) cosched("run", "seed-two-nodes", "--strategy", "kube", "--out", out, "--quiet");
    const before = previous ? readFileSync(join(out, "groups.csv"), "utf8") : undefined;
    const child = spawn(process.execPath, [BIN, "run", "contention-1k", "--strategy", "all", "--set", "workload.groups=200000", "--set", "workload.rate=200", "--out", out, "--quiet"], { cwd: work });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    const temp = () => (existsSync(out) ? readdirSync(out).filter((f) => f.startsWith(".cosched-tmp-")) : []);
    for (let waited = 0; temp().length === 0; waited += 20) {
      if (waited > 30_000) throw new Error("the run never created its temporary folder");
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 300)); // well into the run
    child.kill(signal);
    const code = await exited;
    return { code, stderr, left: readdirSync(dir), before, after: previous ? readFileSync(join(out, "groups.csv"), "utf8") : undefined };
  }

  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)("on %s leaves no partial output and exits %i", async (signal, code) => {
    const r = await interrupt(signal, false);
    expect(r.code).toBe(code);
    expect(r.left).toEqual([]);
    expect(r.stderr).toMatch(new RegExp(`cosched: interrupted by ${signal}; partial output removed`));
  });

  it("listens for signals only while a run is in progress", async () => {
    const before = [process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")];
    let during: number[] = [];
    await executeRuns({
      scenarios: [loadScenario("seed-two-nodes")],
      strategies: ["kube"],
      seeds: undefined,
      out: join(work, "listeners"),
      check: false,
      log: () => (during = [process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")]),
    });
    expect(during).toEqual(before.map((n) => n + 1));
    expect([process.listenerCount("SIGINT"), process.listenerCount("SIGTERM")]).toEqual(before);
  });

  it("keeps the previous output folder intact when interrupted", async () => {
    const r = await interrupt("SIGINT", true);
    expect(r.code).toBe(130);
    expect(r.left).toEqual(["out"]);
    expect(r.after).toBe(r.before);
  });
});

describe("--check-invariants", () => {
  it("runs the validating observer for a user run and writes the same CSV as without it", () => {
    const plain = join(work, "plain-check");
    const checked = join(work, "checked");
    const a = cosched("run", "deadlock-two-frameworks", "--strategy", "all", "--out", plain, "--quiet");
    const b = cosched("run", "deadlock-two-frameworks", "--strategy", "all", "--out", checked, "--quiet", "--check-invariants");
    expect([a.code, b.code]).toEqual([0, 0]);
    for (const table of ["groups.csv", "runs.csv", "deadlocks.csv"]) expect(readFileSync(join(checked, table), "utf8")).toBe(readFileSync(join(plain, table), "utf8"));
  });
});

describe("cosched validate and list", () => {
  it("validates every shipped scenario", () => {
    const files = readdirSync(resolve(import.meta.dirname, "../scenarios"))
      .filter((f) => f.endsWith(".json"))
      .map((f) => resolve(import.meta.dirname, "../scenarios", f));
    const r = cosched("validate", ...files);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(files.length);
  });

  it("lists shipped scenarios with descriptions and the registered strategies", () => {
    const r = cosched("list");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/seed-two-nodes\s+The seeds' example/);
    expect(r.stdout).toMatch(/contention-1k\s+1,000 heterogeneous nodes/);
    expect(r.stdout).toMatch(/kube\s+Kubernetes/);
    expect(r.stdout).toMatch(/naive\s+Baseline/);
    expect(r.stdout).toMatch(/mesos\s+Mesos two-level offers/);
  });
});

function hash(s: string): number {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) | 0;
  return h;
}

import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readTable } from "../sim/report/data.ts";
import { mergeShards, runSweep } from "../sim/sweep/run-sweep.ts";
import { loadSweep, shardFromEnv } from "../sim/sweep/spec.ts";
import { applyOverride } from "../sim/workload/scenario.ts";

/**
 * Misuse found by an adversarial pass over the CLI (issue 17): each case gets
 * one clear line, exit code 2, nothing written, and never a hang, a crash or
 * a silent wrong answer.
 */
const BIN = resolve(import.meta.dirname, "../bin/cosched.js");
const SEED = JSON.parse(readFileSync(resolve(import.meta.dirname, "../scenarios/seed-two-nodes.json"), "utf8"));
const OPENB = resolve(import.meta.dirname, "fixtures/openb");
const work = mkdtempSync(join(tmpdir(), "cosched-misuse-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function cosched(args: string[], env: NodeJS.ProcessEnv = {}, timeout = 30_000): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const t0 = performance.now();
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd: work, encoding: "utf8", timeout, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      done({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

function scenario(name: string, text: string | ((s: any) => void)): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.json`);
  if (typeof text === "string") writeFileSync(path, text);
  else {
    const s = structuredClone(SEED);
    text(s);
    writeFileSync(path, JSON.stringify(s, null, 2));
  }
  return path;
}

function sweepFile(name: string, body: Record<string, unknown>): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "sweep.json");
  writeFileSync(path, JSON.stringify({ name, strategies: ["kube"], seeds: [1], ...body }));
  return path;
}

const cases: [string, () => string[], RegExp, NodeJS.ProcessEnv?][] = [
  ["--set __proto__.x", () => ["run", "seed-two-nodes", "--set", "__proto__.x=1"], /^cosched: --set __proto__\.x=1: "__proto__" may not be a path segment$/],
  ["--set workload.__proto__.x", () => ["run", "seed-two-nodes", "--set", "workload.__proto__.x=1"], /"__proto__" may not be a path segment$/],
  ["--set with a constructor segment", () => ["run", "seed-two-nodes", "--set", "workload.constructor.prototype.x=1"], /"constructor" may not be a path segment$/],
  ["a __proto__ key in a --set value", () => ["run", "seed-two-nodes", "--set", 'strategies={"__proto__":{"x":1}}'], /--set strategies=\{"__proto__":\{"x":1\}\}: \$: the key "__proto__" is not allowed$/],
  ["a __proto__ key in a scenario", () => [
    "run",
    scenario("proto-key", JSON.stringify({ ...SEED, strategies: {} }).replace('"strategies":{}', '"strategies":{"__proto__":{"x":1}}')),
  ], /proto-key\.json:1:\d+: the key "__proto__" is not allowed$/],
  ["a duplicate key in a scenario", () => ["run", scenario("dup-key", '{\n  "name": "a",\n  "horizon": 10,\n  "horizon": 20\n}\n')], /dup-key\.json:4:3: duplicate key "horizon" in one object \(JSON would silently keep the last\)$/],
  ["a __proto__ grid key in a sweep", () => ["sweep", sweepFile("proto-grid", { scenario: "seed-two-nodes", grid: { "__proto__.polluted": [1] } }), "--out", join(work, "never-proto-grid")], /proto-grid\/sweep\.json: grid point __proto__\.polluted=1: "__proto__" may not be a path segment$/],
  ["horizon and sampleEvery of 1e308", () => ["run", "contention-1k", "--set", "horizon=1e308", "--set", "sampleEvery=1e308"], /--set horizon=1e308: \$\.horizon: Too big: expected number to be <=1000000000000/],
  ["submit and delay of 1.7e308", () => ["run", "seed-two-nodes", "--set", "workload.groups.0.submit=1.7e308", "--set", "workload.groups.0.members.1.delay=1.7e308"], /\$\.workload\.groups\[0\]\.submit: Too big/],
  ["a rate of 5e-324", () => ["run", "contention-1k", "--set", "workload.rate=5e-324"], /--set workload\.rate=5e-324: \$\.workload\.rate: Too small: expected number to be >=1e-9/],
  ["a lognormal sigma of 1000", () => ["run", "contention-1k", "--set", "workload.duration.sigma=1000"], /\$\.workload\.duration\.sigma: Too big: expected number to be <=20/],
  ["a retry delay of 5e-324", () => ["run", "contention-1k", "--set", "strategies.omega.retryDelay=5e-324"], /\$\.strategies\.omega\.retryDelay: Too small: expected number to be >=0\.000001/],
  ["an overflowing grid point, named", () => ["sweep", sweepFile("overflow-grid", { scenario: "contention-1k", grid: { "workload.rate": [10, 5e-324] } }), "--out", join(work, "never-overflow")], /overflow-grid\/sweep\.json: grid point workload\.rate=5e-324: \$\.workload\.rate: Too small/],
  ["a --set index far past the end", () => ["run", "seed-two-nodes", "--set", "cluster.nodes.1000000000.name=x"], /\$\.cluster\.nodes\[1000000000\]: index 1000000000 is past the end of the list \(it has 2 items; the next one is 2\)$/],
  ["a --set index past 2^32", () => ["run", "seed-two-nodes", "--set", "workload.groups.4294967296.submit=1"], /\$\.workload\.groups\[4294967296\]: index 4294967296 is past the end of the list/],
  ["--out under /proc", () => ["run", "seed-two-nodes", "--out", "/proc/x"], /--out \/proc\/x: cannot create the output folder here \(ENOENT\)$/],
  ["a seed above 2^53 - 1", () => ["run", "seed-two-nodes", "--seed", "9007199254740993"], /--seed 9007199254740993: seed 9007199254740993 is above 2\^53 - 1/],
  ["SLURM_ARRAY_TASK_MIN that is not a number", () => ["sweep", "ci", "--out", join(work, "never-slurm")], /SLURM_ARRAY_TASK_MIN=abc: expected a whole number >= 0$/, { SLURM_ARRAY_TASK_ID: "1", SLURM_ARRAY_TASK_MIN: "abc", SLURM_ARRAY_TASK_COUNT: "4" }],
  ["sweep --out a file", () => ["sweep", "ci", "--out", scenario("a-file-for-sweep", "{}")], /--out \S+a-file-for-sweep\.json: is a file \(expected a folder\)$/],
  ["merge --out a file", () => ["merge", join(work, "no-such-sweep"), "--out", scenario("a-file-for-merge", "{}")], /: not a sweep output folder|is a file/],
  ["a budget below 1 MB", () => ["run", "seed-two-nodes", "--max-memory", "0.0001GB"], /--max-memory 0\.0001GB: expected a size of at least 1 MB$/],
  ["a 100,000-character scenario name", () => ["run", scenario("long-name", (s) => (s.name = "x".repeat(100_000)))], /long-name\.json: \$\.name: Too big: expected string to have <=1000 characters$/],
];

describe.concurrent("misuse: one clear line, exit code 2, nothing written", () => {
  it.each(cases)("%s", async (name, args, message, env) => {
    const out = join(work, "out", name.replace(/\W+/g, "-"));
    const argv = args();
    const r = await cosched(argv[0] === "run" && !argv.includes("--out") ? [...argv, "--out", out] : argv, env);
    const lines = r.stderr.trim().split("\n");
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(r.code).toBe(2);
    expect(existsSync(out)).toBe(false);
    expect(({} as Record<string, unknown>).x ?? ({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("prototype pollution", () => {
  it("never reaches Object.prototype through --set, in this process either", () => {
    for (const o of ["__proto__.polluted=1", "a.__proto__.polluted=1", "constructor.prototype.polluted=1"]) expect(() => applyOverride({ a: {} }, o)).toThrow(/may not be a path segment/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("traces", () => {
  it("fails fast on a trace line longer than 1 MB instead of reading it quadratically", async () => {
    const dir = join(work, "long-line");
    cpSync(OPENB, dir, { recursive: true });
    const header = readFileSync(join(dir, "pods.csv"), "utf8").split("\n")[0];
    writeFileSync(join(dir, "pods.csv"), `${header}\n${"9".repeat(20 * 1024 * 1024)}`);
    writeFileSync(join(dir, "s.json"), JSON.stringify({ name: "t", horizon: 100, cluster: { type: "openb", nodes: "nodes.csv" }, workload: { type: "openb", pods: "pods.csv" } }));
    const r = await cosched(["run", join(dir, "s.json"), "--strategy", "kube", "--out", join(dir, "out")]);
    expect(r.stderr.trim()).toMatch(/pods\.csv:2: line longer than 1 MB \(expected CSV rows; is this the right file\?\)$/);
    expect(r.code).toBe(2);
    expect(r.ms).toBeLessThan(10_000);
  });
});

describe("cosched reads its own output back, whatever the names hold", () => {
  it("report keeps a scenario name with a comma, quotes and a newline whole", async () => {
    const file = scenario("odd-name", (s) => (s.name = 'web,"db"\nsecond line'));
    const out = join(work, "odd-name-out");
    expect((await cosched(["run", file, "--strategy", "kube,naive", "--out", out, "--quiet"])).code).toBe(0);
    const runs = (await readTable(out, "runs"))!;
    expect(runs.map((r) => r.scenario)).toEqual(['web,"db"\nsecond line', 'web,"db"\nsecond line']);
    expect(runs.map((r) => r.strategy)).toEqual(["kube", "naive"]);
    const report = await cosched(["report", out]);
    expect(report.code).toBe(0);
  });

  it("merge keeps a swept path holding a newline in its header, with one row per run", async () => {
    const file = sweepFile("newline-key", { scenario: "seed-two-nodes", seeds: [1, 2], grid: { "cluster.nodes.0.labels.zone\nb": ["a", "b"] } });
    const out = join(work, "newline-key-out");
    await runSweep(loadSweep(file), { out, workers: 2, quiet: true });
    const merged = join(work, "newline-key-merged");
    await mergeShards([out], merged);
    const runs = (await readTable(merged, "runs"))!;
    expect(runs).toHaveLength(4);
    expect(Object.keys(runs[0]!).at(-1)).toBe("param.cluster.nodes.0.labels.zone\nb");
    expect(runs.map((r) => r["param.cluster.nodes.0.labels.zone\nb"])).toEqual(["a", "a", "b", "b"]);
  });

  it("a merge that fails leaves the earlier merged tables as they were and no temp file", async () => {
    const out = join(work, "merge-fails");
    await runSweep(loadSweep("ci"), { out, workers: 2, quiet: true });
    const before = readFileSync(join(out, "groups.csv"), "utf8");
    // Break the last run's last table: its columns differ, found only after the other tables are merged.
    const runs = readdirSync(join(out, "runs"));
    const victim = join(out, "runs", runs.sort().at(-1)!, "schedulers.csv");
    writeFileSync(victim, `other,columns\n${readFileSync(victim, "utf8").split("\n").slice(1).join("\n")}`);
    await expect(mergeShards([out], out)).rejects.toThrow(/its columns differ/);
    expect(readFileSync(join(out, "groups.csv"), "utf8")).toBe(before);
    expect(readdirSync(out).filter((n) => n.includes("tmp-"))).toEqual([]);
  });
});

describe("job arrays", () => {
  it.each([
    [{ SLURM_ARRAY_TASK_ID: "5", SLURM_ARRAY_TASK_MIN: "1", SLURM_ARRAY_TASK_STEP: "2", SLURM_ARRAY_TASK_COUNT: "4" }, [3, 4]],
    [{ SLURM_ARRAY_TASK_ID: "1", SLURM_ARRAY_TASK_MIN: "1", SLURM_ARRAY_TASK_STEP: "2", SLURM_ARRAY_TASK_COUNT: "4" }, [1, 4]],
    [{ SLURM_ARRAY_TASK_ID: "7", SLURM_ARRAY_TASK_MIN: "1", SLURM_ARRAY_TASK_STEP: "2", SLURM_ARRAY_TASK_COUNT: "4" }, [4, 4]],
  ] as const)("takes a Slurm array with a step (--array=1-7:2): %j", (env, shard) => expect(shardFromEnv(env as NodeJS.ProcessEnv)).toEqual(shard));

  it("refuses a Slurm task id that is not in its stepped array", () => {
    expect(() => shardFromEnv({ SLURM_ARRAY_TASK_ID: "4", SLURM_ARRAY_TASK_MIN: "1", SLURM_ARRAY_TASK_STEP: "2", SLURM_ARRAY_TASK_COUNT: "4" })).toThrow(/is not in the array 1, 3, \.\.\./);
  });
});

describe("shards sharing one folder", () => {
  it("never delete each other's runs in flight; one killed mid-run is resumed and the merge equals one sweep", async () => {
    const { spawn, spawnSync } = await import("node:child_process");
    const reference = join(work, "shards-reference");
    await runSweep(loadSweep("ci"), { out: reference, workers: 2, quiet: true });
    const shared = join(work, "shards-shared");
    const start = (i: number) => {
      const child = spawn(process.execPath, [BIN, "sweep", "ci", "--out", shared, "--shard", `${i}/4`, "--workers", "1", "--quiet"], { stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr!.on("data", (d) => (stderr += d));
      return { child, exit: new Promise<{ code: number | null; stderr: string }>((done) => child.on("exit", (code) => done({ code, stderr }))) };
    };
    const shards = [];
    for (let i = 1; i <= 4; i++) {
      shards.push(start(i));
      await new Promise((r) => setTimeout(r, 150));
    }
    // Shard 2 is killed as a preempted Pod would be: no chance to clean up.
    await new Promise((r) => setTimeout(r, 200));
    shards[1]!.child.kill("SIGKILL");
    const ends = await Promise.all(shards.map((s) => s.exit));
    for (const [i, e] of ends.entries()) {
      if (i === 1) continue;
      expect(e.stderr).toBe("");
      expect(e.code).toBe(0);
    }
    const again = spawnSync(process.execPath, [BIN, "sweep", "ci", "--out", shared, "--shard", "2/4", "--quiet"], { encoding: "utf8" });
    expect(again.status).toBe(0);
    const merged = join(work, "shards-merged");
    await mergeShards([shared], merged);
    for (const t of ["groups.csv", "runs.csv", "timeseries.csv", "deadlocks.csv", "schedulers.csv", "classes.csv"]) expect(readFileSync(join(merged, t), "utf8")).toBe(readFileSync(join(reference, t), "utf8"));
    expect(readdirSync(join(shared, "runs")).filter((n) => n.includes("tmp-"))).toEqual([]);
  });
});

describe("resume never reuses a stale run", () => {
  it("an edited trace is a new run: nothing is reused and the result changes", async () => {
    const dir = join(work, "stale-trace");
    cpSync(OPENB, dir, { recursive: true });
    writeFileSync(join(dir, "s.json"), JSON.stringify({ name: "t", horizon: 1e7, sampleEvery: 1e5, cluster: { type: "openb", nodes: "nodes.csv" }, workload: { type: "openb", pods: "pods.csv" } }));
    const file = join(dir, "sweep.json");
    writeFileSync(file, JSON.stringify({ name: "stale", scenario: "s.json", strategies: ["kube"], seeds: [1, 2] }));
    const out = join(dir, "out");
    await runSweep(loadSweep(file), { out, workers: 1, quiet: true });
    const before = readFileSync(join(out, "runs.csv"), "utf8");
    const pods = readFileSync(join(dir, "pods.csv"), "utf8").split("\n");
    const cols = pods[1]!.split(",");
    cols[2] = String(Number(cols[2]) * 4); // one Pod asks for four times the memory
    pods[1] = cols.join(",");
    writeFileSync(join(dir, "pods.csv"), pods.join("\n"));
    const again = await runSweep(loadSweep(file), { out, workers: 1, quiet: true });
    expect(again.skipped).toBe(0);
    expect(readFileSync(join(out, "runs.csv"), "utf8")).not.toBe(before);
  });

  it("run ids follow resolved values, not the text or order of overrides", async () => {
    const { loadScenario } = await import("../sim/workload/scenario.ts");
    const { runId } = await import("../sim/runner.ts");
    const id = (sets: string[]) => runId(loadScenario("contention-1k", sets), "kube", 1);
    expect(id(["workload.rate=40", "decision.tJob=0.05"])).toBe(id(["decision.tJob=0.05", "workload.rate=40"]));
    expect(id(["workload.rate=25"])).toBe(id([])); // the file's own value
    expect(id(["workload.rate=25.0"])).toBe(id([]));
    expect(id(["workload.rate=26"])).not.toBe(id([]));
  });

  it("a run folder missing a table is redone", async () => {
    const out = join(work, "missing-table");
    const sweep = loadSweep("ci");
    await runSweep(sweep, { out, workers: 2, quiet: true });
    const reference = readFileSync(join(out, "timeseries.csv"), "utf8");
    const victim = readdirSync(join(out, "runs")).sort()[0]!;
    rmSync(join(out, "runs", victim, "timeseries.csv"));
    const again = await runSweep(sweep, { out, workers: 2, quiet: true });
    expect(again.ran).toBe(1);
    expect(readFileSync(join(out, "timeseries.csv"), "utf8")).toBe(reference);
  });
});

describe("Ctrl-C is honoured within a second, whatever the run is doing", () => {
  const long = ["contention-1k", "--strategy", "kube", "--set", "workload.groups=300000", "--set", "workload.rate=400", "--set", "horizon=1000000", "--set", "cluster.count=10000"];

  async function stopAfter(args: string[], watch: string, settle: number) {
    const { spawn } = await import("node:child_process");
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    for (let waited = 0; !(existsSync(watch) && readdirSync(watch).some((n) => n.includes("tmp-"))); waited += 20) {
      if (waited > 30_000) throw new Error("the command never started writing");
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, settle));
    const t0 = performance.now();
    child.kill("SIGINT");
    const code = await exited;
    return { code, ms: performance.now() - t0, stderr };
  }

  it("during a 300,000-group run with a long horizon", async () => {
    const out = join(work, "ctrl-c-run");
    const r = await stopAfter(["run", ...long, "--out", out, "--quiet"], out, 1500);
    expect(r.code).toBe(130);
    expect(r.ms).toBeLessThan(1000);
    expect(existsSync(out)).toBe(false);
  });

  it("during a sweep on one worker", async () => {
    const file = sweepFile("ctrl-c-sweep", { scenario: "contention-1k", grid: { "workload.groups": [300000], "workload.rate": [400], horizon: [1000000], "cluster.count": [10000] } });
    const out = join(work, "ctrl-c-sweep-out");
    const r = await stopAfter(["sweep", file, "--out", out, "--workers", "1", "--quiet"], join(out, "runs"), 1500);
    expect(r.code).toBe(130);
    expect(r.ms).toBeLessThan(1000);
    expect(r.stderr).toMatch(/kept 0 complete runs of 1/);
  });
});

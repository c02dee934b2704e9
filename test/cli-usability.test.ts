import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const BIN = resolve(import.meta.dirname, "../bin/cosched.js");
const SEED = resolve(import.meta.dirname, "../scenarios/seed-two-nodes.json");
const work = mkdtempSync(join(tmpdir(), "cosched-usability-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function cosched(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", cwd: work });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.trim() };
}

describe("mistakes on the command line get one line that says what to do", () => {
  it.each([
    ["an unknown command, with a guess", ["rnu", "seed-two-nodes"], /^cosched: unknown command "rnu" \(did you mean "run"\? expected one of run, sweep, merge, report, validate, list\)$/],
    ["a repeated --seed", ["run", "seed-two-nodes", "--seed", "1", "--seed", "2"], /^cosched: --seed given 2 times \(1, 2\); give it once \(use --seeds 1,2 for several seeds\)$/],
    ["a repeated --strategy", ["run", "seed-two-nodes", "--strategy", "kube", "--strategy", "naive"], /^cosched: --strategy given 2 times \(kube, naive\); give it once \(use --strategy kube,naive for several\)$/],
    ["a bad --set value, blamed on the flag", ["run", "seed-two-nodes", "--set", "horizon=-1"], /^cosched: --set horizon=-1: \$\.horizon: Too small: expected number to be >0 \(scenario \S+seed-two-nodes\.json\)$/],
    ["a sweep without --out", ["sweep", "ci"], /^cosched: sweep: --out is required \(or --dry-run to see the plan\)$/],
    ["--workers 0 for a run", ["run", "seed-two-nodes", "--workers", "0"], /^cosched: --workers 0: expected a whole number >= 1$/],
    ["--workers as a word, not echoed as NaN", ["run", "seed-two-nodes", "--workers", "two"], /^cosched: --workers: expected a whole number >= 1$/],
    ["a run that asks for more runs at once than the memory budget holds", ["run", "contention-1k", "--max-memory", "300MB", "--workers", "2"], /^cosched: \S+contention-1k\.json: \$\.workload\.groups: 2 runs at once would need about \d+ MB .* run it with --workers 1, make it smaller, or raise the budget with --max-memory$/],
  ])("%s", (_, args, message) => {
    const r = cosched(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it("hints at a misspelt field even when the field it was meant to be is then missing", () => {
    const s = JSON.parse(readFileSync(SEED, "utf8"));
    const g = s.workload.groups[0];
    g.duratoin = g.duration;
    delete g.duration;
    const file = join(work, "typo.json");
    writeFileSync(file, JSON.stringify(s, null, 2));
    const r = cosched("validate", file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/typo\.json: \$\.workload\.groups\[0\]\.duratoin: unknown field \(did you mean "duration"\?\) \(and 1 more problem\)$/);
  });
});

describe("the bundled command line (dist/, built at install)", () => {
  const DIST = resolve(import.meta.dirname, "../dist/cli.js");
  const PACKAGE = JSON.parse(readFileSync(resolve(import.meta.dirname, "../package.json"), "utf8")) as { version: string };
  const german = { ...process.env, LC_ALL: "de_DE.UTF-8", LANG: "de_DE.UTF-8" };

  it.skipIf(!existsSync(DIST))("finds yargs' locale files and the version as the sources do (yargs is bundled with its shim pointed home)", () => {
    const bundled = spawnSync(process.execPath, [DIST, "run"], { encoding: "utf8", cwd: work, env: german });
    const sources = spawnSync(process.execPath, [BIN, "run"], { encoding: "utf8", cwd: work, env: { ...german, COSCHED_FROM_SOURCE: "1" } });
    expect(bundled.stderr).toMatch(/Nicht genügend Argumente/);
    expect(bundled.stderr).toBe(sources.stderr);
    expect(spawnSync(process.execPath, [DIST, "--version"], { encoding: "utf8", cwd: work }).stdout.trim()).toBe(PACKAGE.version);
  });

  it("refuses the sources under COSCHED_BUNDLE=1 (the bench times the bundle only)", () => {
    const r = spawnSync(process.execPath, [BIN, "--version"], { encoding: "utf8", cwd: work, env: { ...process.env, COSCHED_FROM_SOURCE: "1", COSCHED_BUNDLE: "1" } });
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/COSCHED_BUNDLE=1: .*dist\/cli\.js is missing or older than a file in sim\//);
  });
});

describe("help, list, validate and the sweep plan", () => {
  it("prints the version and help with examples", () => {
    expect(cosched("--version").stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = cosched("run", "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Examples:/);
    expect(help.stdout).toMatch(/cosched run contention-1k --strategy kube,mesos/);
  });

  it("lists the shipped sweeps beside scenarios and strategies", () => {
    const r = cosched("list");
    expect(r.stdout).toMatch(/^sweeps \(cosched sweep NAME --out DIR\):$/m);
    expect(r.stdout).toMatch(/^ {2}default\s+The default comparison/m);
    expect(r.stdout).toMatch(/^ {2}ci\s+A small sweep/m);
  });

  it("validates sweep files as well as scenarios", () => {
    const r = cosched("validate", "scenarios/seed-two-nodes.json".replace(/^/, resolve(import.meta.dirname, "..") + "/"), "default", "ci");
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^ok \S+seed-two-nodes\.json: cluster inline/);
    expect(lines[1]).toMatch(/^ok \S+default\.json: sweep default, 320 runs \(16 settings; strategies kube, mesos, omega, naive; 5 seeds\)/);
    expect(lines[2]).toMatch(/^ok \S+ci\.json: sweep ci, 24 runs \(3 settings; strategies kube, mesos, omega, naive; 2 seeds\)/);
  });

  it("plans a sweep with --dry-run: its grid, the number of runs, time and memory, and what a folder already holds", () => {
    const r = cosched("sweep", "ci", "--dry-run", "--workers", "2");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sweep ci \(\S+ci\.json\): 24 runs = 3 settings x 4 strategies \(kube, mesos, omega, naive\) x 2 seeds \(1, 2\)$/m);
    expect(r.stdout).toMatch(/^ {2}contention-1k: workload\.rate = 10, 25; cluster\.count = 100; workload\.groups = 300; horizon = 600 \(2 settings, up to 300 groups, about \d+ MB per run\)$/m);
    expect(r.stdout).toMatch(/^estimated: about .+ on 2 workers \(.+ of run time\), peak memory about \d+ MB \(2 runs at once\)/m);
    const out = join(work, "planned");
    expect(cosched("sweep", "ci", "--out", out, "--quiet", "--shard", "1/4").code).toBe(0);
    expect(cosched("sweep", "ci", "--dry-run", "--out", out).stdout).toMatch(new RegExp(`^${out}: 6 already complete, 18 to run$`, "m"));
  });
});

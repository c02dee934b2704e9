import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/**
 * A corpus of hostile input: malformed scenario and trace files and bad
 * flags. Each gets one clear line naming the file and the line or JSON path,
 * exit code 2, no stack trace, and nothing written.
 */

const BIN = resolve(import.meta.dirname, "../bin/cosched.js");
const SEED = JSON.parse(readFileSync(resolve(import.meta.dirname, "../scenarios/seed-two-nodes.json"), "utf8"));
const OPENB = resolve(import.meta.dirname, "fixtures/openb");
const work = mkdtempSync(join(tmpdir(), "cosched-hostile-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function cosched(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { cwd: work, encoding: "utf8" }, (err, stdout, stderr) => {
      done({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

/** A scenario file in its own folder, from raw text or from seed-two-nodes edited by a function. */
function file(name: string, content: string | ((s: any) => void), ext = "json"): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.${ext}`);
  if (typeof content === "string") writeFileSync(path, content);
  else {
    const s = structuredClone(SEED);
    content(s);
    writeFileSync(path, JSON.stringify(s, null, 2));
  }
  return path;
}

/** An OpenB scenario over a copy of the fixture traces, with the pod trace replaced by `pods` (raw text, or null for a directory). */
function openbScenario(name: string, pods: string | null | undefined, nodes?: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  cpSync(OPENB, dir, { recursive: true });
  if (pods === null) {
    rmSync(join(dir, "pods.csv"));
    mkdirSync(join(dir, "pods.csv"));
  } else if (pods !== undefined) writeFileSync(join(dir, "pods.csv"), pods);
  if (nodes !== undefined) writeFileSync(join(dir, "nodes.csv"), nodes);
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({ name: "trace", horizon: 1000, cluster: { type: "openb", nodes: "nodes.csv" }, workload: { type: "openb", pods: "pods.csv" } }));
  return path;
}

const POD_HEADER = "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time";
const GOOD_SEED = JSON.stringify(SEED, null, 2);

const cases: [string, () => string[], RegExp][] = [
  // Scenario files
  ["truncated JSON", () => [file("truncated", GOOD_SEED.slice(0, 120))], /truncated\.json:\d+:\d+: truncated JSON \(unexpected end of file\)$/],
  ["an empty file", () => [file("empty", "")], /empty\.json: empty file \(expected a JSON scenario object\)$/],
  ["a file of blank lines", () => [file("blank", "\n\n  \n")], /blank\.json: empty file/],
  ["NaN", () => [file("nan", GOOD_SEED.replace('"horizon": 60', '"horizon": NaN'))], /nan\.json:\d+:\d+: malformed JSON: NaN and Infinity are not JSON numbers/],
  ["Infinity", () => [file("infinity", GOOD_SEED.replace('"horizon": 60', '"horizon": Infinity'))], /infinity\.json:\d+:\d+: malformed JSON: NaN and Infinity are not JSON numbers/],
  ["a number too large for a double", () => [file("overflow", GOOD_SEED.replace('"horizon": 60', '"horizon": 1e400'))], /overflow\.json: \$\.horizon: expected a finite number/],
  ["a wrongly typed field", () => [file("wrong-type", (s) => (s.horizon = "sixty"))], /wrong-type\.json: \$\.horizon: expected number, received string$/],
  ["an array instead of an object", () => [file("array", "[1, 2, 3]")], /array\.json: \$: expected object, received array$/],
  ["a negative submit time", () => [file("negative-submit", (s) => (s.workload.groups[0].submit = -1))], /negative-submit\.json: \$\.workload\.groups\[0\]\.submit: Too small: expected number to be >=0$/],
  ["a negative member delay", () => [file("negative-delay", (s) => (s.workload.groups[0].members[1].delay = -2))], /\$\.workload\.groups\[0\]\.members\[1\]\.delay: Too small/],
  ["a negative failure time", () => [file("negative-fault", (s) => (s.faults = { events: [{ type: "nodeFail", node: "node-a", at: -5 }] }))], /\$\.faults\.events\[0\]\.at: Too small/],
  ["an unknown field", () => [file("unknown", (s) => (s.horizn = 60))], /unknown\.json: \$\.horizn: unknown field \(did you mean "horizon"\?\)$/],
  ["a non-integer node count", () => [file("fraction", (s) => (s.cluster = { type: "generate", count: 2.5, capacity: { cpu: 1000 } }))], /\$\.cluster\.count: expected int, received number$/],
  // Scheduler classes and placeOnce.
  ["two classes of one name", () => [file("class-twice", (s) => (s.workload = { type: "classes", classes: [{ name: "a", workload: s.workload }, { name: "a", workload: s.workload }] }))], /class-twice\.json: \$\.workload\.classes\[1\]\.name: duplicate class name "a"$/],
  ["a class name with a space", () => [file("class-space", (s) => (s.workload = { type: "classes", classes: [{ name: "a b", workload: s.workload }] }))], /class-space\.json: \$\.workload\.classes\[0\]\.name: expected letters, digits/],
  ["no classes", () => [file("class-none", (s) => (s.workload = { type: "classes", classes: [] }))], /class-none\.json: \$\.workload\.classes: /],
  ["a placeOnce gap of 0", () => [file("gap-zero", (s) => (s.placeOnce = { gap: 0 }))], /gap-zero\.json: \$\.placeOnce\.gap: Too small/],
  // Gangs and jobs.
  ["a gang whose minMember exceeds its Pods", () => [file("gang-min", (s) => (s.workload.groups[0] = { id: "g", submit: 0, kind: "gang", duration: 1, pods: [{ members: [{ request: { cpu: 1 } }], count: 2 }], minMember: 3 }))], /gang-min\.json: \$\.workload\.groups\[0\]\.minMember: expected minMember <= the gang's 2 Pods$/],
  ["a gang given members instead of pods", () => [file("gang-members", (s) => (s.workload.groups[0] = { id: "g", submit: 0, kind: "gang", duration: 1, members: [{ request: { cpu: 1 } }] }))], /gang-members\.json: \$\.workload\.groups\[0\]\.pods: expected pods \(a gang is a list of Pods\)/],
  ["a gang generator without pods", () => [file("gang-gen", (s) => (s.workload = { type: "generate", groups: 3, rate: 1, kind: "gang", members: { min: 1, max: 1 }, request: { cpu: 1 }, duration: 1 }))], /gang-gen\.json: \$\.workload\.pods: expected pods for a gang or job workload, and none for colocate$/],
  ["a misspelt group kind", () => [file("gang-kind", (s) => (s.workload.groups[0].kind = "gnag"))], /gang-kind\.json: \$\.workload\.groups\[0\]\.kind: Invalid option: expected one of "colocate"\|"gang"\|"job"$/],
  ["a gang of more than 1,000 Pods", () => [file("gang-huge", (s) => (s.workload.groups[0] = { id: "g", submit: 0, kind: "gang", duration: 1, pods: [{ members: [{ request: { cpu: 1 } }], count: 1000 }, { members: [{ request: { cpu: 1 } }], count: 1 }] }))], /gang-huge\.json: \$\.workload\.groups\[0\]\.pods: expected at most 1000 Pods in a group, got 1001$/],
  ["omega schedulers for a class the workload does not have", () => [file("class-unknown", (s) => (s.strategies = { omega: { schedulers: { batch: 2 } } })), "--strategy", "omega"], /strategies\.omega\.schedulers: no class "batch" \(the workload's classes: default\)$/],
  [
    "10^7 groups on a small machine",
    () => [file("ten-million", (s) => (s.workload = { type: "generate", groups: 1e7, rate: 1, members: { min: 2, max: 4 }, request: { cpu: 100 }, duration: 10 }))],
    /ten-million\.json: \$\.workload\.groups: one run would need about \d+\.\d GB .* over the .* a run may use/,
  ],
  [
    "a node count of 10^15",
    () => [file("many-nodes", (s) => (s.cluster = { type: "generate", count: 1e15, capacity: { cpu: 1000 } }))],
    /many-nodes\.json: \$\.cluster\.count: one run would need about/,
  ],
  ["10^15 timeseries samples", () => [file("samples", (s) => ((s.horizon = 1e12), (s.sampleEvery = 0.001)))], /samples\.json: \$\.sampleEvery: one run would need about/],
  ["a byte-order mark before malformed JSON (positions still right)", () => [file("bom-bad", `\uFEFF{\n  "name": "x",\n  "horizon": 10,,\n}\n`)], /bom-bad\.json:3:17: malformed JSON/],
  ["CRLF line ends around malformed JSON (positions still right)", () => [file("crlf-bad", `{\r\n  "name": "x",\r\n  "horizon": 10,,\r\n}\r\n`)], /crlf-bad\.json:3:17: malformed JSON/],
  ["a directory instead of a file", () => [(mkdirSync(join(work, "a-dir.json"), { recursive: true }), join(work, "a-dir.json"))], /a-dir\.json: is a directory \(expected a scenario file\)$/],
  ["a path that does not exist", () => [join(work, "nowhere", "nothing.json")], /nothing\.json: no such scenario file/],
  // Trace files
  ["a trace path that is a directory", () => [openbScenario("trace-dir", null)], /trace-dir\.json: \$\.workload\.pods: .*pods\.csv: is a directory \(expected a trace file\)$/],
  ["an empty trace", () => [openbScenario("trace-empty", "")], /pods\.csv: empty file \(expected a header name,/],
  ["a trace without its columns", () => [openbScenario("trace-header", "name,cpu\npod-a,100\n")], /pods\.csv:1: missing columns cpu_milli, memory_mib, num_gpu/],
  ["a truncated trace row", () => [openbScenario("trace-short", `${POD_HEADER}\npod-a,4000,8192,0,0,,LS,Running,10,110,10\npod-b,4000,8192\n`)], /pods\.csv:3: expected 11 fields, got 3$/],
  ["NaN in a trace", () => [openbScenario("trace-nan", `${POD_HEADER}\npod-a,NaN,8192,0,0,,LS,Running,10,110,10\n`)], /pods\.csv:2: column 2 \(cpu_milli\): expected a non-negative number, got "NaN"$/],
  ["Infinity in a trace", () => [openbScenario("trace-inf", `${POD_HEADER}\npod-a,4000,Infinity,0,0,,LS,Running,10,110,10\n`)], /pods\.csv:2: column 3 \(memory_mib\): expected a non-negative number, got "Infinity"$/],
  ["a huge number in a trace", () => [openbScenario("trace-huge", `${POD_HEADER}\npod-a,4000,1e999,0,0,,LS,Running,10,110,10\n`)], /pods\.csv:2: column 3 \(memory_mib\): expected a non-negative number, got "1e999"$/],
  ["a negative time in a trace", () => [openbScenario("trace-negative", `${POD_HEADER}\npod-a,4000,8192,0,0,,LS,Running,-10,110,10\n`)], /pods\.csv:2: column 9 \(creation_time\): expected a non-negative number, got "-10"$/],
  // Flags
  ["a bad seed list", () => ["seed-two-nodes", "--seeds", "one,two"], /--seeds one,two: expected a non-negative integer/],
  ["a bad memory budget", () => ["seed-two-nodes", "--max-memory", "lots"], /--max-memory lots: expected a size like 4096 \(MB\), 512MB or 2GB$/],
  ["an unknown strategy", () => ["seed-two-nodes", "--strategy", "borg"], /--strategy: unknown strategy "borg"/],
  ["a misspelt strategy", () => ["seed-two-nodes", "--strategy", "kube,omgea"], /--strategy: unknown strategy "omgea" \(did you mean "omega"\? expected one of kube, mesos, omega, naive, kube-coscheduling, kube-kueue, or all\)$/],
];

describe.concurrent("hostile input: one clear line, exit code 2, nothing written, no stack trace", () => {
  mkdirSync(join(work, "out"), { recursive: true }); // shared by concurrent cases, so none removes it under another
  it.each(cases)("%s", async (name, args, message) => {
    const slug = name.replace(/\W+/g, "-");
    const out = join(work, "out", slug);
    const r = await cosched(["run", ...args(), "--out", out]);
    const lines = r.stderr.trim().split("\n");
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^cosched: /);
    expect(lines[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(join(work, "out")).filter((f) => f.includes("tmp-"))).toEqual([]);
  });
});

it("refuses an output folder that cannot be created, with exit code 2", async () => {
  writeFileSync(join(work, "a-file"), "");
  const r = await cosched(["run", "seed-two-nodes", "--out", join(work, "a-file", "out")]);
  expect(r.stderr.trim()).toMatch(/^cosched: --out \S+a-file\/out: \S+a-file is a file \(expected a folder\)$/);
  expect(r.code).toBe(2);
});

describe.concurrent("tolerated input", () => {
  const outputs = async (scenario: string, name: string) => {
    const out = join(work, "ok", name);
    const r = await cosched(["run", scenario, "--strategy", "kube,naive", "--out", out, "--quiet"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    return readFileSync(join(out, "groups.csv"), "utf8").replace(/^[^,\n]*,/gm, ""); // run ids differ by file path
  };

  it("reads a scenario with a byte-order mark and CRLF line ends exactly like the plain file", async () => {
    const plain = await outputs(file("plain", GOOD_SEED), "plain");
    const bom = await outputs(file("bom", `\uFEFF${GOOD_SEED.replace(/\n/g, "\r\n")}`), "bom");
    expect(bom).toBe(plain);
  });

  it("reads traces with a byte-order mark and CRLF line ends exactly like the plain files", async () => {
    const pods = readFileSync(join(OPENB, "pods.csv"), "utf8");
    const nodes = readFileSync(join(OPENB, "nodes.csv"), "utf8");
    const plain = await outputs(openbScenario("trace-plain", pods, nodes), "trace-plain");
    const crlf = await outputs(openbScenario("trace-crlf", `\uFEFF${pods.replace(/\n/g, "\r\n")}`, `\uFEFF${nodes.replace(/\n/g, "\r\n")}`), "trace-crlf");
    expect(crlf).toBe(plain);
  });

  it("prints the stack trace of an error only with --debug", async () => {
    const bad = file("debug", (s) => (s.horizon = -1));
    const quiet = await cosched(["run", bad, "--out", join(work, "never-debug")]);
    const loud = await cosched(["run", bad, "--out", join(work, "never-debug"), "--debug"]);
    expect(quiet.stderr).not.toMatch(/^\s+at /m);
    expect(loud.stderr).toMatch(/^\s+at /m);
    expect(loud.stderr.trim().split("\n").at(-1)).toMatch(/debug\.json: \$\.horizon: Too small/);
    expect([quiet.code, loud.code]).toEqual([2, 2]);
  });
});

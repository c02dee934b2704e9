import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { RngStreams } from "../sim/engine/index.ts";
import { readAlibabaTasks } from "../sim/workload/alibaba2018.ts";
import { arrivalSchema, arrivalTimes } from "../sim/workload/arrivals.ts";
import { buildWorkload } from "../sim/workload/build.ts";
import { sample } from "../sim/workload/distributions.ts";
import { plainLines, plainRecords, readCsvRecords } from "../sim/workload/csv-records.ts";
import { InputError } from "../sim/workload/errors.ts";
import { readGoogleMachines, readGoogleTaskEvents } from "../sim/workload/google2011.ts";
import { validateScenario } from "../sim/workload/scenario.ts";
import { run, shipped } from "./support/fixtures.ts";

const FIX = resolve(import.meta.dirname, "fixtures");
const GOOGLE = { cpu: 32000, memory: 131072 };
const MACHINE = { cpu: 96000, memory: 98304 };
const work = mkdtempSync(join(tmpdir(), "cosched-traces-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const f = join(work, name);
  writeFileSync(f, text);
  return f;
};

describe("Google cluster trace 2011 importer", () => {
  it("reads machines scaled to the scenario's node capacity, leaving out machines with no capacity", () => {
    const nodes = readGoogleMachines(join(FIX, "google2011/machine_events.csv"), GOOGLE);
    expect(nodes.map((n) => n.name)).toEqual(["m101", "m102", "m103"]);
    expect(nodes[0]!.capacity).toEqual({ cpu: 16000, memory: 65536, gpu: 0 });
  });

  it("turns jobs into colocate groups, cutting a job too large for one node", () => {
    const groups = readGoogleTaskEvents(join(FIX, "google2011/task_events.csv"), GOOGLE);
    expect(groups.map((g) => [g.id, g.submit, g.members.length, g.duration])).toEqual([
      ["7", 1, 3, 120],
      ["8/1", 2, 2, 40],
      ["8/2", 2, 1, 40],
      ["9", 10, 1, 0],
    ]);
    const job7 = groups[0]!;
    expect(job7.members.map((m) => [m.name, m.request.cpu, m.request.memory, m.delay])).toEqual([
      ["task-0", 2000, 4096, 0],
      ["task-1", 2000, 4096, 0],
      ["task-2", 4000, 8192, 1.5],
    ]);
  });

  const row = (ts: string, type: string) => `${ts},,7,0,,${type},alice,2,9,0.0625,0.03125,0.001,0\n`;
  it.each([
    ["an unknown event type", "unknown.csv", row("1000000", "12"), /unknown\.csv:1: column 6 \(event_type\): unknown event type 12/],
    ["a non-numeric field", "nonnumeric.csv", row("soon", "0"), /nonnumeric\.csv:1: column 1 \(timestamp\): expected a non-negative number, got "soon"/],
    ["a missing column", "short.csv", "1000000,,7,0,,0\n", /short\.csv:1: expected 13 fields, got 6/],
  ])("rejects %s with file, line and column", (_, name, text, message) => {
    expect(() => readGoogleTaskEvents(file(name, text), GOOGLE)).toThrow(InputError);
    expect(() => readGoogleTaskEvents(file(name, text), GOOGLE)).toThrow(message);
  });
});

describe("Alibaba cluster-trace-v2018 importer", () => {
  it("turns a task with instance_num instances into a colocate group, cutting tasks larger than a machine", () => {
    const groups = readAlibabaTasks(join(FIX, "alibaba2018/batch_task.csv"), MACHINE);
    expect(groups.map((g) => [g.id, g.submit, g.members.length, g.duration])).toEqual([
      ["j_1/M1", 100, 4, 60],
      ["j_2/M1", 110, 1, 0],
      ["j_3/M3/1", 120, 2, 0],
      ["j_3/M3/2", 120, 1, 0],
      ["j_1/R2_1", 170, 2, 60],
    ]);
    expect(groups[0]!.members[0]!.request).toEqual({ cpu: 500, memory: 492, gpu: 0 });
  });

  it.each([
    ["a negative duration", "negative.csv", "M1,4,j_1,1,Terminated,160,100,50,0.5\n", /negative\.csv:1: column 7 \(end_time\): negative duration: end_time 100 is before start_time 160/],
    ["a non-numeric field", "nonnumeric.csv", "M1,4,j_1,1,Terminated,100,160,lots,0.5\n", /nonnumeric\.csv:1: column 8 \(plan_cpu\): expected a non-negative number, got "lots"/],
    ["a missing column", "short.csv", "M1,4,j_1\n", /short\.csv:1: expected 9 fields, got 3/],
    ["no instances", "zero.csv", "M1,0,j_1,1,Terminated,100,160,50,0.5\n", /zero\.csv:1: column 2 \(instance_num\): expected a whole number of instances >= 1, got 0/],
  ])("rejects %s with file, line and column", (_, name, text, message) => {
    expect(() => readAlibabaTasks(file(name, text), MACHINE)).toThrow(message);
  });
});

describe("sample trace scenarios", () => {
  it.each(["google-2011-sample", "alibaba-2018-sample"])("%s runs through every strategy", (name) => {
    for (const strategy of ["kube", "mesos", "omega", "naive"]) {
      const ran = run(shipped(name), strategy, 1, { check: true });
      expect(ran.tables.groups.length).toBeGreaterThan(3);
    }
  });

  it.each([
    ["google-2011-sample", "workload.groupAs", "8"],
    ["alibaba-2018-sample", "workload.groupAs", undefined],
  ])("%s keeps each job whole as one gang (one Pod per task) with groupAs, under every strategy", (name, path, job) => {
    const colocate = run(shipped(name), "kube").tables.groups;
    for (const strategy of ["kube", "kube-coscheduling", "kube-kueue", "mesos", "omega", "naive"]) {
      const ran = run(shipped(name, [`${path}="gang"`]), strategy, 1, { check: true });
      const groups = ran.tables.groups;
      expect(groups.every((g) => g.kind === "gang")).toBe(true);
      // Never more groups than the node-sized chunks, and the same containers in all.
      expect(groups.length).toBeLessThanOrEqual(colocate.length);
      expect(groups.reduce((n, g) => n + g.members, 0)).toBe(colocate.reduce((n, g) => n + g.members, 0));
      expect(groups.every((g) => g.pods === g.members)).toBe(true);
      if (job !== undefined) expect(ran.row(job).pods).toBe(colocate.filter((g) => g.group_id.startsWith(`${job}/`)).reduce((n, g) => n + g.members, 0));
    }
  });

  it("kube places the Google jobs whole and finds the oversized chunk-free job correct", () => {
    const ran = run(shipped("google-2011-sample"), "kube");
    expect(ran.row("7")).toMatchObject({ outcome: "completed", correct: true });
    expect(ran.row("8/1").nodes).toBe("m102");
  });
});

describe("generators", () => {
  const rng = (seed = 1) => new RngStreams(seed).stream("a");

  it("Poisson arrivals average the rate", () => {
    const t = arrivalTimes({ process: "poisson", rate: 5 }, 20000, 0, rng());
    expect(20000 / t[t.length - 1]!).toBeCloseTo(5, 0);
  });

  it("MMPP arrivals are bursty: more than Poisson's variance of counts per window", () => {
    const arrival = arrivalSchema.parse({ process: "mmpp", rates: [1, 20], meanSojourn: [100, 20] });
    const t = arrivalTimes(arrival, 20000, 0, rng());
    const counts = new Map<number, number>();
    for (const x of t) counts.set(Math.floor(x / 10), (counts.get(Math.floor(x / 10)) ?? 0) + 1);
    const xs = [...counts.values()];
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(variance / mean).toBeGreaterThan(3);
    // Long-run rate: (1 x 100 + 20 x 20) / 120 = 4.17 per second.
    expect(20000 / t[t.length - 1]!).toBeCloseTo(500 / 120, 0);
  });

  it("diurnal arrivals follow the sine: more at the peak than at the trough", () => {
    const arrival = arrivalSchema.parse({ process: "diurnal", rate: 2, amplitude: 0.8, period: 1000 });
    const t = arrivalTimes(arrival, 20000, 0, rng());
    const phase = (x: number) => (x % 1000) / 1000;
    const peak = t.filter((x) => phase(x) > 0.15 && phase(x) < 0.35).length;
    const trough = t.filter((x) => phase(x) > 0.65 && phase(x) < 0.85).length;
    expect(peak / trough).toBeGreaterThan(4);
  });

  it("empirical distributions draw within the samples, from inline values or a file", () => {
    const r = rng();
    for (let i = 0; i < 1000; i++) {
      const x = sample({ dist: "empirical", values: [10, 20, 40] }, r);
      expect(x).toBeGreaterThanOrEqual(10);
      expect(x).toBeLessThanOrEqual(40);
    }
    const values = file("values.csv", "value\n100\n200\n300\n");
    const s = validateScenario(join(work, "e.json"), {
      name: "e",
      horizon: 10,
      cluster: { type: "generate", count: 1, capacity: { cpu: 1000, memory: 1000 } },
      workload: { type: "generate", groups: 50, rate: 1, members: { min: 1, max: 1 }, request: { memory: { dist: "empirical", file: values } }, duration: 1 },
    });
    const groups = buildWorkload(s.spec, new RngStreams(1), work).groups;
    for (const g of groups) expect(g.members[0]!.request.memory).toBeGreaterThanOrEqual(100);
    expect(new Set(groups.map((g) => g.members[0]!.request.memory)).size).toBeGreaterThan(10);
  });

  it("node pools give several node types with their labels", () => {
    const nodes = buildWorkload(shipped("mixed-batch-service").spec, new RngStreams(1)).nodes;
    expect(nodes).toHaveLength(1000);
    expect(nodes.filter((n) => n.labels.pool === "batch")).toHaveLength(600);
    expect(nodes[0]!.name).toBe("batch-000");
    expect(nodes[999]!.name).toBe("service-399");
    expect(nodes[0]!.capacity).toEqual({ cpu: 64000, memory: 262144, gpu: 0 });
  });

  it("rejects a generator with both rate and arrival", () => {
    expect(() =>
      validateScenario("<t>", {
        name: "x",
        horizon: 1,
        cluster: { type: "generate", count: 1, capacity: { cpu: 1 } },
        workload: { type: "generate", groups: 1, rate: 1, arrival: { process: "poisson", rate: 1 }, members: { min: 1, max: 1 }, request: {}, duration: 1 },
      }),
    ).toThrow(/\$\.workload: expected exactly one of rate or arrival/);
  });
});

describe("reading a CSV file again", () => {
  it("parses a file once per thread while it is unchanged, and again once it changed", () => {
    const file = join(work, "again.csv");
    writeFileSync(file, "a,b\n1,2\n3,4\n");
    const first = [...readCsvRecords(file)];
    const second = [...readCsvRecords(file)];
    expect(second).toEqual(first);
    // The same record objects: the second read came from the first's records, not a new parse.
    expect(second[1]).toBe(first[1]);
    writeFileSync(file, "a,b\n1,2\n3,4\n5,6\n");
    const changed = [...readCsvRecords(file)];
    expect(changed.map((r) => r.fields)).toEqual([["a", "b"], ["1", "2"], ["3", "4"], ["5", "6"]]);
  });

  it("does not keep a file over 4 MB (a long-lived worker would hold several times its bytes)", () => {
    const file = join(work, "big.csv");
    writeFileSync(file, `a,b\n${"123456,7890\n".repeat(400_000)}`);
    const first = [...readCsvRecords(file)];
    const second = [...readCsvRecords(file)];
    expect(second).toHaveLength(400_001);
    expect(second[1]).not.toBe(first[1]);
  });

  it("does not keep a file whose reading stopped early or failed", () => {
    const file = join(work, "broken.csv");
    writeFileSync(file, 'a,b\n1,2\n3,"4\n');
    expect(() => [...readCsvRecords(file)]).toThrow(/broken.csv:3: malformed CSV/);
    expect(() => [...readCsvRecords(file)]).toThrow(/broken.csv:3: malformed CSV/);
    const partial = join(work, "partial.csv");
    writeFileSync(partial, "a,b\n1,2\n3,4\n");
    const it = readCsvRecords(partial);
    const firstRecord = it.next().value;
    it.return(undefined);
    expect([...readCsvRecords(partial)][0]).not.toBe(firstRecord);
  });
});

describe("reading plain CSV without csv-parse", () => {
  /** csv-parse's records of a text, as readCsvRecords asks for them. */
  const parsed = (text: string) =>
    (parse(text, { info: true, skip_empty_lines: true, relax_column_count: true }) as unknown as { record: string[]; info: { lines: number } }[]).map((r) => ({ fields: r.record, lineNo: r.info.lines }));
  const pieces = fc.constantFrom("a", "7", " ", ",", ",,", "é", "😀", "1.5e3", "\t", "\n", "\n", "\r\n", "\r", '"', '""');

  it("gives csv-parse's records of every text it takes as plain, and leaves the rest to csv-parse", () => {
    let plain = 0;
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 40 }), (parts) => {
        const text = parts.join("");
        const lines = plainLines(text);
        if (text.includes('"') || (text.includes("\r") && text.replace(/\r\n/g, "").includes("\r"))) expect(lines).toBeUndefined();
        if (lines === undefined) return;
        plain++;
        expect([...plainRecords(text, lines, 0)]).toEqual(parsed(text));
        expect(lines.lines).toBe(text.split("\n").length - 1);
      }),
      { numRuns: 3000, seed: 16 },
    );
    expect(plain).toBeGreaterThan(500);
  });

  it.each([
    ["LF", "\n"],
    ["CRLF", "\r\n"],
  ])("reads a plain file of many pieces (%s) as csv-parse reads it whole, line numbers and blank lines included", (_, eol) => {
    const lines = ["name,cpu,memory"];
    for (let i = 0; i < 20_000; i++) lines.push(i % 997 === 0 ? "" : `pod-${i},${i % 64},${(i * 37) % 4096}`);
    const text = lines.join(eol);
    const f = file(`plain-${eol.length}.csv`, text);
    expect([...readCsvRecords(f)].map((r) => ({ fields: [...r.fields], lineNo: r.lineNo }))).toEqual(parsed(text));
  });
});

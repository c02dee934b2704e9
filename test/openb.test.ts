import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RngStreams } from "../sim/engine/index.ts";
import { InputError } from "../sim/workload/errors.ts";
import { GPU_MODEL_LABEL, readOpenbNodes, readOpenbPods, splitPod, splitSchema } from "../sim/workload/openb.ts";
import { validateScenario } from "../sim/workload/scenario.ts";
import { run, shipped } from "./support/fixtures.ts";

const FIX = resolve(import.meta.dirname, "fixtures/openb");
const noSplit = splitSchema.parse({ containers: [1, 1] });
const work = mkdtempSync(join(tmpdir(), "cosched-openb-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("OpenB importer on its fixture", () => {
  it("reads nodes with GPUs in milli-GPUs and the GPU model as a label", () => {
    const nodes = readOpenbNodes(join(FIX, "nodes.csv"));
    expect(nodes).toHaveLength(3);
    expect(nodes[1]).toEqual({ name: "gpu-v100", capacity: { cpu: 64000, memory: 262144, gpu: 8000 }, labels: { [GPU_MODEL_LABEL]: "V100M16" } });
    expect(nodes[0]!.labels).toEqual({});
  });

  it("reads Pods as groups ordered by creation time, with GPU requests, durations and selectors", () => {
    const groups = readOpenbPods(join(FIX, "pods.csv"), noSplit, new RngStreams(1));
    expect(groups.map((g) => g.id)).toEqual(["pod-b", "pod-a", "pod-c", "pod-d", "pod-e"]);
    const c = groups.find((g) => g.id === "pod-c")!;
    expect(c).toMatchObject({ submit: 20, duration: 500, selector: { key: GPU_MODEL_LABEL, values: ["V100M16"] } });
    expect(c.members).toEqual([{ name: "main", request: { cpu: 16000, memory: 65536, gpu: 4000 }, delay: 0, init: false }]);
    // num_gpu = 1 with gpu_milli: a shared fraction of one GPU.
    expect(groups.find((g) => g.id === "pod-b")!.members[0]!.request.gpu).toBe(460);
    // Several allowed models.
    expect(groups.find((g) => g.id === "pod-d")!.selector!.values).toEqual(["T4", "V100M16"]);
    // No deletion time, or none after creation: duration 0.
    expect(groups.find((g) => g.id === "pod-d")!.duration).toBe(0);
    expect(groups.find((g) => g.id === "pod-e")!.duration).toBe(0);
  });

  it("splits a Pod into a main container and sidecars that add up exactly, GPUs staying with the main one", () => {
    const split = splitSchema.parse({ containers: [4, 4], sidecarShare: [0.2, 0.3], delay: 1 });
    const rng = new RngStreams(7).stream("x");
    const members = splitPod({ cpu: 16000, memory: 65536, gpu: 4000 }, split, rng);
    expect(members).toHaveLength(4);
    const sum = members.reduce((a, m) => ({ cpu: a.cpu + m.request.cpu, memory: a.memory + m.request.memory, gpu: a.gpu + m.request.gpu }), { cpu: 0, memory: 0, gpu: 0 });
    expect(sum).toEqual({ cpu: 16000, memory: 65536, gpu: 4000 });
    expect(members.slice(1).every((m) => m.request.gpu === 0 && m.delay === 1)).toBe(true);
    expect(members[0]!.request.memory).toBeGreaterThanOrEqual(65536 * 0.1);
  });

  it("splits the same way under the same seed, whatever the strategy", () => {
    const split = splitSchema.parse({});
    const a = readOpenbPods(join(FIX, "pods.csv"), split, new RngStreams(3));
    const b = readOpenbPods(join(FIX, "pods.csv"), split, new RngStreams(3));
    expect(a).toEqual(b);
  });

  it("honours gpu_spec: a Pod runs only on nodes of its GPU model", () => {
    const file = join(work, "s.json");
    writeFileSync(
      file,
      JSON.stringify({
        name: "openb-fixture",
        horizon: 1000,
        cluster: { type: "openb", nodes: join(FIX, "nodes.csv") },
        workload: { type: "openb", pods: join(FIX, "pods.csv"), split: { containers: [1, 3] } },
      }),
    );
    const s = validateScenario(file, JSON.parse(readFileSync(file, "utf8")));
    for (const strategy of ["kube", "mesos", "omega", "naive"]) {
      const ran = run(s, strategy, 1, { check: true });
      expect(ran.tables.groups).toHaveLength(5);
      expect(ran.row("pod-c").nodes).toBe("gpu-v100");
      expect(["gpu-t4", "gpu-v100"]).toContain(ran.row("pod-d").nodes.split(";")[0]);
    }
  });
});

describe("OpenB importer on malformed input: a clear error naming file, line and column", () => {
  const bad = (name: string, text: string) => {
    const file = join(work, name);
    writeFileSync(file, text);
    return file;
  };
  const header = "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time";
  it.each([
    ["a missing column", "missing.csv", "name,cpu_milli,num_gpu\npod-a,1,0\n", /missing\.csv:1: missing columns memory_mib, gpu_milli, gpu_spec, qos, pod_phase, creation_time, deletion_time, scheduled_time/],
    ["a non-numeric field", "non-numeric.csv", `${header}\npod-a,4000,lots,0,0,,LS,Running,10,110,10\n`, /non-numeric\.csv:2: column 3 \(memory_mib\): expected a non-negative number, got "lots"/],
    ["a negative time", "negative.csv", `${header}\npod-a,4000,8192,0,0,,LS,Running,-10,110,10\n`, /negative\.csv:2: column 9 \(creation_time\): expected a non-negative number, got "-10"/],
    ["a short row", "short.csv", `${header}\npod-a,4000,8192\n`, /short\.csv:2: expected 11 fields, got 3/],
    ["a duplicate Pod", "duplicate.csv", `${header}\npod-a,1,1,0,0,,LS,Running,1,2,1\npod-a,1,1,0,0,,LS,Running,1,2,1\n`, /duplicate\.csv:3: column 1 \(name\): duplicate Pod "pod-a"/],
  ])("%s", (_, name, text, message) => {
    const file = bad(name, text);
    expect(() => readOpenbPods(file, noSplit, new RngStreams(1))).toThrow(InputError);
    expect(() => readOpenbPods(file, noSplit, new RngStreams(1))).toThrow(message);
  });
});

describe("openb-default: the real trace", () => {
  it.each(["kube", "mesos", "omega", "naive"])("%s runs all 8,152 Pods, each once, never over capacity", (strategy) => {
    const ran = run(shipped("openb-default"), strategy, 1, { check: true });
    const ids = ran.tables.groups.map((g) => g.group_id);
    expect(ids).toHaveLength(8152);
    expect(new Set(ids).size).toBe(8152);
    expect(ran.result.cluster.size).toBe(1523);
  });
});

describe("OpenB at a load that shows something", () => {
  const scenario = (workload: Record<string, unknown>) =>
    validateScenario(join(FIX, "scenario.json"), {
      name: "openb-fixture",
      horizon: 1000,
      cluster: { type: "openb", nodes: "nodes.csv" },
      workload: { type: "openb", pods: "pods.csv", split: { containers: [1, 1] }, ...workload },
    });
  const groups = (workload: Record<string, unknown>) => run(scenario(workload), "kube").tables.groups;

  it("timeScale divides arrival gaps from the first arrival and keeps durations", () => {
    // Creation times 5 (pod-b), 10, 20, 30, 40: with timeScale 5, 5 + (t - 5) / 5 = 5, 6, 8, 10, 12.
    expect(groups({ timeScale: 5 }).map((g) => [g.group_id, g.submit])).toEqual([
      ["pod-b", 5],
      ["pod-a", 6],
      ["pod-c", 8],
      ["pod-d", 10],
      ["pod-e", 12],
    ]);
    const a = groups({ timeScale: 5 }).find((g) => g.group_id === "pod-a")!;
    expect(a.finished - a.started).toBeCloseTo(100, 9); // deletion 110 - creation 10, as recorded
  });

  it("qos keeps only the Pods of the named QoS classes", () => {
    expect(groups({ qos: ["LS"] }).map((g) => g.group_id)).toEqual(["pod-a", "pod-c"]);
    expect(groups({ qos: ["BE", "Burstable"] }).map((g) => g.group_id)).toEqual(["pod-b", "pod-d", "pod-e"]);
  });
});

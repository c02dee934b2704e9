import { createHash } from "node:crypto";
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { InputError, jsonPath } from "./errors.ts";
import { assertFile } from "./files.ts";
import type { ScenarioSpec } from "./schema.ts";

/** A file a scenario reads: a trace, or the samples of an empirical distribution. */
export interface InputFile {
  /** Where the scenario names it ($.workload.pods). */
  readonly path: string;
  /** The file, resolved against the scenario's folder. */
  readonly file: string;
}

const TRACE_FIELDS: Record<string, Record<string, string>> = {
  cluster: { openb: "nodes", google2011: "machines" },
  workload: { openb: "pods", google2011: "taskEvents", alibaba2018: "tasks" },
};

/** Every file the scenario reads, each checked to be a readable regular file. */
export function scenarioInputs(scenarioFile: string, spec: ScenarioSpec, baseDir: string): InputFile[] {
  const found: InputFile[] = [];
  const add = (path: readonly PropertyKey[], ref: string, what: string): void => {
    const file = resolve(baseDir, ref);
    try {
      assertFile(file, what);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      const why = err.message.includes("no such") ? `no such ${what} ${file} (paths are relative to the scenario file)` : err.message;
      throw new InputError(`${scenarioFile}: ${jsonPath(path)}: ${why}`);
    }
    found.push({ path: jsonPath(path), file });
  };
  const trace = (part: "cluster" | "workload", section: Record<string, unknown>, path: readonly PropertyKey[]): void => {
    const field = TRACE_FIELDS[part]![section.type as string];
    if (field !== undefined && typeof section[field] === "string") add([...path, field], section[field], "trace file");
  };
  trace("cluster", spec.cluster as unknown as Record<string, unknown>, ["cluster"]);
  const w = spec.workload;
  if (w.type === "classes") w.classes.forEach((c, i) => trace("workload", c.workload as unknown as Record<string, unknown>, ["workload", "classes", i, "workload"]));
  else trace("workload", w as unknown as Record<string, unknown>, ["workload"]);
  // Empirical distributions given by file, wherever they are.
  const walk = (value: unknown, path: PropertyKey[]): void => {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, [...path, i]));
    else if (value !== null && typeof value === "object") {
      const o = value as Record<string, unknown>;
      if (o.dist === "empirical" && typeof o.file === "string") add([...path, "file"], o.file, "sample file");
      for (const [k, v] of Object.entries(o)) walk(v, [...path, k]);
    }
  };
  walk(spec, []);
  return found;
}

/** Content digest of an input file: sha256 (hex) and size. Cached per path, size and modification time. */
export interface Digest {
  readonly sha256: string;
  readonly bytes: number;
}

const digests = new Map<string, Digest>();

export function fileDigest(file: string): Digest {
  const stat = statSync(file);
  const key = `${file}\u0000${stat.size}\u0000${stat.mtimeMs}`;
  const cached = digests.get(key);
  if (cached !== undefined) return cached;
  const hash = createHash("sha256");
  const buffer = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(file, "r");
  try {
    for (let n = readSync(fd, buffer, 0, buffer.length, null); n > 0; n = readSync(fd, buffer, 0, buffer.length, null)) hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  const digest = { sha256: hash.digest("hex"), bytes: stat.size };
  digests.set(key, digest);
  return digest;
}

import { existsSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { SCENARIO_DIR } from "../paths.ts";
import type * as z from "zod";
import { findStrategy, strategyIds } from "../strategies/registry.ts";
import { InputError, jsonPath } from "./errors.ts";
import { assertSafeKeys, FORBIDDEN_KEYS } from "./json-keys.ts";
import { parseJsonText, readText } from "./files.ts";
import { scenarioInputs, type InputFile } from "./inputs.ts";
import { closest, knownKeys } from "./suggest.ts";
import { scenarioSchema, type ScenarioSpec } from "./schema.ts";

export { SCENARIO_DIR };

/** A validated scenario: the spec with defaults filled and each strategy's parameters parsed. */
export interface Scenario {
  readonly file: string;
  readonly spec: ScenarioSpec;
  /** Parsed parameters for every registered strategy (defaults where the file is silent). */
  readonly params: Readonly<Record<string, unknown>>;
  /** The `--set` overrides applied, as given. */
  readonly overrides: readonly string[];
  /** The files the scenario reads (traces, sample files). */
  readonly inputs: readonly InputFile[];
}

/** Resolves a scenario reference: a path to a file, or the name of a shipped scenario. */
export function resolveScenarioPath(ref: string): string {
  if (existsSync(ref)) {
    if (statSync(ref).isDirectory()) throw new InputError(`${ref}: is a directory (expected a scenario file)`);
    return resolve(ref);
  }
  const shipped = join(SCENARIO_DIR, ref.endsWith(".json") ? ref : `${ref}.json`);
  if (!ref.includes("/") && existsSync(shipped)) return shipped;
  throw new InputError(`${ref}: no such scenario file, and no shipped scenario of that name (see \`cosched list\`)`);
}

/** Reads, overrides and validates a scenario. Throws InputError naming the file and JSON path. */
export function loadScenario(ref: string, overrides: readonly string[] = [], overrideLabel = "--set"): Scenario {
  const file = resolveScenarioPath(ref);
  const raw = parseJsonText(file, readText(file, "scenario file"), "a JSON scenario object");
  for (const o of overrides) applyOverride(raw, o, overrideLabel);
  return validateScenario(file, raw, overrides, overrideLabel);
}

/** The JSON path an override sets ("workload.groups.0.submit=1" -> $.workload.groups[0].submit). */
function overridePath(override: string): string {
  return jsonPath(override.slice(0, Math.max(0, override.indexOf("="))).split(".").map((k) => (/^\d+$/.test(k) ? Number(k) : k)));
}

/**
 * A validation problem at `path`: blamed on the --set flag that put the value
 * there (or above it), else on the file.
 */
function problem(file: string, where: { path: string; message: string }, overrides: readonly string[], label: string): InputError {
  const { path, message } = where;
  const culprit = [...overrides].reverse().find((o) => {
    const p = overridePath(o);
    return path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`);
  });
  return new InputError(culprit !== undefined ? `${label} ${culprit}: ${path}: ${message} (scenario ${file})` : `${file}: ${path}: ${message}`);
}

export function validateScenario(file: string, raw: unknown, overrides: readonly string[] = [], overrideLabel = "--set"): Scenario {
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) throw problem(file, firstIssue(parsed.error.issues, [], { schema: scenarioSchema, raw }), overrides, overrideLabel);
  const spec = parsed.data;
  const inputs = scenarioInputs(file, spec, dirname(file));
  const params: Record<string, unknown> = {};
  for (const key of Object.keys(spec.strategies)) {
    if (findStrategy(key) === undefined) {
      const guess = closest(key, strategyIds());
      throw new InputError(`${file}: $.strategies.${key}: unknown strategy "${key}" (${guess !== undefined ? `did you mean "${guess}"? ` : ""}expected one of ${strategyIds().join(", ")})`);
    }
  }
  for (const id of strategyIds()) {
    const definition = findStrategy(id)!;
    const result = definition.params.safeParse(spec.strategies[id] ?? {});
    if (!result.success) throw problem(file, firstIssue(result.error.issues, ["strategies", id], { schema: definition.params, raw: spec.strategies[id] }), overrides, overrideLabel);
    params[id] = result.data;
  }
  return { file, spec, params, overrides: [...overrides], inputs };
}

/** The scenario's display name: its `name`, else the file name. */
export function scenarioName(s: Scenario): string {
  return s.spec.name || basename(s.file, ".json");
}

/**
 * Applies one `path=value` override to the raw scenario object. The value is
 * parsed as JSON when it can be (numbers, booleans, objects), else kept as a
 * string. Path segments are object keys, or array indexes when numeric.
 */
export function applyOverride(raw: unknown, override: string, label = "--set"): void {
  const eq = override.indexOf("=");
  const bad = (why: string) => new InputError(`${label} ${override}: ${why}`);
  if (eq <= 0) throw bad("expected path=value, e.g. workload.rate=2");
  const path = override.slice(0, eq).split(".");
  const text = override.slice(eq + 1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = text;
  }
  if (typeof value === "object" && value !== null) assertSafeKeys(value, bad);
  if (typeof raw !== "object" || raw === null) throw bad("the scenario is not a JSON object");
  for (const key of path) {
    if (key === "") throw bad("empty path segment");
    if (FORBIDDEN_KEYS.has(key)) throw bad(`"${key}" may not be a path segment`);
  }
  let target = raw as Record<string, unknown> | unknown[];
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    const last = i === path.length - 1;
    const here = jsonPath(path.slice(0, i + 1).map((k) => (/^\d+$/.test(k) ? Number(k) : k)));
    if (Array.isArray(target)) {
      // An index must exist, or be the next one (which appends).
      if (!/^\d+$/.test(key)) throw bad(`${jsonPath(path.slice(0, i).map((k) => (/^\d+$/.test(k) ? Number(k) : k)))} is a list: expected an index, got "${key}"`);
      const index = Number(key);
      if (index > target.length) throw bad(`${here}: index ${index} is past the end of the list (it has ${target.length} item${target.length === 1 ? "" : "s"}; the next one is ${target.length})`);
      if (last) {
        target[index] = value;
        return;
      }
      if (target[index] === undefined) target[index] = /^\d+$/.test(path[i + 1]!) ? [] : {};
      const next = target[index];
      if (typeof next !== "object" || next === null) throw bad(`${here} is not an object`);
      target = next as Record<string, unknown> | unknown[];
      continue;
    }
    if (last) {
      target[key] = value;
      return;
    }
    if (!Object.hasOwn(target, key)) target[key] = /^\d+$/.test(path[i + 1]!) ? [] : {};
    const next = target[key];
    if (typeof next !== "object" || next === null) throw bad(`${here} is not an object`);
    target = next as Record<string, unknown> | unknown[];
  }
}

type Issue = z.core.$ZodIssue;

/** The schema and raw value validated, so unknown fields can be matched against the known ones. */
export interface IssueContext {
  readonly schema: z.ZodType;
  readonly raw: unknown;
}

/** One line for the first (most specific) validation issue, with its JSON path. */
export function describeIssues(issues: readonly Issue[], prefix: PropertyKey[] = [], context?: IssueContext): string {
  const { path, message } = firstIssue(issues, prefix, context);
  return `${path}: ${message}`;
}

const isMissing = (i: Issue): boolean => i.code === "invalid_type" && /received undefined$/.test(i.message);

/**
 * The issue to report: the first, except that a misspelt field is reported
 * before the required field it was meant to be ("duratoin" before
 * "duration: missing"), so the hint is not lost.
 */
export function firstIssue(issues: readonly Issue[], prefix: PropertyKey[] = [], context?: IssueContext): { path: string; message: string } {
  const typo = issues.find(
    (i) =>
      i.code === "unrecognized_keys" &&
      issues.some((m) => isMissing(m) && m.path.length === i.path.length + 1 && m.path.slice(0, -1).every((k, n) => k === i.path[n]) && i.keys.some((k) => closest(k, [String(m.path.at(-1))]) !== undefined)),
  );
  const first = typo ?? issues[0];
  if (first === undefined) return { path: jsonPath(prefix), message: "invalid" };
  const { path, message } = deepest(first, prefix, prefix.length, context);
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
  return { path: jsonPath(path), message: `${message}${more}` };
}

function deepest(issue: Issue, prefix: PropertyKey[], rootDepth: number, context: IssueContext | undefined): { path: PropertyKey[]; message: string } {
  const path = [...prefix, ...issue.path];
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    let best: { path: PropertyKey[]; message: string } | undefined;
    for (const branch of issue.errors) {
      const head = branch[0];
      if (head === undefined) continue;
      const candidate = deepest(head, path, rootDepth, context);
      if (best === undefined || candidate.path.length > best.path.length) best = candidate;
    }
    if (best !== undefined) return best;
  }
  if (issue.code === "unrecognized_keys") {
    const known = context === undefined ? [] : knownKeys(context.schema, context.raw, path.slice(rootDepth));
    const key = issue.keys[0] ?? "";
    const guess = closest(key, known);
    const hint = guess !== undefined ? ` (did you mean "${guess}"?)` : known.length > 0 ? ` (expected one of ${known.join(", ")})` : "";
    const others = issue.keys.length > 1 ? ` and ${issue.keys.length - 1} more unknown field${issue.keys.length > 2 ? "s" : ""}` : "";
    return { path: [...path, key], message: `unknown field${hint}${others}` };
  }
  return { path, message: humanMessage(issue) };
}

function humanMessage(issue: Issue): string {
  if (issue.code === "invalid_type" && /received undefined$/.test(issue.message)) {
    return `missing required field (expected ${issue.expected})`;
  }
  if (issue.code === "invalid_type" && /received (-)?Infinity$/.test(issue.message)) {
    return "expected a finite number (this one is too large for a double and reads as Infinity)";
  }
  return issue.message.replace(/^Invalid input: /, "");
}

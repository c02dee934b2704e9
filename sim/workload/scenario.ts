import { existsSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { SCENARIO_DIR } from "../paths.ts";
import type { z } from "zod";
import { findStrategy, strategyIds } from "../strategies/registry.ts";
import { InputError, jsonPath } from "./errors.ts";
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
export function loadScenario(ref: string, overrides: readonly string[] = []): Scenario {
  const file = resolveScenarioPath(ref);
  const raw = parseJsonText(file, readText(file, "scenario file"), "a JSON scenario object");
  for (const o of overrides) applyOverride(raw, o);
  return validateScenario(file, raw, overrides);
}

export function validateScenario(file: string, raw: unknown, overrides: readonly string[] = []): Scenario {
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) throw new InputError(`${file}: ${describeIssues(parsed.error.issues, [], { schema: scenarioSchema, raw })}`);
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
    if (!result.success) {
      throw new InputError(`${file}: ${describeIssues(result.error.issues, ["strategies", id], { schema: definition.params, raw: spec.strategies[id] })}`);
    }
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
export function applyOverride(raw: unknown, override: string): void {
  const eq = override.indexOf("=");
  if (eq <= 0) throw new InputError(`--set ${override}: expected path=value, e.g. workload.rate=2`);
  const path = override.slice(0, eq).split(".");
  const text = override.slice(eq + 1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = text;
  }
  if (typeof raw !== "object" || raw === null) throw new InputError(`--set ${override}: the scenario is not a JSON object`);
  let target = raw as Record<string, unknown>;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    if (key === "") throw new InputError(`--set ${override}: empty path segment`);
    const next = target[key];
    if (next === undefined) {
      target[key] = /^\d+$/.test(path[i + 1]!) ? [] : {};
    } else if (typeof next !== "object" || next === null) {
      throw new InputError(`--set ${override}: ${jsonPath(path.slice(0, i + 1))} is not an object`);
    }
    target = target[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1]!;
  if (last === "") throw new InputError(`--set ${override}: empty path segment`);
  target[last] = value;
}

type Issue = z.core.$ZodIssue;

/** The schema and raw value validated, so unknown fields can be matched against the known ones. */
export interface IssueContext {
  readonly schema: z.ZodType;
  readonly raw: unknown;
}

/** One line for the first (most specific) validation issue, with its JSON path. */
export function describeIssues(issues: readonly Issue[], prefix: PropertyKey[] = [], context?: IssueContext): string {
  const first = issues[0];
  if (first === undefined) return "invalid";
  const { path, message } = deepest(first, prefix, prefix.length, context);
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
  return `${jsonPath(path)}: ${message}${more}`;
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

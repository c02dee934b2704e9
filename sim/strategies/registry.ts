import { kube, kubeCoscheduling } from "./kube.ts";
import { kubeKueue } from "./kueue.ts";
import { mesos } from "./mesos.ts";
import { naive } from "./naive.ts";
import { omega } from "./omega.ts";
import type { StrategyDefinition } from "./strategy.ts";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDefinition = StrategyDefinition<any>;

/** Every strategy, by id. Adding a strategy is one file plus one line here (or registerStrategy at run time). */
const DEFINITIONS: AnyDefinition[] = [kube, mesos, omega, naive, kubeCoscheduling, kubeKueue];

const BY_ID = new Map<string, AnyDefinition>(DEFINITIONS.map((d) => [d.id, d]));

/**
 * Adds a strategy at run time (a researcher's own, through the API): it can
 * then be run by id, and scenarios may configure it under strategies.<id>.
 * It joins "all" only in the process that registered it.
 */
export function registerStrategy<P>(definition: StrategyDefinition<P>): void {
  if (!/^[a-z][a-z0-9-]*$/.test(definition.id)) throw new Error(`registerStrategy: id "${definition.id}" must be lowercase letters, digits and dashes`);
  if (BY_ID.has(definition.id)) throw new Error(`registerStrategy: a strategy "${definition.id}" is already registered`);
  DEFINITIONS.push(definition);
  BY_ID.set(definition.id, definition);
}

export function strategyIds(): string[] {
  return DEFINITIONS.map((d) => d.id);
}

/** The strategies "all" stands for: every one that is not a variant of another. */
export function coreStrategyIds(): string[] {
  return DEFINITIONS.filter((d) => d.variantOf === undefined).map((d) => d.id);
}

export function findStrategy(id: string): AnyDefinition | undefined {
  return BY_ID.get(id);
}

export function allStrategies(): readonly AnyDefinition[] {
  return DEFINITIONS;
}

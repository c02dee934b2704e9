import { kube } from "./kube.ts";
import { mesos } from "./mesos.ts";
import { naive } from "./naive.ts";
import { omega } from "./omega.ts";
import type { StrategyDefinition } from "./strategy.ts";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDefinition = StrategyDefinition<any>;

/** Every strategy, by id. Adding a strategy is one file plus one line here. */
const DEFINITIONS: readonly AnyDefinition[] = [kube, mesos, omega, naive];

const BY_ID = new Map<string, AnyDefinition>(DEFINITIONS.map((d) => [d.id, d]));

export function strategyIds(): string[] {
  return DEFINITIONS.map((d) => d.id);
}

export function findStrategy(id: string): AnyDefinition | undefined {
  return BY_ID.get(id);
}

export function allStrategies(): readonly AnyDefinition[] {
  return DEFINITIONS;
}

import { createHash } from "node:crypto";
import { dirname } from "node:path";
import { Phase, RngStreams, Simulator } from "./engine/index.ts";
import { Ev, EventLog } from "./metrics/log.ts";
import { Cluster } from "./model/cluster.ts";
import type { Group } from "./model/group.ts";
import { invariantObserver } from "./check/observer.ts";
import { Lifecycle } from "./model/lifecycle.ts";
import { findStrategy, strategyIds } from "./strategies/registry.ts";
import type { Strategy, StrategyContext } from "./strategies/strategy.ts";
import { InputError } from "./workload/errors.ts";
import { buildWorkload, type Workload } from "./workload/build.ts";
import { scenarioName, type Scenario } from "./workload/scenario.ts";

export interface RunOptions {
  /** Run the validating observer after every event (see sim/check; for tests and --check-invariants). */
  readonly check?: boolean;
  /** Extra observers called after every event, given the run's internals. */
  readonly observers?: readonly ((now: number, run: RunInternals) => void)[];
  /**
   * Called PROGRESS_STEPS times as simulated time advances (the run is
   * simulated in slices; results do not change), with the fraction done.
   */
  readonly onProgress?: (fraction: number, events: number) => void;
}

const PROGRESS_STEPS = 100;

/** The live objects of a run, for observers in tests. */
export interface RunInternals {
  readonly sim: Simulator;
  readonly cluster: Cluster;
  readonly lifecycle: Lifecycle;
  readonly log: EventLog;
  readonly workload: Workload;
  readonly strategy: Strategy;
}

/** What one run produced: the record and what is needed to summarise it. */
export interface RunResult {
  readonly runId: string;
  readonly scenario: string;
  readonly strategy: string;
  readonly seed: number;
  readonly workload: Workload;
  readonly cluster: Cluster;
  readonly log: EventLog;
  /** End of the observed window (the horizon). */
  readonly end: number;
  readonly sampleEvery: number;
  readonly events: number;
  readonly wallMs: number;
}

/** Stable id of (resolved scenario, strategy, seed): a hex digest prefix. */
export function runId(scenario: Scenario, strategy: string, seed: number): string {
  const h = createHash("sha256");
  h.update(stableStringify({ scenario: scenario.spec, overrides: scenario.overrides, strategy, seed }));
  return h.digest("hex").slice(0, 12);
}

export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** Runs one (scenario, strategy, seed): deterministic, single-threaded. */
export function runOnce(scenario: Scenario, strategyId: string, seed: number, options: RunOptions = {}): RunResult {
  const definition = findStrategy(strategyId);
  if (definition === undefined) {
    throw new InputError(`unknown strategy "${strategyId}" (expected one of ${strategyIds().join(", ")})`);
  }
  const started = performance.now();
  const spec = scenario.spec;
  const rng = new RngStreams(seed);
  const workload = buildWorkload(spec, rng, dirname(scenario.file));
  const cluster = new Cluster(workload.nodes);
  const sim = new Simulator();
  const log = new EventLog();
  const lifecycle = new Lifecycle(sim, cluster, workload.groups, log);
  const ctx: StrategyContext = {
    sim,
    cluster,
    groups: workload.groups,
    lifecycle,
    log,
    rng,
    decision: spec.decision,
    podOverhead: spec.podOverhead,
  };
  const strategy = definition.create(ctx, scenario.params[strategyId]);
  lifecycle.onFreed = (node, group) => strategy.onFreed(node, group);
  feedArrivals(sim, workload.groups, strategy);
  scheduleFaults({ sim, cluster, lifecycle, log, strategy, rng, spec, file: scenario.file });

  const invariant = options.check ? invariantObserver({ cluster, log, groups: workload.groups, strategy }) : undefined;
  if (invariant !== undefined) sim.observe(invariant.afterEvent);
  const internals: RunInternals = { sim, cluster, lifecycle, log, workload, strategy };
  for (const observer of options.observers ?? []) sim.observe((now) => observer(now, internals));

  if (options.onProgress === undefined) {
    sim.run(spec.horizon);
  } else {
    for (let k = 1; k <= PROGRESS_STEPS; k++) {
      sim.run(k === PROGRESS_STEPS ? spec.horizon : (spec.horizon * k) / PROGRESS_STEPS);
      options.onProgress(k / PROGRESS_STEPS, sim.eventsProcessed);
    }
  }
  invariant?.afterEvent(sim.now);
  invariant?.checkAll(sim.now);
  return {
    runId: runId(scenario, strategyId, seed),
    scenario: scenarioName(scenario),
    strategy: strategyId,
    seed,
    workload,
    cluster,
    log,
    end: spec.horizon,
    sampleEvery: spec.sampleEvery,
    events: sim.eventsProcessed,
    wallMs: performance.now() - started,
  };
}

interface FaultContext {
  readonly sim: Simulator;
  readonly cluster: Cluster;
  readonly lifecycle: Lifecycle;
  readonly log: EventLog;
  readonly strategy: Strategy;
  readonly rng: RngStreams;
  readonly spec: Scenario["spec"];
  readonly file: string;
}

/**
 * Node failures and recoveries, from the scenario's explicit events and its
 * random process (exponential times to failure and to repair, per node, from
 * the "faults" stream). A failed node loses its tasks; a lost group with
 * `restart: "controller"` is submitted again after controllerDelay.
 */
function scheduleFaults(f: FaultContext): void {
  const { sim, cluster, lifecycle, log, strategy, spec } = f;
  const resubmit = (group: Group): void => {
    log.push(sim.now, Ev.Restart, group.index);
    submit(sim, strategy, group);
  };
  const fail = (node: number): void => {
    if (cluster.up[node] === 0) return;
    const lost = lifecycle.failNode(node);
    strategy.onNodeDown(node);
    for (const group of lost) {
      strategy.onLost(group);
      if (group.restart === "controller") sim.after(spec.controllerDelay, Phase.Arrival, () => resubmit(group));
    }
  };
  const recover = (node: number): void => {
    if (cluster.up[node] === 1) return;
    lifecycle.recoverNode(node);
    strategy.onFreed(node);
  };
  spec.faults.events.forEach((e, i) => {
    const node = cluster.nodeIndex(e.node);
    if (node === undefined) throw new InputError(`${f.file}: $.faults.events[${i}].node: no node named "${e.node}"`);
    sim.schedule(e.at, Phase.Release, () => (e.type === "nodeFail" ? fail(node) : recover(node)));
  });
  const random = spec.faults.random;
  if (random !== undefined) {
    const rng = f.rng.stream("faults");
    const cycle = (node: number): void => {
      sim.after(rng.exponential(random.mtbf), Phase.Release, () => {
        fail(node);
        sim.after(rng.exponential(random.mttr), Phase.Release, () => {
          recover(node);
          cycle(node);
        });
      });
    };
    for (let node = 0; node < cluster.size; node++) cycle(node);
  }
}

/** Submits a group now; each member arrives `delay` seconds later. */
function submit(sim: Simulator, strategy: Strategy, group: Group): void {
  strategy.onSubmit(group);
  group.members.forEach((m, j) => sim.after(m.delay, Phase.Arrival, () => strategy.onMemberArrival(group, j)));
}

/**
 * Submits groups in order, one pending submit event at a time (so the queue
 * does not hold the whole workload), and each member at submit + delay.
 */
function feedArrivals(sim: Simulator, groups: readonly Group[], strategy: Strategy): void {
  let next = 0;
  const submitNext = (): void => {
    submit(sim, strategy, groups[next++]!);
    if (next < groups.length) sim.schedule(groups[next]!.submit, Phase.Arrival, submitNext);
  };
  if (groups.length > 0) sim.schedule(groups[0]!.submit, Phase.Arrival, submitNext);
}

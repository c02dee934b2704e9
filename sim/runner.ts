import { createHash } from "node:crypto";
import { dirname } from "node:path";
import { Phase, RngStreams, Simulator } from "./engine/index.ts";
import { Ev, EventLog } from "./metrics/log.ts";
import { Cluster } from "./model/cluster.ts";
import { memberCount, memberDelay, type Group } from "./model/group.ts";
import { invariantObserver } from "./check/observer.ts";
import { Lifecycle } from "./model/lifecycle.ts";
import { findStrategy, strategyIds } from "./strategies/registry.ts";
import type { Strategy, StrategyContext } from "./strategies/strategy.ts";
import { InputError } from "./workload/errors.ts";
import { buildWorkload, type Workload } from "./workload/build.ts";
import { fileDigest } from "./workload/inputs.ts";
import type { WorkloadReuse } from "./workload/reuse.ts";
import { scenarioName, type Scenario } from "./workload/scenario.ts";

export interface RunOptions {
  /** Run the validating observer after every event (see sim/check; for tests and --check-invariants). */
  readonly check?: boolean;
  /** Extra observers called after every event, given the run's internals. */
  readonly observers?: readonly ((now: number, run: RunInternals) => void)[];
  /**
   * Called after every slice of at most SLICE_EVENTS events (the run is then
   * simulated in slices; results do not change), with the fraction of the
   * horizon simulated and the events so far.
   */
  readonly onProgress?: (fraction: number, events: number) => void;
  /** Events per slice when the run is simulated in slices (default SLICE_EVENTS). */
  readonly sliceEvents?: number;
  /** Called once the workload is built and the log made, before the first event (the log's buffers may then be touched elsewhere). */
  readonly onStart?: (log: EventLog, groups: number) => void;
  /** Where the thread keeps its last workload: a run of the same scenario and seed takes it instead of building it again. */
  readonly reuse?: WorkloadReuse;
}

/** Events per slice of a sliced run: tens of milliseconds of work, so a slice boundary is never far. */
export const SLICE_EVENTS = 100_000;


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

/**
 * Stable id of (resolved scenario, the contents of every file it reads,
 * strategy, seed): a hex digest prefix. Resolved values, not override text,
 * so the order of --set flags does not matter; contents, not paths, so an
 * edited trace is a new run.
 */
export function runId(scenario: Scenario, strategy: string, seed: number): string {
  const h = createHash("sha256");
  const inputs = scenario.inputs.map((i) => ({ path: i.path, sha256: fileDigest(i.file).sha256 }));
  h.update(stableStringify({ scenario: scenario.spec, inputs, strategy, seed }));
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
  const run = startRun(scenario, strategyId, seed, options);
  const slice = options.onProgress === undefined ? Infinity : (options.sliceEvents ?? SLICE_EVENTS);
  while (!run.advance(slice));
  return run.finish();
}

/**
 * runOnce, simulated in slices of at most SLICE_EVENTS events with a turn of
 * the event loop between them, so signals and timers are handled during a
 * long run whatever its horizon. The same results.
 */
export async function runOnceAsync(scenario: Scenario, strategyId: string, seed: number, options: RunOptions = {}): Promise<RunResult> {
  const run = startRun(scenario, strategyId, seed, options);
  while (!run.advance(SLICE_EVENTS)) await new Promise<void>((resolveTurn) => setImmediate(resolveTurn));
  return run.finish();
}

interface StartedRun {
  /** Simulates at most `maxEvents` more events; true once the horizon is reached. */
  advance(maxEvents: number): boolean;
  finish(): RunResult;
}

function startRun(scenario: Scenario, strategyId: string, seed: number, options: RunOptions): StartedRun {
  const definition = findStrategy(strategyId);
  if (definition === undefined) {
    throw new InputError(`unknown strategy "${strategyId}" (expected one of ${strategyIds().join(", ")})`);
  }
  const started = performance.now();
  const spec = scenario.spec;
  const rng = new RngStreams(seed);
  const workload = options.reuse?.workload(scenario, rng) ?? buildWorkload(spec, rng, dirname(scenario.file));
  const cluster = new Cluster(workload.nodes);
  const sim = new Simulator();
  const log = new EventLog();
  options.onStart?.(log, workload.groups.length);
  const lifecycle = new Lifecycle(sim, cluster, workload.groups, log);
  let submissions: Submissions | undefined;
  const replace = (group: Group): void => {
    submissions!.drop(group);
    if (group.restart === "controller") {
      sim.after(spec.controllerDelay, Phase.Arrival, () => {
        log.push(sim.now, Ev.Restart, group.index);
        lifecycle.revive(group);
        submissions!.submit(group);
      });
    }
  };
  const ctx: StrategyContext = {
    sim,
    cluster,
    groups: workload.groups,
    lifecycle,
    log,
    rng,
    decision: spec.decision,
    classes: workload.classes,
    podOverhead: spec.podOverhead,
    evicted: (group) => {
      strategy.onLost(group);
      replace(group);
    },
  };
  const strategy = definition.create(ctx, scenario.params[strategyId]);
  lifecycle.onFreed = (node, group, pod) => strategy.onFreed(node, group, pod);
  submissions = new Submissions(sim, strategy, workload.groups.length, (g) => lifecycle.isDone(g));
  const fill = spec.placeOnce === undefined ? undefined : fillCheck(sim, lifecycle, log, spec.placeOnce.gap);
  feedArrivals(sim, workload.groups, submissions, fill);
  scheduleFaults({ sim, cluster, lifecycle, log, strategy, submissions, replace, rng, spec, file: scenario.file });

  const invariant = options.check ? invariantObserver({ cluster, log, groups: workload.groups, strategy }) : undefined;
  if (invariant !== undefined) sim.observe(invariant.afterEvent);
  const internals: RunInternals = { sim, cluster, lifecycle, log, workload, strategy };
  for (const observer of options.observers ?? []) sim.observe((now) => observer(now, internals));

  return {
    advance(maxEvents) {
      const done = sim.run(spec.horizon, maxEvents);
      options.onProgress?.(done ? 1 : sim.now / spec.horizon, sim.eventsProcessed);
      return done;
    },
    finish() {
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
    },
  };
}

interface FaultContext {
  readonly sim: Simulator;
  readonly cluster: Cluster;
  readonly lifecycle: Lifecycle;
  readonly log: EventLog;
  readonly strategy: Strategy;
  readonly submissions: Submissions;
  /** Drops a gone group's pending arrivals and lets its controller replace it. */
  readonly replace: (group: Group) => void;
  readonly rng: RngStreams;
  readonly spec: Scenario["spec"];
  readonly file: string;
}

/**
 * Node failures and recoveries, from the scenario's explicit events and its
 * random process (exponential times to failure and to repair, per node, from
 * the "faults" stream). A failed node loses its tasks at once, and nothing
 * new is placed there; the strategy learns that the groups are gone only
 * `strategy.failureDetection` seconds later (kube: the node is marked
 * NotReady after nodeMonitorGracePeriod, its Pods evicted tolerationSeconds
 * after that), and only then does a controller submit a replacement of a
 * `restart: "controller"` group, controllerDelay seconds on.
 */
function scheduleFaults(f: FaultContext): void {
  const { sim, cluster, lifecycle, strategy, submissions, replace, spec } = f;
  const detection = strategy.failureDetection ?? 0;
  const fail = (node: number): void => {
    if (cluster.up[node] === 0) return;
    const lost = lifecycle.failNode(node);
    strategy.onNodeDown(node);
    // Their members still to arrive belong to Pods that are gone.
    const generations = lost.map((group) => submissions.drop(group));
    const notice = (): void => {
      lost.forEach((group, i) => {
        // Already handled meanwhile (its stale Pod was evicted and replaced): not lost twice.
        if (submissions.generationOf(group) !== generations[i]) return;
        strategy.onLost(group);
        replace(group);
      });
    };
    if (detection > 0) sim.after(detection, Phase.Release, notice);
    else notice();
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

/**
 * Hands groups to the strategy: onSubmit now, each member at submit + delay.
 * When a node failure loses a group, its members still to arrive are dropped
 * (a controller's replacement brings its own).
 */
class Submissions {
  private readonly generation: Uint32Array;

  constructor(
    private readonly sim: Simulator,
    private readonly strategy: Strategy,
    groups: number,
    /** Whether the group's run is over (a gang that ran its duration with minMember Pods): its later members are not needed. */
    private readonly isDone: (group: number) => boolean,
  ) {
    this.generation = new Uint32Array(groups);
  }

  submit(group: Group): void {
    const { sim, strategy, generation } = this;
    const gen = generation[group.index]!;
    strategy.onSubmit(group);
    for (let j = 0, n = memberCount(group); j < n; j++) {
      sim.after(memberDelay(group, j), Phase.Arrival, () => {
        if (generation[group.index] === gen && !this.isDone(group.index)) strategy.onMemberArrival(group, j);
      });
    }
  }

  /** The group was lost: member arrivals still pending belong to a Pod that is gone. Returns its new generation. */
  drop(group: Group): number {
    return ++this.generation[group.index]!;
  }

  /** How many times the group's pending arrivals were dropped. */
  generationOf(group: Group): number {
    return this.generation[group.index]!;
  }
}

/**
 * Submits groups in order, one pending submit event at a time (so the queue
 * does not hold the whole workload), and each member at submit + delay.
 */
function feedArrivals(sim: Simulator, groups: readonly Group[], submissions: Submissions, fill?: FillCheck): void {
  let next = 0;
  const submitNext = (): void => {
    if (fill?.full) return;
    const group = groups[next++]!;
    submissions.submit(group);
    fill?.watch(group);
    if (next < groups.length) sim.schedule(groups[next]!.submit, Phase.Arrival, submitNext);
  };
  if (groups.length > 0) sim.schedule(groups[0]!.submit, Phase.Arrival, submitNext);
}

interface FillCheck {
  /** True once a group failed to run whole in time: nothing more is submitted. */
  readonly full: boolean;
  watch(group: Group): void;
}

/**
 * placeOnce: `gap` seconds after each submit (before the next one, as a
 * release-phase event), a group that does not run whole is the first failure:
 * logged as FillFailed, and the cluster counts as full.
 */
function fillCheck(sim: Simulator, lifecycle: Lifecycle, log: EventLog, gap: number): FillCheck {
  const state = {
    full: false,
    watch(group: Group): void {
      sim.after(gap, Phase.Release, () => {
        if (state.full || lifecycle.runningMembers(group.index) === memberCount(group)) return;
        state.full = true;
        log.push(sim.now, Ev.FillFailed, group.index);
      });
    },
  };
  return state;
}

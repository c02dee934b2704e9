import fc from "fast-check";
import { validateScenario, type Scenario } from "../../sim/workload/scenario.ts";

/**
 * fast-check arbitraries for small random scenarios (1 to 50 nodes, 1 to 200
 * groups, random members, delays, durations and node failures) and for every
 * strategy's modes. They produce plain scenario objects, as a user would
 * write them, so a failing case prints as a scenario file.
 */

export interface Size {
  readonly maxNodes: number;
  readonly maxGroups: number;
  readonly maxMembers: number;
}

export const SMALL: Size = { maxNodes: 50, maxGroups: 200, maxMembers: 4 };
/** Small enough for the brute-force deadlock oracle (at most 4 groups). */
export const TINY: Size = { maxNodes: 3, maxGroups: 4, maxMembers: 3 };

const nodeArb = fc.record({
  cpu: fc.integer({ min: 1, max: 16 }).map((k) => k * 1000),
  memory: fc.integer({ min: 1, max: 32 }).map((k) => k * 1024),
  gpu: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 4 }).map((k) => k * 1000) }),
});

const memberArb = fc.record({
  request: fc.record({
    cpu: fc.integer({ min: 0, max: 40 }).map((k) => k * 100),
    memory: fc.integer({ min: 0, max: 48 }).map((k) => k * 256),
    gpu: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(500, 1000) }),
  }),
  delay: fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, { weight: 3, arbitrary: fc.integer({ min: 0, max: 60 }).map((k) => k / 10) }),
  init: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

const tenths = (max: number) => fc.integer({ min: 0, max: max * 10 }).map((k) => k / 10);

/**
 * Arrays of 1..max items: half the time with fast-check's bias to small
 * arrays (which shrink well), half the time of a length uniform in 1..max, so
 * busy scenarios (hundreds of groups on tens of nodes) are common too.
 */
function list<T>(item: fc.Arbitrary<T>, max: number): fc.Arbitrary<T[]> {
  return fc.oneof(
    fc.array(item, { minLength: 1, maxLength: max }),
    fc.integer({ min: 1, max }).chain((n) => fc.array(item, { minLength: n, maxLength: n })),
  );
}

/** A group's shape: colocate (its members), or a gang or job of 1-3 kinds of Pods, 1-3 of each (gangs with a random minMember). */
function shapeArb(size: Size) {
  const members = fc.array(memberArb, { minLength: 1, maxLength: size.maxMembers });
  const pods = fc.array(fc.record({ members, count: fc.integer({ min: 1, max: 3 }) }), { minLength: 1, maxLength: 3 });
  return fc.oneof(
    { weight: 4, arbitrary: members.map((m) => ({ kind: "colocate", members: m })) },
    { weight: 1, arbitrary: fc.record({ pods, share: fc.double({ min: 0.01, max: 1, noNaN: true }) }).map(({ pods, share }) => ({ kind: "gang", pods, minMember: Math.max(1, Math.ceil(share * pods.reduce((n, p) => n + p.count, 0))) })) },
    { weight: 1, arbitrary: pods.map((p) => ({ kind: "job", pods: p })) },
  );
}

function inlineWorkload(size: Size, horizon: number) {
  return list(
    fc.record({
      submit: tenths(Math.floor(horizon * 0.8)),
      duration: fc.integer({ min: 1, max: 200 }),
      priority: fc.integer({ min: 0, max: 3 }),
      shape: shapeArb(size),
      restart: fc.constantFrom("never", "controller"),
    }),
    size.maxGroups,
  )
    .map((groups) => ({ type: "inline", groups: groups.map(({ shape, ...g }, i) => ({ id: `g${i}`, ...g, ...shape })) }));
}

function generatedWorkload(size: Size) {
  return fc.record({
    type: fc.constant("generate"),
    groups: fc.integer({ min: 1, max: size.maxGroups }),
    rate: fc.constantFrom(0.5, 1, 2, 5),
    members: fc.integer({ min: 1, max: size.maxMembers }).chain((min) => fc.record({ min: fc.constant(min), max: fc.integer({ min, max: size.maxMembers }) })),
    request: fc.record({
      cpu: fc.constant({ dist: "uniform", min: 100, max: 4000 }),
      memory: fc.constant({ dist: "lognormal", median: 1024, sigma: 1 }),
    }),
    duration: fc.constantFrom({ dist: "exponential", mean: 30 }, { dist: "uniform", min: 5, max: 100 }),
    delay: fc.constantFrom(0, { dist: "uniform", min: 0, max: 3 }),
    restart: fc.constantFrom("never", "controller"),
    multi: fc.constantFrom({}, {}, { kind: "gang", pods: { dist: "uniform", min: 1, max: 4 }, minMemberFraction: 0.5 }, { kind: "job", pods: 3, podDelay: { dist: "uniform", min: 0, max: 2 } }),
  }).map(({ multi, ...w }) => ({ ...w, ...multi }));
}

/** A random scenario object: inline or generated workload, optional node failures. */
export function rawScenarioArb(size: Size = SMALL, workloads: "inline" | "any" = "any") {
  return fc
    .record({
      nodes: list(nodeArb, size.maxNodes),
      horizon: fc.integer({ min: 20, max: 400 }),
      tJob: fc.constantFrom(0, 0.01, 0.1, 1),
      tTask: fc.constantFrom(0, 0.005, 0.05),
      podOverhead: fc.constantFrom({}, { cpu: 100, memory: 64 }),
    })
    .chain((base) =>
      fc.record({
        base: fc.constant(base),
        workload: workloads === "inline" ? inlineWorkload(size, base.horizon) : fc.oneof(inlineWorkload(size, base.horizon), generatedWorkload(size)),
        faults: fc.oneof(
          { weight: 3, arbitrary: fc.constant({ events: [] as unknown[] }) },
          {
            weight: 1,
            arbitrary: fc
              .array(fc.record({ type: fc.constantFrom("nodeFail", "nodeRecover"), node: fc.nat(base.nodes.length - 1), at: tenths(base.horizon) }), { maxLength: 6 })
              .map((events) => ({ events: events.map((e) => ({ ...e, node: `n${e.node}` })) })),
          },
          { weight: 1, arbitrary: fc.record({ events: fc.constant([] as unknown[]), random: fc.record({ mtbf: fc.constantFrom(50, 200, 1000), mttr: fc.constantFrom(5, 30) }) }) },
        ),
        controllerDelay: fc.constantFrom(0, 5),
      }),
    )
    .map(({ base, workload, faults, controllerDelay }) => ({
      name: "random",
      horizon: base.horizon,
      sampleEvery: Math.max(1, base.horizon / 20),
      decision: { tJob: base.tJob, tTask: base.tTask },
      podOverhead: base.podOverhead,
      cluster: { type: "inline", nodes: base.nodes.map((capacity, i) => ({ name: `n${i}`, capacity })) },
      workload,
      faults,
      controllerDelay,
    }));
}

/** Every mode of every strategy, as `strategies` objects of a scenario. */
export const modeArbs = {
  kube: fc.record({
    scoring: fc.constantFrom("LeastAllocated", "MostAllocated", "BalancedAllocation"),
    percentageOfNodesToScore: fc.constantFrom(0, 10, 100),
  }),
  naive: fc.record({ scoring: fc.constantFrom("LeastAllocated", "MostAllocated", "BalancedAllocation") }),
  mesos: fc.record({
    frameworks: fc.integer({ min: 1, max: 3 }),
    hold: fc.constantFrom("whole-offer", "exact"),
    target: fc.constantFrom("arrived", "declared"),
    onDeadlock: fc.constantFrom("report", "abort-youngest"),
    offerOrder: fc.constantFrom("shuffled", "node"),
    offerTimeout: fc.constantFrom(null, 3, 20),
    refuseSeconds: fc.constantFrom(0, 5),
    allocationInterval: fc.constantFrom(0.5, 1),
    revive: fc.boolean(),
    offerScope: fc.constantFrom("node", "cell"),
  }),
  omega: fc.record({
    schedulers: fc.integer({ min: 1, max: 4 }),
    conflict: fc.constantFrom("resource-fit", "sequence-numbers"),
    commit: fc.constantFrom("incremental", "all-or-nothing"),
    placement: fc.constantFrom("random-first-fit", "random-start-first-fit", "first-fit", "least-allocated"),
    seqOnRelease: fc.boolean(),
    retryDelay: fc.constantFrom(0.5, 1),
    gangCommit: fc.constantFrom("incremental", "all-or-nothing"),
  }),
  "kube-coscheduling": fc.record({
    coscheduling: fc.record({
      permitWaitingTimeSeconds: fc.constantFrom(2, 60),
      podGroupRejectPercentage: fc.constantFrom(0, 10, 50),
      podGroupBackoffSeconds: fc.constantFrom(0, 3),
    }),
  }),
  "kube-kueue": fc.record({
    kueue: fc.record({
      quota: fc.constantFrom(0.5, 1, 3),
      queueingStrategy: fc.constantFrom("BestEffortFIFO", "StrictFIFO"),
      waitForPodsReady: fc.record({ enable: fc.boolean(), timeout: fc.constantFrom(5, 300), backoffBaseSeconds: fc.constantFrom(1, 60), blockAdmission: fc.boolean() }),
    }),
  }),
} as const;

export type StrategyId = keyof typeof modeArbs;
export const STRATEGY_IDS = Object.keys(modeArbs) as StrategyId[];

/** A validated random scenario with random modes for `strategy`, plus a seed. */
export function caseArb(strategy: StrategyId, size: Size = SMALL, workloads: "inline" | "any" = "any") {
  return fc.record({ raw: rawScenarioArb(size, workloads), params: modeArbs[strategy] as fc.Arbitrary<Record<string, unknown>>, seed: fc.integer({ min: 0, max: 1000 }) }).map(({ raw, params, seed }) => {
    // Coscheduling's rejected Pods retry at once: with zero decision time that never leaves the instant (a
    // livelock the simulator reports, see test/gangs.test.ts), so its cycles take some time here.
    const decision = strategy === "kube-coscheduling" && raw.decision.tJob === 0 ? { ...raw.decision, tJob: 0.01 } : raw.decision;
    const withModes = { ...raw, decision, strategies: { [strategy]: params } };
    return { raw: withModes, scenario: validateScenario("<random>", withModes), seed };
  });
}

export type RandomCase = { raw: Record<string, unknown>; scenario: Scenario; seed: number };

function scale(): number {
  const x = Number(process.env.COSCHED_PROPERTY_SCALE ?? 1);
  return Number.isFinite(x) && x > 0 ? x : 1;
}

/** How many cases a property runs: `base` times COSCHED_PROPERTY_SCALE (1 by default; `npm run test:long` sets 20). */
export function numRuns(base: number): number {
  return Math.max(1, Math.round(base * scale()));
}

/** A test timeout that grows with the number of cases. */
export function timeoutFor(baseMs: number): number {
  return Math.round(baseMs * Math.max(1, scale()));
}

/** The seed of a property: `fixed` (reproducible in CI), or fast-check's own when COSCHED_PROPERTY_SEED=random (it prints it on failure). */
export function propertySeed(fixed: number): number | undefined {
  const env = process.env.COSCHED_PROPERTY_SEED;
  if (env === "random") return undefined;
  return env !== undefined && /^\d+$/.test(env) ? Number(env) : fixed;
}

import { validateScenario, type Scenario } from "../sim/workload/scenario.ts";

/** Groups per second per node: keeps a generated cluster around 70 % busy in steady state. */
export const RATE_PER_NODE = 0.011;

/**
 * The scale benchmark's workload: `nodes` generated nodes and `groups`
 * colocate groups of 2 to 4 containers, arriving at a rate proportional to
 * the cluster size, with decision times small enough that one kube scheduler
 * keeps up at 50,000 nodes. The horizon lets every group finish.
 */
export function scaleScenario(nodes: number, groups: number): Scenario {
  return validateScenario(`<bench ${nodes} nodes x ${groups} groups>`, scaleSpec(nodes, groups));
}

/** The scale scenario as a scenario file holds it (for whole `cosched run` commands). */
/** What the scale and gang benchmarks share: sampling, decision times, and `nodes` generated nodes of 32 cores. */
function benchBase(nodes: number, groups: number, rate: number) {
  return {
    horizon: Math.ceil(groups / rate + 3000),
    sampleEvery: 60,
    decision: { tJob: 0.0002, tTask: 0.0001 },
    cluster: { type: "generate", count: nodes, capacity: { cpu: 32000, memory: 131072 }, heterogeneity: 0.25 },
  };
}

export function scaleSpec(nodes: number, groups: number): Record<string, unknown> {
  const rate = nodes * RATE_PER_NODE;
  return {
    name: `scale-${nodes}n-${groups}g`,
    ...benchBase(nodes, groups, rate),
    workload: {
      type: "generate",
      groups,
      rate,
      members: { min: 2, max: 4 },
      request: {
        cpu: { dist: "uniform", min: 500, max: 4000 },
        memory: { dist: "lognormal", median: 4096, sigma: 0.8 },
      },
      duration: { dist: "lognormal", median: 300, sigma: 0.5 },
      delay: { dist: "uniform", min: 0, max: 2 },
    },
  };
}

/**
 * The gang benchmark of the gangs issue: `nodes` nodes and `gangs` gangs of
 * 2-64 Pods (one container of 1-4 cores each, ~33 Pods per gang on average,
 * so 10,000 gangs are ~330,000 Pods), arriving at 1 gang/s per 1,000 nodes
 * (about 0.8 of the cluster's cpu in use at the peak), each running ~5 min.
 */
export function gangSpec(nodes: number, gangs: number): Record<string, unknown> {
  const rate = nodes / 1000;
  return {
    name: `gangs-${nodes}n-${gangs}g`,
    ...benchBase(nodes, gangs, rate),
    workload: {
      type: "generate",
      groups: gangs,
      rate,
      kind: "gang",
      pods: { dist: "uniform", min: 2, max: 64 },
      members: { min: 1, max: 1 },
      request: {
        cpu: { dist: "uniform", min: 1000, max: 4000 },
        memory: { dist: "lognormal", median: 4096, sigma: 0.8 },
      },
      duration: { dist: "lognormal", median: 300, sigma: 0.5 },
    },
  };
}

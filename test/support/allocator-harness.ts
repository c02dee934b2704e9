import { RngStreams, Simulator } from "../../sim/engine/index.ts";
import { EventLog } from "../../sim/metrics/log.ts";
import { Cluster } from "../../sim/model/cluster.ts";
import { Lifecycle } from "../../sim/model/lifecycle.ts";
import { resources, ZERO } from "../../sim/model/resources.ts";
import { Allocator } from "../../sim/strategies/mesos/allocator.ts";
import type { OfferSink } from "../../sim/strategies/mesos/offers.ts";
import { mesosParams } from "../../sim/strategies/mesos/params.ts";

/**
 * The mesos allocator alone on `nodes` nodes of 1,000 m, with frameworks of
 * the given dominant shares that always want any node. With `sharesMove` the
 * nodes also have 1,000 MiB, and a framework's share is its memory over the
 * cluster's (offers raise it). Without, the nodes have cpu only and a ballast
 * node (index `nodes`, full, so never offered) holds the cluster's memory and
 * a billion m of cpu: every framework's dominant share is its memory,
 * 0.5 + share / 2, which offers of a few thousand m cannot move, so ties are
 * decided by the sorter's later keys. `got` records each delivered batch as
 * [framework, nodes].
 */
export function allocatorHarness(shares: number[], nodes: number, opts: { sharesMove?: boolean; params?: Record<string, unknown> } = {}) {
  const moving = opts.sharesMove ?? false;
  const specs = Array.from({ length: nodes }, (_, i) => ({ name: `n${i}`, capacity: resources(1000, moving ? 1000 : 0), labels: {} }));
  if (!moving) specs.push({ name: "ballast", capacity: resources(1e9, 1000), labels: {} });
  const cluster = new Cluster(specs);
  if (!moving) cluster.allocateValues(nodes, 1e9, 1000, 0);
  const memory = cluster.total.memory;
  const allocations = shares.map((s) => resources(0, (moving ? s : 0.5 + s / 2) * memory));
  const sim = new Simulator();
  const log = new EventLog();
  const decision = { tJob: 0, tTask: 0 };
  const ctx = { sim, cluster, groups: [], lifecycle: new Lifecycle(sim, cluster, [], log), log, rng: new RngStreams(1), decision, classes: [{ name: "default", decision }], podOverhead: ZERO, evicted: () => {} };
  const got: [number, number[]][] = [];
  const sink: OfferSink = {
    count: shares.length,
    wantsOffers: () => true,
    interest: () => ({ anyNode: true, hoards: new Uint32Array(cluster.size) }),
    hoardMarks: new Uint8Array(cluster.size),
    hoardMarkings: 0,
    allocation: (f) => allocations[f]!,
    allocated: (f, cpu, memory, gpu) => (allocations[f] = { cpu, memory, gpu }),
    deliver: (f, batch) => got.push([f, [...batch.nodes]]),
  };
  const allocator = new Allocator(ctx, mesosParams.parse({ offerOrder: "node", ...opts.params }), sink);
  return { sim, allocator, got, log };
}

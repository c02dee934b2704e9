import { RngStreams, Simulator } from "../../sim/engine/index.ts";
import { EventLog } from "../../sim/metrics/log.ts";
import { Cluster } from "../../sim/model/cluster.ts";
import { Lifecycle } from "../../sim/model/lifecycle.ts";
import { resources, ZERO } from "../../sim/model/resources.ts";
import { Allocator, type OfferSink } from "../../sim/strategies/mesos/allocator.ts";
import { mesosParams } from "../../sim/strategies/mesos/params.ts";

/**
 * The mesos allocator alone on `nodes` nodes of 1,000 m x 1,000 MiB, with
 * frameworks of the given dominant shares that always want any node. With
 * `sharesMove` an offer raises its framework's share by the memory offered;
 * without, shares stay put (ties are then decided by the sorter's later keys).
 * `got` records each delivered batch as [framework, nodes].
 */
export function allocatorHarness(shares: number[], nodes: number, opts: { sharesMove?: boolean; params?: Record<string, unknown> } = {}) {
  const cluster = new Cluster(Array.from({ length: nodes }, (_, i) => ({ name: `n${i}`, capacity: resources(1000, 1000), labels: {} })));
  const sim = new Simulator();
  const log = new EventLog();
  const decision = { tJob: 0, tTask: 0 };
  const ctx = { sim, cluster, groups: [], lifecycle: new Lifecycle(sim, cluster, [], log), log, rng: new RngStreams(1), decision, classes: [{ name: "default", decision }], podOverhead: ZERO, evicted: () => {} };
  const got: [number, number[]][] = [];
  const sink: OfferSink = {
    count: shares.length,
    wantsOffers: () => true,
    interest: () => ({ anyNode: true, hoardNodes: new Set() }),
    dominantShare: (f) => shares[f]!,
    offered: (f, _cpu, memory) => {
      if (opts.sharesMove) shares[f]! += memory / (1000 * nodes);
    },
    deliver: (f, batch) => got.push([f, [...batch.nodes]]),
  };
  const allocator = new Allocator(ctx, mesosParams.parse({ offerOrder: "node", ...opts.params }), sink);
  return { sim, allocator, got, log };
}

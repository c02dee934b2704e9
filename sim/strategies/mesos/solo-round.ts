import type { Resources } from "../../model/resources.ts";
import type { Cluster } from "../../model/cluster.ts";
import type { DrfRound } from "./choice.ts";
import { reachesMinOffer } from "./filters.ts";
import type { BatchBuffer, RoundBatches } from "./scratch.ts";
import { NodeFlag } from "./node-list.ts";

/**
 * An offer round's loop in the usual case (DrfRound.openSolo: one framework,
 * `solo`, wants any node and set no filter since it revived; the others want
 * only their hoard nodes). A node no other framework hoards on goes to solo
 * without a comparison, written straight into solo's batch; solo's offers are
 * added to its DRF allocation as they are made, in batch order (the additions
 * `offered` would make), and stored before any comparison and at the end.
 * Each visited node stops being a candidate; each one reaching the minimum
 * offer (`minOffer`: its thresholds, minOfferThresholds) is offered whole.
 * The others' counts are read only on nodes `hoardMarks` marks (where some
 * framework hoards: OfferSink.hoardMarks). Returns whether any node offered
 * was marked.
 */
export function offerSolo(
  cluster: Cluster,
  drf: DrfRound,
  batches: RoundBatches,
  flags: Uint8Array,
  hoardMarks: Uint8Array,
  minOffer: Resources,
  now: number,
  solo: number,
  nodes: Int32Array,
): boolean {
  const { freeCpu, freeMemory, freeGpu } = cluster;
  const size = batches.size;
  const others = drf.othersHoards;
  // (Usually one other framework: its counts read straight.)
  const first = others.length > 0 ? others[0] : undefined;
  const { cpu: mc, memory: mm, gpu: mg } = minOffer;
  const allocated = drf.allocated;
  // Solo's batch (taken at its first node), how many nodes it holds, and its allocation so far.
  let batch: BatchBuffer | undefined;
  let k = size[solo]!;
  let fromCount = k;
  let sumCpu = allocated[3 * solo]!;
  let sumMemory = allocated[3 * solo + 1]!;
  let sumGpu = allocated[3 * solo + 2]!;
  let marked = false;
  for (let v = 0; v < nodes.length; v++) {
    const node = nodes[v]!;
    flags[node]! &= ~NodeFlag.Candidate;
    const cpu = freeCpu[node]!;
    const memory = freeMemory[node]!;
    const gpu = freeGpu[node]!;
    if (!reachesMinOffer(cpu, memory, gpu, mc, mm, mg)) continue;
    let hoarded = false;
    if (hoardMarks[node] === 1) {
      marked = true;
      hoarded = first !== undefined && first[node]! > 0;
      for (let j = 1; j < others.length && !hoarded; j++) hoarded = others[j]![node]! > 0;
    }
    cluster.allocateValues(node, cpu, memory, gpu);
    if (!hoarded) {
      batch ??= batches.of(solo);
      batch.nodes[k] = node;
      const amounts = batch.amounts;
      amounts[3 * k] = cpu;
      amounts[3 * k + 1] = memory;
      amounts[3 * k + 2] = gpu;
      k++;
      sumCpu += cpu;
      sumMemory += memory;
      sumGpu += gpu;
      continue;
    }
    // Solo may always be offered the node (it set no filter), so someone is: by DRF, on the allocations so far.
    if (k > fromCount) drf.offeredSum(solo, k - fromCount, sumCpu, sumMemory, sumGpu);
    size[solo] = k;
    const best = drf.compare(node, now, cpu, memory, gpu);
    drf.offered(best, cpu, memory, gpu);
    batches.add(best, node, cpu, memory, gpu);
    k = fromCount = size[solo]!;
    sumCpu = allocated[3 * solo]!;
    sumMemory = allocated[3 * solo + 1]!;
    sumGpu = allocated[3 * solo + 2]!;
  }
  if (k > fromCount) drf.offeredSum(solo, k - fromCount, sumCpu, sumMemory, sumGpu);
  size[solo] = k;
  return marked;
}

import type { Resources } from "../../model/resources.ts";
import type { Cluster } from "../../model/cluster.ts";
import type { DrfRound } from "./choice.ts";
import { reachesMinOffer } from "./filters.ts";
import type { BatchBuffer, RoundBatches } from "./scratch.ts";
import { NodeFlag } from "./node-list.ts";
import type { OfferKernel, SoloRun } from "./offer-kernel.ts";

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
 * framework hoards: OfferSink.hoardMarks). The stretches between marked
 * nodes run in `kernel` (WebAssembly) where their lists lie in the arena,
 * else in soloStretch; their nodes are allocated after each stretch
 * (Cluster.allocateAll): nothing in a stretch reads another node. Returns
 * whether any node offered was marked.
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
  kernel: OfferKernel | undefined,
): boolean {
  const { freeCpu, freeMemory, freeGpu } = cluster;
  const size = batches.size;
  const others = drf.othersHoards;
  // (Usually one other framework: its counts read straight.)
  const first = others.length > 0 ? others[0] : undefined;
  const allocated = drf.allocated;
  // Solo's batch, taken ahead of the stretches (and given back if it gets no node), how many nodes it holds, and its allocation so far.
  const batch = batches.of(solo);
  const run: SoloRun = { k: size[solo]!, cpu: allocated[3 * solo]!, memory: allocated[3 * solo + 1]!, gpu: allocated[3 * solo + 2]! };
  let fromCount = run.k;
  const inKernel = kernel !== undefined && kernel.reaches(nodes, batch);
  let marked = false;
  for (let v = 0; ; v++) {
    const from = run.k;
    v = inKernel ? kernel.solo(nodes, v, batch, run) : soloStretch(cluster, flags, hoardMarks, minOffer, nodes, v, batch, run);
    if (run.k > from) cluster.allocateAll(batch.nodes.subarray(from, run.k), batch.amounts.subarray(3 * from, 3 * run.k), run.k - from);
    if (v >= nodes.length) break;
    // A node some framework hoards on, reaching the minimum offer (the stretch cleared its flag).
    const node = nodes[v]!;
    const cpu = freeCpu[node]!;
    const memory = freeMemory[node]!;
    const gpu = freeGpu[node]!;
    marked = true;
    let hoarded = first !== undefined && first[node]! > 0;
    for (let j = 1; j < others.length && !hoarded; j++) hoarded = others[j]![node]! > 0;
    cluster.allocateValues(node, cpu, memory, gpu);
    if (!hoarded) {
      const k = run.k++;
      batch.nodes[k] = node;
      batch.amounts[3 * k] = cpu;
      batch.amounts[3 * k + 1] = memory;
      batch.amounts[3 * k + 2] = gpu;
      run.cpu += cpu;
      run.memory += memory;
      run.gpu += gpu;
      continue;
    }
    // Solo may always be offered the node (it set no filter), so someone is: by DRF, on the allocations so far.
    if (run.k > fromCount) drf.offeredSum(solo, run.k - fromCount, run.cpu, run.memory, run.gpu);
    size[solo] = run.k;
    const best = drf.compare(node, now, cpu, memory, gpu);
    drf.offered(best, cpu, memory, gpu);
    batches.add(best, node, cpu, memory, gpu);
    run.k = fromCount = size[solo]!;
    run.cpu = allocated[3 * solo]!;
    run.memory = allocated[3 * solo + 1]!;
    run.gpu = allocated[3 * solo + 2]!;
  }
  if (run.k > fromCount) drf.offeredSum(solo, run.k - fromCount, run.cpu, run.memory, run.gpu);
  size[solo] = run.k;
  batches.dropEmpty(solo);
  return marked;
}

/**
 * One stretch of offerSolo, in JavaScript (OfferKernel.solo is the same
 * loop in WebAssembly): for v from `start` on, clears nodes[v]'s Candidate
 * flag, passes over it if its free resources reach no threshold of the
 * minimum offer, stops at it if some framework hoards on it (hoardMarks),
 * else writes it to `batch` at run.k with its free resources and adds
 * those to run's sums. Allocates nothing. Returns where it stopped:
 * nodes.length, or the hoarded node's index.
 */
export function soloStretch(cluster: Cluster, flags: Uint8Array, hoardMarks: Uint8Array, minOffer: Resources, nodes: Int32Array, start: number, batch: BatchBuffer, run: SoloRun): number {
  const { freeCpu, freeMemory, freeGpu } = cluster;
  const { cpu: mc, memory: mm, gpu: mg } = minOffer;
  const { nodes: ids, amounts } = batch;
  let { k, cpu: sumCpu, memory: sumMemory, gpu: sumGpu } = run;
  let v = start;
  for (; v < nodes.length; v++) {
    const node = nodes[v]!;
    flags[node]! &= ~NodeFlag.Candidate;
    const cpu = freeCpu[node]!;
    const memory = freeMemory[node]!;
    const gpu = freeGpu[node]!;
    if (!reachesMinOffer(cpu, memory, gpu, mc, mm, mg)) continue;
    if (hoardMarks[node] === 1) break;
    ids[k] = node;
    amounts[3 * k] = cpu;
    amounts[3 * k + 1] = memory;
    amounts[3 * k + 2] = gpu;
    k++;
    sumCpu += cpu;
    sumMemory += memory;
    sumGpu += gpu;
  }
  run.k = k;
  run.cpu = sumCpu;
  run.memory = sumMemory;
  run.gpu = sumGpu;
  return v;
}

import type { Rng } from "../../engine/index.ts";
import type { Cluster } from "../../model/cluster.ts";
import { GainJournal } from "../../model/gain-journal.ts";
import type { Pod } from "./pod.ts";
import type { Scorer } from "./profile.ts";

/** What the scan reads of the scheduler's per-node state. */
export interface ScanNodes {
  readonly cluster: Cluster;
  /** Per node: Pods bound there, and how much their non-zero requests exceed their requests (for scoring). */
  readonly podCount: Uint32Array;
  readonly nonZeroExtraCpu: Float64Array;
  readonly nonZeroExtraMemory: Float64Array;
  /** Nodes with Pods nominated to them (only its size and keys are read here). */
  readonly nominatedOn: ReadonlyMap<number, unknown>;
  /** Writes into `out` what Pods nominated to `node` with priority >= `priority`, other than `pod`, request; returns how many. */
  nominatedUse(node: number, priority: number, pod: Pod, out: Float64Array): number;
}

/** Failed requests the scan keeps for one state of the nodes. */
const FAILED_KEPT = 8;

/**
 * kube-scheduler's filter and score of one cycle (schedule_one.go
 * findNodesThatFitPod, prioritizeNodes, selectHost, Kubernetes v1.34): a
 * nominated Pod tries its nominated node first; otherwise the scan starts
 * where the last one stopped, filters nodes in turn and scores each feasible
 * one as it is found, until numFeasibleNodesToFind are found or every node
 * was examined; the best score wins, ties broken uniformly by the seeded
 * stream (a reservoir of one).
 */
export class NodeScan {
  /** Nodes examined by the last scan (for tests of percentageOfNodesToScore). */
  lastExamined = 0;
  private nextStart = 0;
  private readonly extra = new Float64Array(3);
  /**
   * The last FAILED_KEPT requests (cpu, memory) a scan of every node found no
   * node for, each with the counts of the cluster's gains and of this
   * scheduler's Pods leaving nodes at that moment (4 values each). Only a
   * node that gained room since can fit a Pod asking at least as much of both
   * (without a selector, GPUs or nominated Pods, which the record leaves
   * out): see selectAmongGained.
   */
  private readonly failed = new Float64Array(4 * FAILED_KEPT);
  private failedCount = 0;
  private failedNext = 0;
  /** Nodes a Pod of this scheduler left (podLeft): room, as the cluster's gains are. */
  private readonly podGains = new GainJournal();
  /** The gained nodes of one select, then their places in scan order; and which are listed already. */
  private readonly gained = new Int32Array(2 * GainJournal.KEPT);
  private readonly listed: Uint8Array;

  constructor(
    private readonly nodes: ScanNodes,
    private readonly scorer: Scorer,
    private readonly numToFind: number,
    private readonly tieBreak: Rng,
  ) {
    this.listed = new Uint8Array(nodes.cluster.size);
  }

  /** A Pod bound to `node` left it (unbound): the node has room for one more. */
  podLeft(node: number): void {
    this.podGains.gained(node);
  }

  /** Filters one node for the Pod: resources (with nominated Pods of at least its priority), Pod count, selector. */
  feasible(node: number, pod: Pod): boolean {
    const { cluster, nominatedOn } = this.nodes;
    if (pod.mask !== undefined && pod.mask[node] !== 1) return false;
    let pods = this.nodes.podCount[node]!;
    let fc = cluster.freeCpu[node]!;
    let fm = cluster.freeMemory[node]!;
    let fg = cluster.freeGpu[node]!;
    if (nominatedOn.size > 0 && nominatedOn.has(node)) {
      pods += this.nodes.nominatedUse(node, pod.group.priority, pod, this.extra);
      fc -= this.extra[0]!;
      fm -= this.extra[1]!;
      fg -= this.extra[2]!;
    }
    const r = pod.request;
    return pods + 1 <= cluster.maxPods[node]! && r.cpu <= fc && r.memory <= fm && r.gpu <= fg && (r.gpu <= 0 || cluster.gpus.fits(node, r.gpu));
  }

  /**
   * Filter then score (findNodesThatFitPod, prioritizeNodes, selectHost).
   * Returns -1 when no node fits.
   */
  select(pod: Pod): number {
    const cluster = this.nodes.cluster;
    const n = cluster.size;
    if (pod.nominated >= 0 && cluster.up[pod.nominated] === 1 && this.feasible(pod.nominated, pod)) {
      this.lastExamined = 1;
      return pod.nominated;
    }
    const { cpu: qc, memory: qm, gpu: qg } = pod.request;
    const bound = cluster.freeBound;
    if (n > 0 && (qc > bound[0]! || qm > bound[1]! || qg > bound[2]!)) {
      // No node has that much free: the scan would examine every node and find none (the start index
      // then moves by n, i.e. stays; no tie is broken), so skip it.
      this.lastExamined = n;
      return -1;
    }
    const mask = pod.mask;
    const recordable = mask === undefined && qg <= 0 && this.nodes.nominatedOn.size === 0;
    const want = this.numToFind;
    if (recordable && this.failedCount > 0) {
      const count = this.gainedSinceFailure(qc, qm);
      if (count >= 0 && count < want) return this.selectAmongGained(pod, count);
    }
    const scorer = this.scorer;
    const fast = scorer.inline;
    const { freeCpu, freeMemory, freeGpu, capCpu, capMemory, maxPods } = cluster;
    const { podCount, nonZeroExtraCpu, nonZeroExtraMemory, nominatedOn } = this.nodes;
    const { cpu: rc, memory: rm, gpu: rg } = pod.request;
    const nzc = pod.nonZero.cpu;
    const nzm = pod.nonZero.memory;
    const bestEffort = rc === 0 && rm === 0 && rg === 0;
    const fitWeight = fast?.fitWeight ?? 0;
    const most = fast?.most ?? false;
    const cpuWeight = fast?.cpuWeight ?? 0;
    const memoryWeight = fast?.memoryWeight ?? 0;
    const balancedWeight = fast?.balancedWeight ?? 0;
    const balancedCpu = fast?.balancedCpu ?? false;
    const balancedMemory = fast?.balancedMemory ?? false;
    // x / w and x * (1 / w) are the same double when w is a power of two: the usual total weight (both
    // resources weighed) is divided by multiplying; any other total (-1: never) by dividing.
    const both = cpuWeight + memoryWeight;
    const bothWeights = both > 0 && 2 ** Math.round(Math.log2(both)) === both ? both : -1;
    const perBothWeights = 1 / bothWeights;
    let found = 0;
    let examined = 0;
    let node = this.nextStart;
    let best = -1;
    let bestScore = -Infinity;
    let ties = 0;
    // One pass: filter, and score each feasible node as it is found, in scan order. The filter and the
    // usual profiles are written out here (the same arithmetic as feasible() and profile.ts).
    while (examined < n && found < want) {
      const ok =
        nominatedOn.size > 0 && nominatedOn.has(node)
          ? this.feasible(node, pod)
          : (mask === undefined || mask[node] === 1) && podCount[node]! < maxPods[node]! && rc <= freeCpu[node]! && rm <= freeMemory[node]! && rg <= freeGpu[node]! && (rg <= 0 || cluster.gpus.fits(node, rg));
      if (ok) {
        found++;
        let score: number;
        if (fast !== undefined) {
          const capC = capCpu[node]!;
          const capM = capMemory[node]!;
          const usedC = capC - freeCpu[node]!;
          const usedM = capM - freeMemory[node]!;
          let fit = 0;
          if (fitWeight > 0) {
            let sum = 0;
            let weights = 0;
            if (cpuWeight > 0 && capC > 0) {
              const req = usedC + nonZeroExtraCpu[node]! + nzc;
              // A quotient in [0, 100]: `| 0` truncates as Go's int64 division does.
              sum += (most ? ((req > capC ? capC : req) * 100) / capC | 0 : req > capC ? 0 : ((capC - req) * 100) / capC | 0) * cpuWeight;
              weights += cpuWeight;
            }
            if (memoryWeight > 0 && capM > 0) {
              const req = usedM + nonZeroExtraMemory[node]! + nzm;
              sum += (most ? ((req > capM ? capM : req) * 100) / capM | 0 : req > capM ? 0 : ((capM - req) * 100) / capM | 0) * memoryWeight;
              weights += memoryWeight;
            }
            fit = weights === 0 ? 0 : Math.trunc(weights === bothWeights ? sum * perBothWeights : sum / weights);
          }
          let balanced = 0;
          if (balancedWeight > 0 && !bestEffort) {
            let std = 0;
            if (balancedCpu && balancedMemory && capC > 0 && capM > 0) {
              const fc = (usedC + rc) / capC;
              const fm = (usedM + rm) / capM;
              std = Math.abs(((fc > 1 ? 1 : fc) - (fm > 1 ? 1 : fm)) / 2);
            }
            balanced = Math.trunc((1 - std) * 100);
          }
          score = fit * fitWeight + balanced * balancedWeight;
        } else score = scorer.score(node, pod);
        if (score > bestScore) {
          bestScore = score;
          best = node;
          ties = 1;
        } else if (score === bestScore) {
          ties++;
          if (this.tieBreak.int(ties) === 0) best = node;
        }
      }
      examined++;
      node++;
      if (node === n) node = 0;
    }
    this.lastExamined = examined;
    if (n > 0) this.nextStart = (this.nextStart + examined) % n;
    // A scan that found nothing looked at every node: make the bound exact for the next Pods.
    if (best < 0 && examined === n) {
      cluster.tightenFreeBound();
      if (recordable) this.recordFailure(qc, qm);
    }
    return best;
  }

  /**
   * The nodes that gained room since the latest recorded failure asking no
   * more cpu and memory than (cpu, memory): written to `gained` as their
   * places in scan order (0: where the next scan starts), sorted, once each;
   * returns how many, or -1 when no failure covers the request or the
   * journals forgot some of those gains.
   */
  private gainedSinceFailure(cpu: number, memory: number): number {
    const failed = this.failed;
    let record = -1;
    for (let k = 1; k <= this.failedCount && record < 0; k++) {
      const i = (this.failedNext - k + FAILED_KEPT) % FAILED_KEPT;
      if (cpu >= failed[4 * i]! && memory >= failed[4 * i + 1]!) record = i;
    }
    if (record < 0) return -1;
    const gained = this.gained;
    let end = this.nodes.cluster.gains().since(failed[4 * record + 2]!, gained, 0);
    if (end >= 0) end = this.podGains.since(failed[4 * record + 3]!, gained, end);
    if (end < 0) return -1;
    const n = this.nodes.cluster.size;
    const start = this.nextStart;
    const listed = this.listed;
    let count = 0;
    for (let k = 0; k < end; k++) {
      const node = gained[k]!;
      if (listed[node] === 1) continue;
      listed[node] = 1;
      gained[count++] = node;
    }
    for (let k = 0; k < count; k++) {
      listed[gained[k]!] = 0;
      gained[k] = (gained[k]! - start + n) % n;
    }
    gained.subarray(0, count).sort();
    return count;
  }

  /**
   * select() for a Pod covered by a recorded failure (gainedSinceFailure
   * listed `count` nodes): every other node still lacks the room that
   * failure lacked, so these are the only ones a scan of every node could
   * find feasible, and fewer than numFeasibleNodesToFind of them. That scan
   * would examine every node: the same nodes are filtered and scored here,
   * in the same order, breaking ties with the same draws; the start index
   * stays. Filter and score are feasible() and the profile's score(), which
   * give what the scan's written-out arithmetic gives.
   */
  private selectAmongGained(pod: Pod, count: number): number {
    const n = this.nodes.cluster.size;
    const start = this.nextStart;
    let best = -1;
    let bestScore = -Infinity;
    let ties = 0;
    for (let k = 0; k < count; k++) {
      const node = (this.gained[k]! + start) % n;
      if (!this.feasible(node, pod)) continue;
      const score = this.scorer.score(node, pod);
      if (score > bestScore) {
        bestScore = score;
        best = node;
        ties = 1;
      } else if (score === bestScore) {
        ties++;
        if (this.tieBreak.int(ties) === 0) best = node;
      }
    }
    this.lastExamined = n;
    if (best < 0 && count > 0) this.recordFailure(pod.request.cpu, pod.request.memory);
    return best;
  }

  /** Records (cpu, memory) as a request no node fits as the nodes stand now (the last FAILED_KEPT are kept). */
  private recordFailure(cpu: number, memory: number): void {
    const i = this.failedNext;
    this.failed[4 * i] = cpu;
    this.failed[4 * i + 1] = memory;
    this.failed[4 * i + 2] = this.nodes.cluster.gains().count;
    this.failed[4 * i + 3] = this.podGains.count;
    this.failedNext = (i + 1) % FAILED_KEPT;
    if (this.failedCount < FAILED_KEPT) this.failedCount++;
  }
}

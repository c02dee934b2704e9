import type { Rng } from "../../engine/index.ts";
import type { Cluster } from "../../model/cluster.ts";
import type { Pod } from "./pod.ts";
import type { Scorer } from "./profile.ts";

/** What the scan reads of the scheduler's per-node state. */
export interface ScanNodes {
  readonly cluster: Cluster;
  /** Per node: Pods bound there, and how much their non-zero requests exceed their requests (for scoring). */
  readonly podCount: Uint32Array;
  /** [0]: binds and unbinds so far (with the cluster's `changes`, whether the nodes are as they were). */
  readonly podChanges: Float64Array;
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
   * Requests (cpu, memory) that a full scan found no node for, while the
   * cluster's changes and the Pods' binds stood at failedAt: a Pod asking at
   * least as much of both then fits no node either (without a selector, GPUs
   * or nominated Pods, which the record leaves out), so its scan is skipped,
   * with the same result: no node, no tie broken, the start index where it was.
   */
  private readonly failed = new Float64Array(2 * FAILED_KEPT);
  private failedCount = 0;
  private failedAt = -1;
  private failedPodsAt = -1;
  private failedNext = 0;

  constructor(
    private readonly nodes: ScanNodes,
    private readonly scorer: Scorer,
    private readonly numToFind: number,
    private readonly tieBreak: Rng,
  ) {}

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
    if (recordable && this.failedCount > 0 && this.failedAt === cluster.changes && this.failedPodsAt === this.nodes.podChanges[0]) {
      const failed = this.failed;
      for (let i = 0; i < this.failedCount; i++) {
        if (qc >= failed[2 * i]! && qm >= failed[2 * i + 1]!) {
          this.lastExamined = n;
          return -1;
        }
      }
    }
    const want = this.numToFind;
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

  /** Keeps (cpu, memory) among the requests no node fits as the nodes stand now (the last FAILED_KEPT of them). */
  private recordFailure(cpu: number, memory: number): void {
    const cluster = this.nodes.cluster;
    const pods = this.nodes.podChanges[0]!;
    if (this.failedAt !== cluster.changes || this.failedPodsAt !== pods) {
      this.failedAt = cluster.changes;
      this.failedPodsAt = pods;
      this.failedCount = 0;
      this.failedNext = 0;
    }
    this.failed[2 * this.failedNext] = cpu;
    this.failed[2 * this.failedNext + 1] = memory;
    this.failedNext = (this.failedNext + 1) % FAILED_KEPT;
    if (this.failedCount < FAILED_KEPT) this.failedCount++;
  }
}

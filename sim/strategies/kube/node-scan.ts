import type { Rng } from "../../engine/index.ts";
import type { Cluster } from "../../model/cluster.ts";
import type { Pod } from "./pod.ts";
import type { Scorer } from "./profile.ts";
import { ScanKernel } from "./scan-kernel.ts";
import { FITS_KEPT, ScanRecords } from "./scan-records.ts";

/** What the scan reads of the scheduler's per-node state. */
export interface ScanNodes {
  readonly cluster: Cluster;
  /** Per node: Pods bound there, and how much their non-zero requests exceed their requests (for scoring). */
  readonly podCount: Uint32Array;
  readonly nonZeroExtraCpu: Float64Array;
  readonly nonZeroExtraMemory: Float64Array;
  /** How many nodes have a non-zero extra (cpu or memory); 0: every extra is exactly 0. */
  extraNodes(): number;
  /** Nodes with Pods nominated to them (only its size and keys are read here). */
  readonly nominatedOn: ReadonlyMap<number, unknown>;
  /** Writes into `out` what Pods nominated to `node` with priority >= `priority`, other than `pod`, request; returns how many. */
  nominatedUse(node: number, priority: number, pod: Pod, out: Float64Array): number;
}

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
  /** What scans of every node found: a Pod asking at least as much looks only at the nodes that can fit it (selectAmong). */
  private readonly records: ScanRecords;
  /** The feasible nodes of the current scan, while at most FITS_KEPT were found. */
  private readonly fitted: Int32Array;
  /** The scan in WebAssembly, for the usual Pod (undefined: JavaScript only). */
  private readonly kernel: ScanKernel | undefined;

  /** `useKernel` false: every scan in JavaScript (the kernel's twin in tests). */
  constructor(
    private readonly nodes: ScanNodes,
    private readonly scorer: Scorer,
    private readonly numToFind: number,
    private readonly tieBreak: Rng,
    useKernel = true,
  ) {
    this.records = new ScanRecords(nodes.cluster);
    const { cluster, podCount, nonZeroExtraCpu, nonZeroExtraMemory } = nodes;
    const { freeCpu, freeMemory, freeGpu, capCpu, capMemory, maxPods } = cluster;
    const arrays = { freeCpu, freeMemory, freeGpu, capCpu, capMemory, podCount, maxPods, nonZeroExtraCpu, nonZeroExtraMemory };
    this.kernel = useKernel && scorer.inline !== undefined ? ScanKernel.create(cluster.arena, arrays, scorer.inline, FITS_KEPT) : undefined;
    this.fitted = this.kernel?.fitted ?? new Int32Array(FITS_KEPT);
  }

  /** A Pod bound to `node` left it (unbound): the node has room for one more. */
  podLeft(node: number): void {
    this.records.podLeft(node);
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
    if (recordable) {
      const count = this.records.lookup(qc, qm, this.nextStart);
      if (count >= 0 && count < want) return this.selectAmong(pod, count);
    }
    if (recordable && this.kernel !== undefined) return this.kernelSelect(pod, this.kernel);
    const fitted = this.fitted;
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
    // The usual total weight (a power of two) divided by multiplying; any other (-1: never) by dividing.
    const bothWeights = fast?.bothWeights ?? -1;
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
        if (found < FITS_KEPT) fitted[found] = node;
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
    return this.endScan(pod, examined, found, best, recordable);
  }

  /** After a scan (JavaScript or kernel): the start index moves on, and a scan of every node tightens the bound and is recorded. */
  private endScan(pod: Pod, examined: number, found: number, best: number, recordable: boolean): number {
    const cluster = this.nodes.cluster;
    const n = cluster.size;
    this.lastExamined = examined;
    if (n > 0) this.nextStart = (this.nextStart + examined) % n;
    // A scan that found nothing looked at every node: make the bound exact for the next Pods.
    if (best < 0 && examined === n) cluster.tightenFreeBound();
    if (recordable && examined === n && found <= FITS_KEPT) this.records.record(pod.request.cpu, pod.request.memory, this.fitted, found);
    return best;
  }

  /**
   * select()'s scan in the kernel: the same nodes examined and the same
   * scores; the tie draws are made here, in the scan's order (the ended
   * groups' draws, then the final group's).
   */
  private kernelSelect(pod: Pod, kernel: ScanKernel): number {
    const n = this.nodes.cluster.size;
    const { request, nonZero } = pod;
    const bestEffort = request.cpu === 0 && request.memory === 0 && request.gpu === 0;
    const examined = kernel.scan(n, this.nextStart, this.numToFind, request.cpu, request.memory, request.gpu, nonZero.cpu, nonZero.memory, bestEffort, this.nodes.extraNodes() > 0);
    const found = kernel.found;
    const group = kernel.groupLength;
    let best = -1;
    if (group > 0) {
      this.tieBreak.skip(kernel.drawsBefore);
      const ties = kernel.ties;
      best = ties[0]!;
      for (let i = 1; i < group; i++) if (this.tieBreak.int(i + 1) === 0) best = ties[i]!;
    }
    return this.endScan(pod, examined, found, best, true);
  }

  /**
   * select() for a Pod covered by a record (ScanRecords.lookup listed
   * `count` candidates): no other node can fit it, and fewer than
   * numFeasibleNodesToFind of these can, so a scan would examine every node.
   * The candidates are filtered and scored here in the scan's order, ties
   * broken with the same draws, and the start index stays: the scan's
   * result. Filter and score are feasible() and the profile's score(), which
   * give what the scan's written-out arithmetic gives. What fitted is
   * recorded in turn.
   */
  private selectAmong(pod: Pod, count: number): number {
    const n = this.nodes.cluster.size;
    const start = this.nextStart;
    const candidates = this.records.candidates;
    const fitted = this.fitted;
    let found = 0;
    let best = -1;
    let bestScore = -Infinity;
    let ties = 0;
    for (let k = 0; k < count; k++) {
      const node = (candidates[k]! + start) % n;
      if (!this.feasible(node, pod)) continue;
      if (found < FITS_KEPT) fitted[found] = node;
      found++;
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
    // (Nothing to add when no node was listed: the record that covered the Pod says as much.)
    if (count > 0 && found <= FITS_KEPT) this.records.record(pod.request.cpu, pod.request.memory, fitted, found);
    return best;
  }
}

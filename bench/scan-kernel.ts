// kube's scan kernel by itself, as naive's containers use it (by hand: node --import tsx bench/scan-kernel.ts [WANT]).
// 10,000 nodes of 24,000-40,000 millicores and 96-160 GiB, each with some use and 4 Pods; 60,000 scans of
// Pods of 0.5-4 cores and ~4 GiB, each for WANT feasible nodes (500: numFeasibleNodesToFind at 10,000 nodes),
// five rounds. Prints the time per node examined and per scan, and the tie draws per scan. Not part of
// `npm run bench`: it times one function, where the budgets time whole commands.
import { RngStreams } from "../sim/engine/index.ts";
import { Cluster } from "../sim/model/cluster.ts";
import { resources, type Resources } from "../sim/model/resources.ts";
import { NodeScan } from "../sim/strategies/kube/node-scan.ts";
import type { Pod } from "../sim/strategies/kube/pod.ts";
import type { ScanKernel } from "../sim/strategies/kube/scan-kernel.ts";
import { compileProfile, DEFAULT_PROFILE } from "../sim/strategies/kube/profile.ts";

const NODES = 10_000;
const SCANS = 60_000;
const want = Number(process.argv[2] ?? 500);
if (!(Number.isInteger(want) && want > 0)) throw new Error(`scan-kernel: WANT must be a whole number above 0, got ${process.argv[2]}`);

// A fixed sequence (Lehmer), so every run times the same scans.
let x = 7;
const draw = (): number => (x = (x * 16807) % 2147483647) / 2147483647;

const cluster = new Cluster(Array.from({ length: NODES }, (_, i) => ({ name: `n${i}`, capacity: resources(Math.round(32000 * (0.75 + 0.5 * draw())), Math.round(131072 * (0.75 + 0.5 * draw()))), pods: 110, labels: {} })));
const podCount = cluster.arena.u32();
const nonZeroExtraCpu = cluster.arena.f64();
const nonZeroExtraMemory = cluster.arena.f64();
const nodes = { cluster, podCount, nonZeroExtraCpu, nonZeroExtraMemory, extraNodes: () => 0, nominatedOn: new Map<number, unknown>(), nominatedUse: () => 0 };
const scan = new NodeScan(nodes as never, compileProfile(DEFAULT_PROFILE, nodes as never), want, new RngStreams(11).stream("kube/tie-break"), true);
for (let n = 0; n < NODES; n++) {
  cluster.allocate(n, resources(Math.round(3000 * draw()), Math.round(14000 * draw())));
  podCount[n] = 4;
}

/** A Pod of one container asking `request` (counted as such for scoring), never bound: each scan sees the same cluster. */
const pod = (request: Resources): Pod => ({ group: { index: 0, id: "p", submit: 0, kind: "colocate", duration: 1, priority: 0, members: [] }, index: 0, firstMember: 0, members: 1, request, nonZero: request, mask: undefined, order: 0, createdAt: 0, timestamp: 0, attempts: 0, state: "inflight", token: 0, node: -1, boundAt: NaN, nominated: -1, terminating: false, prevOnNode: undefined, nextOnNode: undefined });
const pods = Array.from({ length: 4096 }, () => pod(resources(500 + Math.round(3500 * draw()), Math.round(4096 * Math.exp(0.8 * (draw() - 0.5))))));
const kernel = (scan as unknown as { kernel: ScanKernel | undefined }).kernel;
if (kernel === undefined) throw new Error("scan-kernel: the scan has no kernel here");

for (let round = 0; round < 5; round++) {
  let examined = 0;
  let draws = 0;
  const t0 = performance.now();
  for (let i = 0; i < SCANS; i++) {
    scan.select(pods[i & 4095]!);
    examined += scan.lastExamined;
    draws += kernel.drawsBefore + Math.max(0, kernel.groupLength - 1);
  }
  const ms = performance.now() - t0;
  console.log(`${((ms * 1e6) / examined).toFixed(2)} ns a node, ${(examined / SCANS).toFixed(0)} nodes a scan, ${((ms * 1000) / SCANS).toFixed(3)} us a scan, ${(draws / SCANS).toFixed(1)} tie draws a scan`);
}

import { GainJournal } from "./gain-journal.ts";
import { ClusterKernel } from "./cluster-kernel.ts";
import type { Selector } from "./group.ts";
import { GpuDevices } from "./gpu-devices.ts";
import { NodeArena } from "./node-arena.ts";
import type { Resources } from "./resources.ts";

/** The nodes' capacities added up, in node order (the cluster's `total`). */
export function totalCapacity(specs: readonly NodeSpec[]): Resources {
  let cpu = 0;
  let memory = 0;
  let gpu = 0;
  for (const { capacity } of specs) {
    cpu += capacity.cpu;
    memory += capacity.memory;
    gpu += capacity.gpu;
  }
  return { cpu, memory, gpu };
}

/** Node `node`'s name (the cluster's `name`). */
export function nodeName(specs: readonly NodeSpec[], node: number): string {
  const spec = specs[node];
  if (spec === undefined) throw new Error(`cluster: no node ${node}`);
  return spec.name;
}

/** A node as a scenario describes it. */
export interface NodeSpec {
  readonly name: string;
  readonly capacity: Resources;
  /** How many Pods the node holds (kubelet --max-pods); default 110. Only Pod schedulers (kube, naive) count Pods. */
  readonly pods?: number;
  readonly labels: Readonly<Record<string, string>>;
}

export const DEFAULT_MAX_PODS = 110;

/**
 * The shared cell state: capacity and free resources of every node in typed
 * arrays (cheap fit checks over thousands of nodes), plus a per-node sequence
 * number bumped on every change, which optimistic schedulers validate against.
 * Allocation beyond capacity, or a release past capacity, throws.
 */
export class Cluster {
  readonly size: number;
  readonly specs: readonly NodeSpec[];
  /** The memory the capacities, free resources and Pod limits live in, with room for a strategy's per-node arrays (kube's scan kernel reads them there). */
  readonly arena: NodeArena;
  readonly capCpu: Float64Array;
  readonly capMemory: Float64Array;
  readonly capGpu: Float64Array;
  readonly freeCpu: Float64Array;
  readonly freeMemory: Float64Array;
  readonly freeGpu: Float64Array;
  /** Per-node sequence numbers: incremented by every change (allocate, release, failure, recovery). */
  readonly seq: Float64Array;
  /**
   * Per-node sequence numbers incremented by allocations only, as the Omega
   * simulator's `ClaimDelta.apply` does (`unApply`, a task ending, leaves it).
   */
  readonly claimSeq: Float64Array;
  /** GPU devices (1,000 milli each): a fraction must fit on one device, whole GPUs need free devices. */
  readonly gpus: GpuDevices;
  /** Pods each node holds at most. */
  readonly maxPods: Uint32Array;
  /** 1 while the node is up. A down node's free resources read -1, so nothing fits there. */
  readonly up: Uint8Array;
  /** What a down node would have free; releases on a down node land here. */
  private readonly downFree: Float64Array;
  /**
   * Upper bounds of the largest free cpu, memory and gpu of any node: raised
   * by every release and recovery, lowered only by tightenFreeBound (an exact
   * scan). A request above one of them fits no node, without looking.
   */
  readonly freeBound = new Float64Array(3);
  /** The nodes whose free resources grew (releases, recoveries), kept once a scheduler asks (gains()). */
  private journal: GainJournal | undefined = undefined;
  /** Counts every change of any node's free resources or state (allocate, release, down, recover): equal counts, the same cluster. */
  changes = 0;
  /** releaseAll's and allocateAll's WebAssembly loops: undefined until first asked, null where the arrays are not all in the arena. */
  private bulk: ClusterKernel | null | undefined = undefined;
  /** Called with every node whose free resources change (for the validating observer); unset otherwise. */
  onChange: ((node: number) => void) | undefined = undefined;
  readonly total: Resources;
  /** Distinct (capacity, labels) of the nodes, used to decide whether a request can ever fit. */
  private readonly shapes: readonly { capacity: Resources; labels: Readonly<Record<string, string>> }[];
  private readonly index = new Map<string, number>();
  private readonly masks = new Map<string, Uint8Array>();

  constructor(specs: readonly NodeSpec[]) {
    const n = specs.length;
    this.size = n;
    this.specs = specs;
    this.arena = new NodeArena(n);
    this.capCpu = this.arena.f64();
    this.capMemory = this.arena.f64();
    this.capGpu = this.arena.f64();

    this.maxPods = this.arena.u32();
    specs.forEach((s, i) => (this.maxPods[i] = s.pods ?? DEFAULT_MAX_PODS));
    this.downFree = new Float64Array(n * 3);
    const shapes = new Map<string, { capacity: Resources; labels: Readonly<Record<string, string>> }>();
    specs.forEach((spec, i) => {
      if (this.index.has(spec.name)) throw new Error(`cluster: duplicate node name "${spec.name}"`);
      this.index.set(spec.name, i);
      const c = spec.capacity;
      this.capCpu[i] = c.cpu;
      this.capMemory[i] = c.memory;
      this.capGpu[i] = c.gpu;
      shapes.set(`${c.cpu}/${c.memory}/${c.gpu}/${JSON.stringify(Object.entries(spec.labels).sort())}`, { capacity: c, labels: spec.labels });
    });
    this.freeCpu = this.arena.f64();
    this.freeCpu.set(this.capCpu);
    this.freeMemory = this.arena.f64();
    this.freeMemory.set(this.capMemory);
    this.freeGpu = this.arena.f64();
    this.freeGpu.set(this.capGpu);
    // In the arena too: the cluster's kernel (releaseAll, allocateAll) reads them there.
    this.seq = this.arena.f64();
    this.claimSeq = this.arena.f64();
    this.up = this.arena.u8().fill(1);
    this.gpus = new GpuDevices(this.capGpu);
    this.tightenFreeBound();
    this.total = totalCapacity(specs);
    this.shapes = [...shapes.values()];
  }

  name(node: number): string {
    return nodeName(this.specs, node);
  }

  nodeIndex(name: string): number | undefined {
    return this.index.get(name);
  }

  free(node: number): Resources {
    return { cpu: this.freeCpu[node]!, memory: this.freeMemory[node]!, gpu: this.freeGpu[node]! };
  }

  capacity(node: number): Resources {
    return { cpu: this.capCpu[node]!, memory: this.capMemory[node]!, gpu: this.capGpu[node]! };
  }

  /** True when `r` fits in the node's free resources in every dimension, its GPUs on the node's devices. */
  fits(node: number, r: Resources): boolean {
    return r.cpu <= this.freeCpu[node]! && r.memory <= this.freeMemory[node]! && r.gpu <= this.freeGpu[node]! && (r.gpu <= 0 || this.gpus.fits(node, r.gpu));
  }

  /** True when `r` fits the node's capacity, i.e. on the node if it were empty. */
  fitsCapacity(node: number, r: Resources): boolean {
    return r.cpu <= this.capCpu[node]! && r.memory <= this.capMemory[node]! && r.gpu <= this.capGpu[node]! && GpuDevices.possible(this.gpus.devices(node), r.gpu);
  }

  /** True when some node (matching `selector`, if any) could hold `r` if it were empty. */
  fitsAnyNode(r: Resources, selector?: Selector): boolean {
    for (const { capacity: c, labels } of this.shapes) {
      if (selector !== undefined && !matchesLabels(labels, selector)) continue;
      if (r.cpu <= c.cpu && r.memory <= c.memory && r.gpu <= c.gpu && GpuDevices.possible(Math.floor(c.gpu / 1000), r.gpu)) return true;
    }
    return false;
  }

  /** Per node, 1 when it matches `selector` (cached per selector). */
  selectorMask(selector: Selector): Uint8Array {
    const key = `${selector.key}=${selector.values.join("|")}`;
    let mask = this.masks.get(key);
    if (mask === undefined) {
      mask = new Uint8Array(this.size);
      for (let n = 0; n < this.size; n++) mask[n] = matchesLabels(this.specs[n]!.labels, selector) ? 1 : 0;
      this.masks.set(key, mask);
    }
    return mask;
  }

  /**
   * Allocates `r` on the node, its GPUs on devices; returns the handle of the
   * device allocation (-1 without GPUs), which release() and revert() take.
   */
  allocate(node: number, r: Resources): number {
    if (r.gpu > 0 && r.gpu <= this.freeGpu[node]!) {
      const handle = this.gpus.take(node, r.gpu, () => this.name(node));
      try {
        this.allocateValues(node, r.cpu, r.memory, r.gpu);
      } catch (err) {
        this.gpus.give(handle);
        throw err;
      }
      return handle;
    }
    this.allocateValues(node, r.cpu, r.memory, r.gpu);
    return -1;
  }

  /** allocate() of aggregate amounts, without devices (mesos offers and holds, which count whole GPUs only), for hot paths. */
  allocateValues(node: number, cpu: number, memory: number, gpu: number): void {
    if (cpu > this.freeCpu[node]! || memory > this.freeMemory[node]! || gpu > this.freeGpu[node]!) throw this.overFree(node, cpu, memory, gpu);
    this.freeCpu[node]! -= cpu;
    this.freeMemory[node]! -= memory;
    this.freeGpu[node]! -= gpu;
    this.seq[node]!++;
    this.claimSeq[node]!++;
    this.changes++;
    this.onChange?.(node);
  }

  /** The journal of nodes whose free resources grew, kept from the first call on. */
  gains(): GainJournal {
    return (this.journal ??= new GainJournal());
  }

  /** Sets freeBound to the exact largest free resources of any node (a scan of every node). */
  tightenFreeBound(): void {
    let c = -1;
    let m = -1;
    let g = -1;
    const { freeCpu, freeMemory, freeGpu } = this;
    for (let node = 0; node < this.size; node++) {
      if (freeCpu[node]! > c) c = freeCpu[node]!;
      if (freeMemory[node]! > m) m = freeMemory[node]!;
      if (freeGpu[node]! > g) g = freeGpu[node]!;
    }
    this.freeBound[0] = c;
    this.freeBound[1] = m;
    this.freeBound[2] = g;
  }

  /** Raises freeBound to cover the node's free resources. */
  private raiseFreeBound(node: number): void {
    const b = this.freeBound;
    if (this.freeCpu[node]! > b[0]!) b[0] = this.freeCpu[node]!;
    if (this.freeMemory[node]! > b[1]!) b[1] = this.freeMemory[node]!;
    if (this.freeGpu[node]! > b[2]!) b[2] = this.freeGpu[node]!;
  }

  /** Takes the node down: nothing fits on it until it recovers. */
  down(node: number): void {
    if (this.up[node] === 0) return;
    this.up[node] = 0;
    this.downFree[3 * node] = this.freeCpu[node]!;
    this.downFree[3 * node + 1] = this.freeMemory[node]!;
    this.downFree[3 * node + 2] = this.freeGpu[node]!;
    this.freeCpu[node] = this.freeMemory[node] = this.freeGpu[node] = -1;
    this.seq[node]!++;
    this.changes++;
    this.onChange?.(node);
  }

  /** Brings a down node back with whatever was released on it meanwhile. */
  recover(node: number): void {
    if (this.up[node] === 1) return;
    this.up[node] = 1;
    this.freeCpu[node] = this.downFree[3 * node]!;
    this.freeMemory[node] = this.downFree[3 * node + 1]!;
    this.freeGpu[node] = this.downFree[3 * node + 2]!;
    this.journal?.gained(node);
    this.seq[node]!++;
    this.changes++;
    this.raiseFreeBound(node);
    this.onChange?.(node);
  }

  /**
   * Undoes the allocation that moved the node's sequence number from
   * `seqBefore` to `seqBefore + 1`, restoring both resources and sequence
   * number exactly. Throws if anything else changed the node in between.
   */
  revert(node: number, r: Resources, seqBefore: number, handle = -1): void {
    if (this.seq[node] !== seqBefore + 1) {
      throw new Error(`cluster: cannot revert on ${this.name(node)}: it changed since (seq ${this.seq[node]}, expected ${seqBefore + 1})`);
    }
    this.release(node, r, handle);
    this.seq[node] = seqBefore;
    this.claimSeq[node]!--;
  }

  /** Releases `r` on the node, and the GPU devices of its allocation `handle`. */
  release(node: number, r: Resources, handle = -1): void {
    this.gpus.give(handle);
    this.releaseValues(node, r.cpu, r.memory, r.gpu);
  }

  /** release() of an allocation held as its amounts and its GPU device handle (-1: none). */
  releaseHeld(node: number, cpu: number, memory: number, gpu: number, handle: number): void {
    this.gpus.give(handle);
    this.releaseValues(node, cpu, memory, gpu);
  }

  /**
   * releaseValues of amounts[3i..3i+2] on nodes[i] for each i < count, in
   * order: the thousands of nodes a declined mesos offer gives back. When
   * both lists lie in the arena and no journal or listener wants each node,
   * in WebAssembly (ReleaseKernel: the same arithmetic, down nodes released
   * here after it); else node by node.
   */
  releaseAll(nodes: Int32Array, amounts: Float64Array, count: number): void {
    const direct = this.journal === undefined && this.onChange === undefined && this.arena.holds(nodes) && this.arena.holds(amounts);
    const kernel = direct ? this.kernel() : null;
    if (kernel === null) {
      for (let i = 0; i < count; i++) this.releaseValues(nodes[i]!, amounts[3 * i]!, amounts[3 * i + 1]!, amounts[3 * i + 2]!);
      return;
    }
    const through = kernel.release(nodes, amounts, count, this.freeBound);
    const downs = kernel.downCount;
    this.changes += through - downs;
    for (let j = 0; j < downs; j++) {
      const i = kernel.downs[j]!;
      this.releaseValues(nodes[i]!, amounts[3 * i]!, amounts[3 * i + 1]!, amounts[3 * i + 2]!);
    }
    if (through < count) throw this.overCapacity(nodes[through]!, amounts[3 * through]!, amounts[3 * through + 1]!, amounts[3 * through + 2]!);
  }

  /**
   * allocateValues of amounts[3i..3i+2] on nodes[i] for each i < count, in
   * order: the thousands of nodes a mesos offer round takes whole. When both
   * lists lie in the arena and no listener wants each node, in WebAssembly
   * (ClusterKernel: the same arithmetic); else node by node. An allocation
   * past a node's free resources throws allocateValues' error, the nodes
   * before it allocated.
   */
  allocateAll(nodes: Int32Array, amounts: Float64Array, count: number): void {
    const direct = this.onChange === undefined && this.arena.holds(nodes) && this.arena.holds(amounts);
    const kernel = direct ? this.kernel() : null;
    if (kernel === null) {
      for (let i = 0; i < count; i++) this.allocateValues(nodes[i]!, amounts[3 * i]!, amounts[3 * i + 1]!, amounts[3 * i + 2]!);
      return;
    }
    const through = kernel.allocate(nodes, amounts, count);
    this.changes += through;
    if (through < count) throw this.overFree(nodes[through]!, amounts[3 * through]!, amounts[3 * through + 1]!, amounts[3 * through + 2]!);
  }

  /** The bulk loops' kernel, made at the first call (null where the cluster's arrays are not all in the arena). */
  private kernel(): ClusterKernel | null {
    if (this.bulk === undefined) {
      const { freeCpu, freeMemory, freeGpu, capCpu, capMemory, capGpu, seq, claimSeq, up } = this;
      this.bulk = ClusterKernel.create(this.arena, { freeCpu, freeMemory, freeGpu, capCpu, capMemory, capGpu, seq, claimSeq, up }) ?? null;
    }
    return this.bulk;
  }

  private overFree(node: number, cpu: number, memory: number, gpu: number): Error {
    return new Error(`cluster: allocating cpu=${cpu} memory=${memory} gpu=${gpu} on ${this.name(node)} exceeds its free resources`);
  }

  private overCapacity(node: number, dCpu: number, dMemory: number, dGpu: number): Error {
    return new Error(`cluster: releasing cpu=${dCpu} memory=${dMemory} gpu=${dGpu} on ${this.name(node)} exceeds its capacity`);
  }

  /** release() without a Resources object or GPU devices, for hot paths. */
  releaseValues(node: number, dCpu: number, dMemory: number, dGpu: number): void {
    if (this.up[node] === 0) {
      this.downFree[3 * node]! += dCpu;
      this.downFree[3 * node + 1]! += dMemory;
      this.downFree[3 * node + 2]! += dGpu;
      this.seq[node]!++;
      this.changes++;
      return;
    }
    const cpu = this.freeCpu[node]! + dCpu;
    const memory = this.freeMemory[node]! + dMemory;
    const gpu = this.freeGpu[node]! + dGpu;
    if (cpu > this.capCpu[node]! || memory > this.capMemory[node]! || gpu > this.capGpu[node]!) {
      throw this.overCapacity(node, dCpu, dMemory, dGpu);
    }
    this.freeCpu[node] = cpu;
    this.freeMemory[node] = memory;
    this.freeGpu[node] = gpu;
    this.journal?.gained(node);
    this.seq[node]!++;
    this.changes++;
    this.raiseFreeBound(node);
    this.onChange?.(node);
  }
}

function matchesLabels(labels: Readonly<Record<string, string>>, selector: Selector): boolean {
  const value = labels[selector.key];
  return value !== undefined && selector.values.includes(value);
}

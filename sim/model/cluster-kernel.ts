import type { NodeArena } from "./node-arena.ts";
import { CLUSTER_KERNEL_WASM } from "./cluster-kernel.wasm.ts";

/** The cluster's arrays the kernel reads and writes: every one of them in the arena's memory. */
export interface KernelArrays {
  readonly freeCpu: Float64Array;
  readonly freeMemory: Float64Array;
  readonly freeGpu: Float64Array;
  readonly capCpu: Float64Array;
  readonly capMemory: Float64Array;
  readonly capGpu: Float64Array;
  readonly seq: Float64Array;
  readonly claimSeq: Float64Array;
  readonly up: Uint8Array;
}

interface KernelExports {
  readonly arrays: (...offsets: number[]) => void;
  readonly release: (nodes: number, amounts: number, count: number) => number;
  readonly allocate: (nodes: number, amounts: number, count: number) => number;
  readonly boundCpu: WebAssembly.Global;
  readonly boundMemory: WebAssembly.Global;
  readonly boundGpu: WebAssembly.Global;
  readonly downCount: WebAssembly.Global;
}

let compiled: WebAssembly.Module | undefined;

/**
 * The cluster's bulk changes in WebAssembly (cluster-kernel.wat): the
 * thousands of nodes a declined mesos offer gives back, released in order
 * with the arithmetic of releaseValues (Cluster.releaseAll), and the
 * thousands a mesos offer round takes whole, allocated with that of
 * allocateValues (Cluster.allocateAll). Optimized JavaScript checked each
 * typed array at each element (~170 instructions a node on OpenB); here a
 * read or write is an instruction. Down nodes are left to the caller of a
 * release.
 */
export class ClusterKernel {
  /** After a release: the indexes (into its list) of the down nodes it left to the caller. */
  readonly downs: Int32Array;
  private readonly kernel: KernelExports;

  /** Undefined when an array, or the kernel's own list, is not in the arena's memory (the caller then releases in JavaScript). */
  static create(arena: NodeArena, arrays: KernelArrays): ClusterKernel | undefined {
    if (!Object.values(arrays).every((a: ArrayBufferView) => arena.holds(a))) return undefined;
    const downs = arena.i32(arena.nodes);
    return arena.holds(downs) ? new ClusterKernel(arena, arrays, downs) : undefined;
  }

  private constructor(arena: NodeArena, arrays: KernelArrays, downs: Int32Array) {
    compiled ??= new WebAssembly.Module(Buffer.from(CLUSTER_KERNEL_WASM, "base64"));
    this.kernel = new WebAssembly.Instance(compiled, { env: { memory: arena.memory } }).exports as unknown as KernelExports;
    this.downs = downs;
    const a = arrays;
    this.kernel.arrays(a.freeCpu.byteOffset, a.freeMemory.byteOffset, a.freeGpu.byteOffset, a.capCpu.byteOffset, a.capMemory.byteOffset, a.capGpu.byteOffset, a.seq.byteOffset, a.claimSeq.byteOffset, a.up.byteOffset, downs.byteOffset);
  }

  /**
   * Releases amounts[3i..3i+2] on nodes[i] for i < count (both in the
   * arena), starting from the free bounds given in `bound` and raising them
   * there. Returns how many it went through: count, or the index of the
   * node the release would take past its capacity (nothing of it changed).
   * The down nodes it passed are listed in `downs[0..downCount)`.
   */
  release(nodes: Int32Array, amounts: Float64Array, count: number, bound: Float64Array): number {
    const k = this.kernel;
    k.boundCpu.value = bound[0];
    k.boundMemory.value = bound[1];
    k.boundGpu.value = bound[2];
    const through = k.release(nodes.byteOffset, amounts.byteOffset, count);
    bound[0] = k.boundCpu.value as number;
    bound[1] = k.boundMemory.value as number;
    bound[2] = k.boundGpu.value as number;
    return through;
  }

  /**
   * Allocates amounts[3i..3i+2] on nodes[i] for i < count (both in the
   * arena). Returns how many it went through: count, or the index of the
   * node whose free resources the amounts exceed (nothing of it changed).
   */
  allocate(nodes: Int32Array, amounts: Float64Array, count: number): number {
    return this.kernel.allocate(nodes.byteOffset, amounts.byteOffset, count);
  }

  /** How many down nodes the last release left to the caller. */
  get downCount(): number {
    return this.kernel.downCount.value as number;
  }
}

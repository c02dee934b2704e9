import type { NodeArena } from "../../model/node-arena.ts";
import type { Resources } from "../../model/resources.ts";
import { OFFER_KERNEL_WASM } from "./offer-kernel.wasm.ts";
import type { BatchBuffer } from "./scratch.ts";

/** The arrays the kernel reads: the cluster's free resources, the allocator's node flags, the hoard marks; every one in the arena. */
export interface OfferArrays {
  readonly freeCpu: Float64Array;
  readonly freeMemory: Float64Array;
  readonly freeGpu: Float64Array;
  readonly flags: Uint8Array;
  readonly marks: Uint8Array;
}

/** Where a solo run has got to: the batch's length, and the sums of what the batch was given in this stretch. */
export interface SoloRun {
  k: number;
  cpu: number;
  memory: number;
  gpu: number;
}

interface KernelExports {
  readonly setup: (freeCpu: number, freeMemory: number, freeGpu: number, flags: number, marks: number, minCpu: number, minMemory: number, minGpu: number) => void;
  readonly solo: (nodes: number, start: number, count: number, batchNodes: number, batchAmounts: number) => number;
  readonly k: WebAssembly.Global;
  readonly sumCpu: WebAssembly.Global;
  readonly sumMemory: WebAssembly.Global;
  readonly sumGpu: WebAssembly.Global;
  readonly decline: (nodes: number, remaining: number, count: number, declined: number, amounts: number, touched: number, marked: number) => number;
  readonly touchedCount: WebAssembly.Global;
}

let compiled: WebAssembly.Module | undefined;

/**
 * The usual offer round's loop in WebAssembly (offer-kernel.wat): the
 * stretch of `offerSolo` between hoarded nodes, which writes each node's
 * free resources to the one framework's batch (soloStretch is the same
 * loop in JavaScript). Optimized JavaScript spent ~270 instructions a node
 * there on OpenB, most of them checks of typed arrays.
 */
export class OfferKernel {
  private readonly kernel: KernelExports;

  /** Undefined when an array is not in the arena's memory (the round then runs in JavaScript). */
  static create(arena: NodeArena, arrays: OfferArrays, minOffer: Resources): OfferKernel | undefined {
    if (!Object.values(arrays).every((a: ArrayBufferView) => arena.holds(a))) return undefined;
    return new OfferKernel(arena, arrays, minOffer);
  }

  private constructor(
    private readonly arena: NodeArena,
    arrays: OfferArrays,
    minOffer: Resources,
  ) {
    compiled ??= new WebAssembly.Module(Buffer.from(OFFER_KERNEL_WASM, "base64"));
    this.kernel = new WebAssembly.Instance(compiled, { env: { memory: arena.memory } }).exports as unknown as KernelExports;
    const a = arrays;
    this.kernel.setup(a.freeCpu.byteOffset, a.freeMemory.byteOffset, a.freeGpu.byteOffset, a.flags.byteOffset, a.marks.byteOffset, minOffer.cpu, minOffer.memory, minOffer.gpu);
  }

  /** Whether a stretch over `nodes` into `batch` can run here: both lie in the arena. */
  reaches(nodes: Int32Array, batch: BatchBuffer): boolean {
    return this.arena.holds(nodes) && this.arena.holds(batch.nodes) && this.arena.holds(batch.amounts);
  }

  /**
   * The decline's loop (FrameworkDecisions.declineRest) where every list lies
   * in the arena: declines remaining[3i..3i+2] of offered[i] unless all zero,
   * written to `declined` and `amounts` in order; with `marked`, the offered
   * nodes with a hoard mark are written to `touched`. Returns how many were
   * declined, the sums of what was, and how many were touched; undefined,
   * having done nothing, where a list is not in the arena.
   */
  decline(offered: Int32Array, remaining: Float64Array, declined: Int32Array, amounts: Float64Array, touched: Int32Array, marked: boolean): { declined: number; cpu: number; memory: number; gpu: number; touched: number } | undefined {
    if (![offered, remaining, declined, amounts, touched].every((a) => this.arena.holds(a))) return undefined;
    const k = this.kernel;
    const count = k.decline(offered.byteOffset, remaining.byteOffset, offered.length, declined.byteOffset, amounts.byteOffset, touched.byteOffset, marked ? 1 : 0);
    return { declined: count, cpu: k.sumCpu.value as number, memory: k.sumMemory.value as number, gpu: k.sumGpu.value as number, touched: k.touchedCount.value as number };
  }

  /** soloStretch in WebAssembly (see there); `reaches(nodes, batch)` must hold. */
  solo(nodes: Int32Array, start: number, batch: BatchBuffer, run: SoloRun): number {
    const k = this.kernel;
    k.k.value = run.k;
    k.sumCpu.value = run.cpu;
    k.sumMemory.value = run.memory;
    k.sumGpu.value = run.gpu;
    const v = k.solo(nodes.byteOffset, start, nodes.length, batch.nodes.byteOffset, batch.amounts.byteOffset);
    run.k = k.k.value as number;
    run.cpu = k.sumCpu.value as number;
    run.memory = k.sumMemory.value as number;
    run.gpu = k.sumGpu.value as number;
    return v;
  }
}

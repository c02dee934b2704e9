import type { NodeArena } from "../../model/node-arena.ts";
import type { InlineProfile } from "./profile.ts";
import { SCAN_BLOCKS_WASM } from "./scan-blocks.wasm.ts";
import { SCAN_KERNEL_WASM } from "./scan-kernel.wasm.ts";

/** The arrays the kernel reads: every one of them in the arena's memory. */
export interface KernelArrays {
  readonly freeCpu: Float64Array;
  readonly freeMemory: Float64Array;
  readonly freeGpu: Float64Array;
  readonly capCpu: Float64Array;
  readonly capMemory: Float64Array;
  readonly podCount: Uint32Array;
  readonly maxPods: Uint32Array;
  readonly nonZeroExtraCpu: Float64Array;
  readonly nonZeroExtraMemory: Float64Array;
}

interface KernelExports {
  readonly profile: (fitWeight: number, most: number, cpuWeight: number, memoryWeight: number, balancedWeight: number, balancedBoth: number, bothWeights: number, perBothWeights: number) => void;
  readonly arrays: (...offsets: number[]) => void;
  readonly scan: (n: number, start: number, want: number, rc: number, rm: number, rg: number, nzc: number, nzm: number, bestEffort: number, extras: number) => number;
  readonly found: WebAssembly.Global;
  readonly drawsBefore: WebAssembly.Global;
  readonly groupLength: WebAssembly.Global;
  /** 1 when the profile is the usual one (scan-kernel.wat `$usual`). */
  readonly usual: WebAssembly.Global;
}

interface BlocksExports {
  readonly setup: (scores: number, masks: number, block: number) => void;
  readonly scan: (n: number, start: number, want: number, rc: number, rm: number, nzc: number, nzm: number) => number;
}

let compiled: WebAssembly.Module | undefined;
let compiledBlocks: WebAssembly.Module | undefined;

/** The nodes scan-blocks.wat scores before it walks them (even, and at most 64: it keeps a block's nodes as the bits of an i64; its scratch, in the arena, is sized for it). */
const BLOCK = 64;

/**
 * Which loop the usual scan takes: `auto` scan-blocks.wat's (nodes scored two
 * at a time, then walked) while at least 49 in 50 nodes the last scan
 * examined fit, else scan-kernel.wat's $scanUsual (node by node, which skips
 * a node that does not fit at once: kube's scans, about half of whose nodes
 * fit at 10,000 x 100,000, ran 4-10 % slower in blocks); or always one of
 * them (tests hold both to the JavaScript scan).
 */
export type ScanLoop = "auto" | "nodes" | "blocks";

/**
 * kube's filter-and-score scan for the usual Pod, in WebAssembly
 * (scan-kernel.wat): the scan NodeScan.select writes out, examining the
 * nodes in the same order with the same arithmetic, about twice as fast.
 * Ties are left to the caller's seeded stream: after a scan, `drawsBefore`
 * draws belong to groups of equal scores that a higher one ended, then
 * the final group's `groupLength` nodes (in `ties`) are drawn among.
 */
export class ScanKernel {
  /** The first feasible nodes of the last scan (up to fitsKept of them), when it examined every node and found at most fitsKept (all NodeScan records); the blocks loop lists them only then. */
  readonly fitted: Int32Array;
  /** The nodes of the last scan's final group of equal best scores, in scan order. */
  readonly ties: Int32Array;
  private readonly kernel: KernelExports;
  /** The usual scan in blocks (scan-blocks.wat), on this kernel's globals. */
  private readonly blocks: BlocksExports;
  /** Whether the profile is the usual one, which the blocks loop covers. */
  private readonly usual: boolean;
  /** Which loop the usual scan takes (see ScanLoop). */
  loop: ScanLoop = "auto";
  /** Whether at least 49 in 50 nodes the last scan examined fit. */
  private dense = true;

  /** Undefined when an array, or the kernel's own buffers, are not in the arena's memory (the caller then scans in JavaScript). */
  static create(arena: NodeArena, arrays: KernelArrays, profile: InlineProfile, fitsKept: number): ScanKernel | undefined {
    if (!Object.values(arrays).every((a: ArrayBufferView) => arena.holds(a))) return undefined;
    const fitted = arena.i32(fitsKept);
    const ties = arena.i32(arena.nodes);
    const block = { scores: arena.f64(BLOCK), masks: arena.i32(BLOCK / 2) };
    return [fitted, ties, block.scores, block.masks].every((a) => arena.holds(a)) ? new ScanKernel(arena, arrays, profile, fitted, ties, block) : undefined;
  }

  private constructor(arena: NodeArena, arrays: KernelArrays, profile: InlineProfile, fitted: Int32Array, ties: Int32Array, block: { scores: Float64Array; masks: Int32Array }) {
    compiled ??= new WebAssembly.Module(Buffer.from(SCAN_KERNEL_WASM, "base64"));
    compiledBlocks ??= new WebAssembly.Module(Buffer.from(SCAN_BLOCKS_WASM, "base64"));
    const instance = new WebAssembly.Instance(compiled, { env: { memory: arena.memory } });
    this.kernel = instance.exports as unknown as KernelExports;
    this.blocks = new WebAssembly.Instance(compiledBlocks, { env: { memory: arena.memory }, scan: instance.exports }).exports as unknown as BlocksExports;
    this.blocks.setup(block.scores.byteOffset, block.masks.byteOffset, BLOCK);
    this.fitted = fitted;
    this.ties = ties;
    const fitsKept = fitted.length;
    const a = arrays;
    this.kernel.arrays(a.freeCpu.byteOffset, a.freeMemory.byteOffset, a.freeGpu.byteOffset, a.capCpu.byteOffset, a.capMemory.byteOffset, a.podCount.byteOffset, a.maxPods.byteOffset, a.nonZeroExtraCpu.byteOffset, a.nonZeroExtraMemory.byteOffset, this.fitted.byteOffset, fitsKept, this.ties.byteOffset);
    const p = profile;
    this.kernel.profile(p.fitWeight, p.most ? 1 : 0, p.cpuWeight, p.memoryWeight, p.balancedWeight, p.balancedCpu && p.balancedMemory ? 1 : 0, p.bothWeights, 1 / p.bothWeights);
    this.usual = this.kernel.usual.value === 1;
  }

  /**
   * Scans from `start` until `want` feasible nodes are found or all `n` were
   * examined; returns how many were examined. `extras` false: every node's
   * non-zero extras are exactly 0 (the node-by-node loop then does not read
   * them; the blocks loop adds them, 0, as they are).
   */
  scan(n: number, start: number, want: number, rc: number, rm: number, rg: number, nzc: number, nzm: number, bestEffort: boolean, extras: boolean): number {
    const inBlocks = this.usual && !bestEffort && (this.loop === "auto" ? this.dense : this.loop === "blocks");
    const examined = inBlocks ? this.blocks.scan(n, start, want, rc, rm, nzc, nzm) : this.kernel.scan(n, start, want, rc, rm, rg, nzc, nzm, bestEffort ? 1 : 0, extras ? 1 : 0);
    this.dense = 50 * this.found >= 49 * examined;
    return examined;
  }

  /** Feasible nodes the last scan found. */
  get found(): number {
    return this.kernel.found.value as number;
  }

  /** Tie draws of the groups of equal scores a higher score ended. */
  get drawsBefore(): number {
    return this.kernel.drawsBefore.value as number;
  }

  /** Nodes in the final group of equal best scores (0: no node fitted). */
  get groupLength(): number {
    return this.kernel.groupLength.value as number;
  }
}

import type { NodeArena } from "../../model/node-arena.ts";
import type { Resources } from "../../model/resources.ts";
import type { Filter, Wanting } from "./filters.ts";
import { FILTER_KERNEL_WASM } from "./filter-kernel.wasm.ts";
import type { NodeList } from "./node-list.ts";
import type { RoundBatches } from "./scratch.ts";

/** The arrays the kernel reads and writes throughout: every one in the arena (the parked list's items among them). */
export interface FilterArrays {
  readonly freeCpu: Float64Array;
  readonly freeMemory: Float64Array;
  readonly freeGpu: Float64Array;
  readonly flags: Uint8Array;
  readonly marks: Uint8Array;
  readonly up: Uint8Array;
  readonly parked: Int32Array;
}

/** One framework's filter arrays (RefuseFilters'). */
export type FilterTables = Pick<Filter, "until" | "epochs" | "refused">;

interface KernelExports {
  readonly setup: (freeCpu: number, freeMemory: number, freeGpu: number, flags: number, marks: number, up: number, parked: number, minCpu: number, minMemory: number, minGpu: number, totalCpu: number, totalMemory: number, totalGpu: number) => void;
  readonly round: (nodes: number, start: number, count: number, table: number, frameworks: number, now: number, sizes: number, allocated: number, offers: number) => number;
  readonly set: (nodes: number, amounts: number, count: number, until: number, epochs: number, refused: number, untilTime: number, epoch: number) => void;
  readonly settle: (nodes: number, start: number, count: number, candidates: number, table: number, frameworks: number, now: number, anyNode: number, onlyHoards: number, open: number) => number;
  readonly unpark: (count: number, candidates: number, table: number, frameworks: number, now: number, open: number) => number;
  readonly candidateCount: WebAssembly.Global;
  readonly parkedCount: WebAssembly.Global;
}

let compiled: WebAssembly.Module | undefined;

/**
 * The allocator's passes over a decline's nodes in WebAssembly
 * (filter-kernel.wat): setting a framework's refuse filters on them
 * (RefuseFilters.set), settling the ones no framework hoards on
 * (settleAll: candidate or parked), and bringing parked nodes back for
 * frameworks that widened (Allocator.unpark). Optimized JavaScript spent
 * ~90-110 instructions a node in each on OpenB, most of them checks of
 * typed arrays.
 */
export class FilterKernel {
  private readonly kernel: KernelExports;
  /** The filters settle asks, 4 i32 per framework (until, epochs and refused offsets, epoch). */
  private readonly table: Int32Array;

  /** Undefined when an array, or the kernel's table, is not in the arena's memory (the passes then run in JavaScript). */
  static create(arena: NodeArena, arrays: FilterArrays, minOffer: Resources, total: Resources, frameworks: number): FilterKernel | undefined {
    if (!Object.values(arrays).every((a: ArrayBufferView) => arena.holds(a))) return undefined;
    // 8 i32 a framework: a round's entries (settle's and unpark's take the first 4 of 8 in 16 bytes each).
    const table = arena.i32(8 * frameworks);
    return arena.holds(table) ? new FilterKernel(arena, arrays, minOffer, total, table) : undefined;
  }

  private constructor(
    private readonly arena: NodeArena,
    arrays: FilterArrays,
    minOffer: Resources,
    total: Resources,
    table: Int32Array,
  ) {
    compiled ??= new WebAssembly.Module(Buffer.from(FILTER_KERNEL_WASM, "base64"));
    this.kernel = new WebAssembly.Instance(compiled, { env: { memory: arena.memory } }).exports as unknown as KernelExports;
    this.table = table;
    const a = arrays;
    this.kernel.setup(a.freeCpu.byteOffset, a.freeMemory.byteOffset, a.freeGpu.byteOffset, a.flags.byteOffset, a.marks.byteOffset, a.up.byteOffset, a.parked.byteOffset, minOffer.cpu, minOffer.memory, minOffer.gpu, total.cpu, total.memory, total.gpu);
  }

  /** Whether the filter's arrays all lie in the arena. */
  private holds(filter: FilterTables): boolean {
    return this.arena.holds(filter.until) && this.arena.holds(filter.epochs) && this.arena.holds(filter.refused);
  }

  /**
   * RefuseFilters.set's loop for one framework's `filter`, in epoch `epoch`;
   * false, having done nothing, where an array is not in the arena.
   */
  set(filter: FilterTables, nodes: Int32Array, amounts: Float64Array, until: number, epoch: number): boolean {
    if (!this.holds(filter) || !this.arena.holds(nodes) || !this.arena.holds(amounts)) return false;
    this.kernel.set(nodes.byteOffset, amounts.byteOffset, nodes.length, filter.until.byteOffset, filter.epochs.byteOffset, filter.refused.byteOffset, until, epoch);
    return true;
  }

  /**
   * Writes the live ones of `filters` into the table the kernel asks;
   * returns how many, or undefined where one's arrays are not in the arena.
   */
  private tableOf(filters: readonly Filter[]): number | undefined {
    let frameworks = 0;
    for (const filter of filters) {
      if (!filter.live) continue;
      if (!this.holds(filter)) return undefined;
      const at = 4 * frameworks++;
      this.table[at] = filter.until.byteOffset;
      this.table[at + 1] = filter.epochs.byteOffset;
      this.table[at + 2] = filter.refused.byteOffset;
      this.table[at + 3] = filter.epoch;
    }
    return frameworks;
  }

  /**
   * Writes the filters settle asks for `wanting` (the live ones of the
   * frameworks that want any node); returns whether settle may run: every
   * one of them, and the lists, in the arena. `open`: some framework that
   * wants any node set no filter since it revived.
   */
  prepare(wanting: readonly Wanting[], nodes: Int32Array, candidates: NodeList): { frameworks: number; open: boolean } | undefined {
    if (!this.arena.holds(nodes) || !this.arena.holds(candidates.items)) return undefined;
    const anyNode = wanting.filter((w) => w.anyNode);
    const frameworks = this.tableOf(anyNode);
    return frameworks === undefined ? undefined : { frameworks, open: anyNode.some((w) => !w.live) };
  }

  /**
   * Readies a round's loop (`round`) for `wanting` (the frameworks that want
   * any node, in id order: their filters and their batches, taken now):
   * returns how many, or undefined, having taken nothing, where the DRF
   * state, the batches' sizes, the nodes, a live filter or a batch is not
   * in the arena.
   */
  prepareRound(wanting: readonly Wanting[], drf: { readonly allocated: Float64Array; readonly allocations: Float64Array }, batches: RoundBatches, nodes: Int32Array): number | undefined {
    if (![drf.allocated, drf.allocations, batches.size, nodes].every((a) => this.arena.holds(a))) return undefined;
    const anyNode = wanting.filter((w) => w.anyNode);
    if (anyNode.some((w) => w.live && !this.holds(w))) return undefined;
    const taken = anyNode.map((w) => batches.of(w.f));
    if (!taken.every((b) => this.arena.holds(b.nodes) && this.arena.holds(b.amounts))) {
      for (const w of anyNode) batches.dropEmpty(w.f);
      return undefined;
    }
    anyNode.forEach((w, t) => {
      const at = 8 * t;
      this.table[at] = w.until.byteOffset;
      this.table[at + 1] = w.epochs.byteOffset;
      this.table[at + 2] = w.refused.byteOffset;
      this.table[at + 3] = w.epoch;
      this.table[at + 4] = w.f;
      this.table[at + 5] = w.live ? 1 : 0;
      this.table[at + 6] = taken[t]!.nodes.byteOffset;
      this.table[at + 7] = taken[t]!.amounts.byteOffset;
    });
    return anyNode.length;
  }

  /**
   * A round's stretch over nodes[start..count) no framework hoards on, after
   * `prepareRound` gave `frameworks` (see filter-kernel.wat `round`):
   * appends to the frameworks' batches and `parked`, and adds to the DRF
   * state; allocates nothing. Returns where it stopped: count, or a node
   * with a hoard mark.
   */
  round(nodes: Int32Array, start: number, count: number, frameworks: number, now: number, drf: { readonly allocated: Float64Array; readonly allocations: Float64Array }, batches: RoundBatches, parked: NodeList): number {
    const k = this.kernel;
    k.parkedCount.value = parked.length;
    const v = k.round(nodes.byteOffset, start, count, this.table.byteOffset, frameworks, now, batches.size.byteOffset, drf.allocated.byteOffset, drf.allocations.byteOffset);
    parked.length = k.parkedCount.value as number;
    return v;
  }

  /**
   * Allocator.unpark's loop over `parked` (whose items the kernel was set up
   * with) for frameworks whose `filters` widened; `open`: every parked node
   * goes back. Returns false, having done nothing, where the candidate list
   * or a filter is not in the arena.
   */
  unpark(parked: NodeList, candidates: NodeList, filters: readonly Filter[], now: number, open: boolean): boolean {
    if (!this.arena.holds(candidates.items)) return false;
    const frameworks = open ? 0 : this.tableOf(filters);
    if (frameworks === undefined) return false;
    const k = this.kernel;
    k.candidateCount.value = candidates.length;
    parked.length = k.unpark(parked.length, candidates.items.byteOffset, this.table.byteOffset, frameworks, now, open ? 1 : 0);
    candidates.length = k.candidateCount.value as number;
    return true;
  }

  /**
   * settleAll's stretch over nodes[start..count) no framework hoards on, after
   * `prepare` (see filter-kernel.wat); appends to `candidates` and `parked`
   * (whose items the kernel was set up with). Returns where it stopped:
   * count, or a node with a hoard mark.
   */
  settle(nodes: Int32Array, start: number, count: number, candidates: NodeList, parked: NodeList, prepared: { frameworks: number; open: boolean }, now: number, anyNode: boolean, onlyHoards: boolean): number {
    const k = this.kernel;
    k.candidateCount.value = candidates.length;
    k.parkedCount.value = parked.length;
    const v = k.settle(nodes.byteOffset, start, count, candidates.items.byteOffset, this.table.byteOffset, prepared.frameworks, now, anyNode ? 1 : 0, onlyHoards ? 1 : 0, prepared.open ? 1 : 0);
    candidates.length = k.candidateCount.value as number;
    parked.length = k.parkedCount.value as number;
    return v;
  }
}

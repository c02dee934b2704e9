import type { EventLog } from "../../metrics/log.ts";
import type { Resources } from "../../model/resources.ts";
import type { BookEvents } from "./deadlock.ts";

/** A gang waiting across nodes: it holds room for some Pods, needs `quorum` Pods placed at once. */
export interface GangWaiter {
  readonly index: number;
  /** Each Pod's request (whole GPUs), in Pod order. */
  readonly pods: readonly Resources[];
  readonly quorum: number;
  /** What it holds per node (cpu, memory, gpu). */
  readonly held: ReadonlyMap<number, Resources>;
  /** Nodes the gang may use (its selector), or undefined for any. */
  readonly mask: Uint8Array | undefined;
}

/** The cluster as the reduction sees it: each node's capacity, and whether it is up. */
export interface CapacityView {
  readonly size: number;
  readonly capCpu: Float64Array;
  readonly capMemory: Float64Array;
  readonly capGpu: Float64Array;
  readonly up: Uint8Array;
}

/** The verdict on the waiting gangs: those that can never proceed, and how many the bin-packing check could not decide. */
export interface GangVerdict {
  readonly stuck: GangWaiter[];
  readonly undecided: number;
}

/**
 * Cluster-wide deadlock by reduction (Coffman/Holt) for gangs that hoard
 * across nodes: assume every running task finishes and every resource not
 * held by a waiting gang comes free; repeatedly remove a gang that could
 * place `quorum` of its Pods on the nodes' capacity minus what the *other*
 * remaining gangs hold there (its own holds count as free to it). The gangs
 * left can never proceed unless one releases a hold.
 *
 * Placing Pods is bin packing. When a gang's Pods are all alike the check is
 * exact (per node: as many Pods as every dimension allows). Otherwise it
 * packs first-fit decreasing: a packing found is a proof the gang can
 * proceed; when none is found the gang may still fit some other way, so it
 * is removed as if it could (never reporting a deadlock that could resolve)
 * and counted `undecided`. Pure.
 */
export function stuckGangs(cluster: CapacityView, waiters: readonly GangWaiter[]): GangVerdict {
  const n = cluster.size;
  const heldCpu = new Float64Array(n);
  const heldMemory = new Float64Array(n);
  const heldGpu = new Float64Array(n);
  const addHeld = (w: GangWaiter, sign: number): void => {
    for (const [node, r] of w.held) {
      heldCpu[node]! += sign * r.cpu;
      heldMemory[node]! += sign * r.memory;
      heldGpu[node]! += sign * r.gpu;
    }
  };
  for (const w of waiters) addHeld(w, 1);
  let remaining = [...waiters];
  let undecided = 0;
  for (let changed = true; changed && remaining.length > 0; ) {
    changed = false;
    const next: GangWaiter[] = [];
    for (const w of remaining) {
      addHeld(w, -1); // its own holds are free to it
      const verdict = canPlace(cluster, w, heldCpu, heldMemory, heldGpu);
      if (verdict === "no") {
        addHeld(w, 1);
        next.push(w);
        continue;
      }
      if (verdict === "undecided") undecided++;
      changed = true;
    }
    remaining = next;
  }
  return { stuck: remaining, undecided };
}

function canPlace(cluster: CapacityView, w: GangWaiter, heldCpu: Float64Array, heldMemory: Float64Array, heldGpu: Float64Array): "yes" | "no" | "undecided" {
  const n = cluster.size;
  const room = (node: number): [number, number, number] => [cluster.capCpu[node]! - heldCpu[node]!, cluster.capMemory[node]! - heldMemory[node]!, cluster.capGpu[node]! - heldGpu[node]!];
  const usable = (node: number): boolean => cluster.up[node] === 1 && (w.mask === undefined || w.mask[node] === 1);
  const first = w.pods[0]!;
  const alike = w.pods.every((p) => p.cpu === first.cpu && p.memory === first.memory && p.gpu === first.gpu);
  if (alike) {
    let count = 0;
    for (let node = 0; node < n && count < w.quorum; node++) {
      if (!usable(node)) continue;
      const [c, m, g] = room(node);
      let k = Infinity;
      if (first.cpu > 0) k = Math.min(k, Math.floor(c / first.cpu + 1e-9));
      if (first.memory > 0) k = Math.min(k, Math.floor(m / first.memory + 1e-9));
      if (first.gpu > 0) k = Math.min(k, Math.floor(g / first.gpu + 1e-9));
      if (k === Infinity) return "yes"; // Pods asking for nothing
      count += Math.max(0, k);
    }
    return count >= w.quorum ? "yes" : "no";
  }
  // Any `quorum` Pods will do: try the smallest ones, first-fit decreasing (by cpu, then memory, then gpu).
  const pods = [...w.pods].sort((a, b) => b.cpu - a.cpu || b.memory - a.memory || b.gpu - a.gpu).slice(-w.quorum);
  pods.sort((a, b) => b.cpu - a.cpu || b.memory - a.memory || b.gpu - a.gpu);
  const free: [number, number, number][] = [];
  const nodes: number[] = [];
  for (let node = 0; node < n; node++) if (usable(node)) (nodes.push(node), free.push(room(node)));
  for (const p of pods) {
    let placed = false;
    for (const f of free) {
      if (p.cpu <= f[0] + 1e-9 && p.memory <= f[1] + 1e-9 && p.gpu <= f[2] + 1e-9) {
        f[0] -= p.cpu;
        f[1] -= p.memory;
        f[2] -= p.gpu;
        placed = true;
        break;
      }
    }
    if (!placed) return "undecided";
  }
  return "yes";
}

/**
 * The open cross-node deadlock (or stall) of the gangs, written to the event
 * log like the per-node ones: one join per (gang, node it holds on) with what
 * it holds there, a leave per node for a gang that stops being stuck, one end
 * when nothing is stuck. Ids come from `ids`, shared with the per-node books.
 */
export class GangBook {
  private open: { id: number; groups: Map<number, GangWaiter> } | undefined;

  constructor(
    private readonly log: EventLog,
    private readonly events: BookEvents,
    private readonly ids: { next: number },
  ) {}

  get isOpen(): boolean {
    return this.open !== undefined;
  }

  isIn(group: number): boolean {
    return this.open?.groups.has(group) ?? false;
  }

  update(now: number, stuck: readonly GangWaiter[], endedBy: number, endedGroup = -1): void {
    const current = this.open;
    if (stuck.length === 0) {
      if (current !== undefined) {
        this.open = undefined;
        this.log.push(now, this.events.end, endedGroup, -1, current.id, endedBy);
      }
      return;
    }
    const entry = current ?? { id: this.ids.next++, groups: new Map<number, GangWaiter>() };
    this.open = entry;
    const still = new Set(stuck.map((w) => w.index));
    for (const [g, w] of [...entry.groups]) {
      if (still.has(g)) continue;
      entry.groups.delete(g);
      for (const node of w.held.keys()) this.log.push(now, this.events.leave, g, node, entry.id);
    }
    for (const w of stuck) {
      if (entry.groups.has(w.index)) continue;
      entry.groups.set(w.index, w);
      for (const [node, r] of w.held) this.log.pushResources(now, this.events.join, w.index, node, entry.id, r);
    }
  }
}


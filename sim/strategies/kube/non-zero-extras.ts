import type { NodeArena } from "../../model/node-arena.ts";

/**
 * Per node, how much the non-zero requests of the Pods bound there exceed
 * their requests (kube's scoring counts a container asking no cpu or memory
 * as its defaults, 100m and 200 MiB), in the arena where the scan kernel
 * reads them; and how many nodes have any such extra, so that while none
 * does the kernel need not read them.
 */
export class NonZeroExtras {
  readonly cpu: Float64Array;
  readonly memory: Float64Array;
  private nonZero = 0;

  constructor(arena: NodeArena) {
    this.cpu = arena.f64();
    this.memory = arena.f64();
  }

  /** Nodes whose extras (cpu or memory) are not 0. */
  nodes(): number {
    return this.nonZero;
  }

  /** Adds to the node's extras (a Pod bound there, or, negated, one gone). */
  add(node: number, cpu: number, memory: number): void {
    if (cpu === 0 && memory === 0) return;
    const before = this.cpu[node] !== 0 || this.memory[node] !== 0;
    this.cpu[node]! += cpu;
    this.memory[node]! += memory;
    const after = this.cpu[node] !== 0 || this.memory[node] !== 0;
    this.nonZero += Number(after) - Number(before);
  }
}

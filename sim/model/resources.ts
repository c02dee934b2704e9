/**
 * A resource vector: cpu in millicores, memory in MiB, gpu in milli-GPUs
 * (whole GPUs x 1000, or a shared fraction).
 */
export interface Resources {
  readonly cpu: number;
  readonly memory: number;
  readonly gpu: number;
}

export const RESOURCE_NAMES = ["cpu", "memory", "gpu"] as const;
export type ResourceName = (typeof RESOURCE_NAMES)[number];

export const ZERO: Resources = Object.freeze({ cpu: 0, memory: 0, gpu: 0 });

export function resources(cpu: number, memory: number, gpu = 0): Resources {
  return { cpu, memory, gpu };
}

export function add(a: Resources, b: Resources): Resources {
  return { cpu: a.cpu + b.cpu, memory: a.memory + b.memory, gpu: a.gpu + b.gpu };
}

export function sub(a: Resources, b: Resources): Resources {
  return { cpu: a.cpu - b.cpu, memory: a.memory - b.memory, gpu: a.gpu - b.gpu };
}

/** Element-wise maximum. */
export function max(a: Resources, b: Resources): Resources {
  return { cpu: Math.max(a.cpu, b.cpu), memory: Math.max(a.memory, b.memory), gpu: Math.max(a.gpu, b.gpu) };
}

/** True when `request` fits in `available` in every dimension. */
export function fitsIn(request: Resources, available: Resources): boolean {
  return request.cpu <= available.cpu && request.memory <= available.memory && request.gpu <= available.gpu;
}

/** Element-wise minimum. */
export function min(a: Resources, b: Resources): Resources {
  return { cpu: Math.min(a.cpu, b.cpu), memory: Math.min(a.memory, b.memory), gpu: Math.min(a.gpu, b.gpu) };
}

/** a - b, floored at 0 in every dimension. */
export function subClamped(a: Resources, b: Resources): Resources {
  return { cpu: Math.max(0, a.cpu - b.cpu), memory: Math.max(0, a.memory - b.memory), gpu: Math.max(0, a.gpu - b.gpu) };
}

/** Largest share of `total` that `a` takes in any dimension (dimensions with 0 total are skipped). */
export function dominantShare(a: Resources, total: Resources): number {
  return dominantShareOf(a.cpu, a.memory, a.gpu, total);
}

/** dominantShare of (cpu, memory, gpu), without a Resources object, for hot paths. */
export function dominantShareOf(cpu: number, memory: number, gpu: number, total: Resources): number {
  let share = 0;
  if (total.cpu > 0) share = Math.max(share, cpu / total.cpu);
  if (total.memory > 0) share = Math.max(share, memory / total.memory);
  if (total.gpu > 0) share = Math.max(share, gpu / total.gpu);
  return share;
}

export function isZero(a: Resources): boolean {
  return a.cpu === 0 && a.memory === 0 && a.gpu === 0;
}

export function sum(items: readonly Resources[]): Resources {
  let cpu = 0;
  let memory = 0;
  let gpu = 0;
  for (const r of items) {
    cpu += r.cpu;
    memory += r.memory;
    gpu += r.gpu;
  }
  return { cpu, memory, gpu };
}


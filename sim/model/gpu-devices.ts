/**
 * A node's GPUs are devices of 1,000 milli-GPU each (the OpenB trace's and
 * GPU-sharing schedulers' model). A GPU request of at most 1,000 milli must
 * fit on one device (a shared fraction of it); a larger one takes
 * ceil(request / 1,000) whole free devices. Allocations are remembered by a
 * handle so a release frees exactly the devices it took. A fraction goes to
 * the device with the least room that still fits it (best fit), whole GPUs
 * to the first free devices.
 */
export const GPU_DEVICE = 1000;

/** How many whole devices a GPU request takes, or 0 for a fraction of one. */
export const wholeDevices = (gpu: number): number => (gpu > GPU_DEVICE ? Math.ceil(gpu / GPU_DEVICE) : 0);

export class GpuDevices {
  /** First device of each node (node n has start[n+1] - start[n] devices). */
  private readonly start: Uint32Array;
  private readonly free: Float64Array;
  private readonly handles = new Map<number, { devices: number[]; amounts: number[] }>();
  private nextHandle = 0;

  constructor(capacity: Float64Array) {
    const n = capacity.length;
    this.start = new Uint32Array(n + 1);
    for (let i = 0; i < n; i++) this.start[i + 1] = this.start[i]! + Math.floor(capacity[i]! / GPU_DEVICE);
    this.free = new Float64Array(this.start[n]!).fill(GPU_DEVICE);
  }

  devices(node: number): number {
    return this.start[node + 1]! - this.start[node]!;
  }

  /** Whether a node with these many devices could ever hold the request. */
  static possible(devices: number, gpu: number): boolean {
    if (gpu <= 0) return true;
    const k = wholeDevices(gpu);
    return k === 0 ? devices >= 1 : devices >= k;
  }

  fits(node: number, gpu: number): boolean {
    if (gpu <= 0) return true;
    const a = this.start[node]!;
    const b = this.start[node + 1]!;
    const k = wholeDevices(gpu);
    if (k === 0) {
      for (let d = a; d < b; d++) if (this.free[d]! >= gpu) return true;
      return false;
    }
    let whole = 0;
    for (let d = a; d < b; d++) if (this.free[d] === GPU_DEVICE && ++whole >= k) return true;
    return false;
  }

  /** Takes devices for the request; returns its handle (-1 for no GPU). Throws if it does not fit. */
  take(node: number, gpu: number, where: () => string): number {
    if (gpu <= 0) return -1;
    const a = this.start[node]!;
    const b = this.start[node + 1]!;
    const k = wholeDevices(gpu);
    const devices: number[] = [];
    const amounts: number[] = [];
    if (k === 0) {
      let best = -1;
      for (let d = a; d < b; d++) if (this.free[d]! >= gpu && (best < 0 || this.free[d]! < this.free[best]!)) best = d;
      if (best < 0) throw new Error(`cluster: no GPU device on ${where()} has ${gpu} milli free`);
      devices.push(best);
      amounts.push(gpu);
    } else {
      for (let d = a; d < b && devices.length < k; d++) {
        if (this.free[d] === GPU_DEVICE) {
          devices.push(d);
          amounts.push(GPU_DEVICE);
        }
      }
      if (devices.length < k) throw new Error(`cluster: ${where()} has fewer than ${k} whole free GPU devices`);
    }
    for (let i = 0; i < devices.length; i++) this.free[devices[i]!]! -= amounts[i]!;
    const handle = this.nextHandle++;
    this.handles.set(handle, { devices, amounts });
    return handle;
  }

  give(handle: number): void {
    if (handle < 0) return;
    const h = this.handles.get(handle);
    if (h === undefined) throw new Error(`cluster: GPU allocation ${handle} released twice`);
    this.handles.delete(handle);
    for (let i = 0; i < h.devices.length; i++) this.free[h.devices[i]!]! += h.amounts[i]!;
  }
}

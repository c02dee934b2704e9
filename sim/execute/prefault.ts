/**
 * Touches, from the main thread, the memory a run's thread is about to fill,
 * so that the run's thread finds it mapped. On this project's VM the first
 * touch of each 4 KB page costs about 11 us (~2.8 ms per MB), and a run
 * touches a few hundred MB; the main thread waits idle meanwhile, and a
 * page mapped by one thread is mapped for all of them.
 *
 * Only shared buffers can be touched from here, and a touch must never
 * change what the run writes: each page is touched by an atomic add of 0 to
 * one of its bytes, which keeps the byte whatever the run writes there at
 * the same moment. A buffer that grows (the event log's) is touched up to
 * its length as it grows.
 */
export class Prefault {
  private readonly pending: { view: Uint8Array; done: number }[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  /** Buffers to touch, in order: each from its start to its length (followed as it grows). */
  add(buffers: readonly SharedArrayBuffer[]): void {
    if (this.stopped) return;
    // A view without a length follows a growable buffer's length.
    for (const buffer of buffers) this.pending.push({ view: new Uint8Array(buffer), done: 0 });
    if (this.timer === undefined) this.schedule(0);
  }

  /** Bytes of the pages touched so far (whole pages). */
  get touched(): number {
    return this.pending.reduce((sum, p) => sum + p.done, 0);
  }

  /** Stops touching and lets the buffers go (the run has ended). */
  stop(): void {
    this.stopped = true;
    this.pending.length = 0;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => this.tick(), ms);
    // Never what keeps the process alive.
    this.timer.unref();
  }

  /** Touches at most SLICE_BYTES, so the main thread stays free for messages and signals; then waits for more. */
  private tick(): void {
    this.timer = undefined;
    if (this.stopped) return;
    let budget = SLICE_BYTES;
    for (const p of this.pending) {
      const length = p.view.length;
      while (p.done < length && budget > 0) {
        Atomics.add(p.view, p.done, 0);
        p.done += PAGE_BYTES;
        budget -= PAGE_BYTES;
      }
      if (budget <= 0) break;
    }
    // Caught up: look again shortly (a growing buffer may have grown).
    this.schedule(budget <= 0 ? 0 : IDLE_MS);
  }
}

/** The page size touched for (a larger page is touched more than once, harmlessly). */
const PAGE_BYTES = 4096;
/** Bytes touched per turn of the main thread's event loop: a few milliseconds here. */
const SLICE_BYTES = 1 << 20;
/** How often a caught-up toucher looks for growth. */
const IDLE_MS = 2;

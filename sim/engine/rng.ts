import seedrandom from "seedrandom";

/**
 * A seeded stream of uniform draws: Alea, string-seeded. seedrandom seeds it
 * (its Mash hash of the seed string) and the stream then steps the same
 * recurrence here, on a typed array of its own: the draws are
 * seedrandom.alea's, bit for bit (test/engine.test.ts), without a closure
 * call per draw.
 */
export class Rng {
  /** Alea's state (c, s0, s1, s2) in a typed array: fields would box c, an int32 beyond the small-integer range. */
  private readonly state = new Float64Array(4);

  /** `seed`: a string seed, or another stream whose state this one starts from (a copy: the two then draw apart). */
  constructor(seed: string | Rng) {
    if (seed instanceof Rng) {
      this.state.set(seed.state);
      return;
    }
    const { c, s0, s1, s2 } = seedrandom.alea(seed, { state: true }).state();
    this.state.set([c, s0, s1, s2]);
  }

  /** Uniform in [0, 1). */
  next(): number {
    // seedrandom/lib/alea.js `next`: t = 2091639 s0 + c 2^-32; shift; s2 = t - (c = t | 0).
    const st = this.state;
    const t = 2091639 * st[1]! + st[0]! * 2.3283064365386963e-10;
    const c = t | 0;
    st[0] = c;
    st[1] = st[2]!;
    st[2] = st[3]!;
    return (st[3] = t - c);
  }

  /** Steps past `count` draws (as `count` calls of next()). */
  skip(count: number): void {
    for (let i = 0; i < count; i++) this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!(n >= 1)) throw new Error(`rng: int(n) needs n >= 1, got ${n}`);
    return Math.floor(this.next() * n);
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Standard normal draw (Box-Muller, one value per call). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Exponential draw with the given mean. */
  exponential(mean: number): number {
    let u = 0;
    while (u === 0) u = this.next();
    return -mean * Math.log(u);
  }

  /** Fisher-Yates shuffle in place (next() written out on local state: the same draws, for long lists). */
  shuffle<T, L extends { [i: number]: T; readonly length: number }>(items: L): L {
    if (items.length > 2 ** 31) throw new Error(`rng: cannot shuffle ${items.length} items`);
    const st = this.state;
    let c = st[0]!;
    let s0 = st[1]!;
    let s1 = st[2]!;
    let s2 = st[3]!;
    for (let i = items.length - 1; i > 0; i--) {
      const t = 2091639 * s0 + c * 2.3283064365386963e-10;
      s0 = s1;
      s1 = s2;
      c = t | 0;
      s2 = t - c;
      const j = (s2 * (i + 1)) | 0; // floor: 0 <= s2 (i + 1) < 2^31
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    st[0] = c;
    st[1] = s0;
    st[2] = s1;
    st[3] = s2;
    return items;
  }
}

/**
 * Named, independent random streams derived from one run seed. Each purpose
 * (workload, tie-breaks, a scheduler) draws from its own stream, so adding a
 * draw in one place never shifts the numbers another place sees.
 */
export class RngStreams {
  private readonly streams = new Map<string, Rng>();

  constructor(readonly seed: number | string) {}

  stream(name: string): Rng {
    let rng = this.streams.get(name);
    if (rng === undefined) {
      rng = new Rng(`${this.seed}/${name}`);
      this.streams.set(name, rng);
    }
    return rng;
  }

  /** Copies of the streams made so far, as they stand: `restore` them into fresh streams of the same seed to draw on from here. */
  snapshot(): ReadonlyMap<string, Rng> {
    return new Map([...this.streams].map(([name, rng]) => [name, new Rng(rng)]));
  }

  /** Takes up the streams of a snapshot (each as a copy, so one snapshot can be restored again); streams made already are replaced. */
  restore(snapshot: ReadonlyMap<string, Rng>): void {
    for (const [name, rng] of snapshot) this.streams.set(name, new Rng(rng));
  }
}

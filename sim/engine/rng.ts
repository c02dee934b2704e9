import seedrandom from "seedrandom";

/** A seeded stream of uniform draws (Alea: fast, string-seeded). */
export class Rng {
  private readonly prng: seedrandom.PRNG;

  constructor(seed: string) {
    this.prng = seedrandom.alea(seed);
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.prng();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!(n >= 1)) throw new Error(`rng: int(n) needs n >= 1, got ${n}`);
    return Math.floor(this.prng() * n);
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.prng();
  }

  /** Standard normal draw (Box-Muller, one value per call). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.prng();
    const v = this.prng();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Exponential draw with the given mean. */
  exponential(mean: number): number {
    let u = 0;
    while (u === 0) u = this.prng();
    return -mean * Math.log(u);
  }

  /** Fisher-Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.prng() * (i + 1));
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
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
}

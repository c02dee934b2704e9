import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { executeRunJob } from "../sim/execute/job.ts";
import { Prefault } from "../sim/execute/prefault.ts";
import { shipped } from "./support/fixtures.ts";

const until = async (done: () => boolean): Promise<void> => {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 2));
  if (!done()) throw new Error("timed out");
};

/** A growable shared buffer (ES2024; Node 20 has them). */
const growable = (bytes: number, max: number): SharedArrayBuffer & { grow(n: number): void } =>
  new (SharedArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => SharedArrayBuffer & { grow(n: number): void })(bytes, { maxByteLength: max });

describe("prefault", () => {
  it("touches every page of its buffers without changing a byte, a growing one as it grows", async () => {
    const fixed = new SharedArrayBuffer(3 * 4096 + 100);
    const bytes = new Uint8Array(fixed);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + 7) & 255;
    const before = bytes.slice();
    const growing = growable(4096, 64 * 4096);
    new Uint8Array(growing).fill(9);
    const p = new Prefault();
    p.add([growing, fixed]);
    await until(() => p.touched === 4096 + 4 * 4096);
    expect(bytes).toEqual(before);
    growing.grow(10 * 4096);
    new Uint8Array(growing).fill(5, 4096);
    await until(() => p.touched === 10 * 4096 + 4 * 4096);
    expect(new Uint8Array(growing).every((b, i) => b === (i < 4096 ? 9 : 5))).toBe(true);
    p.stop();
  });

  it("stops touching once stopped, and takes no more buffers", async () => {
    const p = new Prefault();
    p.stop();
    p.add([new SharedArrayBuffer(8 * 4096)]);
    await new Promise((r) => setTimeout(r, 20));
    expect(p.touched).toBe(0);
  });

  it("touches a large buffer a slice at a time, leaving the event loop free between slices", async () => {
    const big = new SharedArrayBuffer(8 << 20);
    const p = new Prefault();
    p.add([big]);
    let turns = 0;
    const counting = setInterval(() => turns++, 0);
    await until(() => p.touched === big.byteLength);
    clearInterval(counting);
    // 8 MB in slices of 1 MB: timers ran between them.
    expect(turns).toBeGreaterThan(0);
    p.stop();
  });

  it("is given a run's log and summary memory by its job, whose tables are the same bytes as without", () => {
    const root = mkdtempSync(join(tmpdir(), "cosched-prefault-"));
    try {
      const scenario = shipped("contention-1k");
      const job = (dir: string) => ({ scenario, strategy: "mesos", seed: 3, check: false, dir, compress: false });
      const shared: SharedArrayBuffer[][] = [];
      const [plain, helped] = [join(root, "plain"), join(root, "helped")];
      for (const d of [plain, helped]) mkdirSync(d);
      executeRunJob(job(plain));
      const p = new Prefault();
      executeRunJob(job(helped), {
        onShared: (buffers) => {
          shared.push([...buffers]);
          p.add(buffers);
        },
      });
      p.stop();
      // The log's 8 columns and the summaries' one buffer, given once, before the run filled them.
      expect(shared.map((b) => b.length)).toEqual([9]);
      expect(readdirSync(helped).sort()).toEqual(readdirSync(plain).sort());
      for (const f of readdirSync(plain)) expect(readFileSync(join(helped, f), "utf8")).toBe(readFileSync(join(plain, f), "utf8"));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

import { spawnSync } from "node:child_process";

/**
 * The machine's speed at a moment: a fixed loop of int32 arithmetic (no
 * memory, no allocation) timed inside a fresh Node process, the median of
 * `runs`. This shared VM runs in phases: the same loop took 169-234 ms in
 * one minute and 408-436 ms (as a C loop) in another, and every figure of
 * a bench run moves with it. The probe says which phase each part of a run
 * fell in; it is no budget.
 */
const LOOP = "const t=process.hrtime.bigint();let s=0;for(let i=0;i<4e8;i++)s=(s+Math.imul(i,7))|0;process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6)+' '+(s&1))";

export function probeMachine(runs = 3): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ["-e", LOOP], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`machine probe failed: ${r.stderr}`);
    times.push(Number(r.stdout.split(" ")[0]));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

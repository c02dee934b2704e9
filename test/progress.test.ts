import { describe, expect, it } from "vitest";
import { createProgress, estimateEta, formatDuration } from "../sim/process/progress.ts";

/** A stream that records what is written, as stderr would receive it (not a TTY). */
function recorder() {
  const lines: string[] = [];
  const stream = { isTTY: false, write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream;
  return { lines, stream };
}

describe("progress", () => {
  it.each([
    [0, 0.5, undefined],
    [0.01, 30, undefined], // too little done to say
    [0.5, 0.2, undefined], // too early to say
    [0.25, 10, 30],
    [1, 10, 0],
  ])("estimates the time left from %f done after %f s: %s", (done, elapsed, eta) => {
    expect(estimateEta(done, elapsed)).toBe(eta);
  });

  it("writes lines in the command's own units, never an ETA of 0 s at the start", () => {
    const { lines, stream } = recorder();
    const p = createProgress("cosched run", 2400, { quiet: false, unit: "s simulated", stream });
    p.update(2400, "run 1/1");
    expect(lines[0]).toMatch(/^cosched run: 2400\/2400 s simulated \(100%\), \d+ s elapsed, ETA 0 s, run 1\/1\n$/);
    const q = createProgress("sweep ci", 10, { quiet: false, unit: "runs", stream });
    q.update(10);
    expect(lines[1]).toMatch(/^sweep ci: 10\/10 runs \(100%\)/);
    const r = createProgress("sweep ci", 10, { quiet: false, unit: "runs", stream });
    r.log("a note");
    expect(lines[2]).toBe("a note\n");
  });

  it("says nothing when quiet, but still passes log lines through", () => {
    const { lines, stream } = recorder();
    const p = createProgress("x", 10, { quiet: true, unit: "runs", stream });
    p.update(5);
    p.log("kept");
    expect(lines).toEqual(["kept\n"]);
  });

  it.each([
    [4.2, "5 s"],
    [125, "2 min 5 s"],
    [7300, "2 h 2 min"],
  ])("formats %f s as %s", (s, text) => expect(formatDuration(s)).toBe(text));
});

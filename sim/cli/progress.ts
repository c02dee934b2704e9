import cliProgress from "cli-progress";

/** Reports how far a long job is: a bar on a TTY, a line every few seconds otherwise, nothing when quiet. */
export interface Progress {
  update(done: number, detail?: string): void;
  stop(): void;
}

const LINE_EVERY_MS = 5000;

export function createProgress(label: string, total: number, options: { quiet: boolean; stream?: NodeJS.WriteStream }): Progress {
  const stream = options.stream ?? process.stderr;
  if (options.quiet || total <= 0) return { update() {}, stop() {} };
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream, format: `${label} {bar} {value}/{total} | {percentage}% | ETA {eta_formatted} | {detail}`, hideCursor: true, etaBuffer: 50 },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { detail: "" });
    return {
      update: (done, detail = "") => bar.update(done, { detail }),
      stop: () => bar.stop(),
    };
  }
  const started = Date.now();
  let last = started;
  return {
    update(done, detail = "") {
      const now = Date.now();
      if (now - last < LINE_EVERY_MS && done < total) return;
      last = now;
      const elapsed = (now - started) / 1000;
      const eta = done > 0 ? (elapsed / done) * (total - done) : NaN;
      stream.write(`${label}: ${done}/${total} (${((100 * done) / total).toFixed(0)}%), ${elapsed.toFixed(0)} s elapsed${Number.isNaN(eta) ? "" : `, ETA ${eta.toFixed(0)} s`}${detail ? `, ${detail}` : ""}\n`);
    },
    stop() {},
  };
}

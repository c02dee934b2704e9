import cliProgress from "cli-progress";

/**
 * How far a long command is, in real units: a bar on a TTY (log lines are
 * printed above it, never through it), a line every few seconds otherwise,
 * nothing when quiet. The ETA is shown only once there is something to base
 * it on (a few percent done, a second elapsed), never "0 s" at the start.
 */
export interface Progress {
  /** `done` of `total` units; `detail` is shown after the figures. */
  update(done: number, detail?: string): void;
  /** Prints a line without breaking the bar. */
  log(line: string): void;
  stop(): void;
}

export interface ProgressOptions {
  readonly quiet: boolean;
  /** The unit of done/total ("runs", "s simulated"). */
  readonly unit: string;
  readonly stream?: NodeJS.WriteStream;
  /** Formats done and total (default: whole numbers). */
  readonly format?: (x: number) => string;
}

const LINE_EVERY_MS = 5000;

/** Seconds left, or undefined while too little is done to say. */
export function estimateEta(fractionDone: number, elapsedS: number): number | undefined {
  if (!(fractionDone >= 0.02) || elapsedS < 1 || fractionDone >= 1) return fractionDone >= 1 ? 0 : undefined;
  return (elapsedS / fractionDone) * (1 - fractionDone);
}

export function formatDuration(s: number): string {
  if (s < 60) return `${Math.ceil(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

export function createProgress(label: string, total: number, options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const fmt = options.format ?? ((x: number) => String(Math.round(x)));
  if (options.quiet || total <= 0) return { update() {}, log: (line) => stream.write(`${line}\n`), stop() {} };
  const started = Date.now();
  const eta = (done: number): string => {
    const s = estimateEta(done / total, (Date.now() - started) / 1000);
    return s === undefined ? "ETA estimating" : `ETA ${formatDuration(s)}`;
  };
  if (stream.isTTY) {
    const bars = new cliProgress.MultiBar(
      { stream, format: `${label} {bar} {shown} {unit} | {eta} | {detail}`, hideCursor: true, clearOnComplete: false, stopOnComplete: false },
      cliProgress.Presets.shades_classic,
    );
    const bar = bars.create(total, 0, { shown: `${fmt(0)}/${fmt(total)}`, unit: options.unit, eta: "ETA estimating", detail: "" });
    return {
      update: (done, detail = "") => bar.update(done, { shown: `${fmt(done)}/${fmt(total)}`, unit: options.unit, eta: eta(done), detail }),
      log: (line) => bars.log(`${line}\n`),
      stop: () => bars.stop(),
    };
  }
  let last = started;
  return {
    update(done, detail = "") {
      const now = Date.now();
      if (now - last < LINE_EVERY_MS && done < total) return;
      last = now;
      stream.write(`${label}: ${fmt(done)}/${fmt(total)} ${options.unit} (${((100 * done) / total).toFixed(0)}%), ${formatDuration((now - started) / 1000)} elapsed, ${eta(done)}${detail ? `, ${detail}` : ""}\n`);
    },
    log: (line) => stream.write(`${line}\n`),
    stop() {},
  };
}

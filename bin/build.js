#!/usr/bin/env node
// Bundles the TypeScript sources into dist/ with esbuild (run by `npm install` through `prepare`), so the
// command line starts without compiling TypeScript. bin/cosched.js falls back to the sources (through tsx)
// when dist/ is missing or older than a source file.
import { build } from "esbuild";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
await build({
  absWorkingDir: root,
  entryPoints: { cli: "sim/cli/main.ts", "sweep-worker": "sim/sweep/worker.ts", "run-worker": "sim/execute/worker.ts", index: "sim/index.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // Small pure-JavaScript libraries are bundled in: zod alone was 95 files for the module loader on every
  // start of the CLI and of each worker thread. Left outside: yargs (y18n reads its locale files from its
  // own folder), tinypool (starts workers from its own files), vega (loaded only by report) and the tools.
  external: ["yargs", "yargs/*", "cli-progress", "tinypool", "vega", "vega-lite", "esbuild", "tsx", "tsx/*", "cosched"],
  logLevel: "warning",
});

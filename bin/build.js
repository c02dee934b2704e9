#!/usr/bin/env node
// Bundles the TypeScript sources into dist/ with esbuild (run by `npm install` through `prepare`), so the
// command line starts without compiling TypeScript. bin/cosched.js falls back to the sources (through tsx)
// when dist/ is missing or older than a source file.
import { build } from "esbuild";
import { readdir, readFile, rm } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const result = await build({
  absWorkingDir: root,
  metafile: true,
  entryPoints: { cli: "sim/cli/main.ts", "sweep-worker": "sim/sweep/worker.ts", "run-worker": "sim/execute/worker.ts", index: "sim/index.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  // Small pure-JavaScript libraries are bundled in: zod alone was 95 files for the module loader on every
  // start of the CLI and of each worker thread. yargs too (its 25 files took ~95 ms to load, bundled ~55 ms),
  // with its platform shim pointed back at its own folder (yargsShimAtHome). Left outside: tinypool (starts
  // workers from its own files), vega (loaded only by report) and the tools.
  external: ["cli-progress", "tinypool", "vega", "vega-lite", "esbuild", "tsx", "tsx/*", "cosched"],
  plugins: [yargsShimAtHome()],
  logLevel: "warning",
});

// Chunks (and lazily loaded commands) are named by content hash, so each build of changed sources leaves
// the last build's behind: those this build did not write are removed (only files named as this build
// names them, name-HASH.js; nothing else in dist/ is touched).
const built = new Set(Object.keys(result.metafile.outputs).map((file) => relative("dist", file)));
for (const name of await readdir(join(root, "dist"))) {
  if (/^[a-z][a-z0-9-]*-[A-Z0-9]{8}\.js$/.test(name) && !built.has(name)) await rm(join(root, "dist", name));
}

/**
 * yargs' platform shim finds its locale files (y18n) and the program's folder (for --version's
 * package.json) from its own `import.meta.url`. Bundled, that would be the chunk's address in dist/; the
 * shim gets the address its file has next to dist/ instead, so it reads what it read unbundled.
 */
function yargsShimAtHome() {
  return {
    name: "yargs-shim-at-home",
    setup(b) {
      b.onLoad({ filter: /[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]esm\.mjs$/ }, async (args) => {
        const text = await readFile(args.path, "utf8");
        const home = relative(join(root, "dist"), args.path).split(sep).join("/");
        if (!text.includes("import.meta.url")) throw new Error(`${args.path}: expected import.meta.url (yargs changed; see bin/build.js)`);
        return { contents: text.replaceAll("import.meta.url", `new URL(${JSON.stringify(home)}, import.meta.url).href`), loader: "js", resolveDir: dirname(args.path) };
      });
    },
  };
}

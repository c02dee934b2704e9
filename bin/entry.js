// Chooses what bin/ runs: the bundle in dist/ when it is there and newer than every source file,
// else the TypeScript sources through tsx (a checkout being edited, or one not built yet).
import { readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

function fresh(bundle) {
  try {
    return statSync(bundle).mtimeMs >= newest(join(root, "sim"));
  } catch {
    return false;
  }
}

/**
 * Imports dist/<name>.js if fresh, else registers tsx and imports the source.
 * COSCHED_BUNDLE=1 (npm run bench) makes a stale or missing bundle an error
 * instead: a source edited while the bench runs would otherwise have its
 * commands timed through tsx (0.6 s more each, measured).
 */
export async function load(name, source) {
  const bundle = join(root, "dist", `${name}.js`);
  if (process.env.COSCHED_FROM_SOURCE !== "1" && fresh(bundle)) return import(bundle);
  if (process.env.COSCHED_BUNDLE === "1") throw new Error(`COSCHED_BUNDLE=1: ${bundle} is missing or older than a file in sim/ (a source changed after npm run build)`);
  const { register } = await import("tsx/esm/api");
  register();
  return import(join(root, source));
}

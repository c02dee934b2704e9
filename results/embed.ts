// Puts results/default/summary.txt into the README between its results markers, and regenerates the
// README blocks that quote command output (results/readme-blocks.ts). Part of `npm run results`.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { refreshed } from "./readme-blocks.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const readme = join(root, "README.md");
const start = "<!-- results:summary:start -->";
const end = "<!-- results:summary:end -->";
const text = readFileSync(readme, "utf8");
const i = text.indexOf(start);
const j = text.indexOf(end);
if (i < 0 || j < i) throw new Error(`README.md: missing ${start} ... ${end}`);
const summary = readFileSync(join(root, "results/default/summary.txt"), "utf8").trimEnd();
writeFileSync(readme, refreshed(`${text.slice(0, i + start.length)}\n\`\`\`\n${summary}\n\`\`\`\n${text.slice(j)}`));

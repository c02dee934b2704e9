// Puts results/default/summary.txt into the README between its results markers.
// Part of `npm run results`.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const readme = join(root, "README.md");
const start = "<!-- results:summary:start -->";
const end = "<!-- results:summary:end -->";
const text = readFileSync(readme, "utf8");
const i = text.indexOf(start);
const j = text.indexOf(end);
if (i < 0 || j < i) throw new Error(`README.md: missing ${start} ... ${end}`);
const summary = readFileSync(join(root, "results/default/summary.txt"), "utf8").trimEnd();
writeFileSync(readme, `${text.slice(0, i + start.length)}\n\`\`\`\n${summary}\n\`\`\`\n${text.slice(j)}`);

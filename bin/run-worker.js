// Worker-thread entry for `cosched run`: the bundled worker, or the source through tsx (see entry.js).
import { load } from "./entry.js";

await load("run-worker", "sim/execute/worker.ts");

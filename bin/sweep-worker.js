// Worker-thread entry for sweeps: the bundled worker, or the source through tsx (see entry.js).
import { load } from "./entry.js";

const worker = await load("sweep-worker", "sim/sweep/worker.ts");
export default worker.default;

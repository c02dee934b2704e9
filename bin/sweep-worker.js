// Worker-thread entry for sweeps: registers the TypeScript loader in this thread, then loads the worker.
import { register } from "tsx/esm/api";

register();
const worker = await import("../sim/sweep/worker.ts");
export default worker.default;

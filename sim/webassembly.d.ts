// The part of the WebAssembly JavaScript API cosched uses (the node arena and kube's scan kernel).
// TypeScript declares it in its DOM library only, which this project does not load.
declare namespace WebAssembly {
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number });
    readonly buffer: ArrayBuffer;
  }
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  class Global {
    value: unknown;
  }
}

// Types of bin/build-wasm.js, for test/scan-kernel.test.ts.
export interface Kernel {
  readonly wat: string;
  readonly out: string;
  readonly name: string;
}
export declare const KERNELS: readonly Kernel[];
export declare function kernelModule(kernel: Kernel): Promise<string>;

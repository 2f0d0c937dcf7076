/** The sandbox's public surface (for the CLI, tests and benchmarks only; see DESIGN.md). */
export { startSandbox, DEFAULT_SANDBOX_PORT } from './sandbox.js';
export type { SandboxHandle, SandboxOptions } from './sandbox.js';
export { DEFAULT_ACCOUNT, DEFAULT_REGION } from './runtime.js';
export type { SandboxRuntime } from './runtime.js';

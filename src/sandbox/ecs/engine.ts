/** The ECS simulation engine (task lifecycle, placement, rollouts). Placeholder: being written. */
import type { SandboxRuntime } from '../runtime.js';

export class EcsEngine {
  constructor(readonly runtime: SandboxRuntime) {}
  /** Re-arms timers from the world after start-up or a state load. */
  resume(): void {}
  /** Cancels every timer. */
  stop(): void {}
}

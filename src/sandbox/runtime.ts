/**
 * The running sandbox: the world plus everything that is not data (clock, rate limiter, call
 * statistics, engines). Handlers reach it through CallContext.sandbox.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { SandboxClock } from './clock.js';
import { RateLimiter } from './throttle.js';
import type { AccountState, ApiFault, StsSession, WorldState } from './world.js';
import type { EcsScheduler } from './ecs/scheduler.js';
import type { CfnScheduler } from './cloudformation/scheduler.js';
import { DEFAULT_MAX_BLOB_MIB } from './defaults.js';

/** Per-action call statistics, for benchmarks and tests. */
export interface ActionStats {
  calls: number;
  throttled: number;
  errors: number;
}

/** The default account's identity, fixed so that scripts can rely on it. */
export const DEFAULT_ACCOUNT = {
  id: '000000000000',
  name: 'default',
  accessKeyId: 'AKIASANDBOXDEFAULT00',
  secretAccessKey: 'sandbox-default-secret-access-key-0000000',
};
export const DEFAULT_REGION = 'us-east-1';

/** Size limits that are the sandbox's own (AWS's are constants next to the code that applies them). */
export interface SandboxLimits {
  /** The largest blob (image layer) the registry accepts, in bytes. */
  maxBlobBytes: number;
}

export class SandboxRuntime {
  readonly stats = new Map<string, ActionStats>();
  readonly limiter = new RateLimiter();
  /** Set by the composition root (sandbox.ts) right after construction. */
  ecs!: EcsScheduler;
  /** The CloudFormation stack engine; set by the composition root like `ecs`. */
  cloudformation!: CfnScheduler;
  /** Called whenever the world changed; the state file saver listens. */
  onChange: () => void = () => {};

  constructor(
    public world: WorldState,
    readonly clock: SandboxClock,
    /** Address clients use, e.g. http://127.0.0.1:4566; known once listening. */
    public endpoint = '',
    readonly limits: SandboxLimits = { maxBlobBytes: DEFAULT_MAX_BLOB_MIB * 1024 * 1024 },
  ) {}

  /** Sandbox time, epoch ms. */
  now(): number {
    return this.clock.now();
  }

  /** `host:port` of the sandbox registry (the endpoint without scheme). */
  get registryHost(): string {
    return this.endpoint.replace(/^https?:\/\//, '');
  }

  /** A random lower-case hex id of `bytes` bytes (task ids are 16 bytes, as in ECS). */
  hexId(bytes = 16): string {
    return randomBytes(bytes).toString('hex');
  }

  uuid(): string {
    return randomUUID();
  }

  /** Marks the world as changed. */
  changed(): void {
    this.onChange();
  }

  /** Counts a call in the statistics. */
  count(service: string, action: string, outcome: 'ok' | 'throttled' | 'error'): void {
    const key = `${service}:${action}`;
    let s = this.stats.get(key);
    if (!s) {
      s = { calls: 0, throttled: 0, errors: 0 };
      this.stats.set(key, s);
    }
    s.calls++;
    if (outcome === 'throttled') s.throttled++;
    if (outcome === 'error') s.errors++;
  }

  /** Finds the account and session (if temporary) that own an access key. */
  findCaller(accessKeyId: string): { account: AccountState; session?: StsSession } | undefined {
    const session = this.world.sessions[accessKeyId];
    if (session) {
      const account = this.world.accounts[session.accountId];
      return account ? { account, session } : undefined;
    }
    for (const account of Object.values(this.world.accounts)) {
      if (account.accessKeys.some((k) => k.accessKeyId === accessKeyId)) return { account };
    }
    return undefined;
  }

  /** The first API fault that matches this call, consuming one use of it. */
  matchFault(service: string, action: string, accountId: string): ApiFault | undefined {
    const now = this.now();
    const faults = this.world.settings.apiFaults;
    for (let i = 0; i < faults.length; i++) {
      const f = faults[i]!;
      if (f.untilMs !== undefined && now > f.untilMs) {
        faults.splice(i--, 1);
        continue;
      }
      if (f.service && f.service !== service) continue;
      if (f.action && f.action !== action) continue;
      if (f.accountId && f.accountId !== accountId) continue;
      if (f.ratio !== undefined) {
        const n = (f.matched = (f.matched ?? 0) + 1);
        // A call that this fault lets through: the next fault (or the throttle) decides.
        if (Math.floor(n * f.ratio) === Math.floor((n - 1) * f.ratio)) continue;
      }
      if (f.remaining !== undefined) {
        f.remaining--;
        if (f.remaining <= 0) faults.splice(i, 1);
      }
      this.changed();
      return f;
    }
    return undefined;
  }
}

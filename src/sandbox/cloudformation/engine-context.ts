/** What the stack engine's modules share: the scope of a stack, and the sandbox's clock and settings. */
import type { SandboxRuntime } from '../runtime.js';
import type { CallContext } from '../service.js';
import { DEFAULT_TIMINGS, regionOf, type AccountState, type RegionState } from '../world.js';
import { cfnOf, type CfnRegion } from './model.js';

/** A stack's account and region. */
export interface StackScope {
  account: AccountState;
  region: string;
  regionState: RegionState;
  cfn: CfnRegion;
}

export function stackScope(account: AccountState, region: string): StackScope {
  const regionState = regionOf(account, region);
  return { account, region, regionState, cfn: cfnOf(regionState) };
}

type CfnTiming = 'cfnStackSeconds' | 'cfnChangeSetSeconds' | 'cfnStabilizationSeconds';

/** A CloudFormation timing in sandbox ms (state files from before these settings use the defaults). */
export function cfnMs(runtime: SandboxRuntime, key: CfnTiming): number {
  const timings: Partial<Record<CfnTiming, number>> = runtime.world.settings.timings;
  return (timings[key] ?? DEFAULT_TIMINGS[key]) * 1000;
}

/** The call context providers act in: the stack's own account and region, as its root user. */
export function providerContext(runtime: SandboxRuntime, scope: StackScope): CallContext {
  return {
    account: scope.account,
    regionState: scope.regionState,
    region: scope.region,
    accessKeyId: scope.account.accessKeys[0]?.accessKeyId ?? '',
    callerArn: `arn:aws:iam::${scope.account.id}:root`,
    requestId: runtime.uuid(),
    now: runtime.now(),
    sandbox: runtime,
  };
}

/** `[A, B]` as CloudFormation lists logical ids in reasons. */
export function listOf(ids: readonly string[]): string {
  return `[${ids.join(', ')}]`;
}

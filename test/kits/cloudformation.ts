/**
 * Test support for the CloudFormation stack deployer and steps: a sandbox with fast polling,
 * counters of its CloudFormation calls, small templates, and a recorder of the deployer's hooks.
 */
import { existsSync } from 'node:fs';
import { after, before } from 'node:test';
import type { AwsClients } from '../../src/aws/clients.js';
import type { SlipwayEvent } from '../../src/core/events.js';
import {
  deployStack,
  type StackDeployInput,
  type StackHooks,
  type StackOperation,
} from '../../src/deploy/cloudformation/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { sandboxClients } from './deploy.js';

/** Why the CloudFormation sandbox tests cannot run (false when they can). */
export const CFN_SKIP: string | false = existsSync(
  new URL('../../src/sandbox/cloudformation/api.ts', import.meta.url),
)
  ? false
  : 'the sandbox does not serve CloudFormation yet (src/sandbox/cloudformation/api.ts is missing)';

/** Sandbox seconds per second in these tests. */
export const CFN_SCALE = 50;

/** A template with one log group (named, so a taken name fails it), optionally more resources. */
export function logGroupTemplate(
  logGroup: string,
  extra: Record<string, unknown> = {},
  retention?: number,
): string {
  return JSON.stringify({
    AWSTemplateFormatVersion: '2010-09-09',
    Resources: {
      Logs: {
        Type: 'AWS::Logs::LogGroup',
        Properties: { LogGroupName: logGroup, ...(retention ? { RetentionInDays: retention } : {}) },
      },
      ...extra,
    },
    Outputs: {
      LogGroupName: { Value: { Ref: 'Logs' } },
      LogGroupArn: { Value: { 'Fn::GetAtt': ['Logs', 'Arn'] } },
    },
  });
}

/** An unnamed IAM role (needs CAPABILITY_IAM). */
export const ROLE_RESOURCE = {
  Role: {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: ['ecs-tasks.amazonaws.com'] },
            Action: ['sts:AssumeRole'],
          },
        ],
      },
    },
  },
};

/** Collects every event and every operation told to `starting`. */
export function recorder(extra: Partial<StackHooks> = {}) {
  const events: SlipwayEvent[] = [];
  const starting: StackOperation[] = [];
  const hooks: StackHooks = {
    progress: (e) => events.push(e),
    starting: (op) => void starting.push({ ...op }),
    ...extra,
  };
  return { events, starting, hooks, codes: () => events.map((e) => e.code as string) };
}

/** A sandbox for the suite (started in `before`, closed in `after`), with helpers. */
export function stackSandbox() {
  let sb: Awaited<ReturnType<typeof startSandbox>> | undefined;
  let clients: AwsClients | undefined;
  let n = 0;
  before(async () => {
    sb = await startSandbox({ port: 0, timeScale: CFN_SCALE });
    clients = sandboxClients(sb);
  });
  after(async () => {
    clients?.destroy();
    await sb?.close();
  });
  const fixture = {
    get sb() {
      return sb!;
    },
    get clients() {
      return clients!;
    },
    /** A new stack name. */
    name: () => `stack-${++n}`,
    /** How many times the sandbox answered this CloudFormation action. */
    calls: (action: string) => sb!.runtime.stats.get(`cloudformation:${action}`)?.calls ?? 0,
    /** deployStack polling every 50 ms. */
    deploy: (input: Omit<StackDeployInput, 'pollSeconds'>, hooks: StackHooks = {}) =>
      deployStack({ pollSeconds: 0.05, ...input }, clients!, hooks),
  };
  return fixture;
}

/**
 * ECS service deployments and revisions (moto has none of these APIs): the sandbox's answers to
 * ListServiceDeployments, DescribeServiceDeployments, DescribeServiceRevisions, Stop and Continue,
 * and DescribeServices' current deployment fields, checked against AWS's model in botocore.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import {
  CreateServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  RegisterTaskDefinitionCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { addContainerInstances } from '../../src/sandbox/ecs/admin.js';
import { modelProblems, operationDeclaresError } from './support.js';

let sb: SandboxHandle;
let ecs: ECSClient;

before(async () => {
  sb = await startSandbox({ port: 0, timeScale: 50, throttling: false });
  ecs = new ECSClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
  addContainerInstances(sb.runtime, sb.runtime.world.accounts[sb.accountId]!, sb.region, 'conf', {
    count: 2,
  });
});
after(async () => {
  ecs.destroy();
  await sb.close();
});

function fits(operation: string, output: { $metadata?: unknown }): void {
  const { $metadata: _, ...body } = output;
  const problems = modelProblems('ecs', operation, body);
  if (problems === undefined) return; // no botocore on this machine
  assert.deepEqual(problems, [], `${operation} fits AWS's model`);
}

it('service deployment responses fit the AWS model; their errors are declared by it', async () => {
  const td = async (image: string) =>
    (
      await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'conf',
          containerDefinitions: [{ name: 'app', image, memory: 64 }],
        }),
      )
    ).taskDefinition!.taskDefinitionArn!;
  const v1 = await td('nginx:1');
  const v2 = await td('nginx:2');
  const created = await ecs.send(
    new CreateServiceCommand({
      cluster: 'conf',
      serviceName: 'bg',
      taskDefinition: v1,
      desiredCount: 1,
      deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 30 },
    }),
  );
  fits('CreateService', created);
  sb.runtime.clock.advance(120_000);
  await ecs.send(new UpdateServiceCommand({ cluster: 'conf', service: 'bg', taskDefinition: v2 }));
  sb.runtime.clock.advance(120_000);
  const services = await ecs.send(new DescribeServicesCommand({ cluster: 'conf', services: ['bg'] }));
  fits('DescribeServices', services);
  const current = services.services![0]!.currentServiceDeployment!;
  assert.ok(current);
  const list = await ecs.send(new ListServiceDeploymentsCommand({ cluster: 'conf', service: 'bg' }));
  fits('ListServiceDeployments', list);
  const arns = list.serviceDeployments!.map((d) => d.serviceDeploymentArn!);
  const described = await ecs.send(
    new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [...arns, `${arns[0]}x`] }),
  );
  fits('DescribeServiceDeployments', described);
  assert.equal(described.failures?.[0]?.reason, 'MISSING');
  const revArns = described.serviceDeployments!.map((d) => d.targetServiceRevision!.arn!);
  const revisions = await ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: revArns }));
  fits('DescribeServiceRevisions', revisions);
  const stopped = await ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: current }));
  fits('StopServiceDeployment', stopped);
  for (const [op, error] of [
    ['StopServiceDeployment', 'ConflictException'],
    ['StopServiceDeployment', 'ServiceDeploymentNotFoundException'],
    ['ContinueServiceDeployment', 'InvalidParameterException'],
    ['ContinueServiceDeployment', 'ServiceDeploymentNotFoundException'],
    ['DescribeServiceDeployments', 'InvalidParameterException'],
    ['ListServiceDeployments', 'ServiceNotFoundException'],
  ] as const) {
    const declared = operationDeclaresError('ecs', op, error);
    if (declared !== undefined) assert.ok(declared, `${op} declares ${error}`);
  }
});

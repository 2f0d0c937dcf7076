/**
 * A native BLUE_GREEN service in the sandbox whose every deployment pauses at a PAUSE hook at
 * POST_TEST_TRAFFIC_SHIFT (load balancing, cluster, task definition, service), brought to rest:
 * its first deployment's hook is continued until ECS calls it SUCCESSFUL.
 */
import {
  ContinueServiceDeploymentCommand,
  CreateServiceCommand,
  DescribeServiceDeploymentsCommand,
  ListServiceDeploymentsCommand,
  RegisterTaskDefinitionCommand,
  type ECSClient,
  type ServiceDeployment,
} from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { World } from '../helpers/slipway-world.js';
import { blueGreenLoadBalancing } from './blue-green.js';
import { waitUntil } from './waits.js';

/** The role ECS's blue/green uses for the load balancer (the sandbox checks only its shape). */
const ROLE = 'arn:aws:iam::123456789012:role/ecs-infrastructure';

/** What the service is called and where. */
export interface PausedServiceOptions {
  region: string;
  cluster: string;
  service: string;
  /** Prefix of the load balancer's and target groups' names. */
  prefix: string;
}

/** Creates the service (container `web`, nginx on port 80, 2 tasks, bake 1 minute); answers its test listener rule and first deployment. */
export async function createPausedBlueGreenService(
  world: World,
  ecs: ECSClient,
  o: PausedServiceOptions,
): Promise<{ testListener: string; first: ServiceDeployment }> {
  const elbv2 = new ElasticLoadBalancingV2Client({
    endpoint: world.sandbox.endpoint,
    region: world.sandbox.region,
    credentials: world.sandbox.credentials,
  });
  let testListener: string;
  try {
    const { blue, green, prod, test } = await blueGreenLoadBalancing(elbv2, o.prefix);
    testListener = test;
    await world.admin('clusters', { region: o.region, name: o.cluster, instances: { count: 4 } });
    const td = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: o.service,
        containerDefinitions: [
          {
            name: 'web',
            image: 'public.ecr.aws/docker/library/nginx:1.27',
            memory: 128,
            essential: true,
            portMappings: [{ containerPort: 80, hostPort: 0 }],
          },
        ],
      }),
    );
    await ecs.send(
      new CreateServiceCommand({
        cluster: o.cluster,
        serviceName: o.service,
        taskDefinition: td.taskDefinition!.taskDefinitionArn!,
        desiredCount: 2,
        deploymentConfiguration: {
          strategy: 'BLUE_GREEN',
          bakeTimeInMinutes: 1,
          lifecycleHooks: [
            {
              targetType: 'PAUSE',
              lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT'],
              // Longer than any run of a test, however slow the machine.
              timeoutConfiguration: { timeoutInMinutes: 1440 },
            },
          ],
        },
        loadBalancers: [
          {
            targetGroupArn: blue,
            containerName: 'web',
            containerPort: 80,
            advancedConfiguration: {
              alternateTargetGroupArn: green,
              productionListenerRule: prod,
              testListenerRule: test,
              roleArn: ROLE,
            },
          },
        ],
      }),
    );
  } finally {
    elbv2.destroy();
  }
  // The first deployment pauses too (the hook applies to every one): continued here.
  const first = await waitUntil(
    'the first deployment to finish',
    async () => {
      await world.admin('time', { advanceSeconds: 60 });
      const listed = await ecs.send(
        new ListServiceDeploymentsCommand({ cluster: o.cluster, service: o.service }),
      );
      const arn = listed.serviceDeployments?.[0]?.serviceDeploymentArn;
      const out = await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn!] }));
      const d = out.serviceDeployments?.[0];
      const pause = d?.lifecycleHookDetails?.find((h) => h.status === 'AWAITING_ACTION');
      if (pause)
        await ecs.send(
          new ContinueServiceDeploymentCommand({
            serviceDeploymentArn: arn,
            hookId: pause.hookId,
            action: 'CONTINUE',
          }),
        );
      return d?.status === 'SUCCESSFUL' ? d : undefined;
    },
    { timeoutMs: 45_000, intervalMs: 100 },
  );
  return { testListener, first };
}

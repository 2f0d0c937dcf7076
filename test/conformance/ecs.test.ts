/**
 * ECS conformance: the same task definition, cluster and service calls against moto and the sandbox;
 * the sandbox must answer with moto's shapes (except the deviations listed below) and fit AWS's model.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { conformanceSuite, targetsOrSkip, type Recorder } from './harness.js';
import { clientConfig, errorName, operationDeclaresError, type Deviation, type Target } from './support.js';

/** Expected, documented differences (see docs/conformance.md); `follows: 'moto'` rows are sandbox bugs. */
const TD_CALLS = [
  'RegisterTaskDefinition',
  'DescribeTaskDefinition+TAGS',
  'DescribeTaskDefinition',
  'DeregisterTaskDefinition',
] as const;
const SERVICE_CALLS = [
  ['CreateService', 'service'],
  ['UpdateService', 'service'],
  ['DescribeServices', 'services[]'],
] as const;

const DEVIATIONS: readonly Deviation[] = [
  // Task definitions.
  ...TD_CALLS.flatMap((call): Deviation[] => [
    ...(['registeredAt', 'registeredBy', 'requiresAttributes'] as const).map((member): Deviation => ({
      call,
      path: `taskDefinition.${member}`,
      side: 'sandboxOnly',
      follows: 'sandbox',
      reason: `TaskDefinition.${member} is in the AWS model and AWS returns it; moto omits it`,
    })),
    {
      call,
      path: 'taskDefinition.networkMode',
      side: 'motoOnly',
      follows: 'sandbox',
      reason:
        'AWS omits networkMode when the request gave none (AWS CLI example output); moto fills in "bridge"',
    },
  ]),
  {
    call: 'DeregisterTaskDefinition',
    path: 'taskDefinition.deregisteredAt',
    side: 'sandboxOnly',
    follows: 'sandbox',
    reason: 'TaskDefinition.deregisteredAt is in the AWS model; moto does not record it',
  },
  {
    call: 'RegisterTaskDefinition',
    path: 'tags',
    side: 'sandboxOnly',
    follows: 'sandbox',
    reason:
      'RegisterTaskDefinitionResponse.tags is in the AWS model; moto returns tags only from DescribeTaskDefinition',
  },
  {
    call: 'ListTaskDefinitions(maxResults)',
    path: 'nextToken',
    side: 'sandboxOnly',
    follows: 'sandbox',
    reason:
      'moto ignores maxResults and returns every revision in one page; AWS pages (ListTaskDefinitionsResponse.nextToken)',
  },
  // Clusters.
  ...(['capacityProviders', 'defaultCapacityProviderStrategy', 'statistics', 'tags'] as const).map(
    (member): Deviation => ({
      call: 'CreateCluster',
      path: `cluster.${member}`,
      side: 'sandboxOnly',
      follows: 'sandbox',
      reason: `Cluster.${member} is in the AWS model and AWS returns it (empty) from CreateCluster; moto omits it`,
    }),
  ),
  ...(['capacityProviders', 'defaultCapacityProviderStrategy', 'statistics'] as const).map(
    (member): Deviation => ({
      call: 'DescribeClusters',
      path: `clusters[].${member}`,
      side: 'sandboxOnly',
      follows: 'sandbox',
      reason: `Cluster.${member} is in the AWS model and AWS returns it (empty); moto omits it`,
    }),
  ),
  {
    call: 'DescribeClusters',
    path: 'clusters[].settings',
    side: 'motoOnly',
    follows: 'sandbox',
    reason:
      'DescribeClustersRequest.include: "If SETTINGS is specified, the settings for the cluster are included" (omitted otherwise); moto always returns them',
  },
  // Services.
  ...SERVICE_CALLS.flatMap(([call, at]): Deviation[] => [
    ...(
      [
        'createdAt',
        'createdBy',
        'enableECSManagedTags',
        'enableExecuteCommand',
        'placementConstraints',
        'placementStrategy',
      ] as const
    ).map((member): Deviation => ({
      call,
      path: `${at}.${member}`,
      side: 'sandboxOnly',
      follows: 'sandbox',
      reason: `Service.${member} is in the AWS model and AWS returns it; moto omits it`,
    })),
    ...(['currentServiceDeployment', 'currentServiceRevisions'] as const).map((member): Deviation => ({
      call,
      path: `${at}.${member}`,
      side: 'sandboxOnly',
      follows: 'sandbox',
      reason: `Service.${member} is in the AWS model and set for every deployment of an ECS-controller service; moto omits it`,
    })),
    {
      call,
      path: `${at}.events[]`,
      side: 'sandboxOnly',
      follows: 'sandbox',
      reason:
        'the sandbox schedules the service and writes ECS service events; moto never does (its events list stays empty)',
    },
    {
      call,
      path: `${at}.deployments[].platformFamily`,
      side: 'motoOnly',
      follows: 'sandbox',
      reason:
        'Deployment.platformFamily: "A platform family is specified only for tasks using the Fargate launch type"; this is an EC2 service',
    },
    {
      call,
      path: `${at}.networkConfiguration`,
      side: 'motoOnly',
      follows: 'sandbox',
      reason:
        'Service.networkConfiguration is for awsvpc; AWS omits it for a bridge-mode EC2 service, moto returns an empty one',
    },
    {
      call,
      path: `${at}.taskSets`,
      side: 'motoOnly',
      follows: 'sandbox',
      reason:
        'Service.taskSets: "Information about a set of Amazon ECS tasks in either an CodeDeploy or an EXTERNAL deployment"; this service uses the ECS controller',
    },
  ]),
  ...(['CreateService', 'UpdateService'] as const).map((call): Deviation => ({
    call,
    path: 'service.tags',
    side: 'motoOnly',
    follows: 'both',
    reason:
      'Service.tags is optional; the service has no tags and DescribeServices returns tags only with include TAGS. moto returns an empty list',
  })),
  {
    call: 'CreateService',
    path: 'service.deploymentConfiguration',
    side: 'sandboxOnly',
    follows: 'sandbox',
    reason:
      'AWS echoes Service.deploymentConfiguration from CreateService; moto omits it there (but returns it from Describe/UpdateService)',
  },
];

/** Value checks the sandbox is known to fail (label → bug); checked by the todo test. */
const VALUE_BUGS: Readonly<Record<string, string>> = {};

const ERROR_CASES: { operation: string; error: string; call(ecs: ECSClient): Promise<unknown> }[] = [
  {
    operation: 'DescribeServices',
    error: 'ClusterNotFoundException',
    call: (ecs) => ecs.send(new DescribeServicesCommand({ cluster: 'no-such-cluster', services: ['s'] })),
  },
  {
    operation: 'UpdateService',
    error: 'ServiceNotFoundException',
    call: (ecs) =>
      ecs.send(new UpdateServiceCommand({ cluster: 'errors', service: 'no-such', desiredCount: 1 })),
  },
  {
    operation: 'DescribeTaskDefinition',
    error: 'ClientException',
    call: (ecs) => ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'no-such-family' })),
  },
];

async function taskDefinitions(r: Recorder): Promise<void> {
  const ecs = new ECSClient(clientConfig(r.target));
  const arn = (family: string, revision: number): string =>
    `arn:aws:ecs:us-east-1:${r.target.accountId}:task-definition/${family}:${revision}`;
  const container = {
    name: 'app',
    image: 'nginx:1.27',
    cpu: 128,
    memory: 256,
    essential: true,
    portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' as const }],
    environment: [{ name: 'MODE', value: 'conformance' }],
  };
  const first = await r.record(
    'RegisterTaskDefinition',
    'RegisterTaskDefinition',
    ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        containerDefinitions: [container],
        tags: [{ key: 'team', value: 'platform' }],
      }),
    ),
  );
  r.expect('first revision is 1', first.taskDefinition?.revision, 1);
  r.expect('task definition ARN', first.taskDefinition?.taskDefinitionArn, arn('web', 1));
  await ecs.send(new RegisterTaskDefinitionCommand({ family: 'web', containerDefinitions: [container] }));
  await ecs.send(new RegisterTaskDefinitionCommand({ family: 'webapp', containerDefinitions: [container] }));
  await ecs.send(new RegisterTaskDefinitionCommand({ family: 'web', containerDefinitions: [container] }));

  const described = await r.record(
    'DescribeTaskDefinition+TAGS',
    'DescribeTaskDefinition',
    ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web:1', include: ['TAGS'] })),
  );
  r.expect('DescribeTaskDefinition include TAGS returns the tags', described.tags, [
    { key: 'team', value: 'platform' },
  ]);
  r.expect('container image', described.taskDefinition?.containerDefinitions?.[0]?.image, 'nginx:1.27');
  const latest = await r.record(
    'DescribeTaskDefinition',
    'DescribeTaskDefinition',
    ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'web' })),
  );
  r.expect('the family alone names the latest revision', latest.taskDefinition?.revision, 3);
  r.expect('no tags without include', latest.tags, undefined);

  const listed = await r.record(
    'ListTaskDefinitions(familyPrefix)',
    'ListTaskDefinitions',
    ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'web' })),
  );
  // familyPrefix is the full family name (the model: "The full family name to filter ... with").
  r.expect('ListTaskDefinitions familyPrefix is the full family name', listed.taskDefinitionArns, [
    arn('web', 1),
    arn('web', 2),
    arn('web', 3),
  ]);
  const desc = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'web', sort: 'DESC' }));
  r.expect('ListTaskDefinitions sort DESC', desc.taskDefinitionArns, [
    arn('web', 3),
    arn('web', 2),
    arn('web', 1),
  ]);

  // Pages of 3 over the 4 revisions: only the first page is compared (moto does not paginate).
  const firstPage = await r.record(
    'ListTaskDefinitions(maxResults)',
    'ListTaskDefinitions',
    ecs.send(new ListTaskDefinitionsCommand({ maxResults: 3 })),
  );
  const pages = [...(firstPage.taskDefinitionArns ?? [])];
  let nextToken = firstPage.nextToken;
  let pageCount = 1;
  while (nextToken && pageCount < 5) {
    const page = await ecs.send(new ListTaskDefinitionsCommand({ maxResults: 3, nextToken }));
    pages.push(...(page.taskDefinitionArns ?? []));
    nextToken = page.nextToken;
    pageCount += 1;
  }
  r.expect('4 revisions in pages of 3', pageCount, 2);
  r.expect(
    'pagination returns each revision once',
    [...pages].sort(),
    [arn('web', 1), arn('web', 2), arn('web', 3), arn('webapp', 1)].sort(),
  );

  const deregistered = await r.record(
    'DeregisterTaskDefinition',
    'DeregisterTaskDefinition',
    ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: 'web:1' })),
  );
  r.expect('deregistered revision is INACTIVE', deregistered.taskDefinition?.status, 'INACTIVE');
  const active = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'web' }));
  r.expect('ListTaskDefinitions lists ACTIVE revisions', active.taskDefinitionArns, [
    arn('web', 2),
    arn('web', 3),
  ]);
}

async function clustersAndServices(r: Recorder): Promise<void> {
  const ecs = new ECSClient(clientConfig(r.target));
  const created = await r.record(
    'CreateCluster',
    'CreateCluster',
    ecs.send(new CreateClusterCommand({ clusterName: 'conf' })),
  );
  r.expect(
    'cluster ARN',
    created.cluster?.clusterArn,
    `arn:aws:ecs:us-east-1:${r.target.accountId}:cluster/conf`,
  );
  r.expect('cluster status', created.cluster?.status, 'ACTIVE');
  const described = await r.record(
    'DescribeClusters',
    'DescribeClusters',
    ecs.send(new DescribeClustersCommand({ clusters: ['conf', 'missing'] })),
  );
  r.expect('DescribeClusters finds one', described.clusters?.length, 1);
  r.expect('DescribeClusters failure reason', described.failures?.[0]?.reason, 'MISSING');

  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'svc',
      containerDefinitions: [{ name: 'app', image: 'nginx:1.27', memory: 128 }],
    }),
  );
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'svc',
      containerDefinitions: [{ name: 'app', image: 'nginx:1.28', memory: 128 }],
    }),
  );
  const service = await r.record(
    'CreateService',
    'CreateService',
    ecs.send(
      new CreateServiceCommand({
        cluster: 'conf',
        serviceName: 'api',
        taskDefinition: 'svc:1',
        desiredCount: 1,
        launchType: 'EC2',
        deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 50 },
      }),
    ),
  );
  r.expect('service name', service.service?.serviceName, 'api');
  r.expect('service desiredCount', service.service?.desiredCount, 1);
  r.expect('service launchType', service.service?.launchType, 'EC2');

  const updated = await r.record(
    'UpdateService',
    'UpdateService',
    ecs.send(
      new UpdateServiceCommand({
        cluster: 'conf',
        service: 'api',
        desiredCount: 2,
        taskDefinition: 'svc:2',
        deploymentConfiguration: { maximumPercent: 150, minimumHealthyPercent: 100 },
      }),
    ),
  );
  const svc2 = `arn:aws:ecs:us-east-1:${r.target.accountId}:task-definition/svc:2`;
  r.expect('UpdateService returns the task definition ARN', updated.service?.taskDefinition, svc2);
  const after = await r.record(
    'DescribeServices',
    'DescribeServices',
    ecs.send(new DescribeServicesCommand({ cluster: 'conf', services: ['api', 'gone'] })),
  );
  const s = after.services?.[0];
  r.expect('updated taskDefinition', s?.taskDefinition, svc2);
  r.expect('updated desiredCount', s?.desiredCount, 2);
  r.expect(
    'updated deploymentConfiguration',
    [s?.deploymentConfiguration?.maximumPercent, s?.deploymentConfiguration?.minimumHealthyPercent],
    [150, 100],
  );
  r.expect('DescribeServices failure reason', after.failures?.[0]?.reason, 'MISSING');
}

conformanceSuite({
  name: 'ECS: sandbox vs moto',
  service: 'ecs',
  deviations: DEVIATIONS,
  valueBugs: VALUE_BUGS,
  scenarios: [
    {
      title: 'task definitions: register, describe (TAGS), list (familyPrefix, sort, pages), deregister',
      run: taskDefinitions,
    },
    { title: 'clusters and services: create, describe, update', run: clustersAndServices },
  ],
  extra: (pair) => {
    it('error names match AWS on both sides', async (t) => {
      const targets = targetsOrSkip(t, pair());
      if (!targets) return;
      const names = async (target: Target): Promise<string[]> => {
        const ecs = new ECSClient(clientConfig(target));
        await ecs.send(new CreateClusterCommand({ clusterName: 'errors' }));
        return Promise.all(ERROR_CASES.map((c) => errorName(c.call(ecs))));
      };
      const [sandbox, moto] = await Promise.all([names(targets.sandbox), names(targets.moto)]);
      const expected = ERROR_CASES.map((c) => c.error);
      assert.deepEqual(sandbox, expected, 'sandbox');
      assert.deepEqual(moto, expected, 'moto');
      for (const c of ERROR_CASES) {
        const declared = operationDeclaresError('ecs', c.operation, c.error);
        if (declared !== undefined) assert.ok(declared, `the AWS model lists ${c.error} for ${c.operation}`);
      }
    });
  },
});

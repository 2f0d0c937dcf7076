/**
 * A full "ecs-deploy-service" step (every field of the action set), for tests of the schema, the
 * CloudFormation renderer and the deployment engine. It refers to the feed "Hub" of EXAMPLES.
 */

/** A valid process with one "ecs-deploy-service" step using every field. */
export const EXAMPLE_DEPLOY_SERVICE_PROCESS: Readonly<Record<string, unknown>> = {
  steps: [
    {
      name: 'Deploy service',
      roles: ['web'],
      action: {
        type: 'ecs-deploy-service',
        service: 'web-#{Octopus.Environment.Name}',
        taskFamily: 'web',
        taskRole: 'arn:aws:iam::123456789012:role/web-task',
        executionRole: 'ecsTaskExecutionRole',
        cpu: 512,
        memory: '#{TaskMemory}',
        subnets: ['subnet-0123abcd', '#{Subnet}'],
        securityGroups: ['sg-0123abcd'],
        assignPublicIp: true,
        enableEcsManagedTags: false,
        tags: [{ key: 'team', value: 'web' }],
        containers: [
          {
            name: 'web',
            image: 'web',
            cpu: 256,
            memory: 512,
            memoryReservation: 256,
            repositoryCredentials: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:hub-creds',
            portMappings: [{ containerPort: 8080 }, { containerPort: 9090, protocol: 'udp' }],
            environment: [{ name: 'COLOUR', value: '#{Colour}' }],
            secrets: [{ name: 'DB_PASSWORD', valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/db' }],
            environmentFiles: [{ value: 'arn:aws:s3:::web-config/prod.env' }],
            command: ['serve', '--port', '8080'],
            entryPoint: ['/bin/app'],
            workingDirectory: '/srv',
            healthCheck: { command: ['CMD-SHELL', 'curl -f http://localhost:8080/ || exit 1'], retries: 5 },
            logging: { type: 'manual', driver: 'awslogs', options: { 'awslogs-group': 'web' } },
            dockerLabels: { tier: 'front' },
            stopTimeout: 30,
            startTimeout: '#{StartTimeout}',
            dependsOn: [{ containerName: 'sidecar', condition: 'START' }],
            ulimits: [{ name: 'nofile', softLimit: 1024, hardLimit: 4096 }],
            mountPoints: [{ sourceVolume: 'data', containerPath: '/data', readOnly: true }],
            volumesFrom: [{ sourceContainer: 'sidecar' }],
          },
          { name: 'sidecar', image: 'proxy', essential: false },
        ],
        desiredCount: 2,
        minimumHealthyPercent: 50,
        maximumPercent: 200,
        loadBalancers: [
          {
            containerName: 'web',
            containerPort: 8080,
            targetGroupArn:
              'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef',
          },
        ],
        volumes: [
          { name: 'data', type: 'efs', fileSystemId: 'fs-0123abcd', rootDirectory: '/web' },
          { name: 'scratch', type: 'bind' },
        ],
        wait: { mode: 'wait', timeoutMinutes: 45 },
        packages: [
          { name: 'web', feed: 'Hub', image: 'hello-color' },
          { name: 'proxy', feed: 'Hub', image: 'library/nginx' },
        ],
      },
    },
  ],
};

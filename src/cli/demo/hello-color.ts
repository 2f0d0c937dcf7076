/**
 * The demo's configuration (docs/config.md): the hello-color project — one container whose colour
 * and message depend on the environment, rolled out by updating an existing ECS service — and the
 * hello-stack project — the same page as a Fargate service that CloudFormation creates and updates
 * (the Deploy Amazon ECS Service step), one stack per environment and tenant — both deployed
 * Dev → Test → Prod, untenanted into the sandbox's default account and for two tenants, Acme and
 * Globex, each in an AWS account of its own. It is applied through the API exactly as
 * `slipway apply -f` would apply it.
 */

/** The demo's environments, in lifecycle order. */
export const DEMO_ENVIRONMENTS = ['Dev', 'Test', 'Prod'] as const;
/** One of them. */
export type DemoEnvironment = (typeof DEMO_ENVIRONMENTS)[number];

/** The colour each environment's containers get (the COLOUR variable). */
export const DEMO_COLOURS: Record<DemoEnvironment, string> = { Dev: 'blue', Test: 'green', Prod: 'purple' };

/** The project, its ECR repository and the ECS cluster every account has. */
export const DEMO_PROJECT = 'hello-color';
export const DEMO_REPOSITORY = 'hello-color';
export const DEMO_CLUSTER = 'hello';
/** The tags pushed to the repository; a release takes the newest. */
export const DEMO_TAGS = ['1.0.0', '1.1.0', '1.2.0'] as const;

/** The project whose step deploys a CloudFormation stack per environment and tenant. */
export const DEMO_STACK_PROJECT = 'hello-stack';

/** The ECS service of an environment (what the step's `service` template renders to). */
export function demoServiceName(env: DemoEnvironment, project: string = DEMO_PROJECT): string {
  return `${project}-${env.toLowerCase()}`;
}

/** A tenant of the demo and the access key of its AWS account (the secret comes from `env`). */
export interface DemoTenant {
  name: string;
  accessKeyId: string;
  /** The environment variable apply reads the account's secret key from. */
  secretEnv: string;
}

/** The configuration file's text, with the tenants' access key ids filled in. */
export function helloColorConfig(tenants: readonly DemoTenant[]): string {
  const accounts = tenants
    .map(
      (t) => `
  - name: ${t.name} AWS
    description: ${t.name}'s own AWS account.
    mode: keys
    accessKeyId: ${t.accessKeyId}
    secretAccessKey: { env: ${t.secretEnv} }
    region: us-east-1`,
    )
    .join('');
  const tenantDocs = tenants
    .map(
      (t) => `
  - name: ${t.name}
    projects:
      - project: ${DEMO_PROJECT}
        environments: [${DEMO_ENVIRONMENTS.join(', ')}]
      - project: ${DEMO_STACK_PROJECT}
        environments: [${DEMO_ENVIRONMENTS.join(', ')}]`,
    )
    .join('');
  const targets = tenants
    .map(
      (t) => `
  - name: ${t.name.toLowerCase()}-hello
    awsAccount: ${t.name} AWS
    region: us-east-1
    cluster: ${DEMO_CLUSTER}
    roles: [hello-color]
    environments: [${DEMO_ENVIRONMENTS.join(', ')}]
    tenantedParticipation: tenanted
    tenants: [${t.name}]`,
    )
    .join('');
  const colours = DEMO_ENVIRONMENTS.map(
    (e) => `
      - name: Colour
        value: ${DEMO_COLOURS[e]}
        scope: { environments: [${e}] }`,
  ).join('');
  return `# The hello-color demo (slipway demo). Secrets come from the environment when applying.
apiVersion: slipway/v1
space: Default

environments:
${DEMO_ENVIRONMENTS.map((e) => `  - name: ${e}`).join('\n')}

awsAccounts:
  - name: Sandbox
    description: The server's own credentials (here the embedded AWS sandbox).
    mode: ambient
    region: us-east-1${accounts}

feeds:
  - name: Sandbox ECR
    type: ecr
    region: us-east-1
    awsAccount: Sandbox

lifecycles:
  - name: Dev to Prod
    phases:
      - name: Development
        manualEnvironments: [Dev]
      - name: Testing
        manualEnvironments: [Test]
      - name: Production
        manualEnvironments: [Prod]

projects:
  - name: ${DEMO_PROJECT}
    description: A page in one colour per environment.
    lifecycle: Dev to Prod
    tenantedMode: both
    process:
      steps:
        - name: Deploy
          roles: [hello-color]
          action:
            type: ecs-update-service
            service: 'hello-color-#{Octopus.Environment.Name | ToLower}'
            timeoutMinutes: 10
            packages:
              - { name: hello-color, feed: Sandbox ECR, image: ${DEMO_REPOSITORY} }
            containers:
              - name: web
                image: hello-color
                environment:
                  - { name: COLOUR, value: '#{Colour}' }
                  - { name: MESSAGE, value: '#{Message}' }
    variables:${colours}
      - name: Message
        value: 'Hello from #{Octopus.Environment.Name}'

  - name: ${DEMO_STACK_PROJECT}
    description: The same page as a Fargate service that CloudFormation manages, a stack per environment and tenant.
    lifecycle: Dev to Prod
    tenantedMode: both
    process:
      steps:
        - name: Deploy stack
          roles: [hello-color]
          action:
            type: ecs-deploy-service
            service: '${DEMO_STACK_PROJECT}-#{Octopus.Environment.Name | ToLower}'
            taskFamily: '${DEMO_STACK_PROJECT}-#{Octopus.Environment.Name | ToLower}'
            cpu: 256
            memory: 512
            subnets: [subnet-0123abcd]
            desiredCount: 2
            minimumHealthyPercent: 50
            wait: { mode: wait, timeoutMinutes: 15 }
            packages:
              - { name: hello-color, feed: Sandbox ECR, image: ${DEMO_REPOSITORY} }
            containers:
              - name: web
                image: hello-color
                portMappings: [{ containerPort: 8080 }]
                environment:
                  - { name: COLOUR, value: '#{Colour}' }
                  - { name: MESSAGE, value: 'Hello from a stack in #{Octopus.Environment.Name}' }
    variables:${colours}

tenants:${tenantDocs}

ecsTargets:
  - name: hello
    awsAccount: Sandbox
    region: us-east-1
    cluster: ${DEMO_CLUSTER}
    roles: [hello-color]
    environments: [${DEMO_ENVIRONMENTS.join(', ')}]
    tenantedParticipation: untenanted${targets}
`;
}

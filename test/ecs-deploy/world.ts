/**
 * End-to-end fixture for ecs-deploy: an in-process sandbox, ECS set-up through the official SDK,
 * and the CLI run as users run it (a child process; never spawnSync, which would stall the sandbox
 * living in this process).
 */
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  type ContainerDefinition,
  type DeploymentConfiguration,
  type Service,
} from '@aws-sdk/client-ecs';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';

const BIN = resolve(import.meta.dirname, '../../src/cli/bin.ts');
const ECS_DEPLOY_BIN = resolve(import.meta.dirname, '../../src/cli/ecs-deploy-bin.ts');

export const NGINX = 'public.ecr.aws/docker/library/nginx';

/** Sandbox seconds: short enough that a rollout takes a fraction of a real second at scale 100. */
export const FAST_TIMINGS = {
  provisioningSeconds: 1,
  imagePullSeconds: 2,
  startSeconds: 1,
  targetHealthySeconds: 2,
  deregistrationDelaySeconds: 1,
  stopSeconds: 1,
  relaunchDelaySeconds: 2,
  unablePlaceEventSeconds: 10,
};

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ServiceSpec {
  cluster: string;
  service: string;
  /** Default: one container `web` with NGINX:1.27. */
  containers?: ContainerDefinition[];
  desiredCount?: number;
  deploymentConfiguration?: DeploymentConfiguration;
  /** Extra RegisterTaskDefinition fields. */
  taskDefinition?: Record<string, unknown>;
}

export class World {
  readonly ecs: ECSClient;
  private clusters = new Set<string>();

  private constructor(readonly sb: SandboxHandle) {
    this.ecs = new ECSClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
  }

  static async start(options: { timeScale?: number; throttling?: boolean } = {}): Promise<World> {
    const sb = await startSandbox({
      port: 0,
      timeScale: options.timeScale ?? 100,
      throttling: options.throttling ?? false,
    });
    const world = new World(sb);
    await world.admin('PUT', '/_sandbox/settings', { timings: FAST_TIMINGS });
    return world;
  }

  async close(): Promise<void> {
    this.ecs.destroy();
    await this.sb.close();
  }

  async admin(method: string, path: string, body?: unknown): Promise<unknown> {
    const r = await fetch(`${this.sb.endpoint}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  }

  /** Makes an image (exact reference) misbehave. */
  async fault(image: string, fault: Record<string, unknown>): Promise<void> {
    await this.admin('POST', '/_sandbox/faults/images', { image, ...fault });
  }

  async cluster(name: string, instances = 4): Promise<void> {
    if (this.clusters.has(name)) return;
    this.clusters.add(name);
    await this.admin('POST', '/_sandbox/clusters', { name, instances: { count: instances } });
  }

  /** Registers the family and creates the service, then waits until its first rollout completed. */
  async service(spec: ServiceSpec): Promise<Service> {
    await this.cluster(spec.cluster);
    const td = await this.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: spec.service,
        networkMode: 'bridge',
        containerDefinitions: spec.containers ?? [
          { name: 'web', image: `${NGINX}:1.27`, memory: 128, essential: true },
        ],
        ...spec.taskDefinition,
      }),
    );
    await this.ecs.send(
      new CreateServiceCommand({
        cluster: spec.cluster,
        serviceName: spec.service,
        taskDefinition: td.taskDefinition!.taskDefinitionArn!,
        desiredCount: spec.desiredCount ?? 2,
        deploymentConfiguration: spec.deploymentConfiguration ?? {
          minimumHealthyPercent: 50,
          maximumPercent: 200,
        },
      }),
    );
    return this.settled(spec.cluster, spec.service);
  }

  async describe(cluster: string, service: string): Promise<Service> {
    const out = await this.ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
    const svc = out.services?.[0];
    if (!svc) throw new Error(`no service ${service}`);
    return svc;
  }

  /** Waits until the service has one COMPLETED deployment. */
  async settled(cluster: string, service: string, timeoutMs = 20_000): Promise<Service> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const svc = await this.describe(cluster, service);
      const ds = svc.deployments ?? [];
      if (
        ds.length === 1 &&
        ds[0]!.rolloutState === 'COMPLETED' &&
        ds[0]!.runningCount === svc.desiredCount
      ) {
        return svc;
      }
      if (Date.now() > deadline) throw new Error(`${service} did not settle: ${JSON.stringify(ds)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async revisions(family: string): Promise<string[]> {
    const out = await this.ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: family, status: 'ACTIVE' }),
    );
    return out.taskDefinitionArns ?? [];
  }

  /** The environment a CI job would have: keys and region, the sandbox as the endpoint. */
  env(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const k of Object.keys(env)) if (k.startsWith('AWS_')) delete env[k];
    Object.assign(env, {
      AWS_ACCESS_KEY_ID: this.sb.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: this.sb.credentials.secretAccessKey,
      AWS_REGION: this.sb.region,
      AWS_ENDPOINT_URL: this.sb.endpoint,
      // No shared config of the machine leaks into a test.
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      NO_COLOR: '1',
      ...extra,
    });
    for (const [k, v] of Object.entries(extra)) if (v === undefined) delete env[k];
    return env;
  }

  /** Runs `slipway ecs-deploy ARGS` as a child process. */
  cli(args: string[], env: NodeJS.ProcessEnv = this.env(), timeoutMs = 60_000): Promise<CliResult> {
    return runCli(['ecs-deploy', ...args], env, timeoutMs);
  }
}

/** Runs `slipway ARGS` as a child process. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<CliResult> {
  return spawnNode(BIN, args, env, timeoutMs);
}

/** Runs the `ecs-deploy` bin as a child process. */
export function runEcsDeployBin(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CliResult> {
  return spawnNode(ECS_DEPLOY_BIN, args, env, 60_000);
}

function spawnNode(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<CliResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ecs-deploy ${args.join(' ')} ran over ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr });
    });
  });
}

/** `arn:...:task-definition/web:3` → `web:3`. */
export const short = (arn: string | undefined): string => arn?.split('/').pop() ?? '';

/**
 * The commands of `slipway`, as the root help lists them, and where each one's implementation lives.
 * Light on purpose: main.ts loads a command's module only when that command runs (or its help is
 * asked for), so `slipway --version` and `slipway --help` load none of them. The descriptions are
 * the ones the modules register; test/cli-commands.test.ts keeps the two equal.
 */
import type { Command } from 'commander';
import type { RunState } from './exit-codes.js';

/** One command of the root program. */
export interface CommandEntry {
  name: string;
  /** Whether the command itself takes options (the root help then writes `<name> [options]`). */
  hasOptions: boolean;
  /** Its description, as its module registers it. */
  description: string;
  /** Loads the command's module and registers the command (options, subcommands, action) on `program`. */
  register(program: Command, state: RunState, version: string): Promise<void>;
}

/** Every command, in the order the root help lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'sandbox',
    hasOptions: true,
    description:
      'Run the local AWS sandbox (ECS, ECR + registry, STS, IAM, CloudWatch Logs) on loopback. Prints `export` lines for the default account on stdout: eval "$(slipway sandbox &)" or copy them.',
    register: async (program) => (await import('./commands/sandbox.js')).registerSandbox(program),
  },
  {
    name: 'demo',
    hasOptions: true,
    description:
      'Run the whole pipeline locally: an AWS sandbox and a Slipway server in this process, the hello-color project released and deployed Dev → Test → Prod for two tenants in their own AWS accounts, checked, then served until Ctrl-C. --rollouts rehearses three raw ECS rollouts instead.',
    register: async (program) => (await import('./commands/demo.js')).registerDemo(program),
  },
  {
    name: 'ecs-deploy',
    hasOptions: true,
    description:
      'Deploy an image to ECS services (or update a task definition), flag-compatible with the ecs-deploy script: registers a new revision, updates the service, and waits until the whole rollout completes or fails.',
    register: async (program, state, version) =>
      (await import('./commands/ecs-deploy.js')).registerEcsDeploy(program, state, version),
  },
  {
    name: 'template',
    hasOptions: false,
    description: 'Work with #{...} templates (Octostache syntax).',
    register: async (program, state) =>
      (await import('./commands/template.js')).registerTemplate(program, state),
  },
  {
    name: 'feed',
    hasOptions: false,
    description: 'Container image feeds: Docker registries and Amazon ECR.',
    register: async (program) => (await import('./commands/feed.js')).registerFeed(program),
  },
  {
    name: 'server',
    hasOptions: true,
    description:
      'Serve the Slipway API (loopback by default). On first start, creates the administrator and prints its API key once. Ctrl-C stops it.',
    register: async (program) => (await import('./commands/server.js')).registerServer(program),
  },
  {
    name: 'master-key',
    hasOptions: false,
    description: 'Manage the key that encrypts stored secrets.',
    register: async (program) => (await import('./commands/master-key.js')).registerMasterKey(program),
  },
  {
    name: 'apply',
    hasOptions: true,
    description:
      'Make a space match a configuration file (YAML or JSON; see docs/config.md): creates and updates what the file lists, in dependency order. Never deletes anything the file does not list.',
    register: async (program, state) => (await import('./commands/apply.js')).registerApply(program, state),
  },
  {
    name: 'export',
    hasOptions: true,
    description:
      'Write everything in a space as a configuration file (YAML, or --format json) on stdout: references as names, secrets as { env: NAME } references, never their values.',
    register: async (program, state) => (await import('./commands/export.js')).registerExport(program, state),
  },
  {
    name: 'config',
    hasOptions: false,
    description: 'Configuration files for slipway apply and slipway export (see docs/config.md).',
    register: async (program) => (await import('./commands/config-schema.js')).registerConfig(program),
  },
  {
    name: 'release',
    hasOptions: false,
    description: 'Create, deploy, promote and list releases on a Slipway server (see docs/ci.md).',
    register: async (program, state) =>
      (await import('./commands/release.js')).registerRelease(program, state),
  },
  {
    name: 'deployment',
    hasOptions: false,
    description: 'Watch or cancel deployments on a Slipway server (see docs/ci.md).',
    register: async (program, state) =>
      (await import('./commands/deployment.js')).registerDeployment(program, state),
  },
  {
    name: 'worker',
    hasOptions: true,
    description:
      'Run script steps for a Slipway server, as a worker of a pool. The first start registers with a registration token (--token) and saves the worker key in --data-dir. Ctrl-C stops taking work and lets a running script finish; a second Ctrl-C stops the script.',
    register: async (program) => (await import('./commands/worker.js')).registerWorker(program),
  },
];

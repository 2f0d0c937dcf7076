/**
 * `slipway ecs-deploy` (also the bin `ecs-deploy`): the ecs-deploy script's flags, Slipway's
 * engine. Flags become a request (../ecs-deploy/options.ts), the engine runs it, the renderer
 * shows it, and the outcome becomes the exit code (../exit-codes.ts).
 */
import { readFileSync } from 'node:fs';
import { ECSClient } from '@aws-sdk/client-ecs';
import { Option, type Command } from 'commander';
import { createAwsClients } from '../../aws/clients.js';
import type { CredentialSource } from '../../aws/credentials.js';
import { SlipwayError } from '../../core/errors.js';
import { runEcsDeploy } from '../../deploy/ecs-deploy.js';
import { parseWaitUntil } from '../../core/rollout/strategy.js';
import { DEPLOY_DEFAULTS } from '../../deploy/request.js';
import { awsTarget, credentialSource, planFromFlags, type EcsDeployFlags } from '../ecs-deploy/options.js';
import { createRenderer } from '../ecs-deploy/render.js';
import type { RunState } from '../exit-codes.js';
import { EXIT_PAUSED, exitCodeForRun, registerEcsDeployAnswers } from './ecs-deploy-answer.js';

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

const HELP_AFTER = `
Defaults (Slipway's, where they differ from the script's):
  -t/--timeout              ${DEPLOY_DEFAULTS.timeoutSeconds} s (the script's 90 s is shorter than most rollouts)
  --inactivity-timeout      ${DEPLOY_DEFAULTS.inactivityTimeoutSeconds} s without any progress (counts, events, deployments)
  -to with -i               -i is ignored, as the script does (it requires -i even with -to)
  --max-definitions 0       keeps every revision (the script's default)

Credentials and region:
  -k KEY -s SECRET static keys; -p PROFILE a profile; otherwise the SDK's chain (environment, AWS_PROFILE,
  SSO, web identity, container and instance metadata; --aws-instance-profile asks for exactly that).
  -a ROLE_ARN [--external-id ID] assumes a role with those credentials first.
  Region: -r, else AWS_REGION, else AWS_DEFAULT_REGION, else the profile's.
  Endpoint: --endpoint-url, else AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_ECS (e.g. the Slipway sandbox).

Per-container edits (container chosen by name; repeat the flags):
  --set-image web=repo/app:2  --env web:KEY=VALUE  --unset-env web:KEY  --secret web:NAME=ARN
  --unset-secret web:NAME  --command web='sh -c "exec app"'  --cpu web=256  --memory web=512
  --memory-reservation web=256  --docker-label web:KEY=VALUE
  --exclusive-env / --exclusive-secrets: the named containers keep only the variables/secrets given.

Exit codes:
  0   succeeded, nothing to change, or previewed (--diff, --dry-run)
  1   the deployment failed and nobody rolled back; or --run-task's task failed; or AWS refused a call
  3   usage error (a bad flag or value, no credentials or region, -i's repository not in the task definition)
  5   neither -n nor -d
  6   both -n and -d
  7   -n without -c
  8   nothing to deploy (no -i, -to, edit or --force-new-deployment)
  9   --max-definitions is not a whole number
  13  an image reference does not parse
  14  failed, and ECS's circuit breaker rolled the service back
  15  failed, and --enable-rollback brought the last good revision back
  16  failed, and the rollback failed too: the service needs a person
  17  the timeout (-t) passed; ECS may still be rolling
  18  nothing progressed for --inactivity-timeout; ECS may still be rolling
  ${EXIT_PAUSED}  paused at a PAUSE lifecycle hook: answer with "slipway ecs-deploy continue|rollback -c C -n S"
  70  a bug in Slipway

BLUE_GREEN, LINEAR and CANARY services are followed by their service deployment (stage and traffic
weights shown); bake times, step bakes and hooks are expected waits, not inactivity, and -t counts
only the time outside them. CODE_DEPLOY and EXTERNAL controllers are refused (exit 3).
  --wait-until deployed|ecs:<STAGE>   return once deployed (default), or once ECS reached a stage,
                                      e.g. ecs:POST_TEST_TRAFFIC_SHIFT (test traffic has shifted)
  slipway ecs-deploy continue -c C -n S   continue past the PAUSE hook and follow to the end
  slipway ecs-deploy rollback -c C -n S   roll back (at the hook, or StopServiceDeployment ROLLBACK)
With several -n, the exit code is the worst service's. See docs/ecs-deploy.md.
`;

/** The region a profile (or AWS_PROFILE, or default) names in the shared config file, if any. */
async function profileRegion(credentials: CredentialSource): Promise<string | undefined> {
  let source = credentials;
  while (source.kind === 'assume-role') source = source.source;
  const profile = source.kind === 'chain' ? source.profile : undefined;
  // The SDK's own region resolution (env, then shared config for the profile), without a call.
  const probe = new ECSClient(profile !== undefined ? { profile } : {});
  try {
    return await probe.config.region();
  } catch {
    return undefined;
  } finally {
    probe.destroy();
  }
}

/** `-to` is two letters, which commander cannot declare: argv.ts rewrites it; the help shows it. */
function tagOnlyOption(): Option {
  const option = new Option(
    '--tag-only <tag>',
    'set this tag on every container image, keeping each repository',
  );
  option.flags = '-to, --tag-only <tag>';
  return option;
}

export function registerEcsDeploy(program: Command, state: RunState, version: string): void {
  const command = program.command('ecs-deploy');
  registerEcsDeployAnswers(command, state, (flags) => profileRegion(credentialSource(flags)));
  command
    .description(
      'Deploy an image to ECS services (or update a task definition), flag-compatible with the ecs-deploy script: ' +
        'registers a new revision, updates the service, and waits until the whole rollout completes or fails.',
    )
    .version(version, '--version', 'print the version')
    .showHelpAfterError('(slipway ecs-deploy --help lists the flags and exit codes)')
    .option('-k, --aws-access-key <key>', 'AWS access key id (with -s)')
    .option('-s, --aws-secret-key <secret>', 'AWS secret access key (with -k)')
    .option('-r, --region <region>', 'AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile)')
    .option('-p, --profile <profile>', 'a profile of the shared AWS config')
    .option('--aws-instance-profile', "use the credential chain (e.g. the instance's or task's role)")
    .option('-a, --aws-assume-role <role-arn>', 'assume this role first')
    .option('--external-id <id>', 'external id for -a')
    .option('-c, --cluster <cluster>', 'cluster name (required with -n)')
    .option('-n, --service-name <service>', 'service to deploy; repeat for several in the cluster', collect)
    .option('-d, --task-definition <family>', 'update this task definition family without a service')
    .option(
      '-i, --image <image>',
      'image to deploy, [registry[:port]/]path/name[:tag][@digest]; tag default latest',
    )
    .option('-D, --desired-count <n>', "set the service's desired count")
    .option('-m, --min <percent>', 'minimumHealthyPercent')
    .option('-M, --max <percent>', 'maximumPercent')
    .option(
      '--early-success <percent[:cleanup]>',
      'ROLLING: done once PERCENT of the tasks run the new revision (ECS early success; cleanup blocking|deferred, default blocking)',
    )
    .option('--no-early-success', "turn the service's early success criteria off with this update")
    .option('-t, --timeout <seconds>', `overall timeout (default ${DEPLOY_DEFAULTS.timeoutSeconds})`)
    .option('-e, --tag-env-var <name>', "take the image tag from this environment variable (beats -i's tag)")
    .addOption(tagOnlyOption())
    .option('--max-definitions <n>', 'after success keep only the newest N revisions (never one in use)')
    .option('--task-definition-file <file>', 'base the new revision on this JSON task definition')
    .option('--enable-rollback', 'on failure, go back to the last successfully deployed revision and wait')
    .option('--use-latest-task-def', "base the new revision on the family's newest revision")
    .option('--force-new-deployment', 'redeploy (without -i: the current revision)')
    .option('--skip-deployments-check', 'do not wait for older deployments to drain')
    .option('--run-task', 'with -d: register, then run the task once')
    .option('--launch-type <type>', 'for --run-task: EC2, FARGATE or EXTERNAL')
    .option('--platform-version <version>', 'for --run-task on Fargate')
    .option('--network-configuration <config>', 'for --run-task: JSON or AWS CLI shorthand')
    .option(
      '--wait-for-success',
      'with --run-task: wait until it stops; every essential container must exit 0',
    )
    .option('--copy-task-definition-tags', "carry the family's tags onto the new revision")
    .option('-v, --verbose', 'show debug events (retries, throttling)')
    .option('--endpoint-url <url>', 'AWS endpoint for every service (e.g. the sandbox)')
    .option(
      '--inactivity-timeout <seconds>',
      `fail after this long without progress (default ${DEPLOY_DEFAULTS.inactivityTimeoutSeconds})`,
    )
    .option('--diff', 'print the new revision against the running one, change nothing')
    .option('--dry-run', 'print the whole plan, change nothing')
    .option('--output <format>', 'text, or json (result on stdout, NDJSON events on stderr)', 'text')
    .option('--wait-until <when>', 'deployed (default), or ecs:<STAGE> for BLUE_GREEN/LINEAR/CANARY services')
    .option('--set-image <name=image>', 'set one container’s image', collect)
    .option('--env <name:key=value>', 'set an environment variable', collect)
    .option('--unset-env <name:key>', 'remove an environment variable', collect)
    .option('--secret <name:key=arn>', 'set a secret (valueFrom)', collect)
    .option('--unset-secret <name:key>', 'remove a secret', collect)
    .option('--command <name=command>', 'replace the command (split like a shell)', collect)
    .option('--cpu <name=units>', 'container cpu units', collect)
    .option('--memory <name=mib>', 'container memory (hard limit)', collect)
    .option('--memory-reservation <name=mib>', 'container memory reservation', collect)
    .option('--docker-label <name:key=value>', 'set a Docker label', collect)
    .option('--exclusive-env', 'edited containers keep only the --env variables given')
    .option('--exclusive-secrets', 'edited containers keep only the --secret secrets given')
    .addHelpText('after', HELP_AFTER)
    .action(async (flags: EcsDeployFlags & { waitUntil?: string }) => {
      // The SDK's Node-version notice is for developers, and would break NDJSON on stderr.
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
      const plan = planFromFlags(flags, { env: process.env, readFile: (p) => readFileSync(p, 'utf8') });
      if (flags.waitUntil !== undefined) {
        const waitUntil = parseWaitUntil(flags.waitUntil);
        if ('error' in waitUntil) throw new SlipwayError('USAGE', waitUntil.error);
        plan.request.waitUntil = waitUntil;
      }
      const region = plan.region ?? (await profileRegion(plan.credentials));
      if (!region) {
        throw new SlipwayError(
          'AWS_CREDENTIALS',
          'No AWS region: pass -r REGION, or set AWS_REGION (or AWS_DEFAULT_REGION), or a region in the profile.',
        );
      }
      const { target } = plan.request;
      const targets = target.kind === 'family' ? [target.family] : target.services;
      const renderer = createRenderer(
        { output: plan.output, verbose: plan.verbose, targets },
        process.stderr,
      );
      const clients = createAwsClients(awsTarget(plan, region), { emit: renderer.emit });
      // ECS keeps rolling when we stop watching; say so, and how to pick the rollout up again.
      const onInterrupt = () => {
        renderer.close();
        process.stderr.write(
          '\ninterrupted: ECS goes on with the rollout. Run the same command again to re-attach to it and see how it ends.\n',
        );
        process.exit(130);
      };
      process.once('SIGINT', onInterrupt);
      process.once('SIGTERM', onInterrupt);
      try {
        const result = await runEcsDeploy(plan.request, clients, renderer.emit);
        renderer.close();
        process.stdout.write(renderer.formatResult(result));
        state.exitCode = exitCodeForRun(result.outcome);
      } finally {
        process.off('SIGINT', onInterrupt);
        process.off('SIGTERM', onInterrupt);
        renderer.close();
        clients.destroy();
      }
    });
}

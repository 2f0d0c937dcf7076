/**
 * `slipway ecs-deploy continue|rollback -c CLUSTER -n SERVICE`: answer a BLUE_GREEN, LINEAR or
 * CANARY deployment paused at a PAUSE lifecycle hook (found by service), or roll back an ongoing
 * one, and follow it to its end with the same output and exit codes as `slipway ecs-deploy`.
 */
import type { Command } from 'commander';
import { createAwsClients } from '../../aws/clients.js';
import { SlipwayError } from '../../core/errors.js';
import { answerPausedDeployment } from '../../deploy/answer-pause.js';
import { DEPLOY_DEFAULTS, type RunOutcome } from '../../deploy/request.js';
import { credentialSource, type EcsDeployFlags } from '../ecs-deploy/options.js';
import { createRenderer } from '../ecs-deploy/render.js';
import { exitCodeForOutcome, type RunState } from '../exit-codes.js';

/** Exit code of a deployment paused at a PAUSE hook (`slipway ecs-deploy continue|rollback` answers it). */
export const EXIT_PAUSED = 19;

/** The exit code of an ecs-deploy outcome, `paused` included. */
export function exitCodeForRun(outcome: RunOutcome): number {
  return outcome === 'paused' ? EXIT_PAUSED : exitCodeForOutcome(outcome);
}

interface AnswerFlags {
  cluster?: string;
  serviceName?: string;
  region?: string;
  profile?: string;
  awsAccessKey?: string;
  awsSecretKey?: string;
  awsInstanceProfile?: boolean;
  awsAssumeRole?: string;
  externalId?: string;
  endpointUrl?: string;
  timeout?: string;
  inactivityTimeout?: string;
  output?: string;
  verbose?: boolean;
}

function seconds(flag: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1)
    throw new SlipwayError('USAGE', `${flag} must be a whole number of seconds, got "${text}".`);
  return n;
}

/** Registers `continue` and `rollback` under `ecs-deploy`. */
export function registerEcsDeployAnswers(
  ecsDeploy: Command,
  state: RunState,
  profileRegion: (flags: EcsDeployFlags) => Promise<string | undefined>,
): void {
  for (const action of ['continue', 'rollback'] as const) {
    ecsDeploy
      .command(action)
      .description(
        action === 'continue'
          ? "continue a service's deployment paused at a PAUSE lifecycle hook, and follow it to its end"
          : "roll back a service's ongoing BLUE_GREEN/LINEAR/CANARY deployment (at its PAUSE hook, or with StopServiceDeployment), and follow the rollback",
      )
      .option('-c, --cluster <cluster>', 'cluster name')
      .option('-n, --service-name <service>', 'the service whose deployment to answer')
      .option('-r, --region <region>', 'AWS region')
      .option('-p, --profile <profile>', 'a profile of the shared AWS config')
      .option('-k, --aws-access-key <key>', 'AWS access key id (with -s)')
      .option('-s, --aws-secret-key <secret>', 'AWS secret access key (with -k)')
      .option('--aws-instance-profile', "use the credential chain (e.g. the instance's role)")
      .option('-a, --aws-assume-role <role-arn>', 'assume this role first')
      .option('--external-id <id>', 'external id for -a')
      .option('--endpoint-url <url>', 'AWS endpoint (e.g. the sandbox)')
      .option(
        '-t, --timeout <seconds>',
        `overall timeout outside expected waits (default ${DEPLOY_DEFAULTS.timeoutSeconds})`,
      )
      .option('--inactivity-timeout <seconds>', `default ${DEPLOY_DEFAULTS.inactivityTimeoutSeconds}`)
      .option('--output <format>', 'text or json', 'text')
      .option('-v, --verbose', 'show debug events')
      .action(async (flags: AnswerFlags) => {
        process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
        if (!flags.cluster || !flags.serviceName)
          throw new SlipwayError('USAGE', `slipway ecs-deploy ${action} needs -c CLUSTER and -n SERVICE.`);
        if (flags.output !== 'text' && flags.output !== 'json')
          throw new SlipwayError('USAGE', `--output must be text or json, got "${flags.output}".`);
        const asDeploy = flags as unknown as EcsDeployFlags;
        const credentials = credentialSource(asDeploy);
        const region =
          flags.region ??
          process.env.AWS_REGION ??
          process.env.AWS_DEFAULT_REGION ??
          (await profileRegion(asDeploy));
        if (!region)
          throw new SlipwayError(
            'AWS_CREDENTIALS',
            'No AWS region: pass -r REGION, or set AWS_REGION (or AWS_DEFAULT_REGION).',
          );
        const renderer = createRenderer(
          { output: flags.output, verbose: flags.verbose === true, targets: [flags.serviceName] },
          process.stderr,
        );
        const clients = createAwsClients(
          { region, credentials, ...(flags.endpointUrl ? { endpoint: flags.endpointUrl } : {}) },
          { emit: renderer.emit },
        );
        try {
          const result = await answerPausedDeployment(
            {
              cluster: flags.cluster,
              service: flags.serviceName,
              action,
              timeoutSeconds: seconds('-t', flags.timeout, DEPLOY_DEFAULTS.timeoutSeconds),
              inactivityTimeoutSeconds: seconds(
                '--inactivity-timeout',
                flags.inactivityTimeout,
                DEPLOY_DEFAULTS.inactivityTimeoutSeconds,
              ),
            },
            clients,
            renderer.emit,
          );
          // Asked for: a rollback that ECS completed is this command's success.
          const outcome: RunOutcome =
            action === 'rollback' && result.outcome === 'failed-rolled-back' ? 'succeeded' : result.outcome;
          const shown = { ...result, outcome };
          renderer.close();
          process.stdout.write(renderer.formatResult({ outcome, results: [shown] }));
          state.exitCode = exitCodeForRun(outcome);
        } finally {
          renderer.close();
          clients.destroy();
        }
      });
  }
}

/** The environment variables that give a script its deployment target's AWS credentials. */
import { describeAwsError, type AwsClients } from '../../aws/clients.js';
import type { StepContext, StepResult } from '../executor.js';

/** The AWS variables for the target's credentials, region and (sandbox) endpoint, and the secrets among them. */
export async function awsEnvironment(clients: AwsClients): Promise<{
  env: Record<string, string>;
  secrets: string[];
}> {
  const config = clients.ecs.config;
  const creds = await config.credentials();
  const env: Record<string, string> = {
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    AWS_REGION: clients.region,
    AWS_DEFAULT_REGION: clients.region,
  };
  if (creds.sessionToken) env['AWS_SESSION_TOKEN'] = creds.sessionToken;
  if (config.endpoint) {
    const e = await config.endpoint();
    const port = e.port ? `:${e.port}` : '';
    env['AWS_ENDPOINT_URL'] = `${e.protocol}//${e.hostname}${port}${e.path === '/' ? '' : e.path}`;
  }
  return { env, secrets: [creds.secretAccessKey, ...(creds.sessionToken ? [creds.sessionToken] : [])] };
}

/**
 * What a script of `ctx` starts with: the target's AWS variables (none without a target) and every
 * value to mask (the step's sensitive values and the credentials, which the step log learns too);
 * a failed step result when the target's credentials cannot be had.
 */
export async function scriptStart(
  ctx: StepContext,
): Promise<{ env: Record<string, string>; sensitive: string[] } | StepResult> {
  const env: Record<string, string> = {};
  const sensitive = [...ctx.variables.sensitive];
  if (!ctx.target) return { env, sensitive };
  try {
    const aws = await awsEnvironment(await ctx.aws());
    Object.assign(env, aws.env);
    sensitive.push(...aws.secrets);
    ctx.log.addSensitive(aws.secrets);
    return { env, sensitive };
  } catch (e) {
    return {
      outcome: 'failed',
      error: `Could not get AWS credentials for the script: ${describeAwsError(e)}`,
    };
  }
}

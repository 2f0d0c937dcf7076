/** The environment variables that give a script its deployment target's AWS credentials. */
import type { AwsClients } from '../../aws/clients.js';

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

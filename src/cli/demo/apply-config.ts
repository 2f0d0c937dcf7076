/** The demo's configuration applied through the API with the planner of `slipway apply`. */
import type { ApiClient } from '../api-client.js';
import { planApply } from '../config/planner.js';
import { parseConfigText } from '../config/read-file.js';
import { helloColorConfig } from './hello-color.js';
import type { DemoAccount } from './sandbox-world.js';

/** Applies the demo's configuration through the API, as `slipway apply` does; answers how many changes it made. */
export async function applyDemoConfig(client: ApiClient, accounts: readonly DemoAccount[]): Promise<number> {
  // The tenants' secret keys reach the file's `{ env: ... }` references through this map only.
  const env: Record<string, string> = {};
  const tenants = accounts.flatMap((a) => {
    if (a.tenant === undefined) return [];
    const secretEnv = `DEMO_${a.tenant.toUpperCase()}_AWS_SECRET_ACCESS_KEY`;
    env[secretEnv] = a.credentials.secretAccessKey;
    return [{ name: a.tenant, accessKeyId: a.credentials.accessKeyId, secretEnv }];
  });
  const desired = parseConfigText(helloColorConfig(tenants), 'the hello-color demo configuration');
  const plan = await planApply(client, desired, env);
  for (const step of plan.steps) await step.run?.();
  return plan.steps.filter((s) => s.run !== undefined).length;
}

/**
 * The demo's space in a UI test's world: the same AWS accounts, clusters, services and ECR tags
 * (src/cli/demo/sandbox-world.ts) and the same configuration applied through the API
 * (src/cli/demo/apply-config.ts) as `npm run demo`, before any release. Tests create releases and
 * deploy through the UI or the API from here.
 */
import { applyDemoConfig } from '../../src/cli/demo/apply-config.js';
import { DEMO_PROJECT, DEMO_STACK_PROJECT, DEMO_TAGS } from '../../src/cli/demo/hello-color.js';
import { seedSandbox, type DemoAccount } from '../../src/cli/demo/sandbox-world.js';
import type { World } from '../helpers/slipway-world.js';

/** The demo's tenants. */
export const DEMO_TENANTS = ['Acme', 'Globex'] as const;

export { DEMO_PROJECT, DEMO_STACK_PROJECT, DEMO_TAGS };

/** Seeds `world` as the demo does; answers the tenants' accounts. */
export async function seedDemoSpace(world: World): Promise<DemoAccount[]> {
  const accounts = await seedSandbox(world.sandbox, DEMO_TENANTS, () => undefined);
  await applyDemoConfig(world.client, accounts);
  return accounts;
}

/**
 * Who the tests' script steps run as: the real isolation (the slipway-script user, CI runs as root
 * and scripts/install-test-deps.sh creates it) wherever the machine allows it; on a developer's
 * machine without root, the server's own user, said once on stderr so a green run there is not
 * mistaken for a check of the isolation (src/jobs/executors/script-isolation.test.ts skips then).
 */
import { resolveScriptIsolation, type ScriptIsolation } from '../../src/jobs/executors/script-isolation.js';

let resolved: Promise<ScriptIsolation> | undefined;

/** The isolation script steps get in tests (resolved once per process). */
export function testScriptIsolation(): Promise<ScriptIsolation> {
  return (resolved ??= resolveScriptIsolation().then((isolation) => {
    if (isolation.mode !== 'refused') return isolation;
    process.stderr.write(`tests: scripts run as this user (${isolation.reason})\n`);
    // With the tools this user's scripts can use, as `--scripts-as-server-user` finds them.
    return resolveScriptIsolation({ asServerUser: true });
  }));
}

/** `slipway server` flags for the same choice, for tests that start server processes. */
export async function scriptServerFlags(): Promise<string[]> {
  return (await testScriptIsolation()).mode === 'server-user' ? ['--scripts-as-server-user'] : [];
}

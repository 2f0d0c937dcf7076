// Regenerates src/sandbox/cloudformation/resources/aws-types.generated.ts: every resource type
// CloudFormation knows in any region, read from the provider schema lists that cfn-lint bundles
// (cfnlint/data/schemas/providers/<region>.py, one `"AWS::X::Y": "<schema hash>"` line per type).
// Usage: node scripts/gen-cfn-resource-types.mjs [path/to/site-packages/cfnlint]
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function cfnLintDir() {
  if (process.argv[2]) return process.argv[2];
  // find_spec locates the package without importing it (importing cfnlint is slow).
  const code = "import importlib.util as u; print(u.find_spec('cfnlint').submodule_search_locations[0])";
  return execFileSync('python3', ['-c', code], { encoding: 'utf8' }).trim();
}

const dir = cfnLintDir();
const version =
  /^Version: (.+)$/m.exec(
    readFileSync(
      join(
        dir,
        '..',
        readdirSync(join(dir, '..')).find((d) => /^cfn_lint-.*\.dist-info$/.test(d)) ?? 'missing',
        'METADATA',
      ),
      'utf8',
    ),
  )?.[1] ?? 'unknown';
const providers = join(dir, 'data', 'schemas', 'providers');
const types = new Set();
for (const file of readdirSync(providers)) {
  if (!file.endsWith('.py') || file === '__init__.py') continue;
  for (const m of readFileSync(join(providers, file), 'utf8').matchAll(
    /^\s+"([A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+)":/gm,
  )) {
    types.add(m[1]);
  }
}
const sorted = [...types].sort();
const out = `/**
 * Every resource type CloudFormation knows, in any region (${sorted.length} types). GENERATED: do not edit.
 * Made by \`node scripts/gen-cfn-resource-types.mjs\` from the provider schema lists bundled in
 * cfn-lint ${version} (cfnlint/data/schemas/providers/<region>.py, the union over all regions).
 */
export const AWS_RESOURCE_TYPES: readonly string[] = [
${sorted.map((t) => `  '${t}',`).join('\n')}
];
`;
const target = new URL('../src/sandbox/cloudformation/resources/aws-types.generated.ts', import.meta.url);
writeFileSync(target, out);
console.log(`wrote ${sorted.length} types from cfn-lint ${version} to ${target.pathname}`);

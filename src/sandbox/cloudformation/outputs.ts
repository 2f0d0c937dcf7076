/**
 * A stack's Outputs, evaluated once its resources are in place, and the export rules: a name is
 * exported by one stack in the region, and an export another stack imports cannot go away.
 */
import { messageOf } from '../../core/errors.js';
import type { StackScope } from './engine-context.js';
import type { CfnOutput, CfnStack, StackConfig } from './model.js';
import { findExport, importersOf, parseTemplate, scopeOf } from './prepare.js';
import { templateEngine } from './template/index.js';

/** An output value as DescribeStacks shows it: lists joined with commas, objects as JSON. */
function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(asText).join(',');
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value as number | boolean);
}

/** Evaluates the Outputs of `config` against the stack's resources; throws the template error. */
export function evaluateOutputs(scope: StackScope, stack: CfnStack, config: StackConfig): CfnOutput[] {
  const template = parseTemplate(config.templateBody);
  const imports = new Set(stack.imports);
  const where = { accountId: scope.account.id, region: scope.region, template };
  const base = scopeOf(scope.cfn, stack, where, config.parameters, imports);
  const conditions = templateEngine.evaluateConditions(template, base);
  const full = { ...base, conditions };
  const out: CfnOutput[] = [];
  for (const [key, decl] of Object.entries(template.outputs)) {
    if (decl.condition !== undefined && conditions[decl.condition] === false) continue;
    const value = asText(templateEngine.evaluate(decl.value, full));
    const exportName =
      decl.exportName === undefined ? undefined : asText(templateEngine.evaluate(decl.exportName, full));
    out.push({
      key,
      value,
      ...(decl.description !== undefined ? { description: decl.description } : {}),
      ...(exportName !== undefined ? { exportName } : {}),
    });
  }
  stack.imports = [...imports];
  return out;
}

/** What keeps the new outputs from being published, in AWS's words; undefined when nothing does. */
export function exportProblem(scope: StackScope, stack: CfnStack, next: CfnOutput[]): string | undefined {
  for (const o of next) {
    if (o.exportName === undefined) continue;
    const owner = findExport(scope.cfn, o.exportName);
    if (owner && owner.stack.stackId !== stack.stackId) {
      return `Export with name ${o.exportName} is already exported by stack ${owner.stack.stackName}`;
    }
  }
  for (const o of stack.outputs) {
    if (o.exportName === undefined) continue;
    const users = importersOf(scope.cfn, o.exportName, stack.stackId);
    if (users.length === 0) continue;
    const kept = next.find((n) => n.exportName === o.exportName);
    const names = users.map((u) => u.stackName).join(', ');
    if (!kept) return `Export ${o.exportName} cannot be deleted as it is in use by ${names}`;
    if (kept.value !== o.value) return `Cannot update export ${o.exportName} as it is in use by ${names}`;
  }
  return undefined;
}

/** Evaluates and checks the outputs: either the outputs or the stack-level failure reason. */
export function publishOutputs(
  scope: StackScope,
  stack: CfnStack,
  config: StackConfig,
): { outputs: CfnOutput[] } | { failure: string } {
  let outputs: CfnOutput[];
  try {
    outputs = evaluateOutputs(scope, stack, config);
  } catch (err) {
    return { failure: messageOf(err) };
  }
  const problem = exportProblem(scope, stack, outputs);
  return problem !== undefined ? { failure: problem } : { outputs };
}

/**
 * The step's stack as a document to keep or run elsewhere (Octopus's "Export to CloudFormation
 * template"): the same template the step deploys, each container's image written as
 * `#{Octopus.Action.Package[<reference>].Image}`, the step's values as parameter defaults. Values
 * not evaluated (no environment given, or sensitive) stay as their `#{...}` expression.
 */
import type { DeployServiceAction } from './evaluated.js';
import { serviceTemplate } from './service-stack.js';
import type { CfnTemplate } from './template.js';
import { formatCfnYaml } from './yaml.js';

/** The formats of an export. */
export const EXPORT_FORMATS = ['yaml', 'json'] as const;

/** yaml or json. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** `#{Octopus.Action.Package[<reference>].Image}`: the image the package reference resolves to at deployment. */
export function packageImageExpression(reference: string): string {
  return `#{Octopus.Action.Package[${reference}].Image}`;
}

/**
 * The template of `action` (evaluated or not) with images as package expressions; ClusterName has
 * a default only when `options.clusterName` is given; the circuit breaker is on unless false.
 */
export function exportServiceStack(
  action: DeployServiceAction,
  options: { clusterName?: string; circuitBreaker?: boolean } = {},
): CfnTemplate {
  const images = Object.fromEntries(action.containers.map((c) => [c.name, packageImageExpression(c.image)]));
  return serviceTemplate(action, { ...options, images }).template;
}

/** The template as text: YAML (reads back to the same JSON; see yaml.ts) or indented JSON. */
export function formatServiceStack(template: CfnTemplate, format: ExportFormat): string {
  return format === 'json' ? `${JSON.stringify(template, null, 2)}\n` : formatCfnYaml(template);
}

/**
 * The variable preview's state in the URL (environment, tenant, channel, target, step), the query it
 * sends to GET .../variables/preview, and the answer's shape (docs/api.md, "Variable preview").
 */

/** The context the preview evaluates for; '' = not chosen. */
export interface PreviewContext {
  environment: string;
  tenant: string;
  channel: string;
  target: string;
  step: string;
}

const KEYS = ['environment', 'tenant', 'channel', 'target', 'step'] as const;

/** The context from the page's search params. */
export function contextFromSearch(search: URLSearchParams): PreviewContext {
  const out: PreviewContext = { environment: '', tenant: '', channel: '', target: '', step: '' };
  for (const k of KEYS) out[k] = search.get(k) ?? '';
  return out;
}

/** The search params of a context (empty values left out). */
export function contextToSearch(context: PreviewContext): URLSearchParams {
  const params = new URLSearchParams();
  for (const k of KEYS) if (context[k] !== '') params.set(k, context[k]);
  return params;
}

/** Where a resolved value came from. */
export interface PreviewSource {
  kind: 'project' | 'library' | 'tenant' | 'template-default' | 'system';
  setId?: string;
  setName?: string;
}

/** One matching value of a name. */
export interface PreviewCandidate {
  id: string;
  value: string;
  type: string;
  scope: Record<string, string[] | undefined>;
  source: PreviewSource;
  matchedOn: string;
}

/** One variable of the answer. */
export interface PreviewVariable {
  name: string;
  value: string | null;
  sensitive: boolean;
  source?: PreviewSource;
  winner?: string;
  reason: string;
  prompt?: { label: string; required: boolean };
  candidates: PreviewCandidate[];
  /** For a value holding #{...}: what a step sees (null when it cannot be rendered) and why not. */
  rendered?: { value: string | null; missing: string[]; problem?: string };
}

/** GET .../variables/preview answers this. */
export interface PreviewAnswer {
  context: {
    environment: { id: string; name: string };
    tenant?: { id: string; name: string; tags: string[] };
    channel?: { id: string; name: string };
    target?: { id: string; name: string; roles: string[] };
    step?: { name: string; roles: string[] };
  };
  variables: PreviewVariable[];
}

/** Where a value came from, in words. */
export function sourceText(source: PreviewSource | undefined): string {
  switch (source?.kind) {
    case 'project':
      return 'Project';
    case 'library':
      return `Library set ${source.setName ?? source.setId ?? ''}`.trim();
    case 'tenant':
      return "Tenant's value";
    case 'template-default':
      return "Template's default";
    case 'system':
      return 'System variable';
    default:
      return '—';
  }
}

/** A sentence naming the context, for the results' caption. */
export function contextText(context: PreviewAnswer['context']): string {
  const parts = [`environment ${context.environment.name}`];
  parts.push(context.tenant ? `tenant ${context.tenant.name}` : 'untenanted');
  if (context.channel) parts.push(`channel ${context.channel.name}`);
  if (context.step) parts.push(`step ${context.step.name}`);
  if (context.target) parts.push(`target ${context.target.name}`);
  return parts.join(', ');
}

/** The line under a value holding #{...}: what it renders to, and what is missing or wrong. */
export function renderedText(rendered: PreviewVariable['rendered']): string | undefined {
  if (!rendered) return undefined;
  if (rendered.value === null) return `Cannot be rendered: ${rendered.problem ?? 'unknown problem'}`;
  const missing =
    rendered.missing.length === 0
      ? ''
      : ` (no value here for ${rendered.missing.join(', ')}: a step using it would fail)`;
  return `Renders as: ${rendered.value}${missing}`;
}

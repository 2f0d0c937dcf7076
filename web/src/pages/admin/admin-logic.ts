/**
 * The admin pages' pure logic: forms to the documents the API takes (AWS accounts, ECS targets,
 * teams), the audit log's filters between the URL and the API, and small words for plans and grants.
 * No DOM here (tested with node:test).
 */

/** How an AWS account signs its calls. */
export type AccountMode = 'keys' | 'role' | 'ambient';

/** The AWS account form. `secretAccessKey` '' keeps the stored secret (when there is one). */
export interface AccountForm {
  name: string;
  description: string;
  mode: AccountMode;
  accessKeyId: string;
  secretAccessKey: string;
  roleArn: string;
  externalId: string;
  sourceAccount: string;
  region: string;
  environments: string[];
  tenants: string[];
}

/** An account as the API answers it (flat; the secret only as `{ set }`). */
export interface AccountJson {
  id: string;
  name: string;
  version: number;
  description?: string;
  mode: AccountMode;
  accessKeyId?: string;
  secretAccessKey?: { set: boolean };
  roleArn?: string;
  externalId?: string;
  sessionDurationSeconds?: number;
  sourceAccount?: string;
  region?: string;
  environments?: string[];
  tenants?: string[];
}

/** The form of a stored account (or an empty one). */
export function accountForm(a: AccountJson | undefined): AccountForm {
  return {
    name: a?.name ?? '',
    description: a?.description ?? '',
    mode: a?.mode ?? 'keys',
    accessKeyId: a?.accessKeyId ?? '',
    secretAccessKey: '',
    roleArn: a?.roleArn ?? '',
    externalId: a?.externalId ?? '',
    sourceAccount: a?.sourceAccount ?? '',
    region: a?.region ?? '',
    environments: a?.environments ?? [],
    tenants: a?.tenants ?? [],
  };
}

/**
 * The document to POST or PUT. The secret is write-only: an empty field keeps the stored value
 * (`{ set: true }`) when the account has one, and is left empty (the API then names the field) when not.
 */
export function accountBody(form: AccountForm, stored: AccountJson | undefined): Record<string, unknown> {
  const common = {
    name: form.name.trim(),
    description: form.description,
    ...(form.region.trim() ? { region: form.region.trim() } : {}),
    environments: form.environments,
    tenants: form.tenants,
  };
  if (form.mode === 'keys') {
    const keep = stored?.mode === 'keys' && stored.secretAccessKey?.set === true;
    return {
      ...common,
      mode: 'keys',
      accessKeyId: form.accessKeyId.trim(),
      secretAccessKey: form.secretAccessKey !== '' ? form.secretAccessKey : keep ? { set: true } : null,
    };
  }
  if (form.mode === 'role') {
    return {
      ...common,
      mode: 'role',
      roleArn: form.roleArn.trim(),
      ...(form.externalId.trim() ? { externalId: form.externalId.trim() } : {}),
      ...(stored?.sessionDurationSeconds !== undefined
        ? { sessionDurationSeconds: stored.sessionDurationSeconds }
        : {}),
      ...(form.sourceAccount ? { sourceAccount: form.sourceAccount } : {}),
    };
  }
  return { ...common, mode: 'ambient' };
}

/** An ECS cluster target as the API answers it. */
export interface TargetJson {
  id: string;
  name: string;
  version: number;
  description?: string;
  awsAccount?: string;
  region: string;
  cluster: string;
  assumeRole?: { roleArn: string; externalId?: string; sessionDurationSeconds?: number };
  roles: string[];
  environments: string[];
  tenantedParticipation: 'untenanted' | 'tenanted' | 'both';
  tenants: string[];
  tenantTags: string[];
}

/** The ECS target form; roles and tenant tags as comma-separated text. */
export interface TargetForm {
  name: string;
  description: string;
  awsAccount: string;
  region: string;
  cluster: string;
  assumeRoleArn: string;
  roles: string;
  environments: string[];
  tenantedParticipation: 'untenanted' | 'tenanted' | 'both';
  tenants: string[];
  tenantTags: string;
}

/** The form of a stored target (or an empty one). */
export function targetForm(t: TargetJson | undefined): TargetForm {
  return {
    name: t?.name ?? '',
    description: t?.description ?? '',
    awsAccount: t?.awsAccount ?? '',
    region: t?.region ?? '',
    cluster: t?.cluster ?? '',
    assumeRoleArn: t?.assumeRole?.roleArn ?? '',
    roles: (t?.roles ?? []).join(', '),
    environments: t?.environments ?? [],
    tenantedParticipation: t?.tenantedParticipation ?? 'untenanted',
    tenants: t?.tenants ?? [],
    tenantTags: (t?.tenantTags ?? []).join(', '),
  };
}

/** `"a, b,,c "` → `["a", "b", "c"]`. */
export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** The document to POST or PUT (the stored role's other settings are kept). */
export function targetBody(form: TargetForm, stored: TargetJson | undefined): Record<string, unknown> {
  const tenanted = form.tenantedParticipation !== 'untenanted';
  const role = form.assumeRoleArn.trim();
  return {
    name: form.name.trim(),
    description: form.description,
    ...(form.awsAccount ? { awsAccount: form.awsAccount } : {}),
    region: form.region.trim(),
    cluster: form.cluster.trim(),
    ...(role ? { assumeRole: { ...stored?.assumeRole, roleArn: role } } : {}),
    roles: splitList(form.roles),
    environments: form.environments,
    tenantedParticipation: form.tenantedParticipation,
    tenants: tenanted ? form.tenants : [],
    tenantTags: tenanted ? splitList(form.tenantTags) : [],
  };
}

/** A team's grant as stored (references as ids). */
export interface TeamGrantJson {
  role: 'administrator' | 'project-contributor' | 'deployer' | 'viewer';
  projects: string[];
  environments: string[];
  tenants: string[];
}

/** A team as the API answers it. */
export interface TeamJson {
  id: string;
  name: string;
  version: number;
  description?: string;
  members: string[];
  grants: TeamGrantJson[];
}

/** "deployer in Dev; projects hello-color" — a grant in words, names looked up by id. */
export function grantLabel(grant: TeamGrantJson, nameOf: (id: string) => string): string {
  const parts: string[] = [];
  const scope = (ids: string[], what: string) => {
    if (ids.length > 0) parts.push(`${what} ${ids.map(nameOf).join(', ')}`);
  };
  scope(grant.projects, 'projects');
  scope(grant.environments, 'environments');
  scope(grant.tenants, 'tenants');
  return parts.length === 0 ? `${grant.role}, everywhere` : `${grant.role} in ${parts.join('; ')}`;
}

/** The audit log's filters, as the URL keeps them (`from`/`to` as a datetime-local value). */
export interface AuditFilters {
  entityType: string;
  actor: string;
  action: '' | 'create' | 'update' | 'delete';
  from: string;
  to: string;
  cursor: string;
}

/** The filters in a URL's query (unknown actions read as none). */
export function auditFilters(params: URLSearchParams): AuditFilters {
  const action = params.get('action') ?? '';
  return {
    entityType: params.get('entityType') ?? '',
    actor: params.get('actor') ?? '',
    action: action === 'create' || action === 'update' || action === 'delete' ? action : '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
    cursor: params.get('cursor') ?? '',
  };
}

/**
 * A local `2026-01-02T03:04` (the datetime field's value) as an ISO time with a zone, which the API
 * needs; undefined for empty or unreadable text.
 */
export function localToIso(value: string): string | undefined {
  if (value.trim() === '') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The audit API's query for `filters` (empty ones left out). */
export function auditQuery(filters: AuditFilters): Record<string, string | undefined> {
  return {
    entityType: filters.entityType || undefined,
    actor: filters.actor || undefined,
    action: filters.action || undefined,
    from: localToIso(filters.from),
    to: localToIso(filters.to),
    cursor: filters.cursor || undefined,
  };
}

/** The URL query for `filters` (empty ones left out), for links and the address bar. */
export function auditSearch(filters: AuditFilters): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}

/** The colour of a plan entry's action (with the word beside it). */
export function planTone(action: string): 'success' | 'warning' | 'neutral' {
  if (action === 'create') return 'success';
  if (action === 'update') return 'warning';
  return 'neutral';
}

/** `slipway-Default.yaml`: the export's download name (the space's name made file-safe). */
export function exportFileName(space: string, format: 'yaml' | 'json'): string {
  const safe = space.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'space';
  return `slipway-${safe}.${format}`;
}

/** An API key's state in a word, at `nowMs`. */
export function keyState(
  key: { revokedAt: string | null; expiresAt: string | null },
  nowMs: number,
): 'Revoked' | 'Expired' | 'Active' {
  if (key.revokedAt !== null) return 'Revoked';
  if (key.expiresAt !== null && new Date(key.expiresAt).getTime() <= nowMs) return 'Expired';
  return 'Active';
}

/**
 * One valid document per resource kind, referring to each other by name, for tests of the store,
 * the API and `slipway apply`. Create them in EXAMPLE_ORDER (environments Dev and Prod and the
 * user "alice" first): each refers only to earlier ones. The kinds' schemas must accept these.
 */
import type { ResourceKindName } from '../../src/core/model/resource.js';

/** Environments the examples refer to. */
export const EXAMPLE_ENVIRONMENTS = ['Dev', 'Prod'] as const;
/** The user the example team has as a member. */
export const EXAMPLE_USER = 'alice';

/** A valid document of each kind (nested kinds belong to the example project "web"). */
export const EXAMPLES: Readonly<Record<ResourceKindName, Record<string, unknown>>> = {
  'tag-set': { name: 'Tier', tags: [{ name: 'Gold', color: '#ffd700' }, { name: 'Silver' }] },
  feed: {
    name: 'Hub',
    type: 'docker',
    url: 'http://127.0.0.1:5000',
    username: 'ci',
    password: 'hunter2-feed',
  },
  'aws-account': {
    name: 'Prod account',
    mode: 'keys',
    accessKeyId: 'AKIAEXAMPLE000000001',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    region: 'us-east-1',
  },
  lifecycle: {
    name: 'Standard',
    phases: [
      { name: 'Development', automaticEnvironments: ['Dev'] },
      { name: 'Production', manualEnvironments: ['Prod'] },
    ],
  },
  'library-set': {
    name: 'Common',
    templates: [{ name: 'Region', label: 'AWS region', defaultValue: 'us-east-1' }],
  },
  project: {
    name: 'web',
    lifecycle: 'Standard',
    tenantedMode: 'both',
    librarySets: ['Common'],
    templates: [
      { name: 'Colour', label: 'Colour of the page' },
      { name: 'ApiToken', type: 'sensitive' },
    ],
  },
  channel: {
    name: 'Beta',
    rules: [
      { packages: [{ step: 'Deploy', package: 'web' }], versionRange: '[2.0,3.0)', preReleaseTag: '.*' },
    ],
    tenantTags: ['Tier/Gold'],
  },
  process: {
    steps: [
      {
        name: 'Deploy',
        roles: ['web'],
        action: {
          type: 'ecs-update-service',
          service: 'web-#{Octopus.Environment.Name}',
          containers: [{ name: 'web', image: 'web', environment: [{ name: 'COLOUR', value: '#{Colour}' }] }],
          packages: [{ name: 'web', feed: 'Hub', image: 'hello-color' }],
        },
      },
      {
        name: 'Approve',
        environments: ['Prod'],
        action: { type: 'manual-intervention', instructions: 'Check the Dev site first.' },
      },
      {
        name: 'Smoke test',
        condition: 'always',
        action: {
          type: 'run-script',
          syntax: 'bash',
          script: 'echo "#{Octopus.Action[Deploy].Output.Revision}"',
        },
      },
    ],
  },
  tenant: {
    name: 'Acme',
    tags: ['Tier/Gold'],
    projects: [{ project: 'web', environments: ['Dev', 'Prod'] }],
  },
  'ecs-target': {
    name: 'acme-prod',
    awsAccount: 'Prod account',
    region: 'us-east-1',
    cluster: 'acme',
    roles: ['web'],
    environments: ['Prod'],
    tenantedParticipation: 'tenanted',
    tenants: ['Acme'],
  },
  team: {
    name: 'Web deployers',
    members: ['alice'],
    grants: [{ role: 'deployer', projects: ['web'], environments: ['Dev'] }],
  },
};

/** The order to create the examples in (the project before its channel and process). */
export const EXAMPLE_ORDER: readonly ResourceKindName[] = [
  'tag-set',
  'aws-account',
  'feed',
  'lifecycle',
  'library-set',
  'project',
  'channel',
  'process',
  'tenant',
  'ecs-target',
  'team',
];

/** Example project variables (one sensitive, one scoped to Prod). */
export const EXAMPLE_VARIABLES: readonly Record<string, unknown>[] = [
  { name: 'Colour', value: 'blue' },
  { name: 'Colour', value: 'green', scope: { environments: ['Prod'] } },
  { name: 'DbPassword', type: 'sensitive', value: 'correct-horse-battery' },
];

/** Example tenant values for the project's templates (Acme × Dev) and the library set's. */
export const EXAMPLE_TENANT_VARIABLES: readonly Record<string, unknown>[] = [
  { project: 'web', environment: 'Dev', template: 'Colour', value: 'orange' },
  { project: 'web', environment: 'Dev', template: 'ApiToken', value: 'tenant-token-123456' },
  { librarySet: 'Common', template: 'Region', value: 'eu-west-1' },
];

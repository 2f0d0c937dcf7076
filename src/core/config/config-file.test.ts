import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXAMPLE_TENANT_VARIABLES, EXAMPLE_VARIABLES, EXAMPLES } from '../../../test/kits/model-examples.js';
import { SlipwayError } from '../errors.js';
import { configFileSchema, loadConfig, SECTIONS } from './config-file.js';

/** A file holding every kind's example, referring to each other by name. */
function exampleFile(): Record<string, unknown> {
  return {
    apiVersion: 'slipway/v1',
    environments: [{ name: 'Dev' }, { name: 'Prod', guidedFailure: true }],
    tagSets: [EXAMPLES['tag-set']],
    awsAccounts: [EXAMPLES['aws-account']],
    feeds: [EXAMPLES.feed],
    lifecycles: [EXAMPLES.lifecycle],
    librarySets: [{ ...EXAMPLES['library-set'], variables: [{ name: 'Region', value: 'us-east-1' }] }],
    projects: [
      {
        ...EXAMPLES.project,
        channels: [EXAMPLES.channel],
        process: EXAMPLES.process,
        variables: EXAMPLE_VARIABLES,
      },
    ],
    tenants: [{ ...EXAMPLES.tenant, variables: EXAMPLE_TENANT_VARIABLES }],
    ecsTargets: [EXAMPLES['ecs-target']],
  };
}

function issuesOf(value: unknown): string[] {
  try {
    loadConfig(value, 'slipway.yaml');
  } catch (e) {
    assert.ok(e instanceof SlipwayError);
    assert.equal(e.code, 'INVALID_INPUT');
    assert.match(e.message, /^slipway\.yaml is not a valid Slipway configuration \(nothing was applied\)/);
    return e.data.issues as string[];
  }
  assert.fail('the file was accepted');
}

describe('config file', () => {
  it('flattens a file of every kind into entities in apply order, nested ones after their project', () => {
    const state = loadConfig(exampleFile());
    assert.equal(state.space, 'Default');
    assert.deepEqual(
      state.entities.map((e) => `${e.path} ${e.kind} ${e.name}`),
      [
        'environments[0] environment Dev',
        'environments[1] environment Prod',
        'tagSets[0] tag-set Tier',
        'awsAccounts[0] aws-account Prod account',
        'lifecycles[0] lifecycle Standard',
        'librarySets[0] library-set Common',
        'feeds[0] feed Hub',
        'projects[0] project web',
        'projects[0].channels[0] channel Beta',
        'projects[0].process process ',
        'tenants[0] tenant Acme',
        'ecsTargets[0] ecs-target acme-prod',
      ],
    );
    assert.deepEqual(
      state.variableSets.map((s) => `${s.path} ${s.owner} ${s.ownerName} ${s.input.length}`),
      [
        'librarySets[0].variables library-set Common 1',
        'projects[0].variables project web 3',
        'tenants[0].variables tenant Acme 3',
      ],
    );
    // What apply sends is what the file says, without the nested keys.
    const project = state.entities.find((e) => e.kind === 'project');
    assert.deepEqual(Object.keys(project?.input ?? {}).sort(), Object.keys(EXAMPLES.project).sort());
    assert.equal(state.entities.find((e) => e.kind === 'channel')?.project, 'web');
  });

  it('lists sections by the kinds’ apply order', () => {
    assert.equal(SECTIONS[0]?.key, 'environments');
    assert.ok(
      SECTIONS.findIndex((s) => s.key === 'projects') > SECTIONS.findIndex((s) => s.key === 'lifecycles'),
    );
    assert.ok(
      SECTIONS.findIndex((s) => s.key === 'ecsTargets') > SECTIONS.findIndex((s) => s.key === 'tenants'),
    );
  });

  it('names the place in the file of each problem', () => {
    const file = exampleFile();
    const projects = file.projects as Record<string, unknown>[];
    projects[0] = { ...projects[0], lifecycle: 42, bogus: true };
    const issues = issuesOf(file);
    assert.ok(
      issues.some((i) => i.startsWith('projects[0].lifecycle: lifecycle must be a string')),
      issues.join('\n'),
    );
    assert.ok(
      issues.some((i) => i.includes('unknown field "bogus" in a project')),
      issues.join('\n'),
    );
  });

  it('refuses a wrong apiVersion, unknown top-level keys and a non-object', () => {
    assert.deepEqual(issuesOf({ apiVersion: 'v2' }), ['apiVersion: apiVersion must be "slipway/v1"']);
    assert.match(issuesOf({ apiVersion: 'slipway/v1', project: [] })[0] ?? '', /unknown field "project"/);
    assert.equal(issuesOf([]).length, 1);
  });

  it('refuses names used twice in a list (ignoring case) and channels twice in a project', () => {
    const issues = issuesOf({
      apiVersion: 'slipway/v1',
      environments: [{ name: 'Dev' }, { name: 'dev' }],
      lifecycles: [{ name: 'Standard' }],
      projects: [{ name: 'web', lifecycle: 'Standard', channels: [{ name: 'Beta' }, { name: 'BETA' }] }],
    });
    assert.deepEqual(issues, [
      'environments[1].name: environment "dev" is already at environments[0] (names are unique, ignoring case)',
      'projects[0].channels[1].name: channel "BETA" is already at projects[0].channels[0] (names are unique, ignoring case)',
    ]);
  });

  it('refuses variable ids (files match variables by name, type and scope) and checks variables', () => {
    const issues = issuesOf({
      apiVersion: 'slipway/v1',
      lifecycles: [{ name: 'Standard' }],
      projects: [
        {
          name: 'web',
          lifecycle: 'Standard',
          variables: [
            { id: 'Variables-1', name: 'A', value: 'x' },
            { name: 'B', value: { env: 'not a name' } },
          ],
        },
      ],
    });
    assert.ok(
      issues.some((i) => i.startsWith('projects[0].variables[0].id: ids are not written in files')),
      issues.join('\n'),
    );
    assert.ok(
      issues.some((i) => i.startsWith('projects[0].variables[1].value')),
      issues.join('\n'),
    );
  });

  it('adds where each problem is when the reader can tell', () => {
    const locate = (path: readonly (string | number)[]) => `line ${path.length}`;
    try {
      loadConfig({ apiVersion: 'slipway/v1', environments: [{ name: '' }] }, 'f.yaml', locate);
      assert.fail('accepted');
    } catch (e) {
      assert.match((e as Error).message, /environments\[0\]\.name \(line 3\): name must not be empty/);
    }
  });

  it('takes secrets as { env: NAME } or plain strings', () => {
    const file = exampleFile();
    file.feeds = [{ ...EXAMPLES.feed, password: { env: 'HUB_PASSWORD' } }];
    assert.ok(configFileSchema.safeParse(file).success);
  });
});

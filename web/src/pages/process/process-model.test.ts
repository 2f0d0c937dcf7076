import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACTION_TYPES } from '../../../../src/core/model/kinds/process-actions.js';
import { processSchema } from '../../../../src/core/model/kinds/process.js';
import {
  duplicateStep,
  errorFor,
  issuePathToFormPath,
  newStep,
  numberOrTemplate,
  STEP_TYPE_LABELS,
  STEP_TYPES,
  stepIndexOf,
  stepSummary,
  toForm,
  toProcessBody,
  uniqueName,
} from './process-model.js';

const helloColor = {
  id: 'Processes-1',
  spaceId: 'Spaces-1',
  projectId: 'Projects-1',
  version: 3,
  steps: [
    {
      name: 'Deploy',
      condition: 'success',
      startTrigger: 'after-previous',
      roles: ['hello-color'],
      environments: [],
      excludedEnvironments: [],
      channels: [],
      tenantTags: [],
      disabled: false,
      required: false,
      action: {
        type: 'ecs-update-service',
        service: 'hello-color-#{Octopus.Environment.Name | ToLower}',
        containers: [
          {
            name: 'web',
            image: 'hello-color',
            environment: [{ name: 'COLOUR', value: '#{Colour}' }],
            environmentMode: 'append',
            environmentFiles: [],
          },
        ],
        waitForDeployment: true,
        timeoutMinutes: 10,
        forceNewDeployment: false,
        tags: [],
        pauseResponsibleTeams: [],
        stopEcsDeploymentOnCancel: false,
        packages: [{ name: 'hello-color', feed: 'Feeds-1', image: 'hello-color' }],
      },
    },
  ],
};

describe('the process form model', () => {
  it('knows every step type of the server', () => {
    assert.deepEqual([...STEP_TYPES], [...ACTION_TYPES]);
    for (const type of ACTION_TYPES) assert.ok(STEP_TYPE_LABELS[type], type);
  });

  it('turns the API JSON into form values and back unchanged, without the metadata', () => {
    const form = toForm(helloColor);
    assert.equal(form.steps[0]?.name, 'Deploy');
    assert.deepEqual(toProcessBody(form), { steps: helloColor.steps });
  });

  it('turns maps into rows and back, and leaves out empty optional fields', () => {
    const step = {
      ...helloColor.steps[0],
      name: 'Stack',
      action: {
        type: 'ecs-deploy-service',
        service: 'web',
        taskFamily: 'web',
        taskRole: '',
        cpu: 256,
        memory: 512,
        subnets: ['subnet-0123abcd'],
        containers: [
          {
            name: 'web',
            image: 'web',
            cpu: '',
            dockerLabels: { team: 'shop' },
            logging: { type: 'manual', driver: 'json-file', options: { 'max-size': '10m' } },
          },
        ],
        packages: [],
      },
    };
    const form = toForm({ steps: [step] });
    const container = (form.steps[0]?.action.containers as Record<string, unknown>[])[0];
    assert.deepEqual(container?.dockerLabels, [{ key: 'team', value: 'shop' }]);
    assert.deepEqual(container?.logging, {
      type: 'manual',
      driver: 'json-file',
      options: [{ key: 'max-size', value: '10m' }],
    });
    const body = toProcessBody(form);
    const action = body.steps[0]?.action as Record<string, unknown>;
    assert.equal('taskRole' in action, false);
    const back = (action.containers as Record<string, unknown>[])[0];
    assert.equal(back && 'cpu' in back, false);
    assert.deepEqual(back?.dockerLabels, { team: 'shop' });
    assert.deepEqual(back?.logging, { type: 'manual', driver: 'json-file', options: { 'max-size': '10m' } });
  });

  it('sends a required stack name as "" so the API names it, where another type leaves it out', () => {
    const form = toForm({
      steps: [{ name: 'Stack', action: { type: 'cloudformation-delete', stackName: '' } }],
    });
    assert.equal((toProcessBody(form).steps[0]?.action as Record<string, unknown>).stackName, '');
  });

  it('keeps a condition expression only for the "variable" condition', () => {
    const form = toForm(helloColor);
    const step = form.steps[0];
    assert.ok(step);
    step.conditionExpression = '#{if X}true#{/if}';
    assert.equal('conditionExpression' in (toProcessBody(form).steps[0] ?? {}), false);
    step.condition = 'variable';
    assert.equal(toProcessBody(form).steps[0]?.conditionExpression, '#{if X}true#{/if}');
  });

  it('makes new steps of every type that the server accepts once their required fields are filled', () => {
    const taken: string[] = [];
    const steps = STEP_TYPES.map((type) => {
      const step = newStep(type, taken);
      taken.push(step.name);
      return step;
    });
    assert.equal(steps[2]?.name, 'Run a script');
    assert.equal(newStep('run-script', taken).name, 'Run a script (2)');
    const body = toProcessBody({ steps: steps.slice(2, 4) });
    const run = body.steps[0]?.action as Record<string, unknown>;
    run.script = 'echo hi';
    const manual = body.steps[1]?.action as Record<string, unknown>;
    manual.instructions = 'Look';
    assert.equal(processSchema.safeParse(body).success, true);
  });

  it('duplicates a step under a new name without sharing its objects', () => {
    const form = toForm(helloColor);
    const original = form.steps[0];
    assert.ok(original);
    const copy = duplicateStep(original, ['Deploy']);
    assert.equal(copy.name, 'Deploy (copy)');
    (copy.action.containers as { name: string }[])[0]!.name = 'other';
    assert.equal((original.action.containers as { name: string }[])[0]?.name, 'web');
    assert.equal(uniqueName('deploy', ['Deploy', 'deploy (2)']), 'deploy (3)');
  });

  it('reads numbers, keeps templates, and leaves empty inputs out', () => {
    assert.equal(numberOrTemplate('3'), 3);
    assert.equal(numberOrTemplate(' 12 '), 12);
    assert.equal(numberOrTemplate('#{Count}'), '#{Count}');
    assert.equal(numberOrTemplate(''), undefined);
    assert.equal(numberOrTemplate(5), 5);
  });

  it('maps the API issue paths onto form fields and steps', () => {
    assert.equal(
      issuePathToFormPath('steps[2].action.containers[0].environment[1].value'),
      'steps.2.action.containers.0.environment.1.value',
    );
    assert.equal(stepIndexOf('steps.12.name'), 12);
    assert.equal(stepIndexOf('steps'), undefined);
    const errors = { 'steps.0.roles.1': 'role "a" appears twice', 'steps.0.action.containers.0.name': 'bad' };
    assert.equal(errorFor(errors, 'steps.0.roles'), 'role "a" appears twice');
    assert.equal(errorFor(errors, 'steps.0.action.containers'), undefined);
    assert.equal(errorFor(errors, 'steps.0.action.containers.0.name'), 'bad');
  });

  it('summarises a step', () => {
    assert.equal(
      stepSummary(toForm(helloColor).steps[0]!),
      'service hello-color-#{Octopus.Environment.Name | ToLower}',
    );
    assert.equal(stepSummary(newStep('run-script', [])), 'bash script');
  });
});

/**
 * The form of one step: its name and roles, the package references, its action (a form per type,
 * or JSON), its scope (environments, channels, tenant tags) and conditions.
 */
import { useState, type ReactNode } from 'react';
import { useWatch } from 'react-hook-form';
import {
  CloudFormationDeployForm,
  CloudFormationDeleteForm,
  ManualInterventionForm,
  RunScriptForm,
  RunTaskForm,
} from './actions/SimpleForms.js';
import { DeployServiceForm } from './actions/DeployServiceForm.js';
import { JsonActionEditor } from './actions/JsonActionEditor.js';
import { UpdateServiceForm } from './actions/UpdateServiceForm.js';
import { useEditor } from './editor-context.js';
import { Checkbox, CheckboxGroup, RowList, SelectInput, StringList, TextInput } from './fields.js';
import { needsRoles, stepTypeLabel } from './process-model.js';

const ACTION_FORMS: Record<string, (props: { prefix: string }) => ReactNode> = {
  'ecs-update-service': UpdateServiceForm,
  'ecs-deploy-service': DeployServiceForm,
  'run-script': RunScriptForm,
  'manual-intervention': ManualInterventionForm,
  'cloudformation-deploy': CloudFormationDeployForm,
  'cloudformation-delete': CloudFormationDeleteForm,
  'ecs-run-task': RunTaskForm,
};

const CONDITIONS = [
  { value: 'success', label: 'Only when the previous steps succeeded' },
  { value: 'failure', label: 'Only when a previous step failed' },
  { value: 'always', label: 'Always' },
  { value: 'variable', label: 'When a variable expression is true' },
];

/** The form of step `index`. */
export function StepEditor({ index }: { index: number }) {
  const { options, errors } = useEditor();
  const prefix = `steps.${index}`;
  // An issue about the action as a whole (e.g. "give taskDefinition or fromStep") has no one field.
  const actionError = errors[`${prefix}.action`];
  const type = String(useWatch({ name: `${prefix}.action.type` }) ?? '');
  const condition: unknown = useWatch({ name: `${prefix}.condition` });
  const [asJson, setAsJson] = useState(false);
  const ActionForm = ACTION_FORMS[type];
  return (
    <div className="step-body">
      <section className="step-section">
        <h3>Step</h3>
        <div className="form-grid">
          <TextInput path={`${prefix}.name`} label="Step name" required />
          <StringList
            path={`${prefix}.roles`}
            label="Target roles"
            hint={
              needsRoles(type)
                ? 'Required: the step runs on each deployment target with one of these roles. Separate them with commas.'
                : 'Optional: run once on behalf of each target with one of these roles. Separate them with commas.'
            }
          />
        </div>
        <Checkbox path={`${prefix}.required`} label="Required (cannot be skipped when deploying)" />
      </section>
      <section className="step-section" aria-label="Package references">
        <RowList
          path={`${prefix}.action.packages`}
          label="Package references"
          item="package reference"
          newRow={() => ({ name: '', feed: options.feeds[0]?.value ?? '', image: '' })}
          hint="Container images whose version the release picks from the feed's tags."
          row={(p, i) => (
            <>
              <TextInput path={`${p}.name`} label={`Reference name ${i + 1}`} />
              <SelectInput path={`${p}.feed`} label={`Feed ${i + 1}`} options={options.feeds} />
              <TextInput path={`${p}.image`} label={`Image repository ${i + 1}`} mono />
            </>
          )}
        />
      </section>
      <section className="step-section">
        <div className="section-title">
          <h3>{stepTypeLabel(type)}</h3>
          {ActionForm ? (
            <button
              type="button"
              className="btn btn-link"
              aria-pressed={asJson}
              onClick={() => setAsJson(!asJson)}
            >
              Edit as JSON
            </button>
          ) : null}
        </div>
        {actionError && ActionForm && !asJson ? (
          <p className="notice notice-danger" role="alert">
            {actionError}
          </p>
        ) : null}
        {ActionForm && !asJson ? (
          <ActionForm prefix={`${prefix}.action`} />
        ) : (
          <JsonActionEditor index={index} />
        )}
      </section>
      <section className="step-section">
        <h3>Scope</h3>
        <div className="form-grid">
          <CheckboxGroup
            path={`${prefix}.environments`}
            label="Environments"
            options={options.environments}
            empty="No environments in this space."
            hint="None ticked: every environment."
          />
          <CheckboxGroup
            path={`${prefix}.excludedEnvironments`}
            label="Skip in environments"
            options={options.environments}
            empty="No environments in this space."
          />
          <CheckboxGroup
            path={`${prefix}.channels`}
            label="Channels"
            options={options.channels}
            empty="This project has no channels."
            hint="None ticked: releases of every channel."
          />
          <CheckboxGroup
            path={`${prefix}.tenantTags`}
            label="Tenant tags"
            options={options.tenantTags}
            empty="No tag sets in this space."
            hint="None ticked: every tenant (and untenanted deployments)."
          />
        </div>
      </section>
      <section className="step-section">
        <h3>Conditions</h3>
        <div className="form-grid">
          <SelectInput path={`${prefix}.condition`} label="Run" options={CONDITIONS} />
          {condition === 'variable' ? (
            <TextInput
              path={`${prefix}.conditionExpression`}
              label="Condition expression"
              mono
              hint="e.g. #{if Octopus.Deployment.Error}true#{/if}"
            />
          ) : null}
          <SelectInput
            path={`${prefix}.startTrigger`}
            label="Start"
            options={[
              { value: 'after-previous', label: 'After the previous step' },
              { value: 'with-previous', label: 'Together with the previous step' },
            ]}
          />
        </div>
      </section>
    </div>
  );
}

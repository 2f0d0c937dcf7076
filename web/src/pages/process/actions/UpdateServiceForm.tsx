/** The form of an "Update ECS service" step (ecs-update-service, docs/steps.md). */
import { useId } from 'react';
import { useFormContext, useWatch } from 'react-hook-form';
import { Field } from '../../../components/Field.js';
import { useEditor, useFieldError } from '../editor-context.js';
import {
  CheckboxGroup,
  Checkbox,
  EnvironmentFileList,
  EnvironmentList,
  NumberInput,
  RowList,
  SecretList,
  SelectInput,
  TagList,
  TextInput,
} from '../fields.js';
import { usePackageOptions } from './package-names.js';

type EarlySuccessMode = 'service' | 'off' | 'on';

/** What `earlySuccess` holds: absent (the service's own setting), false (off), or the criteria. */
function modeOf(value: unknown): EarlySuccessMode {
  if (value === false) return 'off';
  return value !== null && typeof value === 'object' ? 'on' : 'service';
}

/**
 * `earlySuccess` (ROLLING services): the service's own setting (left out), off (`false`), or on with
 * the healthy percent and the cleanup mode (`{healthyPercent, cleanup}`). Turning it on starts from
 * 50 % and BLOCKING.
 */
function EarlySuccessField({ path }: { path: string }) {
  const { control, setValue } = useFormContext();
  const value: unknown = useWatch({ control, name: path });
  const error = useFieldError(path);
  const legendId = useId();
  const mode = modeOf(value);
  const choose = (next: EarlySuccessMode) =>
    setValue(
      path,
      next === 'off' ? false : next === 'on' ? { healthyPercent: 50, cleanup: 'BLOCKING' } : undefined,
      { shouldDirty: true },
    );
  return (
    <fieldset className="row-list" aria-labelledby={legendId}>
      <legend id={legendId}>Early success</legend>
      <p className="field-hint">
        ROLLING services only: the step succeeds once a share of the desired tasks runs the new revision
        (ECS’s early success criteria, set with the update), while ECS replaces the rest.
      </p>
      <div className="form-grid">
        <Field label="Early success criteria" error={error}>
          <select value={mode} onChange={(e) => choose(e.target.value as EarlySuccessMode)}>
            <option value="service">Keep the service’s own setting</option>
            <option value="off">Off: wait for the whole rollout</option>
            <option value="on">On: succeed at a healthy percent</option>
          </select>
        </Field>
        {mode === 'on' ? (
          <>
            <NumberInput
              path={`${path}.healthyPercent`}
              label="Healthy percent"
              required
              hint="0–100, not under the service's minimum healthy percent."
            />
            <SelectInput
              path={`${path}.cleanup`}
              label="Old tasks"
              options={[
                { value: 'BLOCKING', label: 'Gone before success (BLOCKING)' },
                { value: 'DEFERRED', label: 'Stopped after success (DEFERRED)' },
              ]}
            />
          </>
        ) : null}
      </div>
    </fieldset>
  );
}

/** `prefix` is the action's form path (`steps.0.action`). */
export function UpdateServiceForm({ prefix }: { prefix: string }) {
  const { options } = useEditor();
  const packages = usePackageOptions(prefix);
  return (
    <>
      <div className="form-grid">
        <TextInput
          path={`${prefix}.service`}
          label="Service"
          required
          hint="The ECS service's name or ARN in the target's cluster; may use #{...}."
        />
        <TextInput
          path={`${prefix}.templateTaskDefinition`}
          label="Template task definition"
          optional
          hint="family, family:revision or ARN; empty = the service's current one."
        />
        <NumberInput path={`${prefix}.timeoutMinutes`} label="Timeout (minutes)" />
        <NumberInput
          path={`${prefix}.keepRevisions`}
          label="Keep revisions"
          hint="After a successful rollout keep the newest N; empty = keep all."
        />
        <TextInput
          path={`${prefix}.secretsKmsKey`}
          label="KMS key for secrets"
          optional
          hint="Default alias/aws/ssm."
        />
      </div>
      <div className="check-row">
        <Checkbox path={`${prefix}.waitForDeployment`} label="Wait for the rollout to finish" />
        <Checkbox path={`${prefix}.forceNewDeployment`} label="Force a new deployment" />
        <Checkbox
          path={`${prefix}.stopEcsDeploymentOnCancel`}
          label="Roll the ECS deployment back when canceled"
        />
      </div>
      <RowList
        path={`${prefix}.containers`}
        label="Containers"
        item="container"
        newRow={() => ({ name: '', environment: [], environmentMode: 'append', environmentFiles: [] })}
        hint="Containers of the template to change: their image from a package reference, their environment."
        row={(p, i) => (
          <div className="nested-card">
            <h4>Container {i + 1}</h4>
            <div className="form-grid">
              <TextInput path={`${p}.name`} label="Container name" required mono />
              <SelectInput
                path={`${p}.image`}
                label="Image (package reference)"
                options={packages}
                emptyLabel="Keep the template's image"
              />
              <SelectInput
                path={`${p}.environmentMode`}
                label="Environment mode"
                options={[
                  { value: 'append', label: 'Append to the template’s variables' },
                  { value: 'replace', label: 'Replace the template’s variables' },
                ]}
              />
            </div>
            <EnvironmentList path={`${p}.environment`} />
            <SecretList path={`${p}.secrets`} />
            <EnvironmentFileList path={`${p}.environmentFiles`} />
          </div>
        )}
      />
      <EarlySuccessField path={`${prefix}.earlySuccess`} />
      <TagList path={`${prefix}.tags`} label="Tags of the new revision" />
      <CheckboxGroup
        path={`${prefix}.pauseResponsibleTeams`}
        label="Teams that answer a PAUSE hook"
        options={options.teams}
        empty="No teams in this space."
        hint="None ticked: anyone who may answer interruptions."
      />
    </>
  );
}

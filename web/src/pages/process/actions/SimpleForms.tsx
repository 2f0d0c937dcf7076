/**
 * The forms of the smaller step types: Run a script (with a code editor in the script's language),
 * Manual intervention, the two CloudFormation steps (the template in a code editor) and Run an ECS task.
 */
import { Controller, useFormContext, useWatch } from 'react-hook-form';
import { CodeEditor, type CodeLanguage } from '../CodeEditor.js';
import { useEditor, useFieldError } from '../editor-context.js';
import {
  Checkbox,
  CheckboxGroup,
  EnvironmentList,
  NumberInput,
  RowList,
  SelectInput,
  StringList,
  TagList,
  TextInput,
} from '../fields.js';

/** A code editor bound to the form path `path`. */
export function CodeField({
  path,
  label,
  language,
  hint,
}: {
  path: string;
  label: string;
  language: CodeLanguage;
  hint?: string;
}) {
  const { control } = useFormContext();
  const { readOnly } = useEditor();
  const error = useFieldError(path);
  return (
    <Controller
      control={control}
      name={path}
      render={({ field }) => (
        <CodeEditor
          label={label}
          value={typeof field.value === 'string' ? field.value : ''}
          onChange={field.onChange}
          language={language}
          readOnly={readOnly}
          hint={hint}
          error={error}
        />
      )}
    />
  );
}

const SYNTAXES = [
  { value: 'bash', label: 'Bash' },
  { value: 'node', label: 'Node.js (JavaScript)' },
  { value: 'python', label: 'Python 3' },
];

/** Run a script: syntax, the script, an optional worker pool. */
export function RunScriptForm({ prefix }: { prefix: string }) {
  const syntax: unknown = useWatch({ name: `${prefix}.syntax` });
  const language: CodeLanguage = syntax === 'node' || syntax === 'python' ? syntax : 'bash';
  return (
    <>
      <div className="form-grid">
        <SelectInput path={`${prefix}.syntax`} label="Syntax" options={SYNTAXES} />
        <TextInput
          path={`${prefix}.workerPool`}
          label="Worker pool"
          optional
          hint="Empty: the script runs on the Slipway server."
        />
      </div>
      <CodeField
        path={`${prefix}.script`}
        label="Script"
        language={language}
        hint="Read variables with get_octopusvariable (bash, Python) or getVariable (Node)."
      />
    </>
  );
}

/** Manual intervention: the instructions and the teams that answer. */
export function ManualInterventionForm({ prefix }: { prefix: string }) {
  const { options } = useEditor();
  return (
    <>
      <TextInput path={`${prefix}.instructions`} label="Instructions" required rows={4} />
      <CheckboxGroup
        path={`${prefix}.responsibleTeams`}
        label="Responsible teams"
        options={options.teams}
        empty="No teams in this space."
        hint="Only their members may proceed or abort; none ticked: anyone who may answer interruptions."
      />
    </>
  );
}

function WaitFields({ prefix }: { prefix: string }) {
  return (
    <div className="form-grid">
      <SelectInput
        path={`${prefix}.wait.mode`}
        label="Wait"
        options={[
          { value: 'wait', label: 'Until the stack’s final status' },
          { value: 'no-wait', label: 'No: once CloudFormation accepted the operation' },
        ]}
      />
      <NumberInput path={`${prefix}.wait.timeoutMinutes`} label="Wait timeout (minutes)" />
    </div>
  );
}

const CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'].map((c) => ({
  value: c,
  label: c,
}));

/** Deploy a CloudFormation template: stack name, the template, parameters, capabilities, tags. */
export function CloudFormationDeployForm({ prefix }: { prefix: string }) {
  return (
    <>
      <TextInput path={`${prefix}.stackName`} label="Stack name" required mono />
      <CodeField
        path={`${prefix}.template`}
        label="Template"
        language="yaml"
        hint="JSON or YAML, at most 51,200 bytes."
      />
      <RowList
        path={`${prefix}.parameters`}
        label="Parameters"
        item="parameter"
        newRow={() => ({ key: '', value: '' })}
        row={(p, i) => (
          <>
            <TextInput path={`${p}.key`} label={`Parameter ${i + 1}`} mono />
            <TextInput path={`${p}.value`} label={`Parameter value ${i + 1}`} />
          </>
        )}
      />
      <CheckboxGroup
        path={`${prefix}.capabilities`}
        label="Capabilities"
        options={CAPABILITIES}
        empty=""
        hint="What the template may do that CloudFormation asks you to acknowledge."
      />
      <TagList path={`${prefix}.tags`} label="Stack tags" />
      <Checkbox
        path={`${prefix}.disableRollback`}
        label="Keep the resources of a failed create (disable rollback)"
      />
      <WaitFields prefix={prefix} />
    </>
  );
}

/** Delete a CloudFormation stack. */
export function CloudFormationDeleteForm({ prefix }: { prefix: string }) {
  return (
    <>
      <TextInput path={`${prefix}.stackName`} label="Stack name" required mono />
      <WaitFields prefix={prefix} />
    </>
  );
}

/** Run an ECS task: the definition (or the revision of an Update step), overrides, network. */
export function RunTaskForm({ prefix }: { prefix: string }) {
  const { setValue } = useFormContext();
  const network: unknown = useWatch({ name: `${prefix}.network` });
  const hasNetwork = typeof network === 'object' && network !== null;
  return (
    <>
      <div className="form-grid">
        <TextInput
          path={`${prefix}.taskDefinition`}
          label="Task definition"
          optional
          hint="family, family:revision or ARN. Give this or “From step”."
        />
        <TextInput
          path={`${prefix}.fromStep`}
          label="From step"
          optional
          hint="An Update ECS service step: the task runs the revision it will register."
        />
        <TextInput path={`${prefix}.networkFrom`} label="Launch like service" optional />
        <SelectInput
          path={`${prefix}.launchType`}
          label="Launch type"
          emptyLabel="From the service, else ECS's default"
          options={['EC2', 'FARGATE', 'EXTERNAL'].map((t) => ({ value: t, label: t }))}
        />
        <TextInput path={`${prefix}.platformVersion`} label="Platform version" optional />
        <NumberInput path={`${prefix}.timeoutMinutes`} label="Timeout (minutes)" />
      </div>
      <RowList
        path={`${prefix}.containers`}
        label="Container overrides"
        item="container override"
        newRow={() => ({ name: '', environment: [] })}
        row={(p, i) => (
          <div className="nested-card">
            <h4>Override {i + 1}</h4>
            <TextInput path={`${p}.name`} label="Container name" mono />
            <StringList
              path={`${p}.command`}
              label="Command"
              lines
              hint="One argument per line; empty keeps the definition's."
            />
            <EnvironmentList path={`${p}.environment`} />
          </div>
        )}
      />
      <fieldset className="row-list">
        <legend>Network</legend>
        <label className="checkbox-option">
          <input
            type="checkbox"
            checked={hasNetwork}
            onChange={(e) =>
              setValue(
                `${prefix}.network`,
                e.target.checked ? { subnets: [], securityGroups: [], assignPublicIp: false } : undefined,
                { shouldDirty: true },
              )
            }
          />{' '}
          Give the network (awsvpc) here
        </label>
        {hasNetwork ? (
          <div className="form-grid">
            <StringList path={`${prefix}.network.subnets`} label="Task subnets" />
            <StringList path={`${prefix}.network.securityGroups`} label="Task security groups" />
            <Checkbox path={`${prefix}.network.assignPublicIp`} label="Assign a public IP" />
          </div>
        ) : null}
      </fieldset>
    </>
  );
}

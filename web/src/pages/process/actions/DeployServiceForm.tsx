/**
 * The form of a "Deploy ECS service" step (ecs-deploy-service): the task, its containers, the
 * network, load balancer mappings, volumes, tags and how to wait. Rarer container settings
 * (dependsOn, ulimits, volumesFrom...) are kept as they are; "Edit as JSON" reaches them.
 */
import { useFieldArray, useFormContext, useWatch } from 'react-hook-form';
import { Checkbox, NumberInput, RowList, SelectInput, StringList, TagList, TextInput } from '../fields.js';
import { newDeployContainer } from '../process-model.js';
import { DeployContainer } from './DeployContainer.js';
import { usePackageOptions } from './package-names.js';

function Volumes({ prefix }: { prefix: string }) {
  return (
    <RowList
      path={`${prefix}.volumes`}
      label="Volumes"
      item="volume"
      newRow={() => ({ name: '', type: 'bind' })}
      hint="Bind: task storage (or a host path); EFS: a file system. Containers mount them by name."
      row={(p, i) => <Volume p={p} index={i} />}
    />
  );
}

function Volume({ p, index }: { p: string; index: number }) {
  const type: unknown = useWatch({ name: `${p}.type` });
  return (
    <>
      <TextInput path={`${p}.name`} label={`Volume name ${index + 1}`} mono />
      <SelectInput
        path={`${p}.type`}
        label={`Volume type ${index + 1}`}
        options={[
          { value: 'bind', label: 'Bind' },
          { value: 'efs', label: 'EFS' },
        ]}
      />
      {type === 'efs' ? (
        <>
          <TextInput path={`${p}.fileSystemId`} label={`File system id ${index + 1}`} mono />
          <TextInput path={`${p}.rootDirectory`} label={`Root directory ${index + 1}`} optional mono />
        </>
      ) : (
        <TextInput path={`${p}.sourcePath`} label={`Host path ${index + 1}`} optional mono />
      )}
    </>
  );
}

function Containers({ prefix }: { prefix: string }) {
  const { control } = useFormContext();
  const packages = usePackageOptions(prefix);
  const { fields, append, remove } = useFieldArray({ control, name: `${prefix}.containers` });
  return (
    <section aria-label="Containers" className="row-list">
      <h3>Containers</h3>
      {fields.map((f, i) => (
        <div key={f.id} className="row-list-row">
          <div className="row-list-fields">
            <DeployContainer p={`${prefix}.containers.${i}`} index={i} packages={packages} />
          </div>
          <button type="button" className="btn btn-link" onClick={() => remove(i)}>
            Remove<span className="visually-hidden">{` container ${i + 1}`}</span>
          </button>
        </div>
      ))}
      <button
        type="button"
        className="btn btn-secondary"
        onClick={() => append(newDeployContainer(`container${fields.length + 1}`, packages[0]?.value ?? ''))}
      >
        Add container
      </button>
    </section>
  );
}

/** `prefix` is the action's form path (`steps.0.action`). */
export function DeployServiceForm({ prefix }: { prefix: string }) {
  return (
    <>
      <div className="form-grid">
        <TextInput path={`${prefix}.service`} label="Service name" required mono />
        <TextInput path={`${prefix}.taskFamily`} label="Task family" required mono />
        <NumberInput path={`${prefix}.cpu`} label="Task CPU units" required hint="1024 = one vCPU." />
        <NumberInput path={`${prefix}.memory`} label="Task memory (MiB)" required />
        <TextInput path={`${prefix}.taskRole`} label="Task role" optional hint="An IAM role ARN or name." />
        <TextInput
          path={`${prefix}.executionRole`}
          label="Execution role"
          optional
          hint="Empty: one is created with the managed policy."
        />
        <NumberInput path={`${prefix}.desiredCount`} label="Desired count" />
        <NumberInput path={`${prefix}.minimumHealthyPercent`} label="Minimum healthy percent" />
        <NumberInput path={`${prefix}.maximumPercent`} label="Maximum percent" />
        <TextInput
          path={`${prefix}.stackName`}
          label="Stack name"
          optional
          hint="Empty: made from the cluster, task, environment and tenant."
        />
      </div>
      <div className="check-row">
        <Checkbox path={`${prefix}.circuitBreaker`} label="Circuit breaker (roll back failed rollouts)" />
        <Checkbox path={`${prefix}.enableEcsManagedTags`} label="ECS managed tags" />
      </div>
      <Containers prefix={prefix} />
      <fieldset className="row-list">
        <legend>Network</legend>
        <div className="form-grid">
          <StringList path={`${prefix}.subnets`} label="Subnets" hint="Subnet ids, separated by commas." />
          <StringList
            path={`${prefix}.securityGroups`}
            label="Security groups"
            hint="Security group ids, separated by commas."
          />
        </div>
        <Checkbox path={`${prefix}.assignPublicIp`} label="Assign a public IP" />
      </fieldset>
      <RowList
        path={`${prefix}.loadBalancers`}
        label="Load balancer mappings"
        item="load balancer mapping"
        newRow={() => ({ containerName: '', containerPort: 80, targetGroupArn: '' })}
        row={(p, i) => (
          <>
            <TextInput path={`${p}.containerName`} label={`Container ${i + 1}`} mono />
            <NumberInput path={`${p}.containerPort`} label={`Container port ${i + 1}`} />
            <TextInput path={`${p}.targetGroupArn`} label={`Target group ARN ${i + 1}`} mono />
          </>
        )}
      />
      <Volumes prefix={prefix} />
      <TagList path={`${prefix}.tags`} />
      <fieldset className="row-list">
        <legend>Waiting</legend>
        <div className="form-grid">
          <SelectInput
            path={`${prefix}.wait.mode`}
            label="Wait"
            options={[
              { value: 'wait', label: 'Until the stack and the service are stable' },
              { value: 'no-wait', label: 'No: once CloudFormation accepted the update' },
            ]}
          />
          <NumberInput path={`${prefix}.wait.timeoutMinutes`} label="Wait timeout (minutes)" />
        </div>
      </fieldset>
    </>
  );
}

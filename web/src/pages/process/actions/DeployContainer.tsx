/** One container of a "Deploy ECS service" step: image, resources, ports, environment, secrets, health check, logging. */
import { useFormContext, useWatch } from 'react-hook-form';
import type { Option } from '../editor-context.js';
import {
  Checkbox,
  EnvironmentFileList,
  EnvironmentList,
  NumberInput,
  RowList,
  SecretList,
  SelectInput,
  StringList,
  TextInput,
} from '../fields.js';

const LOG_DRIVERS = [
  'awslogs',
  'awsfirelens',
  'fluentd',
  'gelf',
  'journald',
  'json-file',
  'splunk',
  'syslog',
];

/** `p` is the container's form path (`steps.0.action.containers.1`). */
export function DeployContainer({ p, index, packages }: { p: string; index: number; packages: Option[] }) {
  const { setValue } = useFormContext();
  const healthCheck: unknown = useWatch({ name: `${p}.healthCheck` });
  const loggingType: unknown = useWatch({ name: `${p}.logging.type` });
  const hasHealthCheck = typeof healthCheck === 'object' && healthCheck !== null;
  return (
    <div className="nested-card">
      <h4>Container {index + 1}</h4>
      <div className="form-grid">
        <TextInput path={`${p}.name`} label="Container name" required mono />
        <SelectInput
          path={`${p}.image`}
          label="Image (package reference)"
          options={packages}
          emptyLabel="Choose a package reference"
          hint="Add package references below first; the release picks their versions."
        />
        <NumberInput path={`${p}.cpu`} label="CPU units" hint="Optional; 1024 = one vCPU." />
        <NumberInput path={`${p}.memory`} label="Memory limit (MiB)" />
        <NumberInput path={`${p}.memoryReservation`} label="Memory reservation (MiB)" />
        <TextInput path={`${p}.workingDirectory`} label="Working directory" optional mono />
      </div>
      <Checkbox path={`${p}.essential`} label="Essential (the task stops when this container stops)" />
      <RowList
        path={`${p}.portMappings`}
        label="Port mappings"
        item="port mapping"
        newRow={() => ({ containerPort: 80, protocol: 'tcp' })}
        row={(r, i) => (
          <>
            <NumberInput path={`${r}.containerPort`} label={`Container port ${i + 1}`} />
            <SelectInput
              path={`${r}.protocol`}
              label={`Protocol ${i + 1}`}
              options={[
                { value: 'tcp', label: 'TCP' },
                { value: 'udp', label: 'UDP' },
              ]}
            />
          </>
        )}
      />
      <EnvironmentList path={`${p}.environment`} />
      <SecretList path={`${p}.secrets`} />
      <EnvironmentFileList path={`${p}.environmentFiles`} />
      <div className="form-grid">
        <StringList path={`${p}.command`} label="Command" lines />
        <StringList path={`${p}.entryPoint`} label="Entry point" lines />
      </div>
      <fieldset className="row-list">
        <legend>Health check</legend>
        <label className="checkbox-option">
          <input
            type="checkbox"
            checked={hasHealthCheck}
            onChange={(e) =>
              setValue(
                `${p}.healthCheck`,
                e.target.checked
                  ? { command: ['CMD-SHELL', 'exit 0'], interval: 30, timeout: 5, retries: 3, startPeriod: 0 }
                  : undefined,
                { shouldDirty: true },
              )
            }
          />{' '}
          Check the container’s health
        </label>
        {hasHealthCheck ? (
          <div className="form-grid">
            <StringList
              path={`${p}.healthCheck.command`}
              label="Health check command"
              lines
              hint='One item per line: "CMD-SHELL" then a shell line, or "CMD" then the program and its arguments.'
            />
            <NumberInput path={`${p}.healthCheck.interval`} label="Interval (seconds)" />
            <NumberInput path={`${p}.healthCheck.timeout`} label="Timeout (seconds)" />
            <NumberInput path={`${p}.healthCheck.retries`} label="Retries" />
            <NumberInput path={`${p}.healthCheck.startPeriod`} label="Start period (seconds)" />
          </div>
        ) : null}
      </fieldset>
      <fieldset className="row-list">
        <legend>Logging</legend>
        <SelectInput
          path={`${p}.logging.type`}
          label="Logging"
          options={[
            { value: 'auto', label: 'CloudWatch Logs (a log group for the service)' },
            { value: 'manual', label: 'A log driver of my choice' },
            { value: 'none', label: 'None (the output is not kept)' },
          ]}
        />
        {loggingType === 'manual' ? (
          <>
            <SelectInput
              path={`${p}.logging.driver`}
              label="Log driver"
              options={LOG_DRIVERS.map((d) => ({ value: d, label: d }))}
            />
            <RowList
              path={`${p}.logging.options`}
              label="Log options"
              item="log option"
              newRow={() => ({ key: '', value: '' })}
              row={(r, i) => (
                <>
                  <TextInput path={`${r}.key`} label={`Option ${i + 1}`} mono />
                  <TextInput path={`${r}.value`} label={`Option value ${i + 1}`} />
                </>
              )}
            />
          </>
        ) : null}
      </fieldset>
      <RowList
        path={`${p}.mountPoints`}
        label="Mount points"
        item="mount point"
        newRow={() => ({ sourceVolume: '', containerPath: '', readOnly: false })}
        row={(r, i) => (
          <>
            <TextInput path={`${r}.sourceVolume`} label={`Volume ${i + 1}`} mono />
            <TextInput path={`${r}.containerPath`} label={`Path in the container ${i + 1}`} mono />
            <Checkbox path={`${r}.readOnly`} label="Read only" />
          </>
        )}
      />
      <RowList
        path={`${p}.dockerLabels`}
        label="Docker labels"
        item="docker label"
        newRow={() => ({ key: '', value: '' })}
        row={(r, i) => (
          <>
            <TextInput path={`${r}.key`} label={`Label ${i + 1}`} mono />
            <TextInput path={`${r}.value`} label={`Label value ${i + 1}`} />
          </>
        )}
      />
    </div>
  );
}

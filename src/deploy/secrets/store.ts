/**
 * Putting planned secrets into the target account's Parameter Store as SecureString parameters,
 * only when the value changed. "Changed" is decided by reading the current value back decrypted
 * (GetParameters WithDecryption, 10 names a call) and comparing in memory: no hash or fingerprint
 * of a value is ever stored anywhere, and no value is ever logged, returned or put in an error.
 */
import { GetParametersCommand, PutParameterCommand, type Parameter } from '@aws-sdk/client-ssm';
import { SlipwayError } from '../../core/errors.js';
import type { DeliveredSecret, PlannedSecret } from './plan.js';

/** GetParameters takes at most this many names. */
export const GET_PARAMETERS_MAX = 10;
/** Largest value of a standard parameter, and of an advanced one (bytes). */
export const STANDARD_MAX_BYTES = 4096;
export const ADVANCED_MAX_BYTES = 8192;

/** The SSM calls the delivery needs (a narrow port: tests and the bench count them). */
export interface SsmPort {
  send(command: GetParametersCommand): Promise<{ Parameters?: Parameter[]; InvalidParameters?: string[] }>;
  send(command: PutParameterCommand): Promise<{ Version?: number }>;
}

/** How parameters are written. */
export interface PutOptions {
  /** KMS key (id, ARN or alias) for the SecureStrings; default AWS's own `alias/aws/ssm`. */
  kmsKeyId?: string;
  /** The parameter's description (who writes it, for whom; at most 1,024 characters are kept). */
  description: (p: PlannedSecret) => string;
  /** Parameter name → its ARN (the `valueFrom`). */
  arnOf: (parameterName: string) => string;
}

/** SSM calls made, for the log and the bench. */
export interface SsmCallCount {
  getParameters: number;
  putParameter: number;
}

/** Puts each planned secret whose parameter is missing or holds another value; returns them all, delivered. */
export async function putSecrets(
  ssm: SsmPort,
  planned: readonly PlannedSecret[],
  options: PutOptions,
): Promise<{ delivered: DeliveredSecret[]; calls: SsmCallCount }> {
  const calls: SsmCallCount = { getParameters: 0, putParameter: 0 };
  for (const p of planned) checkSize(p);
  const current = new Map<string, Parameter>();
  const names = [...new Set(planned.map((p) => p.parameterName))];
  for (let i = 0; i < names.length; i += GET_PARAMETERS_MAX) {
    calls.getParameters++;
    const res = await ssm.send(
      new GetParametersCommand({ Names: names.slice(i, i + GET_PARAMETERS_MAX), WithDecryption: true }),
    );
    for (const p of res.Parameters ?? []) if (p.Name) current.set(p.Name, p);
  }
  const delivered: DeliveredSecret[] = [];
  for (const p of planned) {
    const have = current.get(p.parameterName);
    if (have && have.Type !== 'SecureString') throw notSecure(p, have.Type);
    let version = have?.Version;
    const written = !have || have.Value !== p.value || version === undefined;
    if (written) {
      calls.putParameter++;
      const bytes = new TextEncoder().encode(p.value).length;
      const res = await ssm.send(
        new PutParameterCommand({
          Name: p.parameterName,
          Value: p.value,
          Type: 'SecureString',
          Overwrite: have !== undefined,
          Description: options.description(p).slice(0, 1024),
          ...(options.kmsKeyId ? { KeyId: options.kmsKeyId } : {}),
          ...(bytes > STANDARD_MAX_BYTES ? { Tier: 'Advanced' as const } : {}),
        }),
      );
      version = res.Version;
      if (version === undefined) throw new Error(`PutParameter ${p.parameterName} returned no version`);
      // Another container (or step) in this deployment may use the same parameter.
      current.set(p.parameterName, {
        ...have,
        Name: p.parameterName,
        Type: 'SecureString',
        Value: p.value,
        Version: version,
      });
    }
    delivered.push({
      container: p.container,
      name: p.name,
      parameterName: p.parameterName,
      valueFrom: options.arnOf(p.parameterName),
      version: version!,
      written,
    });
  }
  return { delivered, calls };
}

function checkSize(p: PlannedSecret): void {
  const bytes = new TextEncoder().encode(p.value).length;
  if (bytes > ADVANCED_MAX_BYTES)
    throw new SlipwayError(
      'INVALID_INPUT',
      `The value of ${p.name} (container ${p.container}) is ${bytes} bytes, over Parameter Store's ${ADVANCED_MAX_BYTES}: ` +
        'deliver it through a Secrets Manager secret of your own (the container\'s "secrets" with its ARN).',
      { data: { container: p.container, name: p.name, bytes } },
    );
}

function notSecure(p: PlannedSecret, type: string | undefined): SlipwayError {
  return new SlipwayError(
    'INVALID_INPUT',
    `Parameter ${p.parameterName} exists as a ${type ?? 'parameter of unknown type'}, not a SecureString, so Slipway will not store ${p.name} in it. ` +
      'Delete it (aws ssm delete-parameter --name ...) and deploy again; if it held a secret, that secret was stored unencrypted: rotate it.',
    { data: { parameterName: p.parameterName, type: type ?? null } },
  );
}

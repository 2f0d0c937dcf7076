/**
 * The AWS CLI as a second, independent client of the sandbox: runs `aws` against an endpoint with
 * given keys and nothing from the machine's own configuration (no profile, no instance metadata).
 */
import { execFile } from 'node:child_process';
import { findOnPath } from './moto.js';

/** The `aws` on this machine's PATH, or undefined (tests then skip). */
export const AWS_CLI = findOnPath('aws');

/** What one run printed and its exit code. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Where and as whom the CLI calls. */
export interface CliTarget {
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Default us-east-1. */
  region?: string;
  /** Default 30 000 ms. */
  timeoutMs?: number;
}

/** Runs `aws --endpoint-url … --region … --output json <args>`; never rejects (see `code`). */
export function runAwsCli(target: CliTarget, ...args: string[]): Promise<CliResult> {
  if (!AWS_CLI) return Promise.reject(new Error('The AWS CLI (aws) is not on the PATH.'));
  const cli = AWS_CLI;
  return new Promise((resolve) => {
    execFile(
      cli,
      [
        '--endpoint-url',
        target.endpoint,
        '--region',
        target.region ?? 'us-east-1',
        '--output',
        'json',
        ...args,
      ],
      {
        timeout: target.timeoutMs ?? 30_000,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          AWS_ACCESS_KEY_ID: target.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: target.credentials.secretAccessKey,
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_PAGER: '',
        },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 255) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

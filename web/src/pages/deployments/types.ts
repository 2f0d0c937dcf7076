/**
 * What the deployment page reads from the API (docs/api.md, "Deployments", "Task log and live
 * stream", "Interruptions"), as plain types: the page never pulls the server's zod schemas in.
 */
import type { DeploymentState } from '../../../../src/core/model/release.js';

/** A task log line's level. */
export type LogLevel = 'verbose' | 'info' | 'warning' | 'error' | 'highlight';

/** One task log line: `path` places it ([] the deployment, [step], [step, target]). */
export interface LogLine {
  seq: number;
  path: string[];
  level: LogLevel;
  at: string;
  message: string;
  /** The event code of a coded line (src/core/events.ts); absent on plain lines. */
  code?: string;
  data?: Record<string, unknown>;
}

/** GET /deployments/{id}. */
export interface DeploymentView {
  id: string;
  spaceId: string;
  projectId: string;
  releaseId: string;
  environmentId: string;
  tenantId?: string;
  channelId: string;
  state: DeploymentState;
  skippedSteps: string[];
  comments: string;
  guidedFailure: boolean;
  createdBy: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  error?: string;
  stalledSince?: string;
  version: number;
}

/** The stream's `state` and `end` events. */
export interface StreamState {
  state: DeploymentState;
  error?: string;
  startedAt?: string;
  finishedAt?: string;
}

/** An answer an interruption takes. */
export type InterruptionAnswer = 'retry' | 'ignore' | 'fail' | 'proceed' | 'abort';

/** GET /deployments/{id}/interruptions items. */
export interface InterruptionView {
  id: string;
  deploymentId: string;
  kind: 'guided-failure' | 'manual-intervention';
  step: string;
  target?: string;
  title: string;
  instructions: string;
  responsibleTeamIds: string[];
  createdAt: string;
  answer?: InterruptionAnswer;
  answeredBy?: string;
  answeredAt?: string;
  notes?: string;
}

/** The answers each kind takes, as the server checks them (src/server/routes/interruptions.ts). */
export const ANSWERS: Record<InterruptionView['kind'], { answer: InterruptionAnswer; label: string }[]> = {
  'manual-intervention': [
    { answer: 'proceed', label: 'Proceed' },
    { answer: 'abort', label: 'Abort' },
  ],
  'guided-failure': [
    { answer: 'retry', label: 'Retry' },
    { answer: 'ignore', label: 'Ignore' },
    { answer: 'fail', label: 'Fail' },
  ],
};

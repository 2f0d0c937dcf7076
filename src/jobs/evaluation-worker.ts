/**
 * The worker thread of evaluation-thread.ts: evaluates `#{...}` templates (a step's action, a
 * release version template, the variable preview's values) off the server's event loop, so that one expensive template stalls
 * only itself. Answers each request by id; errors travel as their code, message and data.
 */
import { parentPort } from 'node:worker_threads';
import { isSlipwayError, messageOf } from '../core/errors.js';
import { evaluateAction, renderValues } from '../core/deployments/index.js';
import { nextReleaseVersion } from '../core/releases/index.js';
import type { EvaluationReply, EvaluationRequest } from './evaluation-thread.js';

function answer(request: EvaluationRequest): EvaluationReply {
  if (request.kind === 'version') {
    try {
      return { id: request.id, ok: true, value: nextReleaseVersion(request.template, request.context) };
    } catch (e) {
      return failure(request.id, e, []);
    }
  }
  const variables = { ...request.variables, sensitive: [...request.variables.sensitive] };
  const before = variables.sensitive.length;
  try {
    const value =
      request.kind === 'values'
        ? renderValues(request.names, variables)
        : evaluateAction(request.action, variables);
    return { id: request.id, ok: true, value, derived: variables.sensitive.slice(before) };
  } catch (e) {
    return failure(request.id, e, variables.sensitive.slice(before));
  }
}

function failure(id: number, e: unknown, derived: string[]): EvaluationReply {
  return {
    id,
    ok: false,
    derived,
    error: isSlipwayError(e) ? { code: e.code, message: e.message, data: e.data } : { message: messageOf(e) },
  };
}

parentPort?.on('message', (request: EvaluationRequest) => parentPort?.postMessage(answer(request)));

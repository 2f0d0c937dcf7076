/** The model of a container's secrets in the Update ECS Service action (core/model/kinds). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { actionSchema } from '../../core/model/kinds/process-actions.js';

const action = (container: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'ecs-update-service',
  service: 'web',
  containers: [{ name: 'app', ...container }],
  ...extra,
});
const problems = (input: unknown) => {
  const r = actionSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('ecs-update-service containers[].secrets', () => {
  it('accepts Secrets Manager ARNs (with a JSON key), SSM ARNs, parameter names and templates', () => {
    const r = actionSchema.parse(
      action(
        {
          secrets: [
            {
              name: 'A',
              valueFrom: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf:password::',
            },
            { name: 'B', valueFrom: 'arn:aws:ssm:eu-west-1:123456789012:parameter/app/b' },
            { name: 'C', valueFrom: '/app/c' },
            { name: 'D', valueFrom: '#{Secret.Arn}' },
          ],
        },
        { secretsKmsKey: 'alias/slipway' },
      ),
    );
    assert.equal(r.type, 'ecs-update-service');
    if (r.type !== 'ecs-update-service') return;
    assert.equal(r.containers[0]!.secrets!.length, 4);
    assert.equal(r.secretsKmsKey, 'alias/slipway');
  });

  it('stays absent when not given (releases made before secrets existed parse the same)', () => {
    const r = actionSchema.parse(action({}));
    assert.ok(r.type === 'ecs-update-service' && r.containers[0]!.secrets === undefined);
  });

  it('refuses a bad valueFrom, a name set twice, and a name both plain and secret', () => {
    assert.match(
      problems(action({ secrets: [{ name: 'A', valueFrom: 'not an arn!' }] })).join(),
      /valueFrom must be/,
    );
    assert.match(
      problems(
        action({
          secrets: [
            { name: 'A', valueFrom: '/a' },
            { name: 'A', valueFrom: '/b' },
          ],
        }),
      ).join(),
      /"A" is set twice/,
    );
    assert.match(
      problems(
        action({ environment: [{ name: 'A', value: '1' }], secrets: [{ name: 'A', valueFrom: '/a' }] }),
      ).join(),
      /containers.0.secrets.0.name: "A" is both an environment variable and a secret/,
    );
  });
});

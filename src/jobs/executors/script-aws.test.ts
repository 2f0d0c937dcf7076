import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAwsClients, type AwsClients } from '../../aws/clients.js';
import { startSandbox, type SandboxHandle } from '../../sandbox/sandbox.js';
import { fakeContext, fakeTarget } from '../../../test/kits/executors.js';
import { testScriptIsolation } from '../../../test/kits/scripts.js';
import { createRunScriptExecutor } from './run-script.js';

// GetCallerIdentity signed with AWS Signature Version 4 by the standard library alone (no boto3):
// what any Python script can do with the AWS variables the step gives it.
const PYTHON_STS = String.raw`
import datetime, hashlib, hmac, os, urllib.request, xml.etree.ElementTree as ET

endpoint = os.environ.get('AWS_ENDPOINT_URL') or 'https://sts.%s.amazonaws.com' % os.environ['AWS_REGION']
region = os.environ['AWS_DEFAULT_REGION']
body = 'Action=GetCallerIdentity&Version=2011-06-15'
now = datetime.datetime.now(datetime.timezone.utc)
amz_date, day = now.strftime('%Y%m%dT%H%M%SZ'), now.strftime('%Y%m%d')
host = endpoint.split('://', 1)[1].split('/', 1)[0]
headers = {'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'host': host, 'x-amz-date': amz_date}
if os.environ.get('AWS_SESSION_TOKEN'):
    headers['x-amz-security-token'] = os.environ['AWS_SESSION_TOKEN']
names = sorted(headers)
canonical = '\n'.join(['POST', '/', '', ''.join('%s:%s\n' % (k, headers[k]) for k in names),
                       ';'.join(names), hashlib.sha256(body.encode()).hexdigest()])
scope = '%s/%s/sts/aws4_request' % (day, region)
to_sign = '\n'.join(['AWS4-HMAC-SHA256', amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
key = ('AWS4' + os.environ['AWS_SECRET_ACCESS_KEY']).encode()
for part in (day, region, 'sts', 'aws4_request'):
    key = hmac.new(key, part.encode(), hashlib.sha256).digest()
signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
headers['authorization'] = 'AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s' % (
    os.environ['AWS_ACCESS_KEY_ID'], scope, ';'.join(names), signature)
del headers['host']
request = urllib.request.Request(endpoint + '/', data=body.encode(), headers=headers, method='POST')
with urllib.request.urlopen(request, timeout=10) as answer:
    tree = ET.fromstring(answer.read())
account = next(e.text for e in tree.iter() if e.tag.endswith('}Account'))
print('account ' + account)
set_octopusvariable('Account', account)
`;

describe('script steps see the target AWS credentials (sandbox)', () => {
  let sandbox: SandboxHandle;
  let clients: AwsClients;
  let tenantAccount: string;

  before(async () => {
    sandbox = await startSandbox({ port: 0, timeScale: 50, throttling: false });
    const admin = async (path: string, body: unknown) => {
      const res = await fetch(`${sandbox.endpoint}/_sandbox/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.equal(res.status < 300, true, await res.clone().text());
      return (await res.json()) as Record<string, unknown>;
    };
    // The tenant's own account, reached as a deployment target is: by a role it trusts the default account to assume.
    const account = await admin('accounts', { name: 'tenant-a' });
    tenantAccount = String(account['id']);
    assert.notEqual(tenantAccount, sandbox.accountId);
    const role = await admin('roles', { accountId: tenantAccount, roleName: 'slipway-deployer' });
    clients = createAwsClients({
      region: sandbox.region,
      endpoint: sandbox.endpoint,
      credentials: {
        kind: 'assume-role',
        roleArn: String(role['arn']),
        source: { kind: 'static', ...sandbox.credentials },
      },
    });
  });
  after(async () => {
    clients?.destroy();
    await sandbox?.close();
  });

  const run = async (syntax: 'bash' | 'python', script: string) => {
    const executor = createRunScriptExecutor({ isolation: testScriptIsolation() });
    const { ctx, collected } = fakeContext({
      action: { type: 'run-script', syntax, script },
      target: fakeTarget('apps', sandbox.region),
      aws: () => Promise.resolve(clients),
    });
    const result = await executor.run(ctx);
    return { result, collected };
  };

  it("an AWS CLI script: aws sts get-caller-identity answers the tenant's account", async (t) => {
    const isolation = await testScriptIsolation();
    if (isolation.mode === 'refused' || !isolation.tools?.aws) {
      return t.skip(
        'needs an AWS CLI the script user can run (bash scripts/install-test-deps.sh installs awscli)',
      );
    }
    const { result, collected } = await run(
      'bash',
      [
        'set -euo pipefail',
        'account="$(aws sts get-caller-identity --query Account --output text)"',
        'echo "account $account"',
        'echo "session token set: ${AWS_SESSION_TOKEN:+yes}"',
        'echo "regions: $AWS_REGION $AWS_DEFAULT_REGION"',
        'set_octopusvariable Account "$account"',
      ].join('\n'),
    );
    assert.deepEqual(result, { outcome: 'success' }, collected.text());
    assert.match(collected.text(), new RegExp(`^account ${tenantAccount}$`, 'm'));
    assert.match(collected.text(), /^session token set: yes$/m);
    assert.match(collected.text(), new RegExp(`^regions: ${sandbox.region} ${sandbox.region}$`, 'm'));
    assert.equal(collected.outputs['Account']?.value, tenantAccount);
  });

  it("a Python script (standard library only): STS GetCallerIdentity answers the tenant's account", async () => {
    const { result, collected } = await run('python', PYTHON_STS);
    assert.deepEqual(result, { outcome: 'success' }, collected.text());
    assert.match(collected.text(), new RegExp(`^account ${tenantAccount}$`, 'm'));
    assert.equal(collected.outputs['Account']?.value, tenantAccount);
  });
});

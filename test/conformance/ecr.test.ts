/**
 * ECR conformance: repositories, images and the authorization token against moto and the sandbox.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { it } from 'node:test';
import {
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  ListImagesCommand,
  PutImageCommand,
} from '@aws-sdk/client-ecr';
import { conformanceSuite, targetsOrSkip, type Recorder } from './harness.js';
import { clientConfig, errorName, operationDeclaresError, type Deviation, type Target } from './support.js';

/** Expected, documented differences (see docs/conformance.md); `follows: 'moto'` rows are sandbox bugs. */
const DEVIATIONS: readonly Deviation[] = (['DescribeImages', 'DescribeImages(all)'] as const).map(
  (call): Deviation => ({
    call,
    path: 'imageDetails[].artifactMediaType',
    side: 'sandboxOnly',
    follows: 'sandbox',
    reason:
      'ImageDetail.artifactMediaType is in the AWS model (the config media type of a Docker image); moto omits it',
  }),
);

const VALUE_BUGS: Readonly<Record<string, string>> = {};

/** A schema 2 image manifest (its config and layer need not exist for PutImage). */
function manifest(seed: string): string {
  const digest = (s: string): string => `sha256:${createHash('sha256').update(s).digest('hex')}`;
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: {
      mediaType: 'application/vnd.docker.container.image.v1+json',
      size: 7023,
      digest: digest(`config ${seed}`),
    },
    layers: [
      {
        mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
        size: 32654,
        digest: digest(`layer ${seed}`),
      },
    ],
  });
}

async function repositoriesAndImages(r: Recorder): Promise<void> {
  const ecr = new ECRClient(clientConfig(r.target));
  const created = await r.record(
    'CreateRepository',
    'CreateRepository',
    ecr.send(new CreateRepositoryCommand({ repositoryName: 'team/api' })),
  );
  r.expect(
    'repository ARN',
    created.repository?.repositoryArn,
    `arn:aws:ecr:us-east-1:${r.target.accountId}:repository/team/api`,
  );
  r.expect('registryId is the account', created.repository?.registryId, r.target.accountId);
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'team/worker' }));
  const described = await r.record(
    'DescribeRepositories',
    'DescribeRepositories',
    ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['team/api'] })),
  );
  r.expect(
    'DescribeRepositories names',
    described.repositories?.map((x) => x.repositoryName),
    ['team/api'],
  );

  const body = manifest('one');
  const put = await r.record(
    'PutImage',
    'PutImage',
    ecr.send(new PutImageCommand({ repositoryName: 'team/api', imageManifest: body, imageTag: 'v1' })),
  );
  const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
  r.expect('PutImage digest is the manifest sha256', put.image?.imageId?.imageDigest, digest);
  await ecr.send(
    new PutImageCommand({ repositoryName: 'team/api', imageManifest: body, imageTag: 'latest' }),
  );
  await ecr.send(
    new PutImageCommand({ repositoryName: 'team/api', imageManifest: manifest('two'), imageTag: 'v2' }),
  );

  const images = await r.record(
    'DescribeImages',
    'DescribeImages',
    ecr.send(new DescribeImagesCommand({ repositoryName: 'team/api', imageIds: [{ imageTag: 'v1' }] })),
  );
  r.expect('DescribeImages tags of the digest', [...(images.imageDetails?.[0]?.imageTags ?? [])].sort(), [
    'latest',
    'v1',
  ]);
  const all = await r.record(
    'DescribeImages(all)',
    'DescribeImages',
    ecr.send(new DescribeImagesCommand({ repositoryName: 'team/api' })),
  );
  r.expect('DescribeImages lists each digest once', all.imageDetails?.length, 2);
  const got = await r.record(
    'BatchGetImage',
    'BatchGetImage',
    ecr.send(
      new BatchGetImageCommand({
        repositoryName: 'team/api',
        imageIds: [{ imageTag: 'v2' }, { imageTag: 'nope' }],
      }),
    ),
  );
  r.expect(
    'BatchGetImage finds v2',
    got.images?.map((i) => i.imageId?.imageTag),
    ['v2'],
  );
  r.expect('BatchGetImage failure code', got.failures?.[0]?.failureCode, 'ImageNotFound');
  const listed = await r.record(
    'ListImages',
    'ListImages',
    ecr.send(new ListImagesCommand({ repositoryName: 'team/api' })),
  );
  r.expect('ListImages lists one id per tag', listed.imageIds?.map((i) => i.imageTag).sort(), [
    'latest',
    'v1',
    'v2',
  ]);
  const token = await r.record(
    'GetAuthorizationToken',
    'GetAuthorizationToken',
    ecr.send(new GetAuthorizationTokenCommand({})),
  );
  const decoded = Buffer.from(token.authorizationData?.[0]?.authorizationToken ?? '', 'base64').toString(
    'utf8',
  );
  r.expect('the token decodes to AWS:<password>', decoded.startsWith('AWS:') && decoded.length > 4, true);

  const deleted = await r.record(
    'DeleteRepository',
    'DeleteRepository',
    ecr.send(new DeleteRepositoryCommand({ repositoryName: 'team/worker' })),
  );
  r.expect('DeleteRepository returns the repository', deleted.repository?.repositoryName, 'team/worker');
}

const ERROR_CASES: { operation: string; error: string; call(ecr: ECRClient): Promise<unknown> }[] = [
  {
    operation: 'DescribeRepositories',
    error: 'RepositoryNotFoundException',
    call: (ecr) => ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['no/such'] })),
  },
  {
    operation: 'DescribeImages',
    error: 'RepositoryNotFoundException',
    call: (ecr) => ecr.send(new DescribeImagesCommand({ repositoryName: 'no/such' })),
  },
  {
    operation: 'CreateRepository',
    error: 'RepositoryAlreadyExistsException',
    call: async (ecr) => {
      await ecr.send(new CreateRepositoryCommand({ repositoryName: 'twice' }));
      return ecr.send(new CreateRepositoryCommand({ repositoryName: 'twice' }));
    },
  },
];

conformanceSuite({
  name: 'ECR: sandbox vs moto',
  service: 'ecr',
  deviations: DEVIATIONS,
  valueBugs: VALUE_BUGS,
  scenarios: [
    {
      title: 'repositories and images: create, describe, put, describe/get/list images, token, delete',
      run: repositoriesAndImages,
    },
  ],
  extra: (pair) => {
    it('error names match AWS on both sides', async (t) => {
      const targets = targetsOrSkip(t, pair());
      if (!targets) return;
      const names = async (target: Target): Promise<string[]> => {
        const ecr = new ECRClient(clientConfig(target));
        return Promise.all(ERROR_CASES.map((c) => errorName(c.call(ecr))));
      };
      const [sandbox, moto] = await Promise.all([names(targets.sandbox), names(targets.moto)]);
      const expected = ERROR_CASES.map((c) => c.error);
      assert.deepEqual(sandbox, expected, 'sandbox');
      assert.deepEqual(moto, expected, 'moto');
      for (const c of ERROR_CASES) {
        const declared = operationDeclaresError('ecr', c.operation, c.error);
        if (declared !== undefined) assert.ok(declared, `the AWS model lists ${c.error} for ${c.operation}`);
      }
    });
  },
});

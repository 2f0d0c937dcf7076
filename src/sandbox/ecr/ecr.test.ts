import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  ECRClient,
  GetAuthorizationTokenCommand,
  ListImagesCommand,
  PutImageCommand,
  paginateDescribeImages,
  paginateDescribeRepositories,
  paginateListImages,
} from '@aws-sdk/client-ecr';
import { startSandbox, type SandboxHandle } from '../index.js';
import { imageExists } from './lookup.js';

const CONFIG_TYPE = 'application/vnd.docker.container.image.v1+json';

/** A schema2 manifest whose layers declare the given sizes (distinct by `seed`). */
function manifest(seed: string, sizes: number[] = [100, 20]): string {
  const d = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: CONFIG_TYPE, size: 7, digest: d(`config-${seed}`) },
    layers: sizes.map((size, i) => ({
      mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
      size,
      digest: d(`layer-${seed}-${i}`),
    })),
  });
}

function digestOf(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

async function rejects(p: Promise<unknown>, name: string, message?: RegExp): Promise<void> {
  await assert.rejects(p, (err: Error) => {
    assert.equal(err.name, name, err.message);
    if (message) assert.match(err.message, message);
    return true;
  });
}

describe('ECR', () => {
  let sb: SandboxHandle;
  let ecr: ECRClient;

  before(async () => {
    sb = await startSandbox({ port: 0, timeScale: 100, throttling: false });
    ecr = new ECRClient({ endpoint: sb.endpoint, region: sb.region, credentials: sb.credentials });
  });
  after(() => sb.close());

  it('creates a repository and passes its settings back', async () => {
    const { repository } = await ecr.send(
      new CreateRepositoryCommand({
        repositoryName: 'team/web-app',
        imageTagMutability: 'IMMUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfiguration: { encryptionType: 'KMS', kmsKey: 'alias/mine' },
        tags: [{ Key: 'team', Value: 'web' }],
      }),
    );
    assert.ok(repository);
    assert.equal(repository.repositoryName, 'team/web-app');
    assert.equal(repository.registryId, '000000000000');
    assert.equal(repository.repositoryArn, 'arn:aws:ecr:us-east-1:000000000000:repository/team/web-app');
    assert.equal(repository.repositoryUri, `${sb.runtime.registryHost}/team/web-app`);
    assert.equal(repository.imageTagMutability, 'IMMUTABLE');
    assert.deepEqual(repository.imageScanningConfiguration, { scanOnPush: true });
    assert.deepEqual(repository.encryptionConfiguration, { encryptionType: 'KMS', kmsKey: 'alias/mine' });
    assert.ok(repository.createdAt instanceof Date);
  });

  it('refuses duplicates and invalid names', async () => {
    await rejects(
      ecr.send(new CreateRepositoryCommand({ repositoryName: 'team/web-app' })),
      'RepositoryAlreadyExistsException',
      /The repository with name 'team\/web-app' already exists in the registry with id '000000000000'/,
    );
    for (const bad of ['Upper', 'a', 'trailing-', 'x//y', 'has space', 'a'.repeat(257)]) {
      await rejects(
        ecr.send(new CreateRepositoryCommand({ repositoryName: bad })),
        'InvalidParameterException',
      );
    }
    await rejects(
      ecr.send(
        new CreateRepositoryCommand({
          repositoryName: 'ok-name',
          imageTagMutability: 'SOMETIMES' as 'MUTABLE',
        }),
      ),
      'InvalidParameterException',
    );
  });

  it('describes repositories by name and page by page', async () => {
    for (const n of ['page/a', 'page/b', 'page/c', 'page/d']) {
      await ecr.send(new CreateRepositoryCommand({ repositoryName: n }));
    }
    const one = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['page/b'] }));
    assert.deepEqual(
      one.repositories?.map((r) => r.repositoryName),
      ['page/b'],
    );
    await rejects(
      ecr.send(new DescribeRepositoriesCommand({ repositoryNames: ['page/b', 'nope'] })),
      'RepositoryNotFoundException',
      /The repository with name 'nope' does not exist in the registry with id '000000000000'/,
    );
    const names: string[] = [];
    let pages = 0;
    for await (const p of paginateDescribeRepositories({ client: ecr, pageSize: 2 }, {})) {
      pages++;
      names.push(...(p.repositories ?? []).map((r) => r.repositoryName ?? ''));
    }
    assert.ok(pages >= 3);
    assert.deepEqual(
      names.filter((n) => n.startsWith('page/')),
      ['page/a', 'page/b', 'page/c', 'page/d'],
    );
    await rejects(
      ecr.send(new DescribeRepositoriesCommand({ nextToken: 'garbage' })),
      'InvalidParameterException',
    );
  });

  it('puts images, moves tags, and describes them', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'app' }));
    const m1 = manifest('one', [100, 20]);
    const put = await ecr.send(
      new PutImageCommand({ repositoryName: 'app', imageManifest: m1, imageTag: 'v1' }),
    );
    assert.equal(put.image?.imageId?.imageDigest, digestOf(m1));
    assert.equal(put.image?.imageId?.imageTag, 'v1');
    assert.equal(put.image?.imageManifestMediaType, 'application/vnd.docker.distribution.manifest.v2+json');

    // Same manifest, same tag: ECR refuses; same manifest, new tag: adds the tag.
    await rejects(
      ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: m1, imageTag: 'v1' })),
      'ImageAlreadyExistsException',
      /Image with digest 'sha256:[0-9a-f]{64}' and tag 'v1' already exists/,
    );
    await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: m1, imageTag: 'latest' }));

    // A new image takes `latest` (the repository is mutable); the old one keeps v1.
    const m2 = manifest('two', [5]);
    await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: m2, imageTag: 'latest' }));
    const d = await ecr.send(new DescribeImagesCommand({ repositoryName: 'app' }));
    const byDigest = new Map(d.imageDetails?.map((i) => [i.imageDigest, i]));
    const one = byDigest.get(digestOf(m1));
    const two = byDigest.get(digestOf(m2));
    assert.deepEqual(one?.imageTags, ['v1']);
    assert.deepEqual(two?.imageTags, ['latest']);
    assert.equal(one?.imageSizeInBytes, 120);
    assert.equal(two?.imageSizeInBytes, 5);
    assert.equal(one?.artifactMediaType, CONFIG_TYPE);
    assert.equal(one?.imageManifestMediaType, 'application/vnd.docker.distribution.manifest.v2+json');
    assert.ok(one?.imagePushedAt instanceof Date);
    assert.equal(one?.registryId, '000000000000');

    // An untagged image, filters, and describing by id.
    const m3 = manifest('three');
    await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: m3 }));
    const untagged = await ecr.send(
      new DescribeImagesCommand({ repositoryName: 'app', filter: { tagStatus: 'UNTAGGED' } }),
    );
    assert.deepEqual(
      untagged.imageDetails?.map((i) => i.imageDigest),
      [digestOf(m3)],
    );
    assert.equal(untagged.imageDetails?.[0]?.imageTags, undefined);
    const byId = await ecr.send(
      new DescribeImagesCommand({ repositoryName: 'app', imageIds: [{ imageTag: 'v1' }] }),
    );
    assert.equal(byId.imageDetails?.[0]?.imageDigest, digestOf(m1));
    await rejects(
      ecr.send(new DescribeImagesCommand({ repositoryName: 'app', imageIds: [{ imageTag: 'missing' }] })),
      'ImageNotFoundException',
      /The image with imageId \{imageDigest:'null', imageTag:'missing'\} does not exist within the repository with name 'app'/,
    );
    await rejects(
      ecr.send(new DescribeImagesCommand({ repositoryName: 'nope' })),
      'RepositoryNotFoundException',
    );
    await rejects(
      ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: m3 })),
      'ImageAlreadyExistsException',
    );
  });

  it('checks digests and manifests on PutImage', async () => {
    const m = manifest('digest-check');
    await rejects(
      ecr.send(
        new PutImageCommand({ repositoryName: 'app', imageManifest: m, imageDigest: digestOf('other') }),
      ),
      'ImageDigestDoesNotMatchException',
    );
    await rejects(
      ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: '{not json' })),
      'InvalidParameterException',
    );
    await rejects(
      ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: '{"schemaVersion":2}' })),
      'InvalidParameterException',
    );
    await rejects(
      ecr.send(new PutImageCommand({ repositoryName: 'nope', imageManifest: m })),
      'RepositoryNotFoundException',
    );
    // OCI manifests may omit mediaType; the parameter or the shape tells.
    const oci = JSON.stringify({
      schemaVersion: 2,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', size: 2, digest: digestOf('c') },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size: 9, digest: digestOf('l') }],
    });
    const put = await ecr.send(
      new PutImageCommand({ repositoryName: 'app', imageManifest: oci, imageTag: 'oci' }),
    );
    assert.equal(put.image?.imageManifestMediaType, 'application/vnd.oci.image.manifest.v1+json');
  });

  it('keeps tags of an immutable repository', async () => {
    await ecr.send(
      new PutImageCommand({ repositoryName: 'team/web-app', imageManifest: manifest('a'), imageTag: '1.0' }),
    );
    await rejects(
      ecr.send(
        new PutImageCommand({
          repositoryName: 'team/web-app',
          imageManifest: manifest('b'),
          imageTag: '1.0',
        }),
      ),
      'ImageTagAlreadyExistsException',
      /The image tag '1.0' already exists in the 'team\/web-app' repository and cannot be overwritten because the repository is immutable./,
    );
    await ecr.send(
      new CreateRepositoryCommand({
        repositoryName: 'excl',
        imageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
        imageTagMutabilityExclusionFilters: [{ filterType: 'WILDCARD', filter: 'latest*' }],
      }),
    );
    await ecr.send(
      new PutImageCommand({ repositoryName: 'excl', imageManifest: manifest('a'), imageTag: 'latest' }),
    );
    await ecr.send(
      new PutImageCommand({ repositoryName: 'excl', imageManifest: manifest('b'), imageTag: 'latest' }),
    );
    await ecr.send(
      new PutImageCommand({ repositoryName: 'excl', imageManifest: manifest('a'), imageTag: 'v1' }),
    );
    await rejects(
      ecr.send(new PutImageCommand({ repositoryName: 'excl', imageManifest: manifest('b'), imageTag: 'v1' })),
      'ImageTagAlreadyExistsException',
    );
  });

  it('gets images in batches with failures', async () => {
    const r = await ecr.send(
      new BatchGetImageCommand({
        repositoryName: 'app',
        imageIds: [{ imageTag: 'v1' }, { imageTag: 'nope' }, {}, { imageDigest: 'bad' }],
      }),
    );
    assert.equal(r.images?.length, 1);
    assert.equal(r.images?.[0]?.imageId?.imageTag, 'v1');
    assert.equal(r.images?.[0]?.imageManifest, manifest('one', [100, 20]));
    assert.deepEqual(
      r.failures?.map((f) => f.failureCode),
      ['ImageNotFound', 'MissingDigestAndTag', 'InvalidImageDigest'],
    );
    assert.equal(r.failures?.[0]?.failureReason, 'Requested image not found');
  });

  it('lists images with filters and pagination', async () => {
    await ecr.send(new CreateRepositoryCommand({ repositoryName: 'many' }));
    for (let i = 0; i < 7; i++) {
      await ecr.send(
        new PutImageCommand({ repositoryName: 'many', imageManifest: manifest(`m${i}`), imageTag: `t${i}` }),
      );
    }
    await ecr.send(new PutImageCommand({ repositoryName: 'many', imageManifest: manifest('untagged') }));
    const ids: string[] = [];
    let pages = 0;
    for await (const p of paginateListImages({ client: ecr, pageSize: 3 }, { repositoryName: 'many' })) {
      pages++;
      ids.push(...(p.imageIds ?? []).map((i) => i.imageTag ?? i.imageDigest ?? ''));
    }
    assert.equal(pages, 3);
    assert.equal(ids.length, 8);
    const tagged = await ecr.send(
      new ListImagesCommand({ repositoryName: 'many', filter: { tagStatus: 'TAGGED' } }),
    );
    assert.equal(tagged.imageIds?.length, 7);
    const details: string[] = [];
    for await (const p of paginateDescribeImages({ client: ecr, pageSize: 5 }, { repositoryName: 'many' })) {
      details.push(...(p.imageDetails ?? []).map((i) => i.imageDigest ?? ''));
    }
    assert.equal(new Set(details).size, 8);
    await rejects(
      ecr.send(new ListImagesCommand({ repositoryName: 'many', maxResults: 5000 })),
      'InvalidParameterException',
    );
  });

  it('deletes images by tag and digest', async () => {
    const m1 = manifest('one', [100, 20]);
    // app: m1 has v1; m2 has latest.
    await ecr.send(new PutImageCommand({ repositoryName: 'app', imageManifest: m1, imageTag: 'extra' }));
    const byTag = await ecr.send(
      new BatchDeleteImageCommand({ repositoryName: 'app', imageIds: [{ imageTag: 'extra' }] }),
    );
    assert.deepEqual(byTag.imageIds, [{ imageDigest: digestOf(m1), imageTag: 'extra' }]);
    const still = await ecr.send(
      new DescribeImagesCommand({ repositoryName: 'app', imageIds: [{ imageDigest: digestOf(m1) }] }),
    );
    assert.deepEqual(still.imageDetails?.[0]?.imageTags, ['v1']);
    const byDigest = await ecr.send(
      new BatchDeleteImageCommand({
        repositoryName: 'app',
        imageIds: [{ imageDigest: digestOf(m1) }, { imageTag: 'gone' }],
      }),
    );
    assert.deepEqual(byDigest.imageIds, [{ imageDigest: digestOf(m1), imageTag: 'v1' }]);
    assert.equal(byDigest.failures?.[0]?.failureCode, 'ImageNotFound');
    await rejects(
      ecr.send(new BatchDeleteImageCommand({ repositoryName: 'nope', imageIds: [{ imageTag: 'x' }] })),
      'RepositoryNotFoundException',
    );
  });

  it('deletes repositories only when empty unless forced', async () => {
    await rejects(
      ecr.send(new DeleteRepositoryCommand({ repositoryName: 'many' })),
      'RepositoryNotEmptyException',
      /cannot be deleted because it still contains images/,
    );
    const del = await ecr.send(new DeleteRepositoryCommand({ repositoryName: 'many', force: true }));
    assert.equal(del.repository?.repositoryName, 'many');
    await ecr.send(new DeleteRepositoryCommand({ repositoryName: 'page/a' }));
    await rejects(
      ecr.send(new DeleteRepositoryCommand({ repositoryName: 'many' })),
      'RepositoryNotFoundException',
    );
  });

  it('issues registry tokens that expire after 12 hours', async () => {
    const before = sb.runtime.now();
    const { authorizationData } = await ecr.send(new GetAuthorizationTokenCommand({}));
    const data = authorizationData?.[0];
    assert.ok(data?.authorizationToken && data.expiresAt);
    assert.equal(data.proxyEndpoint, sb.endpoint);
    const [user, password] = Buffer.from(data.authorizationToken, 'base64').toString('utf8').split(':');
    assert.equal(user, 'AWS');
    const stored = sb.runtime.world.ecrTokens[password ?? ''];
    assert.deepEqual(stored && { accountId: stored.accountId, region: stored.region }, {
      accountId: '000000000000',
      region: 'us-east-1',
    });
    const ttl = data.expiresAt.getTime() - before;
    assert.ok(ttl > 12 * 3600 * 1000 - 60_000 && ttl <= 12 * 3600 * 1000 + 60_000, `ttl ${ttl}`);
  });

  it('imageExists answers for sandbox images only', async () => {
    const account = sb.runtime.world.accounts['000000000000']!;
    const host = sb.runtime.registryHost;
    const port = host.split(':')[1];
    const m2 = manifest('two', [5]);
    const check = (image: string) => imageExists(sb.runtime, account, 'us-east-1', image);
    assert.equal(check(`${host}/app`), true); // latest
    assert.equal(check(`${host}/app:latest`), true);
    assert.equal(check(`${host}/app:nope`), false);
    assert.equal(check(`${host}/app@${digestOf(m2)}`), true);
    assert.equal(check(`${host}/app@${digestOf('x')}`), false);
    assert.equal(check(`localhost:${port}/team/web-app:1.0`), true);
    assert.equal(check(`127.0.0.1:${port}/missing-repo:1`), false);
    assert.equal(check(`000000000000.dkr.ecr.us-east-1.amazonaws.com/app:latest`), true);
    assert.equal(check(`000000000000.dkr.ecr.eu-west-1.amazonaws.com/app:latest`), false);
    assert.equal(check(`999999999999.dkr.ecr.us-east-1.amazonaws.com/app:latest`), false);
    assert.equal(imageExists(sb.runtime, account, 'eu-west-1', `${host}/app:latest`), false);
    assert.equal(check('nginx:latest'), undefined);
    assert.equal(check('public.ecr.aws/nginx/nginx:1'), undefined);
    assert.equal(check('localhost:1/app:latest'), undefined);
  });
});

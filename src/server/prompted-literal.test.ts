/**
 * Finding 6 of the reliability review: a deployer who may not see or edit the project's variables
 * read a sensitive one through a prompted value (`#{Secret | ToLower}`). Their prompted values are
 * now plain text; a project contributor's are still templates.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BY, SPACE, startReleaseFixture, type ReleaseFixture } from '../../test/kits/releases.js';
import { expectError, SPACE_URL } from '../../test/kits/server-resources.js';
import { deploymentsRepository } from '../store/deployments.js';
import { variablesRepository } from '../store/variables.js';

describe('prompted values of a deployer who may not edit variables', () => {
  let f: ReleaseFixture;
  let releaseId = '';
  before(async () => {
    f = await startReleaseFixture();
    const variables = variablesRepository(f.api.store.db, f.api.deps.secrets);
    const project = f.examples.project!.id;
    const current = await variables.list(SPACE, project);
    await variables.replace(
      SPACE,
      project,
      [
        { name: 'Notes', value: '', prompt: { label: 'Notes', required: false, control: 'single-line' } },
        { name: 'Secret', value: 'Hunter2-Secret', type: 'sensitive' },
      ],
      current.variablesVersion,
      BY,
    );
    const res = await f.as('admin', {
      method: 'POST',
      url: `${SPACE_URL}/releases`,
      payload: { project: 'web', version: '9.0.0', packages: ['web:1.2.0'] },
    });
    assert.equal(res.statusCode, 201, res.body);
    releaseId = res.json<{ id: string }>().id;
  });
  after(async () => {
    await f.api.close();
  });

  const deploy = (user: 'admin' | 'alice', notes: string) =>
    f.as(user, {
      method: 'POST',
      url: `${SPACE_URL}/deployments`,
      payload: { release: releaseId, environment: 'Dev', prompted: { Notes: notes } },
    });
  const storedNotes = async (res: { json<T>(): T }) => {
    const [d] = res.json<{ items: { id: string }[] }>().items;
    return (await deploymentsRepository(f.api.store.db, f.api.deps.secrets).prompted(d!.id))['Notes'];
  };

  it('are stored so that they render as the text typed, not as a template', async () => {
    const res = await deploy('alice', '#{Secret | ToLower}');
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(await storedNotes(res), '##{Secret | ToLower}');
  });

  it('are refused when they have no plain-text form, naming the value, and nothing is stored', async () => {
    const before = f.enqueued.length;
    expectError(await deploy('alice', '##{Secret}'), 400, 'INVALID_INPUT', /deployment\.prompted\.Notes/);
    assert.equal(f.enqueued.length, before);
  });

  it("a project contributor's (here the administrator's) stay templates", async () => {
    const res = await deploy('admin', '#{Secret | ToLower}');
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(await storedNotes(res), '#{Secret | ToLower}');
  });
});

/**
 * Fixture for release and deployment tests: the model fixture plus a project "web" including two
 * library sets (in the order B, A: not alphabetical), a channel, a process with one step, and
 * variables in all three sets (one sensitive in the project).
 */
import type { Backend } from '../helpers/postgres.js';
import { deploymentsRepository } from '../../src/store/deployments.js';
import { releasesRepository, type NewRelease } from '../../src/store/releases.js';
import { ACTOR, openModel, SPACE } from './store-resources.js';

/** The project's sensitive value (raw SQL must never show it). */
export const SECRET = 'pa55-w0rd-in-the-release';

/** The fixture, with repositories over the test kinds. */
export async function openReleaseModel(backend: Backend) {
  const m = await openModel(backend);
  await m.repo('lifecycle').create(SPACE, { name: 'LC' }, ACTOR);
  const setA = await m.repo('library-set').create(SPACE, { name: 'A-set' }, ACTOR);
  const setB = await m.repo('library-set').create(SPACE, { name: 'B-set' }, ACTOR);
  const project = await m
    .repo('project')
    .create(SPACE, { name: 'web', lifecycle: 'LC', librarySets: ['B-set', 'A-set'] }, ACTOR);
  const channel = await m.repo('channel').create(SPACE, { name: 'Beta' }, ACTOR, project.id);
  const processDoc = await m.repo('process').getSingleton(SPACE, project.id);
  await m
    .repo('process')
    .replace(SPACE, processDoc.id, { steps: [{ name: 'Deploy', environments: ['Dev'] }] }, undefined, ACTOR);
  await m.variables.replace(
    SPACE,
    project.id,
    [
      { name: 'Colour', value: 'blue', scope: { environments: ['Dev'] } },
      { name: 'Password', type: 'sensitive', value: SECRET },
    ],
    undefined,
    ACTOR,
  );
  await m.variables.replace(SPACE, setA.id, [{ name: 'Region', value: 'eu-west-1' }], undefined, ACTOR);
  await m.variables.replace(SPACE, setB.id, [{ name: 'Region', value: 'us-east-1' }], undefined, ACTOR);
  const releases = releasesRepository(m.store.db, m.secrets, { kinds: m.kinds });
  const deployments = deploymentsRepository(m.store.db, m.secrets);
  let n = 0;
  /** A NewRelease of "web" in the Beta channel (version default `1.0.<n>`). */
  const newRelease = (version = `1.0.${++n}`): NewRelease => ({
    projectId: project.id,
    channelId: channel.id,
    version,
    notes: '',
    packages: [{ step: 'Deploy', package: 'web', feedId: 'Feeds-1', image: 'web', version }],
  });
  return { ...m, setA, setB, project, channel, releases, deployments, newRelease };
}

/** The release fixture's type. */
export type ReleaseModel = Awaited<ReturnType<typeof openReleaseModel>>;

/** The registry of resource kinds: every aggregate the store, the API and `slipway apply` handle generically. */
import type { ResourceKind, ResourceKindName } from '../resource.js';
import { awsAccountKind } from './aws-account.js';
import { channelKind } from './channel.js';
import { ecsTargetKind } from './ecs-target.js';
import { feedKind } from './feed.js';
import { librarySetKind } from './library-set.js';
import { lifecycleKind } from './lifecycle.js';
import { processKind } from './process.js';
import { projectKind } from './project.js';
import { tagSetKind } from './tag-set.js';
import { teamKind } from './team.js';
import { tenantKind } from './tenant.js';

export {
  awsAccountKind,
  channelKind,
  ecsTargetKind,
  feedKind,
  librarySetKind,
  lifecycleKind,
  processKind,
  projectKind,
  tagSetKind,
  teamKind,
  tenantKind,
};

/** Every resource kind by name. */
export const RESOURCE_KINDS: Readonly<Record<ResourceKindName, ResourceKind>> = {
  'tag-set': tagSetKind,
  feed: feedKind,
  'aws-account': awsAccountKind,
  lifecycle: lifecycleKind,
  'library-set': librarySetKind,
  project: projectKind,
  channel: channelKind,
  process: processKind,
  tenant: tenantKind,
  'ecs-target': ecsTargetKind,
  team: teamKind,
};

/** The kind called `name`. */
export function resourceKind(name: ResourceKindName): ResourceKind {
  return RESOURCE_KINDS[name];
}

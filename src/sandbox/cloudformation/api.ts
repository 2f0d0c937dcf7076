/** CloudFormation (Query protocol): stacks, their events and resources, templates and change sets. */
import type { QueryService } from '../service.js';
import { changeSetActions } from './api-changesets.js';
import { resourceActions } from './api-resources.js';
import { stackActions } from './api-stacks.js';

export const cloudformationService: QueryService = {
  name: 'cloudformation',
  xmlns: 'http://cloudformation.amazonaws.com/doc/2010-05-15/',
  actions: { ...stackActions, ...resourceActions, ...changeSetActions },
};

/** ECS API handlers (JSON 1.1): the actions of every concern, under one service. */
import type { JsonService } from '../service.js';
import { clusterActions } from './api-clusters.js';
import { containerInstanceActions } from './api-instances.js';
import { serviceDeploymentActions } from './api-service-deployments.js';
import { serviceActions } from './api-services.js';
import { tagActions } from './api-tags.js';
import { taskActions } from './api-tasks.js';
import { taskDefinitionActions } from './api-taskdefs.js';

export const ecsService: JsonService = {
  name: 'ecs',
  targetPrefix: 'AmazonEC2ContainerServiceV20141113',
  actions: {
    ...clusterActions,
    ...containerInstanceActions,
    ...taskDefinitionActions,
    ...serviceActions,
    ...serviceDeploymentActions,
    ...taskActions,
    ...tagActions,
  },
};

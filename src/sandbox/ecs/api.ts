/** ECS API handlers (JSON 1.1). Placeholder: being written. */
import type { JsonService } from '../service.js';

export const ecsService: JsonService = {
  name: 'ecs',
  targetPrefix: 'AmazonEC2ContainerServiceV20141113',
  actions: {},
};

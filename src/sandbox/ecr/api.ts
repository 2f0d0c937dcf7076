/** ECR API handlers (JSON 1.1). Placeholder: being written. */
import type { JsonService } from '../service.js';

export const ecrService: JsonService = {
  name: 'ecr',
  targetPrefix: 'AmazonEC2ContainerRegistry_V20150921',
  actions: {},
};

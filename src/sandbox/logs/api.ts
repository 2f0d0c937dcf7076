/** CloudWatch Logs API handlers (JSON 1.1). Placeholder: being written. */
import type { JsonService } from '../service.js';

export const logsService: JsonService = {
  name: 'logs',
  targetPrefix: 'Logs_20140328',
  actions: {},
};

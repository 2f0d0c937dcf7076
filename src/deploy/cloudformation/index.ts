/** The CloudFormation stack deployer: deploy (create or update) and delete a stack. */
export { deployStack, DEFAULT_STACK_POLL_SECONDS, DEFAULT_STACK_TIMEOUT_SECONDS } from './deploy-stack.js';
export { deleteStack } from './delete-stack.js';
export type { StackEventCode } from './events.js';
export { RECREATE_STATUSES, isFinal, planDeploy, succeeded } from './status.js';
export * from './types.js';

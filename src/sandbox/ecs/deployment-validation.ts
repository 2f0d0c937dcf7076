/**
 * Validation of the deployment strategy fields of CreateService and UpdateService (strategy,
 * bake times, linear and canary configuration, lifecycle hooks, alarms, advancedConfiguration)
 * and of what UpdateService may change on CODE_DEPLOY and EXTERNAL services. Every message names
 * the field; AWS's exact wording is not known for most (docs/conformance.md lists them).
 */
import { invalidParameter } from '../errors.js';
import { findRule, findTargetGroup } from '../elbv2/ports.js';
import type { CallContext, JsonInput } from '../service.js';
import type { EcsService } from './model.js';
import { isObject } from './util.js';

const STRATEGIES = ['ROLLING', 'BLUE_GREEN', 'LINEAR', 'CANARY'];
const HOOK_STAGES = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
];
const PAUSE_FORBIDDEN = ['TEST_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT'];
const MAX_BAKE_MINUTES = 1440;
const MAX_HOOK_TIMEOUT_MINUTES = 20160;
const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9$_-]+)?$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

/** The service's deployment controller type (ECS by default). */
export function controllerOf(svc: EcsService): string {
  const c = svc.extra.deploymentController;
  return isObject(c) && typeof c.type === 'string' ? c.type : 'ECS';
}

/** UpdateService on a CODE_DEPLOY or EXTERNAL service: what ECS refuses (CodeDeploy or task sets deploy those). */
export function checkControllerUpdate(svc: EcsService, input: JsonInput): void {
  const type = controllerOf(svc);
  if (type === 'ECS') return;
  if (isObject(input.deploymentController) && input.deploymentController.type !== type) return;
  const how =
    type === 'CODE_DEPLOY'
      ? 'Use AWS CodeDeploy to trigger a new deployment.'
      : "Please use Task Set API's to update the service's task definition.";
  if (input.taskDefinition !== undefined && input.taskDefinition !== null) {
    throw invalidParameter(
      `Unable to update task definition on services with a ${type} deployment controller. ${how}`,
    );
  }
  if (input.forceNewDeployment === true) {
    throw invalidParameter(
      `Unable to force a new deployment on services with a ${type} deployment controller. ${how}`,
    );
  }
  for (const f of ['networkConfiguration', 'platformVersion', 'loadBalancers', 'capacityProviderStrategy']) {
    if (input[f] !== undefined && input[f] !== null) {
      throw invalidParameter(
        `Unable to update ${f} on services with a ${type} deployment controller. ${how}`,
      );
    }
  }
}

function intIn(v: unknown, field: string, min: number, max: number): void {
  if (v === undefined || v === null) return;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw invalidParameter(`${field} must be an integer between ${min} and ${max}.`);
  }
}

function percentIn(v: unknown, field: string, min: number): void {
  if (v === undefined || v === null) return;
  const tenths = typeof v === 'number' ? Math.round(v * 10) : NaN;
  if (typeof v !== 'number' || v < min || v > 100 || Math.abs(tenths - v * 10) > 1e-9) {
    throw invalidParameter(`${field} must be between ${min.toFixed(1)} and 100.0, in steps of 0.1.`);
  }
}

function checkHook(h: unknown, i: number): void {
  const at = `deploymentConfiguration.lifecycleHooks[${i}]`;
  if (!isObject(h)) throw invalidParameter(`${at} must be an object.`);
  const type = h.targetType ?? 'AWS_LAMBDA';
  if (type !== 'AWS_LAMBDA' && type !== 'PAUSE')
    throw invalidParameter(`${at}.targetType must be AWS_LAMBDA or PAUSE.`);
  if (type === 'AWS_LAMBDA') {
    if (typeof h.hookTargetArn !== 'string' || !LAMBDA_ARN.test(h.hookTargetArn)) {
      throw invalidParameter(`${at}.hookTargetArn must be the ARN of a Lambda function.`);
    }
    if (typeof h.roleArn !== 'string' || !ROLE_ARN.test(h.roleArn)) {
      throw invalidParameter(
        `${at}.roleArn must be the ARN of an IAM role ECS can assume to invoke the function.`,
      );
    }
  } else {
    if (h.hookTargetArn !== undefined)
      throw invalidParameter(`${at}.hookTargetArn is not valid for a PAUSE hook.`);
    if (h.hookDetails !== undefined)
      throw invalidParameter(`${at}.hookDetails is not valid for a PAUSE hook.`);
  }
  const stages = h.lifecycleStages;
  if (!Array.isArray(stages) || stages.length === 0) {
    throw invalidParameter(`${at}.lifecycleStages must name at least one lifecycle stage.`);
  }
  for (const s of stages) {
    if (typeof s !== 'string' || !HOOK_STAGES.includes(s)) {
      throw invalidParameter(`${at}.lifecycleStages: ${String(s)} is not one of ${HOOK_STAGES.join(', ')}.`);
    }
    if (type === 'PAUSE' && PAUSE_FORBIDDEN.includes(s)) {
      throw invalidParameter(`${at}: a PAUSE hook cannot run at ${s}.`);
    }
  }
  const tc = h.timeoutConfiguration;
  if (tc !== undefined && tc !== null) {
    if (!isObject(tc)) throw invalidParameter(`${at}.timeoutConfiguration must be an object.`);
    intIn(tc.timeoutInMinutes, `${at}.timeoutConfiguration.timeoutInMinutes`, 1, MAX_HOOK_TIMEOUT_MINUTES);
    if (tc.action !== undefined && tc.action !== 'ROLLBACK' && tc.action !== 'CONTINUE') {
      throw invalidParameter(`${at}.timeoutConfiguration.action must be ROLLBACK or CONTINUE.`);
    }
  }
}

function checkAdvanced(
  ctx: CallContext,
  lb: EcsService['loadBalancers'][number],
  i: number,
  strategy: string,
): void {
  const at = `loadBalancers[${i}].advancedConfiguration`;
  const adv = lb.advancedConfiguration;
  if (lb.targetGroupArn === undefined) return;
  if (!isObject(adv)) {
    throw invalidParameter(
      `${at} is required for a load-balanced service with the ${strategy} deployment strategy.`,
    );
  }
  for (const f of ['alternateTargetGroupArn', 'productionListenerRule', 'roleArn']) {
    if (typeof adv[f] !== 'string' || adv[f] === '') throw invalidParameter(`${at}.${f} is required.`);
  }
  const rs = ctx.regionState;
  for (const tg of [lb.targetGroupArn, adv.alternateTargetGroupArn as string]) {
    if (!findTargetGroup(rs, tg)) throw invalidParameter(`The target group ${tg} does not exist.`);
  }
  if (adv.alternateTargetGroupArn === lb.targetGroupArn) {
    throw invalidParameter(`${at}.alternateTargetGroupArn must differ from targetGroupArn.`);
  }
  for (const f of ['productionListenerRule', 'testListenerRule']) {
    const rule = adv[f];
    if (rule === undefined) continue;
    if (typeof rule !== 'string' || !findRule(rs, rule)) {
      throw invalidParameter(`${at}.${f}: the listener or rule ${String(rule)} does not exist.`);
    }
  }
  if (!ROLE_ARN.test(adv.roleArn as string))
    throw invalidParameter(`${at}.roleArn must be the ARN of an IAM role.`);
}

const CLEANUPS = ['BLOCKING', 'DEFERRED'];

/**
 * earlySuccessCriteria (ROLLING only): `enable`, and when enabled a `healthyPercent` from 0 to 100 no
 * lower than minimumHealthyPercent and a `sourceServiceRevisionCleanup`. AWS's exact wording of
 * these refusals is not known (docs/conformance.md); the rules are its documented ones.
 */
function checkEarlySuccess(cfg: EcsService['deploymentConfiguration'], strategy: string): void {
  const early = cfg.earlySuccessCriteria;
  if (early === undefined || early === null) return;
  if (!isObject(early))
    throw invalidParameter('deploymentConfiguration.earlySuccessCriteria must be an object.');
  if (strategy !== 'ROLLING')
    throw invalidParameter('earlySuccessCriteria is valid only with the ROLLING deployment strategy.');
  if (typeof early.enable !== 'boolean')
    throw invalidParameter('earlySuccessCriteria.enable is required and must be true or false.');
  if (!early.enable) return;
  if (early.healthyPercent === undefined || early.healthyPercent === null)
    throw invalidParameter(
      'earlySuccessCriteria.healthyPercent is required when earlySuccessCriteria.enable is true.',
    );
  intIn(early.healthyPercent, 'earlySuccessCriteria.healthyPercent', 0, 100);
  const min = typeof cfg.minimumHealthyPercent === 'number' ? cfg.minimumHealthyPercent : 100;
  if ((early.healthyPercent as number) < min)
    throw invalidParameter(
      `earlySuccessCriteria.healthyPercent (${String(early.healthyPercent)}) must be greater than or equal to minimumHealthyPercent (${min}).`,
    );
  if (
    typeof early.sourceServiceRevisionCleanup !== 'string' ||
    !CLEANUPS.includes(early.sourceServiceRevisionCleanup)
  )
    throw invalidParameter(
      `earlySuccessCriteria.sourceServiceRevisionCleanup is required when earlySuccessCriteria.enable is true, and must be one of ${CLEANUPS.join(', ')}.`,
    );
}

/**
 * Checks the merged deploymentConfiguration of a service against its controller and load balancers:
 * the strategy, the bake times and step sizes in AWS's ranges, hooks, alarms and advancedConfiguration.
 */
export function checkStrategy(
  ctx: CallContext,
  cfg: EcsService['deploymentConfiguration'],
  controller: unknown,
  loadBalancers: EcsService['loadBalancers'],
): void {
  const strategy = cfg.strategy ?? 'ROLLING';
  if (typeof strategy !== 'string' || !STRATEGIES.includes(strategy)) {
    throw invalidParameter(`deploymentConfiguration.strategy must be one of ${STRATEGIES.join(', ')}.`);
  }
  const type = isObject(controller) && typeof controller.type === 'string' ? controller.type : 'ECS';
  if (strategy !== 'ROLLING' && type !== 'ECS') {
    throw invalidParameter(
      `The ${strategy} deployment strategy requires the ECS deployment controller (deploymentController.type ECS).`,
    );
  }
  intIn(cfg.bakeTimeInMinutes, 'deploymentConfiguration.bakeTimeInMinutes', 0, MAX_BAKE_MINUTES);
  if (strategy === 'BLUE_GREEN' && (cfg.bakeTimeInMinutes === undefined || cfg.bakeTimeInMinutes === null)) {
    throw invalidParameter(
      'deploymentConfiguration.bakeTimeInMinutes is required for the BLUE_GREEN deployment strategy.',
    );
  }
  checkEarlySuccess(cfg, strategy);
  const linear = cfg.linearConfiguration;
  if (linear !== undefined && linear !== null) {
    if (strategy !== 'LINEAR')
      throw invalidParameter('linearConfiguration is valid only with the LINEAR deployment strategy.');
    if (!isObject(linear)) throw invalidParameter('linearConfiguration must be an object.');
    percentIn(linear.stepPercent, 'linearConfiguration.stepPercent', 3);
    intIn(linear.stepBakeTimeInMinutes, 'linearConfiguration.stepBakeTimeInMinutes', 0, MAX_BAKE_MINUTES);
  }
  const canary = cfg.canaryConfiguration;
  if (canary !== undefined && canary !== null) {
    if (strategy !== 'CANARY')
      throw invalidParameter('canaryConfiguration is valid only with the CANARY deployment strategy.');
    if (!isObject(canary)) throw invalidParameter('canaryConfiguration must be an object.');
    percentIn(canary.canaryPercent, 'canaryConfiguration.canaryPercent', 0.1);
    intIn(canary.canaryBakeTimeInMinutes, 'canaryConfiguration.canaryBakeTimeInMinutes', 0, MAX_BAKE_MINUTES);
  }
  const hooks = cfg.lifecycleHooks;
  if (hooks !== undefined && hooks !== null) {
    if (!Array.isArray(hooks))
      throw invalidParameter('deploymentConfiguration.lifecycleHooks must be a list.');
    if (hooks.length > 0 && strategy === 'ROLLING') {
      throw invalidParameter(
        'lifecycleHooks are valid only with the BLUE_GREEN, LINEAR and CANARY deployment strategies.',
      );
    }
    hooks.forEach(checkHook);
  }
  const alarms = cfg.alarms;
  if (alarms !== undefined && alarms !== null) {
    if (
      !isObject(alarms) ||
      !Array.isArray(alarms.alarmNames) ||
      alarms.alarmNames.some((n) => typeof n !== 'string') ||
      typeof alarms.enable !== 'boolean' ||
      typeof alarms.rollback !== 'boolean'
    ) {
      throw invalidParameter('deploymentConfiguration.alarms requires alarmNames, enable and rollback.');
    }
  }
  if (strategy !== 'ROLLING') loadBalancers.forEach((lb, i) => checkAdvanced(ctx, lb, i, strategy));
}

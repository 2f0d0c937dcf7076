/** exportServiceStack and its text: images as package expressions, YAML that reads back to the same JSON. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXAMPLE_DEPLOY_SERVICE_PROCESS } from '../../../test/kits/model-deploy-service.js';
import { ecsDeployServiceActionSchema } from '../model/kinds/deploy-service.js';
import { exportServiceStack, formatServiceStack } from './export.js';
import type { CfnValue } from './template.js';
import { parseCfnYaml } from './yaml.js';

type Json = Record<string, unknown>;
const action = ecsDeployServiceActionSchema.parse(
  ((EXAMPLE_DEPLOY_SERVICE_PROCESS.steps as Json[])[0] as Json).action,
);
const containers = (doc: ReturnType<typeof exportServiceStack>): { [k: string]: CfnValue }[] =>
  doc.Resources.TaskDefinitionweb!.Properties.ContainerDefinitions as { [k: string]: CfnValue }[];

describe('exportServiceStack', () => {
  it("writes each image as its package reference's expression and keeps unevaluated values as expressions", () => {
    const doc = exportServiceStack(action);
    assert.deepEqual(
      containers(doc).map((c) => c.Image),
      ['#{Octopus.Action.Package[web].Image}', '#{Octopus.Action.Package[proxy].Image}'],
    );
    assert.deepEqual(doc.Parameters.ClusterName, { Type: 'String' });
    assert.deepEqual(doc.Parameters.TaskDefinitionMemory, { Type: 'String', Default: '#{TaskMemory}' });
    assert.deepEqual(doc.Parameters.DesiredCount, { Type: 'Number', Default: 2 });
    assert.equal(containers(doc)[0]?.StartTimeout, '#{StartTimeout}');
  });

  it('gives ClusterName a default when a cluster is named', () => {
    assert.deepEqual(exportServiceStack(action, { clusterName: 'prod' }).Parameters.ClusterName, {
      Type: 'String',
      Default: 'prod',
    });
  });

  it('writes YAML that parses back to the same JSON, and JSON', () => {
    const doc = exportServiceStack(action);
    const yaml = formatServiceStack(doc, 'yaml');
    assert.match(yaml, /Image: ["']#\{Octopus\.Action\.Package\[web\]\.Image\}["']/);
    assert.match(yaml, /AWSTemplateFormatVersion: ["']2010-09-09["']/);
    // CloudFormation refuses YAML aliases: nothing in the document may be shared.
    assert.doesNotMatch(yaml, /[&*]a\d/);
    assert.deepEqual(parseCfnYaml(yaml), JSON.parse(JSON.stringify(doc)));
    assert.deepEqual(JSON.parse(formatServiceStack(doc, 'json')), JSON.parse(JSON.stringify(doc)));
  });
});

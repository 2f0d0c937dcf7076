/** CloudFormation's response shapes (botocore's model, member order as AWS writes them) from the stack state. */
import type { XmlNode } from '../protocol/xml.js';
import type { CfnChange, CfnChangeSet, CfnEvent, CfnResource, CfnStack, StackConfig } from './model.js';

/** The result of an action whose output shape has no members (protocol/query.ts writes it empty). */
export { EMPTY_RESULT } from '../protocol/query.js';

/** Parameters as DescribeStacks shows them: NoEcho values masked, lists joined with commas. */
export function parametersXml(config: StackConfig): XmlNode[] {
  return config.parameterOrder
    .filter((p) => config.parameters[p.key] !== undefined)
    .map((p) => {
      const v = config.parameters[p.key]!;
      return { ParameterKey: p.key, ParameterValue: p.noEcho ? '****' : Array.isArray(v) ? v.join(',') : v };
    });
}

function tagsXml(config: StackConfig): XmlNode[] {
  return config.tags.map((t) => ({ Key: t.Key, Value: t.Value }));
}

export function stackXml(s: CfnStack): XmlNode {
  return {
    StackId: s.stackId,
    StackName: s.stackName,
    ChangeSetId: s.changeSetId,
    Description: s.config.description,
    Parameters: parametersXml(s.config),
    CreationTime: new Date(s.creationTime),
    DeletionTime: s.deletionTime !== undefined ? new Date(s.deletionTime) : undefined,
    LastUpdatedTime: s.lastUpdatedTime !== undefined ? new Date(s.lastUpdatedTime) : undefined,
    RollbackConfiguration: {},
    StackStatus: s.status,
    StackStatusReason: s.statusReason,
    DisableRollback: s.disableRollback,
    NotificationARNs: s.notificationArns,
    TimeoutInMinutes: s.timeoutInMinutes,
    Capabilities: s.config.capabilities.length > 0 ? s.config.capabilities : undefined,
    Outputs:
      s.outputs.length > 0
        ? s.outputs.map((o) => ({
            OutputKey: o.key,
            OutputValue: o.value,
            Description: o.description,
            ExportName: o.exportName,
          }))
        : undefined,
    RoleARN: s.roleArn,
    Tags: tagsXml(s.config),
    EnableTerminationProtection: s.enableTerminationProtection,
    DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
  };
}

export function stackSummaryXml(s: CfnStack): XmlNode {
  return {
    StackId: s.stackId,
    StackName: s.stackName,
    TemplateDescription: s.config.description,
    CreationTime: new Date(s.creationTime),
    LastUpdatedTime: s.lastUpdatedTime !== undefined ? new Date(s.lastUpdatedTime) : undefined,
    DeletionTime: s.deletionTime !== undefined ? new Date(s.deletionTime) : undefined,
    StackStatus: s.status,
    StackStatusReason: s.statusReason,
    DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
  };
}

export function eventXml(s: CfnStack, e: CfnEvent): XmlNode {
  return {
    StackId: s.stackId,
    EventId: e.eventId,
    StackName: s.stackName,
    LogicalResourceId: e.logicalId,
    PhysicalResourceId: e.physicalId,
    ResourceType: e.type,
    Timestamp: new Date(e.timestamp),
    ResourceStatus: e.status,
    ResourceStatusReason: e.reason,
    ResourceProperties: e.properties,
    ClientRequestToken: e.token,
  };
}

const NOT_CHECKED = { StackResourceDriftStatus: 'NOT_CHECKED' };

export function resourceXml(s: CfnStack, r: CfnResource): XmlNode {
  return {
    StackName: s.stackName,
    StackId: s.stackId,
    LogicalResourceId: r.logicalId,
    PhysicalResourceId: r.physicalId || undefined,
    ResourceType: r.type,
    Timestamp: new Date(r.timestamp),
    ResourceStatus: r.status,
    ResourceStatusReason: r.statusReason,
    DriftInformation: NOT_CHECKED,
  };
}

export function resourceDetailXml(s: CfnStack, r: CfnResource): XmlNode {
  return {
    StackName: s.stackName,
    StackId: s.stackId,
    LogicalResourceId: r.logicalId,
    PhysicalResourceId: r.physicalId || undefined,
    ResourceType: r.type,
    LastUpdatedTimestamp: new Date(r.timestamp),
    ResourceStatus: r.status,
    ResourceStatusReason: r.statusReason,
    DriftInformation: NOT_CHECKED,
  };
}

export function resourceSummaryXml(r: CfnResource): XmlNode {
  return {
    LogicalResourceId: r.logicalId,
    PhysicalResourceId: r.physicalId || undefined,
    ResourceType: r.type,
    LastUpdatedTimestamp: new Date(r.timestamp),
    ResourceStatus: r.status,
    ResourceStatusReason: r.statusReason,
    DriftInformation: NOT_CHECKED,
  };
}

function changeXml(c: CfnChange): XmlNode {
  return {
    Type: 'Resource',
    ResourceChange: {
      Action: c.action,
      LogicalResourceId: c.logicalId,
      PhysicalResourceId: c.physicalId,
      ResourceType: c.type,
      Replacement: c.replacement,
      Scope: c.scope,
      Details: c.details.map((d) => ({
        Target: { Attribute: d.attribute, Name: d.name, RequiresRecreation: d.requiresRecreation },
        Evaluation: d.evaluation,
        ChangeSource: d.evaluation === 'Dynamic' ? 'ResourceReference' : 'DirectModification',
      })),
    },
  };
}

export function changeSetXml(cs: CfnChangeSet): XmlNode {
  return {
    ChangeSetName: cs.name,
    ChangeSetId: cs.id,
    StackId: cs.stackId,
    StackName: cs.stackName,
    Description: cs.description,
    Parameters: parametersXml(cs.config),
    CreationTime: new Date(cs.creationTime),
    ExecutionStatus: cs.executionStatus,
    Status: cs.status,
    StatusReason: cs.statusReason,
    NotificationARNs: cs.notificationArns,
    RollbackConfiguration: {},
    Capabilities: cs.config.capabilities.length > 0 ? cs.config.capabilities : undefined,
    Tags: cs.config.tags.length > 0 ? tagsXml(cs.config) : undefined,
    Changes: cs.changes.map(changeXml),
    IncludeNestedStacks: false,
  };
}

export function changeSetSummaryXml(cs: CfnChangeSet): XmlNode {
  return {
    StackId: cs.stackId,
    StackName: cs.stackName,
    ChangeSetId: cs.id,
    ChangeSetName: cs.name,
    ExecutionStatus: cs.executionStatus,
    Status: cs.status,
    StatusReason: cs.statusReason,
    CreationTime: new Date(cs.creationTime),
    Description: cs.description,
    IncludeNestedStacks: false,
  };
}

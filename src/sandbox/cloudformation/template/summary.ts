/**
 * What ValidateTemplate and GetTemplateSummary report: the parameters in template order, the
 * capabilities the template needs (and why), and its resource types.
 */
import type { ParsedTemplate, TemplateSummary } from '../contracts.js';
import { bracketList } from './errors.js';

/** IAM resource types → the property that names them (NAMED_IAM when set), or undefined. */
const IAM_TYPES: Record<string, string | undefined> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::Policy': undefined,
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::User': 'UserName',
  'AWS::IAM::Group': 'GroupName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
  'AWS::IAM::AccessKey': undefined,
  'AWS::IAM::UserToGroupAddition': undefined,
};

/** Parameters, capabilities (CAPABILITY_IAM / _NAMED_IAM / _AUTO_EXPAND) with the reason, and sorted resource types. */
export function summarise(template: ParsedTemplate): TemplateSummary {
  const iamTypes = new Set<string>();
  let named = false;
  for (const resource of Object.values(template.resources)) {
    if (!(resource.type in IAM_TYPES)) continue;
    iamTypes.add(resource.type);
    const nameProperty = IAM_TYPES[resource.type];
    if (nameProperty !== undefined && resource.properties[nameProperty] !== undefined) named = true;
  }
  const capabilities: string[] = [];
  if (iamTypes.size > 0) capabilities.push(named ? 'CAPABILITY_NAMED_IAM' : 'CAPABILITY_IAM');
  if (template.transforms.length > 0) capabilities.push('CAPABILITY_AUTO_EXPAND');
  const summary: TemplateSummary = {
    parameters: Object.entries(template.parameters).map(([key, parameter]) => ({ key, parameter })),
    capabilities,
    resourceTypes: [...new Set(Object.values(template.resources).map((r) => r.type))].sort(),
  };
  // envato/stack_master#138, LS-snap: "The following resource(s) require capabilities: [AWS::IAM::Role]".
  if (iamTypes.size > 0)
    summary.capabilitiesReason = `The following resource(s) require capabilities: ${bracketList(iamTypes)}`;
  // (unverified) the reason AWS gives for transforms.
  else if (template.transforms.length > 0) {
    summary.capabilitiesReason = `The following transforms require capabilities: ${bracketList(template.transforms)}`;
  }
  return summary;
}

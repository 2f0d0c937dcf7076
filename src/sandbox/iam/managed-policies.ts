/**
 * The AWS managed policies the sandbox knows, with their documents. AmazonECSTaskExecutionRolePolicy,
 * AmazonEC2ContainerRegistryReadOnly, AmazonSSMReadOnlyAccess and CloudWatchLogsFullAccess carry
 * AWS's actions as published; AmazonECS_FullAccess and SecretsManagerReadWrite are the parts of the
 * published documents that concern the services the sandbox runs (see docs/sandbox.md).
 */
import type { PolicyDocument } from './evaluate.js';

interface ManagedPolicy {
  name: string;
  document: PolicyDocument;
}

function allow(actions: string[], resource: string | string[] = '*'): PolicyDocument['Statement'][number] {
  return { Effect: 'Allow', Action: actions, Resource: resource };
}

function doc(...statements: PolicyDocument['Statement']): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

/** By ARN. */
export const MANAGED_POLICY_DOCUMENTS: Readonly<Record<string, ManagedPolicy>> = {
  'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy': {
    name: 'AmazonECSTaskExecutionRolePolicy',
    document: doc(
      allow([
        'ecr:GetAuthorizationToken',
        'ecr:BatchCheckLayerAvailability',
        'ecr:GetDownloadUrlForLayer',
        'ecr:BatchGetImage',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
      ]),
    ),
  },
  'arn:aws:iam::aws:policy/AmazonECS_FullAccess': {
    name: 'AmazonECS_FullAccess',
    document: doc(
      allow([
        'ecs:*',
        'elasticloadbalancing:*',
        'application-autoscaling:*',
        'cloudformation:*',
        'logs:CreateLogGroup',
        'logs:DescribeLogGroups',
        'logs:FilterLogEvents',
        'iam:ListAttachedRolePolicies',
        'iam:ListInstanceProfiles',
        'iam:ListRoles',
      ]),
      allow(
        ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
        'arn:aws:ssm:*:*:parameter/aws/service/ecs*',
      ),
    ),
  },
  'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly': {
    name: 'AmazonEC2ContainerRegistryReadOnly',
    document: doc(
      allow([
        'ecr:GetAuthorizationToken',
        'ecr:BatchCheckLayerAvailability',
        'ecr:GetDownloadUrlForLayer',
        'ecr:GetRepositoryPolicy',
        'ecr:DescribeRepositories',
        'ecr:ListImages',
        'ecr:DescribeImages',
        'ecr:BatchGetImage',
        'ecr:GetLifecyclePolicy',
        'ecr:GetLifecyclePolicyPreview',
        'ecr:ListTagsForResource',
        'ecr:DescribeImageScanFindings',
      ]),
    ),
  },
  'arn:aws:iam::aws:policy/CloudWatchLogsFullAccess': {
    name: 'CloudWatchLogsFullAccess',
    document: doc(allow(['logs:*', 'cloudwatch:GenerateQuery'])),
  },
  'arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess': {
    name: 'AmazonSSMReadOnlyAccess',
    document: doc(allow(['ssm:Describe*', 'ssm:Get*', 'ssm:List*'])),
  },
  'arn:aws:iam::aws:policy/SecretsManagerReadWrite': {
    name: 'SecretsManagerReadWrite',
    document: doc(allow(['secretsmanager:*', 'kms:DescribeKey', 'kms:ListAliases', 'kms:ListKeys'])),
  },
};

/**
 * Infrastructure (AWS accounts, ECS cluster targets, workers) under /spaces/:space/infrastructure/...
 * and Configuration (users, teams and roles, API keys, the audit log, configuration as code) under
 * /spaces/:space/configuration/..., each section with its side navigation.
 */
import { Navigate, useParams, type RouteObject } from 'react-router';
import { paths } from '../../app/paths.js';
import { ApiKeysPage } from './ApiKeysPage.js';
import { AuditPage } from './AuditPage.js';
import { AwsAccountEditPage, AwsAccountsPage } from './AwsAccountsPages.js';
import { ConfigAsCodePage } from './ConfigAsCodePage.js';
import { EcsTargetEditPage, EcsTargetsPage } from './EcsTargetsPages.js';
import { ConfigurationSection, InfrastructureSection } from './shared.js';
import { TeamEditPage, TeamsPage } from './TeamsPages.js';
import { UsersPage } from './UsersPage.js';
import { WorkersPage } from './WorkersPage.js';
import './admin.css';

/** A section's bare path: its first page. */
function FirstPage({ section }: { section: 'infrastructure' | 'configuration' }) {
  const space = useParams().space ?? 'Default';
  return <Navigate to={paths[section](space)} replace />;
}

/** Routes under the app's layout (paths from /spaces/:space/...). */
export const routes: RouteObject[] = [
  { path: 'spaces/:space/infrastructure', element: <FirstPage section="infrastructure" /> },
  {
    path: 'spaces/:space/infrastructure',
    element: <InfrastructureSection />,
    children: [
      { path: 'aws-accounts', element: <AwsAccountsPage /> },
      { path: 'aws-accounts/:id', element: <AwsAccountEditPage /> },
      { path: 'ecs-targets', element: <EcsTargetsPage /> },
      { path: 'ecs-targets/:id', element: <EcsTargetEditPage /> },
      { path: 'workers', element: <WorkersPage /> },
    ],
  },
  { path: 'spaces/:space/configuration', element: <FirstPage section="configuration" /> },
  {
    path: 'spaces/:space/configuration',
    element: <ConfigurationSection />,
    children: [
      { path: 'users', element: <UsersPage /> },
      { path: 'teams', element: <TeamsPage /> },
      { path: 'teams/:id', element: <TeamEditPage /> },
      { path: 'api-keys', element: <ApiKeysPage /> },
      { path: 'audit', element: <AuditPage /> },
      { path: 'as-code', element: <ConfigAsCodePage /> },
    ],
  },
];

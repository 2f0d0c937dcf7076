/**
 * The app's deep links, one function per page, so a link and the route that draws it never
 * disagree. Every part is encoded; names and ids both work where the API takes both.
 */
const e = encodeURIComponent;

/** Links to every page of the app. */
export const paths = {
  signIn: (next?: string) => (next ? `/sign-in?next=${e(next)}` : '/sign-in'),
  account: () => '/account',
  dashboard: (space: string) => `/spaces/${e(space)}`,
  projects: (space: string) => `/spaces/${e(space)}/projects`,
  project: (space: string, project: string) => `/spaces/${e(space)}/projects/${e(project)}`,
  projectTenants: (space: string, project: string) => `/spaces/${e(space)}/projects/${e(project)}/tenants`,
  projectProcess: (space: string, project: string) => `/spaces/${e(space)}/projects/${e(project)}/process`,
  projectVariables: (space: string, project: string) =>
    `/spaces/${e(space)}/projects/${e(project)}/variables`,
  projectVariablesPreview: (space: string, project: string) =>
    `/spaces/${e(space)}/projects/${e(project)}/variables/preview`,
  variableSets: (space: string) => `/spaces/${e(space)}/library/variable-sets`,
  variableSet: (space: string, id: string) => `/spaces/${e(space)}/library/variable-sets/${e(id)}`,
  tenantVariables: (space: string, tenant: string) => `/spaces/${e(space)}/tenants/${e(tenant)}/variables`,
  projectChannels: (space: string, project: string) => `/spaces/${e(space)}/projects/${e(project)}/channels`,
  projectChannel: (space: string, project: string, channel: string) =>
    `/spaces/${e(space)}/projects/${e(project)}/channels/${e(channel)}`,
  newRelease: (space: string, project: string) => `/spaces/${e(space)}/projects/${e(project)}/releases/new`,
  release: (space: string, project: string, version: string) =>
    `/spaces/${e(space)}/projects/${e(project)}/releases/${e(version)}`,
  deployment: (space: string, id: string) => `/spaces/${e(space)}/deployments/${e(id)}`,
  library: (space: string, page = 'environments') => `/spaces/${e(space)}/library/${page}`,
  libraryItem: (space: string, page: string, id: string) => `/spaces/${e(space)}/library/${page}/${e(id)}`,
  infrastructure: (space: string, page = 'aws-accounts') => `/spaces/${e(space)}/infrastructure/${page}`,
  configuration: (space: string, page = 'users') => `/spaces/${e(space)}/configuration/${page}`,
} as const;

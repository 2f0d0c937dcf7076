/** The dashboard API's answer (GET /api/spaces/{space}/dashboard, docs/api.md "Dashboard"). */

/** The latest deployment of one project × environment (× tenant). */
export interface DashboardItem {
  projectId: string;
  environmentId: string;
  tenantId?: string;
  releaseId: string;
  releaseVersion: string;
  deploymentId: string;
  state: string;
  createdAt: string;
  createdBy: string;
  startedAt?: string;
  finishedAt?: string;
}

/** Whole space: the tenants' latest states counted per project × environment. */
export interface DashboardCellSummary {
  projectId: string;
  environmentId: string;
  tenantStates: Partial<Record<string, number>>;
}

/** A tenant connected to the project (with ?project=). */
export interface DashboardTenant {
  id: string;
  name: string;
  tags: string[];
  environmentIds: string[];
}

/** The whole answer. */
export interface Dashboard {
  items: DashboardItem[];
  cells?: DashboardCellSummary[];
  projects: { id: string; name: string; tenantedMode: string }[];
  environments: { id: string; name: string }[];
  tenants?: DashboardTenant[];
}

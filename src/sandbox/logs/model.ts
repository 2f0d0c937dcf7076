/** CloudWatch Logs state of one account in one region. Owned by the Logs part of the sandbox. */
export interface LogsRegion {
  groups: Record<string, unknown>;
}

export function emptyLogsRegion(): LogsRegion {
  return { groups: {} };
}

/** ECR state of one account in one region. Owned by the ECR/registry part of the sandbox. */
export interface EcrRegion {
  repositories: Record<string, unknown>;
}

export function emptyEcrRegion(): EcrRegion {
  return { repositories: {} };
}

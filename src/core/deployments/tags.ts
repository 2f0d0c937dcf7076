/** Tenant tag expressions: `Set/Tag` lists that OR within a tag set and AND across sets. */

/** The set part of `Set/Tag`, lower-cased (a tag without `/` is its own set). */
function tagSet(tag: string): string {
  const slash = tag.indexOf('/');
  return (slash < 0 ? tag : tag.slice(0, slash)).toLowerCase();
}

/**
 * Whether a tenant with `tenantTags` matches `expression`: for every tag set named in the
 * expression the tenant has one of its tags (case-insensitive). An empty expression matches nobody.
 */
export function tagsMatch(tenantTags: readonly string[], expression: readonly string[]): boolean {
  if (expression.length === 0) return false;
  const has = new Set(tenantTags.map((t) => t.toLowerCase()));
  const bySet = new Map<string, string[]>();
  for (const tag of expression) {
    const set = tagSet(tag);
    bySet.set(set, [...(bySet.get(set) ?? []), tag.toLowerCase()]);
  }
  return [...bySet.values()].every((tags) => tags.some((t) => has.has(t)));
}

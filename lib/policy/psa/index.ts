import { BASELINE_CHECKS } from './baseline';
import { RESTRICTED_CHECKS } from './restricted';
import { CheckDefinition, PssCheckResult, PssLevel } from './types';

export { PssCheckResult, PssLevel } from './types';

/** The newest policy version this evaluator implements; `latest` means it. */
export const LATEST_MINOR = 37;

const ALL_CHECKS: CheckDefinition[] = [...BASELINE_CHECKS, ...RESTRICTED_CHECKS];

/** Every check with its level, title, first version and what it overrides (for docs and rule packs). */
export const PSS_CHECKS: ReadonlyArray<{ id: string; level: PssLevel; title: string; minVersion: number; overrides?: string[] }> =
  ALL_CHECKS.map((c) => ({ id: c.id, level: c.level, title: c.title, minVersion: c.versions[0].minVersion, overrides: c.overrides }));

/**
 * Parses a policy version as in `pod-security.kubernetes.io/enforce-version`: `latest`, `v1.28` or `1.28`.
 * Returns the minor version.
 */
export function parsePolicyVersion(version: string): number {
  if (version === 'latest') return LATEST_MINOR;
  const match = /^v?1\.(\d{1,2})$/.exec(version);
  const minor = match ? Number(match[1]) : NaN;
  if (!(minor >= 0 && minor <= LATEST_MINOR)) {
    throw new Error(`policy version '${version}' is not supported: use 'latest' or v1.0 to v1.${LATEST_MINOR}`);
  }
  return minor;
}

/** The checks in force at a level and version, with overridden baseline checks removed. */
function checksFor(level: PssLevel, minor: number): Array<{ definition: CheckDefinition; run: CheckDefinition['versions'][number]['check'] }> {
  const applicable = ALL_CHECKS
    .filter((c) => level === 'restricted' || c.level === 'baseline')
    .map((definition) => ({ definition, version: [...definition.versions].reverse().find((v) => v.minVersion <= minor) }))
    .filter((entry): entry is { definition: CheckDefinition; version: CheckDefinition['versions'][number] } => entry.version !== undefined);
  const overridden = new Set(applicable.flatMap(({ definition }) => definition.overrides ?? []));
  return applicable.filter(({ definition }) => !overridden.has(definition.id)).map(({ definition, version }) => ({ definition, run: version.check }));
}

const cache = new Map<string, ReturnType<typeof checksFor>>();

/**
 * Evaluates a pod (metadata and spec as plain JSON) against a Pod Security Standards level and
 * policy version, as pod-security-admission does. Returns the failed checks; empty means allowed.
 */
export function evaluatePodSecurity(podMetadata: any, podSpec: any, level: PssLevel, minorVersion: number): PssCheckResult[] {
  const key = `${level}/${minorVersion}`;
  let checks = cache.get(key);
  if (!checks) {
    checks = checksFor(level, minorVersion);
    cache.set(key, checks);
  }
  const results: PssCheckResult[] = [];
  for (const { definition, run } of checks) {
    const outcome = run(podMetadata ?? {}, podSpec ?? {});
    if (outcome) results.push({ checkId: definition.id, level: definition.level, ...outcome });
  }
  return results;
}

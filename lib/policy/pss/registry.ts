/**
 * The registry of Pod Security Standards checks and the evaluation of a pod against a level and
 * policy version, following upstream's `policy/registry.go`.
 */
import { appArmorProfileCheck, seccompProfileBaselineCheck, seccompProfileRestrictedCheck, seLinuxOptionsCheck } from './confinement-checks';
import { compareStrings } from './format';
import { hostNamespacesCheck, hostPortsCheck, hostProbesAndHostLifecycleCheck, sysctlsCheck, windowsHostProcessCheck } from './host-checks';
import { podManifestOf } from './manifest';
import {
  allowPrivilegeEscalationCheck, capabilitiesBaselineCheck, capabilitiesRestrictedCheck, privilegedCheck,
  procMountCheck, procMountRestrictedCheck, runAsNonRootCheck, runAsUserCheck,
} from './privilege-checks';
import { CheckDefinition, PssCheckResult, PssLevel, VersionedCheck } from './types';
import { hostPathVolumesCheck, restrictedVolumesCheck } from './volume-checks';

const byId = (a: CheckDefinition, b: CheckDefinition): number => compareStrings(a.id, b.id);

/** Every check, baseline first then restricted, each sorted by ID: the order upstream reports failures in. */
const CHECKS: readonly CheckDefinition[] = [
  ...[
    appArmorProfileCheck, capabilitiesBaselineCheck, hostNamespacesCheck, hostPathVolumesCheck, hostPortsCheck,
    hostProbesAndHostLifecycleCheck, privilegedCheck, procMountCheck, seccompProfileBaselineCheck, seLinuxOptionsCheck,
    sysctlsCheck, windowsHostProcessCheck,
  ].sort(byId),
  ...[
    allowPrivilegeEscalationCheck, capabilitiesRestrictedCheck, procMountRestrictedCheck, restrictedVolumesCheck,
    runAsNonRootCheck, runAsUserCheck, seccompProfileRestrictedCheck,
  ].sort(byId),
];

/**
 * The newest policy minor version: the highest version at which any check changes. `latest`
 * resolves to it, and newer versions evaluate as it, as on the API server.
 */
export const LATEST_POLICY_MINOR = Math.max(...CHECKS.flatMap((check) => check.versions.map((v) => v.minVersion)));

/** Metadata about a Pod Security Standards check, for documentation and rule packs. */
export interface PssCheckInfo {
  /** Upstream check ID, e.g. `runAsNonRoot`. */
  readonly id: string;
  /** The level the check belongs to; restricted includes every baseline check that is not overridden. */
  readonly level: PssLevel;
  /** The control's name on the Pod Security Standards page. */
  readonly title: string;
  /** First policy minor version (1.x) that has the check. */
  readonly minVersion: number;
  /** Every policy minor version at which the check's behaviour starts or changes. */
  readonly versions: readonly number[];
  /** Baseline checks that this restricted check replaces at the restricted level. */
  readonly overrides?: string[];
}

/** Every Pod Security Standards check, baseline first then restricted. */
export const PSS_CHECKS: ReadonlyArray<PssCheckInfo> = CHECKS.map((check) => {
  const overrides = [...new Set(check.versions.flatMap((v) => v.overrides ?? []))];
  return {
    id: check.id,
    level: check.level,
    title: check.title,
    minVersion: check.versions[0].minVersion,
    versions: check.versions.map((v) => v.minVersion),
    ...(overrides.length > 0 ? { overrides } : {}),
  };
});

/** The revision of a check in force at a policy version, if the check exists yet. */
function revisionAt(check: CheckDefinition, minorVersion: number): VersionedCheck | undefined {
  return [...check.versions].reverse().find((revision) => revision.minVersion <= minorVersion);
}

/**
 * Evaluates a pod at a Pod Security Standards level and policy minor version (the `x` of `v1.x`)
 * and returns only the failed checks, baseline first; an empty list means the pod is allowed.
 *
 * @param podMetadata the pod's `metadata` (annotations are read), as a plain manifest object
 * @param podSpec the pod's `spec`, as a plain manifest object
 * @param level `baseline`, or `restricted` (which includes the baseline checks it does not override)
 * @param minorVersion the policy minor version; versions newer than {@link LATEST_POLICY_MINOR} evaluate as it
 */
export function evaluatePodSecurity(podMetadata: any, podSpec: any, level: PssLevel, minorVersion: number): PssCheckResult[] {
  if (level !== 'baseline' && level !== 'restricted') {
    throw new Error(`Pod Security Standards level '${level}' is not supported: use 'baseline' or 'restricted'`);
  }
  if (!Number.isInteger(minorVersion) || minorVersion < 0) {
    throw new Error(`policy minor version ${minorVersion} is not supported: use a whole number from 0 to ${LATEST_POLICY_MINOR}`);
  }
  const version = Math.min(minorVersion, LATEST_POLICY_MINOR);
  const revisions = CHECKS
    .filter((check) => level === 'restricted' || check.level === 'baseline')
    .map((check) => ({ check, revision: revisionAt(check, version) }))
    .filter((entry): entry is { check: CheckDefinition; revision: VersionedCheck } => entry.revision !== undefined);
  const overridden = new Set(revisions.flatMap(({ revision }) => revision.overrides ?? []));

  const pod = podManifestOf(podMetadata, podSpec);
  const results: PssCheckResult[] = [];
  for (const { check, revision } of revisions) {
    if (overridden.has(check.id)) continue;
    const violation = revision.checkPod(pod);
    if (violation) {
      results.push({
        checkId: check.id,
        level: check.level,
        forbiddenReason: violation.reason,
        forbiddenDetail: violation.detail,
        fieldPaths: violation.fieldPaths,
      });
    }
  }
  return results;
}

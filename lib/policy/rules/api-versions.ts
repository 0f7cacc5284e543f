import { ApiReplacement, DEPRECATED_APIS, DeprecatedApi, deprecatedApi, replacementFor } from '../api-versions';
import { Severity, ToolEquivalents } from '../finding';
import { Rule, Violation } from '../rule';

/** Rule id of an object whose apiVersion the target Kubernetes release no longer serves. */
export const API_REMOVED = 'API-removed';
/** Rule id of an object whose apiVersion the target Kubernetes release deprecates. */
export const API_DEPRECATED = 'API-deprecated';

const KINDS = [...new Set(DEPRECATED_APIS.map((api) => api.kind))];
const EQUIVALENTS: ToolEquivalents = { kubeScore: ['stable-version'], kubeLinter: ['no-extensions-v1beta'], trivy: ['KSV-0107'] };

function describe(replacement: ApiReplacement, kind: string): string {
  return replacement.kind && replacement.kind !== kind ? `${replacement.apiVersion} ${replacement.kind}` : replacement.apiVersion;
}

/** `use networking.k8s.io/v1`, or what to do when no API replaces the kind. */
function advice(api: DeprecatedApi, minor: number): string {
  const replacement = replacementFor(api, minor);
  return replacement ? `use ${describe(replacement, api.kind)}` : `${api.kind} has no replacement API`;
}

function fixFor(api: DeprecatedApi, minor: number): string {
  const replacement = replacementFor(api, minor);
  const change = replacement
    ? `Change apiVersion to ${describe(replacement, api.kind)} (served since 1.${replacement.since}).`
    : '';
  return [change, api.changes ?? ''].filter(Boolean).join(' ');
}

function entryOf(manifest: any): DeprecatedApi | undefined {
  const { apiVersion, kind } = manifest ?? {};
  return typeof apiVersion === 'string' && typeof kind === 'string' ? deprecatedApi(apiVersion, kind) : undefined;
}

/**
 * The rules for a target Kubernetes minor version: `API-removed` (HIGH) for objects whose apiVersion
 * the release no longer serves, `API-deprecated` (LOW) for those it serves with a deprecation warning.
 */
export function apiVersionRules(minor: number): Rule[] {
  const target = `Kubernetes 1.${minor}`;
  const check = (wanted: 'removed' | 'deprecated') => (object: { manifest: any }): Violation[] => {
    const api = entryOf(object.manifest);
    if (!api) return [];
    const removed = api.removedIn !== undefined && api.removedIn <= minor;
    if (wanted === 'removed' && removed) {
      return [{
        fieldPath: 'apiVersion',
        message: `${api.apiVersion} ${api.kind} is not served since Kubernetes 1.${api.removedIn} (target ${target}): ${advice(api, minor)}`,
        fix: fixFor(api, minor),
      }];
    }
    if (wanted === 'deprecated' && !removed && api.deprecatedIn <= minor) {
      const removal = api.removedIn !== undefined ? `, and no longer served from 1.${api.removedIn}` : '';
      return [{
        fieldPath: 'apiVersion',
        message: `${api.apiVersion} ${api.kind} is deprecated since Kubernetes 1.${api.deprecatedIn}${removal} (target ${target}): ${advice(api, minor)}`,
        fix: fixFor(api, minor),
      }];
    }
    return [];
  };
  return [
    {
      id: API_REMOVED,
      title: `apiVersion is served by ${target}`,
      severity: Severity.HIGH,
      kinds: KINDS,
      rationale: `The API server of ${target} rejects an object whose apiVersion it no longer serves, so the whole apply fails (Helm and kubectl stop at the first such object). The removals follow the Kubernetes deprecated API migration guide.`,
      fieldPath: 'apiVersion',
      fix: 'Change apiVersion to the replacement named in the finding and make the field changes it lists (kubectl-convert can rewrite a manifest).',
      constructFix: 'The cdk8s-hardened constructs render current API versions (apps/v1, batch/v1, policy/v1, autoscaling/v2, networking.k8s.io/v1); update ApiObjects written by hand.',
      severityReason: 'HIGH: a definite defect for the target release: the API server rejects the object and the whole apply stops.',
      equivalents: EQUIVALENTS,
      check: check('removed'),
    },
    {
      id: API_DEPRECATED,
      title: `apiVersion is not deprecated in ${target}`,
      severity: Severity.LOW,
      kinds: KINDS,
      rationale: `${target} still serves a deprecated apiVersion but warns on every request, and a later release removes it: migrating now keeps the next upgrade from failing.`,
      fieldPath: 'apiVersion',
      fix: 'Change apiVersion to the replacement named in the finding before upgrading to the release that removes it.',
      constructFix: 'The cdk8s-hardened constructs render current API versions; update ApiObjects written by hand.',
      severityReason: 'LOW: the object still works on the target release; kube-score and Trivy rate unstable versions as warnings or LOW.',
      equivalents: EQUIVALENTS,
      check: check('deprecated'),
    },
  ];
}

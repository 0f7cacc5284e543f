/**
 * The Kubernetes API versions that were deprecated or are no longer served, per kind.
 *
 * Sources:
 * - the Kubernetes Deprecated API Migration Guide,
 *   https://kubernetes.io/docs/reference/using-api/deprecation-guide/ (removals in 1.16, 1.22, 1.25,
 *   1.26, 1.27, 1.29 and 1.32, the replacement of each, the release it is available since, and the
 *   notable field changes quoted in `changes`);
 * - FairwindsOps/pluto, versions.yaml (the release each version was deprecated in);
 * - for the v1 Endpoints deprecation in 1.33: https://kubernetes.io/blog/2025/04/24/endpoints-deprecation/
 *   (KEP-4974; the API server warns, nothing is removed).
 *
 * Alpha versions are not listed: no cluster serves them unless an administrator enables them.
 * Where pluto gives no deprecation release, the first release whose API server warned about the
 * version (1.19, when deprecation warnings were introduced) is used.
 */

/** An API version that a replacement supersedes, from the release it is served in. */
export interface ApiReplacement {
  /** apiVersion of the replacement, e.g. `apps/v1`. */
  readonly apiVersion: string;
  /** Kind of the replacement when it is not the same kind (Endpoints -> EndpointSlice). */
  readonly kind?: string;
  /** Minor version of the first release that serves it (1.N). */
  readonly since: number;
}

/** One kind in one deprecated API version. */
export interface DeprecatedApi {
  readonly apiVersion: string;
  readonly kind: string;
  /** Minor version of the release that deprecated it. */
  readonly deprecatedIn: number;
  /** Minor version of the first release that no longer serves it; undefined when no removal is planned. */
  readonly removedIn?: number;
  /** Replacements, most preferred first; the first one the target release serves is suggested. */
  readonly replacements: readonly ApiReplacement[];
  /** What to change beyond the apiVersion, or how to migrate when there is no replacement. */
  readonly changes?: string;
}

/** The oldest Kubernetes minor version the table describes. */
export const OLDEST_KUBERNETES_MINOR = 16;
/** The newest Kubernetes minor version the table describes, and the default target. */
export const NEWEST_KUBERNETES_MINOR = 33;

const APPS_V1 = [{ apiVersion: 'apps/v1', since: 9 }];
const SELECTOR_REQUIRED = 'spec.selector is required and immutable in apps/v1: use the template labels as the selector.';
const FLOWCONTROL = (kind: string, deprecatedIn: number, removedIn: number, version: string): DeprecatedApi => ({
  apiVersion: `flowcontrol.apiserver.k8s.io/${version}`, kind, deprecatedIn, removedIn,
  replacements: [{ apiVersion: 'flowcontrol.apiserver.k8s.io/v1', since: 29 }, { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', since: 26 }, { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta2', since: 23 }]
    .filter((r) => r.apiVersion !== `flowcontrol.apiserver.k8s.io/${version}`),
  changes: kind === 'PriorityLevelConfiguration' ? 'spec.limited.assuredConcurrencyShares is renamed spec.limited.nominalConcurrencyShares (v1beta3 and v1).' : undefined,
});

/** Every deprecated or removed API version of a built-in kind, by removal release. */
export const DEPRECATED_APIS: readonly DeprecatedApi[] = [
  // 1.16
  { apiVersion: 'extensions/v1beta1', kind: 'NetworkPolicy', deprecatedIn: 9, removedIn: 16, replacements: [{ apiVersion: 'networking.k8s.io/v1', since: 8 }] },
  { apiVersion: 'extensions/v1beta1', kind: 'PodSecurityPolicy', deprecatedIn: 10, removedIn: 16, replacements: [{ apiVersion: 'policy/v1beta1', since: 10 }], changes: 'PodSecurityPolicy itself is removed in 1.25: enforce the Pod Security Standards with namespace labels instead.' },
  ...['extensions/v1beta1', 'apps/v1beta2'].map((apiVersion) => ({ apiVersion, kind: 'DaemonSet', deprecatedIn: 9, removedIn: 16, replacements: APPS_V1, changes: `${SELECTOR_REQUIRED} spec.templateGeneration is removed; spec.updateStrategy.type now defaults to RollingUpdate.` })),
  ...['extensions/v1beta1', 'apps/v1beta1', 'apps/v1beta2'].map((apiVersion) => ({ apiVersion, kind: 'Deployment', deprecatedIn: 9, removedIn: 16, replacements: APPS_V1, changes: `${SELECTOR_REQUIRED} spec.rollbackTo is removed; progressDeadlineSeconds, revisionHistoryLimit, maxSurge and maxUnavailable get new defaults.` })),
  ...['apps/v1beta1', 'apps/v1beta2'].map((apiVersion) => ({ apiVersion, kind: 'StatefulSet', deprecatedIn: 9, removedIn: 16, replacements: APPS_V1, changes: `${SELECTOR_REQUIRED} spec.updateStrategy.type now defaults to RollingUpdate.` })),
  ...['extensions/v1beta1', 'apps/v1beta1', 'apps/v1beta2'].map((apiVersion) => ({ apiVersion, kind: 'ReplicaSet', deprecatedIn: 9, removedIn: 16, replacements: APPS_V1, changes: SELECTOR_REQUIRED })),
  // 1.22
  ...['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'].map((kind) => ({
    apiVersion: 'admissionregistration.k8s.io/v1beta1', kind, deprecatedIn: 16, removedIn: 22, replacements: [{ apiVersion: 'admissionregistration.k8s.io/v1', since: 16 }],
    changes: 'webhooks[*].sideEffects and admissionReviewVersions are required; failurePolicy defaults to Fail, matchPolicy to Equivalent, timeoutSeconds to 10.',
  })),
  {
    apiVersion: 'apiextensions.k8s.io/v1beta1', kind: 'CustomResourceDefinition', deprecatedIn: 16, removedIn: 22, replacements: [{ apiVersion: 'apiextensions.k8s.io/v1', since: 16 }],
    changes: 'spec.scope is required; spec.version, validation, subresources and additionalPrinterColumns move into spec.versions[*]; each version needs a structural schema.openAPIV3Schema.',
  },
  { apiVersion: 'apiregistration.k8s.io/v1beta1', kind: 'APIService', deprecatedIn: 10, removedIn: 22, replacements: [{ apiVersion: 'apiregistration.k8s.io/v1', since: 10 }] },
  { apiVersion: 'authentication.k8s.io/v1beta1', kind: 'TokenReview', deprecatedIn: 19, removedIn: 22, replacements: [{ apiVersion: 'authentication.k8s.io/v1', since: 6 }] },
  ...['LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SubjectAccessReview', 'SelfSubjectRulesReview'].map((kind) => ({
    apiVersion: 'authorization.k8s.io/v1beta1', kind, deprecatedIn: 19, removedIn: 22, replacements: [{ apiVersion: 'authorization.k8s.io/v1', since: 6 }], changes: 'spec.group is renamed spec.groups.',
  })),
  {
    apiVersion: 'certificates.k8s.io/v1beta1', kind: 'CertificateSigningRequest', deprecatedIn: 19, removedIn: 22, replacements: [{ apiVersion: 'certificates.k8s.io/v1', since: 19 }],
    changes: 'spec.signerName and spec.usages are required.',
  },
  { apiVersion: 'coordination.k8s.io/v1beta1', kind: 'Lease', deprecatedIn: 14, removedIn: 22, replacements: [{ apiVersion: 'coordination.k8s.io/v1', since: 14 }] },
  ...['extensions/v1beta1', 'networking.k8s.io/v1beta1'].map((apiVersion) => ({
    apiVersion, kind: 'Ingress', deprecatedIn: apiVersion === 'extensions/v1beta1' ? 14 : 19, removedIn: 22,
    replacements: [{ apiVersion: 'networking.k8s.io/v1', since: 19 }, ...(apiVersion === 'extensions/v1beta1' ? [{ apiVersion: 'networking.k8s.io/v1beta1', since: 14 }] : [])],
    changes: 'spec.backend is renamed spec.defaultBackend; backend serviceName/servicePort become service.name and service.port.number or service.port.name; every path needs a pathType (ImplementationSpecific keeps the v1beta1 behaviour).',
  })),
  { apiVersion: 'networking.k8s.io/v1beta1', kind: 'IngressClass', deprecatedIn: 19, removedIn: 22, replacements: [{ apiVersion: 'networking.k8s.io/v1', since: 19 }] },
  ...['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'].map((kind) => ({ apiVersion: 'rbac.authorization.k8s.io/v1beta1', kind, deprecatedIn: 17, removedIn: 22, replacements: [{ apiVersion: 'rbac.authorization.k8s.io/v1', since: 8 }] })),
  { apiVersion: 'scheduling.k8s.io/v1beta1', kind: 'PriorityClass', deprecatedIn: 14, removedIn: 22, replacements: [{ apiVersion: 'scheduling.k8s.io/v1', since: 14 }] },
  ...([['CSIDriver', 19, 19], ['CSINode', 17, 17], ['StorageClass', 6, 6], ['VolumeAttachment', 13, 13]] as const).map(([kind, deprecatedIn, since]) => ({
    apiVersion: 'storage.k8s.io/v1beta1', kind, deprecatedIn, removedIn: 22, replacements: [{ apiVersion: 'storage.k8s.io/v1', since }],
  })),
  // 1.25
  { apiVersion: 'batch/v1beta1', kind: 'CronJob', deprecatedIn: 21, removedIn: 25, replacements: [{ apiVersion: 'batch/v1', since: 21 }] },
  {
    apiVersion: 'discovery.k8s.io/v1beta1', kind: 'EndpointSlice', deprecatedIn: 21, removedIn: 25, replacements: [{ apiVersion: 'discovery.k8s.io/v1', since: 21 }],
    changes: 'use each endpoint\'s nodeName and zone instead of topology; topology becomes the read-only deprecatedTopology.',
  },
  {
    apiVersion: 'events.k8s.io/v1beta1', kind: 'Event', deprecatedIn: 19, removedIn: 25, replacements: [{ apiVersion: 'events.k8s.io/v1', since: 19 }],
    changes: 'involvedObject is renamed regarding; action, reason, reportingController and reportingInstance are required; type is Normal or Warning.',
  },
  {
    apiVersion: 'autoscaling/v2beta1', kind: 'HorizontalPodAutoscaler', deprecatedIn: 22, removedIn: 25,
    replacements: [{ apiVersion: 'autoscaling/v2', since: 23 }, { apiVersion: 'autoscaling/v2beta2', since: 12 }],
    changes: 'targetAverageUtilization becomes target.type: Utilization with target.averageUtilization.',
  },
  {
    apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', deprecatedIn: 21, removedIn: 25, replacements: [{ apiVersion: 'policy/v1', since: 21 }],
    changes: 'an empty spec.selector ({}) selects every pod of the namespace in policy/v1 (none in v1beta1).',
  },
  {
    apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', deprecatedIn: 21, removedIn: 25, replacements: [],
    changes: 'PodSecurityPolicy has no replacement API: enforce the Pod Security Standards with the pod-security.kubernetes.io/enforce namespace label (HardenedNamespace sets it) and delete the policy.',
  },
  { apiVersion: 'node.k8s.io/v1beta1', kind: 'RuntimeClass', deprecatedIn: 22, removedIn: 25, replacements: [{ apiVersion: 'node.k8s.io/v1', since: 20 }] },
  // 1.26
  {
    apiVersion: 'autoscaling/v2beta2', kind: 'HorizontalPodAutoscaler', deprecatedIn: 23, removedIn: 26, replacements: [{ apiVersion: 'autoscaling/v2', since: 23 }],
    changes: 'targetAverageUtilization becomes target.type: Utilization with target.averageUtilization.',
  },
  ...['FlowSchema', 'PriorityLevelConfiguration'].map((kind) => FLOWCONTROL(kind, 23, 26, 'v1beta1')),
  // 1.27
  { apiVersion: 'storage.k8s.io/v1beta1', kind: 'CSIStorageCapacity', deprecatedIn: 24, removedIn: 27, replacements: [{ apiVersion: 'storage.k8s.io/v1', since: 24 }] },
  // 1.29 and 1.32
  ...['FlowSchema', 'PriorityLevelConfiguration'].map((kind) => FLOWCONTROL(kind, 26, 29, 'v1beta2')),
  ...['FlowSchema', 'PriorityLevelConfiguration'].map((kind) => FLOWCONTROL(kind, 29, 32, 'v1beta3')),
  // deprecated, not removed
  {
    apiVersion: 'v1', kind: 'Endpoints', deprecatedIn: 33, replacements: [{ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', since: 21 }],
    changes: 'write EndpointSlices labelled kubernetes.io/service-name: <service> instead; one Service may have several slices.',
  },
];

const BY_KEY = new Map(DEPRECATED_APIS.map((api) => [`${api.apiVersion}\u0000${api.kind}`, api]));

/** The table entry for an apiVersion and kind, if that version is deprecated or removed. */
export function deprecatedApi(apiVersion: string, kind: string): DeprecatedApi | undefined {
  return BY_KEY.get(`${apiVersion}\u0000${kind}`);
}

/**
 * The replacement to suggest to a cluster at minor version `minor`: the first one the release
 * serves and does not deprecate, else the first one it serves.
 */
export function replacementFor(api: DeprecatedApi, minor: number): ApiReplacement | undefined {
  const served = api.replacements.filter((r) => r.since <= minor);
  return served.find((r) => !isDeprecatedAt(r, api.kind, minor)) ?? served[0];
}

function isDeprecatedAt(replacement: ApiReplacement, kind: string, minor: number): boolean {
  const entry = deprecatedApi(replacement.apiVersion, replacement.kind ?? kind);
  return entry !== undefined && entry.deprecatedIn <= minor;
}

/**
 * Parses a Kubernetes version (`1.29`, `v1.29`, or with a patch, `1.29.3`) into its minor version.
 * @throws an error naming the value and the accepted range
 */
export function parseKubernetesVersion(version: string): number {
  const match = /^v?1\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?$/.exec(String(version).trim());
  const minor = match ? Number(match[1]) : NaN;
  if (!(minor >= OLDEST_KUBERNETES_MINOR && minor <= NEWEST_KUBERNETES_MINOR)) {
    throw new Error(`Kubernetes version '${version}' is not supported: use 1.${OLDEST_KUBERNETES_MINOR} to 1.${NEWEST_KUBERNETES_MINOR} (e.g. 1.${NEWEST_KUBERNETES_MINOR} or v1.${NEWEST_KUBERNETES_MINOR}), the releases whose removed and deprecated APIs are known`);
  }
  return minor;
}

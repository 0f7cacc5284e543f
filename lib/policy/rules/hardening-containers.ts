import { Severity } from '../finding';
import { namespaceOf, Rule } from '../rule';
import { containerRule, selectedByService } from './hardening-support';

/*
 * Container-level hardening rules: filesystem, identity, resources, images, probes, credentials.
 * Checks that the Pod Security Standards already make (privileged, capabilities, escalation,
 * seccomp, host namespaces) are not repeated here: apply the PodSecurity pack for those.
 */

const CREDENTIAL_NAME = /PASSWORD|PASSWD|TOKEN|SECRET|KEY/i;
const DIGEST = /@sha256:[0-9a-f]{64}$/;

function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon >= 0 ? withoutDigest.slice(colon + 1) : undefined;
}

function hasQuantity(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '' && value !== 0 && value !== '0';
}

/** The effective value of a securityContext field: the container's, else the pod's. */
function effective(container: any, podSpec: any, field: string): unknown {
  return container.securityContext?.[field] ?? podSpec?.securityContext?.[field];
}

function probeHandler(probe: any): string {
  const { httpGet, tcpSocket, grpc, exec } = probe ?? {};
  return JSON.stringify({ httpGet: httpGet && { path: httpGet.path ?? '/', port: httpGet.port }, tcpSocket: tcpSocket && { port: tcpSocket.port }, grpc: grpc && { port: grpc.port, service: grpc.service }, exec });
}

export const CONTAINER_RULES: Rule[] = [
  containerRule({
    id: 'HARD-read-only-root-filesystem', title: 'Root filesystem is read-only', severity: Severity.HIGH, includeInit: true,
    rationale: 'A writable root filesystem lets an intruder drop binaries and alter the application in place; read-only, the container can only write to the volumes it declares.',
    fieldPath: '<container>.securityContext.readOnlyRootFilesystem',
    fix: 'Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the app writes (cdk8s-hardened does both, /tmp included).',
    equivalents: { kubeScore: ['container-security-context-readonlyrootfilesystem'], polaris: ['notReadOnlyRootFilesystem'], kubeLinter: ['no-read-only-root-fs'], checkov: ['CKV_K8S_22'], trivy: ['KSV-0014'] },
  }, ({ container, path }) => (container.securityContext?.readOnlyRootFilesystem === true ? undefined : {
    fieldPath: `${path}.securityContext.readOnlyRootFilesystem`,
    message: `container '${container.name}' does not set readOnlyRootFilesystem: true`,
  })),
  ...(['runAsUser', 'runAsGroup'] as const).map((field) => containerRule({
    id: field === 'runAsUser' ? 'HARD-run-as-user-high-uid' : 'HARD-run-as-group-high-gid',
    title: `${field} is above 10000`, severity: Severity.MEDIUM, includeInit: true,
    rationale: `Ids of 10000 or less can be those of real users on the node, so a container escape would act as them. kube-score and Checkov want the effective ${field} >= 10000, Trivy > 10000 on the container itself; this rule takes the strictest threshold (> 10000) on the effective value.`,
    fieldPath: `<container>.securityContext.${field} or <podSpec>.securityContext.${field}`,
    fix: `Set ${field} above 10000, e.g. 65532 (the distroless nonroot id), on the pod and every container; cdk8s-hardened does so by default.`,
    equivalents: field === 'runAsUser'
      ? { kubeScore: ['container-security-context-user-group-id'], checkov: ['CKV_K8S_40'], trivy: ['KSV-0020'] }
      : { kubeScore: ['container-security-context-user-group-id'], trivy: ['KSV-0021'] },
  }, ({ container, path }, pod) => {
    const value = effective(container, pod.spec, field);
    if (typeof value === 'number' && value > 10000) return undefined;
    return { fieldPath: `${path}.securityContext.${field}`, message: `container '${container.name}' runs with ${field} ${value ?? '(unset, the image default)'}` };
  })),
  ...([['cpu', 'HARD-cpu-request-set', ['container-resources'], ['cpuRequestsMissing'], ['unset-cpu-requirements'], ['CKV_K8S_10'], ['KSV-0015']],
    ['memory', 'HARD-memory-request-set', ['container-resources'], ['memoryRequestsMissing'], [], ['CKV_K8S_12'], ['KSV-0016']]] as const)
    .map(([resource, id, kubeScore, polaris, kubeLinter, checkov, trivy]) => containerRule({
      id, title: `${resource} request is set`, severity: Severity.MEDIUM, includeInit: true,
      rationale: `Without a ${resource} request the scheduler places the pod as if it needed none, nodes get overcommitted, and the pod is among the first evicted under pressure.`,
      fieldPath: `<container>.resources.requests.${resource}`,
      fix: `Set resources.requests.${resource} (cdk8s-hardened requires resources or a SizePreset).`,
      equivalents: { kubeScore: [...kubeScore], polaris: [...polaris], kubeLinter: [...kubeLinter], checkov: [...checkov], trivy: [...trivy] },
    }, ({ container, path }) => (hasQuantity(container.resources?.requests?.[resource]) ? undefined : {
      fieldPath: `${path}.resources.requests.${resource}`, message: `container '${container.name}' has no ${resource} request`,
    }))),
  containerRule({
    id: 'HARD-memory-limit-set', title: 'Memory limit is set', severity: Severity.MEDIUM, includeInit: true,
    rationale: 'Without a memory limit one leaking container can exhaust the node and get its neighbours OOM-killed. (CPU limits are deliberately not required: they throttle under a CFS quota even on an idle node; the request already guarantees a share.)',
    fieldPath: '<container>.resources.limits.memory',
    fix: 'Set resources.limits.memory, at least the request (cdk8s-hardened defaults it to the request).',
    equivalents: { kubeScore: ['container-resources'], polaris: ['memoryLimitsMissing'], kubeLinter: ['unset-memory-requirements'], checkov: ['CKV_K8S_13'], trivy: ['KSV-0018'] },
  }, ({ container, path }) => (hasQuantity(container.resources?.limits?.memory) ? undefined : {
    fieldPath: `${path}.resources.limits.memory`, message: `container '${container.name}' has no memory limit`,
  })),
  containerRule({
    id: 'HARD-ephemeral-storage-request-limit', title: 'Ephemeral-storage request and limit are set', severity: Severity.HIGH, includeInit: true,
    rationale: 'Logs, the writable layer and emptyDir volumes fill the node disk; without a limit one pod can trigger disk-pressure evictions of everything on the node.',
    fieldPath: '<container>.resources.{requests,limits}.ephemeral-storage',
    fix: "Set resources.requests['ephemeral-storage'] and resources.limits['ephemeral-storage'] (cdk8s-hardened: 256Mi and 1Gi by default).",
    equivalents: { kubeScore: ['container-ephemeral-storage-request-and-limit'] },
  }, ({ container, path }) => {
    const missing = ['requests', 'limits'].filter((k) => !hasQuantity(container.resources?.[k]?.['ephemeral-storage']));
    return missing.length === 0 ? undefined : { fieldPath: `${path}.resources.${missing[0]}.ephemeral-storage`, message: `container '${container.name}' has no ephemeral-storage ${missing.join(' or ')}` };
  }),
  containerRule({
    id: 'HARD-image-tag-pinned', title: 'Image is pinned to a version tag or digest', severity: Severity.HIGH, includeInit: true,
    rationale: 'An untagged or `latest` image changes under the same name: rollouts are not reproducible and a rollback may run the broken version again.',
    fieldPath: '<container>.image',
    fix: "Use a version tag ('repo:1.4.2') or a digest ('repo@sha256:...').",
    equivalents: { kubeScore: ['container-image-tag'], polaris: ['tagNotSpecified'], kubeLinter: ['latest-tag'], checkov: ['CKV_K8S_14'], trivy: ['KSV-0013'] },
  }, ({ container, path }) => {
    const image = String(container.image ?? '');
    if (DIGEST.test(image)) return undefined;
    const tag = imageTag(image);
    if (tag !== undefined && tag !== 'latest') return undefined;
    return { fieldPath: `${path}.image`, message: `container '${container.name}' uses ${tag === 'latest' ? "the mutable tag 'latest'" : 'an untagged image'} ('${image}')` };
  }),
  containerRule({
    id: 'HARD-image-pull-policy', title: 'Mutable image references are always pulled', severity: Severity.MEDIUM, includeInit: true,
    rationale: 'A tag can be moved to another image; with IfNotPresent a node keeps running whatever it cached and skips the registry credential check. A digest cannot change, so any policy is safe for it (Checkov CKV_K8S_15 agrees; kube-score and Polaris want Always even for digests).',
    fieldPath: '<container>.imagePullPolicy',
    fix: 'Set imagePullPolicy: Always, or pin the image by digest.',
    equivalents: { kubeScore: ['container-image-pull-policy'], polaris: ['pullPolicyNotAlways'], checkov: ['CKV_K8S_15'] },
  }, ({ container, path }) => (container.imagePullPolicy === 'Always' || DIGEST.test(String(container.image ?? '')) ? undefined : {
    fieldPath: `${path}.imagePullPolicy`, message: `container '${container.name}' pulls the tag-referenced image with ${container.imagePullPolicy ?? 'the default policy'}`,
  })),
  containerRule({
    id: 'HARD-readiness-probe-set', title: 'Pods behind a Service have a readiness probe', severity: Severity.MEDIUM, includeInit: false,
    rationale: 'Without a readiness probe a Service sends traffic to a pod as soon as its process starts, and keeps sending it when the pod can no longer serve; deploys and overloads then drop requests. Applies to pods a Service in the audit selects (kube-score semantics).',
    fieldPath: '<container>.readinessProbe',
    fix: "Add a readinessProbe (cdk8s-hardened: readiness: Probe.http('/ready')).",
    equivalents: { kubeScore: ['pod-probes'], polaris: ['readinessProbeMissing'], kubeLinter: ['no-readiness-probe'], checkov: ['CKV_K8S_9'] },
  }, ({ container, path }, pod, object, context) => {
    if (container.readinessProbe) return undefined;
    return selectedByService(context, namespaceOf(object.manifest), pod.metadata?.labels) ? { fieldPath: `${path}.readinessProbe`, message: `container '${container.name}' is behind a Service but has no readiness probe` } : undefined;
  }),
  containerRule({
    id: 'HARD-liveness-readiness-differ', title: 'Liveness and readiness probes differ', severity: Severity.HIGH, includeInit: false,
    rationale: 'When liveness checks exactly what readiness checks, a failing dependency makes every pod unready and then restarts them all at once, turning a partial outage into a full one.',
    fieldPath: '<container>.livenessProbe, <container>.readinessProbe',
    fix: "Give liveness its own cheap check of the process itself (e.g. Probe.http('/healthz') or Probe.tcp()).",
    equivalents: { kubeScore: ['pod-probes-identical'] },
  }, ({ container, path }) => (container.livenessProbe && container.readinessProbe && probeHandler(container.livenessProbe) === probeHandler(container.readinessProbe) ? {
    fieldPath: `${path}.livenessProbe`, message: `container '${container.name}' uses the same check for liveness and readiness`,
  } : undefined)),
  containerRule({
    id: 'HARD-probe-ports-exposed', title: 'Probes target declared container ports', severity: Severity.MEDIUM, includeInit: false,
    rationale: 'A probe on a port the container does not declare usually means a typo or a stale port: the probe then fails forever (restart loop) or targets the wrong listener.',
    fieldPath: '<container>.{liveness,readiness,startup}Probe.{httpGet,tcpSocket,grpc}.port',
    fix: 'Probe a port listed in the container\'s ports (by number or name), or declare the port.',
    equivalents: { kubeLinter: ['liveness-port', 'readiness-port', 'startup-port'] },
  }, ({ container, path }) => {
    const ports: any[] = Array.isArray(container.ports) ? container.ports : [];
    const known = new Set<unknown>([...ports.map((p) => p.containerPort), ...ports.map((p) => p.name).filter(Boolean)]);
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
      for (const action of ['httpGet', 'tcpSocket', 'grpc']) {
        const port = container[probe]?.[action]?.port;
        if (port !== undefined && !known.has(port)) {
          return { fieldPath: `${path}.${probe}.${action}.port`, message: `${probe} of container '${container.name}' targets port ${port}, which the container does not declare` };
        }
      }
    }
    return undefined;
  }),
  containerRule({
    id: 'HARD-no-literal-secrets-in-env', title: 'No literal credentials in environment variables', severity: Severity.HIGH, includeInit: true,
    rationale: 'A literal value for a PASSWORD, TOKEN, SECRET or KEY variable ends up in Git, in every manifest diff and in `kubectl describe`.',
    fieldPath: '<container>.env[*].value',
    fix: 'Store the value in a Secret and reference it with valueFrom.secretKeyRef (EnvValue.fromSecretValue).',
    equivalents: { polaris: ['sensitiveContainerEnvVar'], kubeLinter: ['env-var-secret'] },
  }, ({ container, path }) => {
    const env: any[] = Array.isArray(container.env) ? container.env : [];
    const index = env.findIndex((e) => CREDENTIAL_NAME.test(String(e?.name)) && typeof e?.value === 'string' && e.value !== '');
    return index < 0 ? undefined : { fieldPath: `${path}.env[${index}].value`, message: `environment variable '${env[index].name}' of container '${container.name}' has a literal value` };
  }),
];

import { imageTag } from '../defaults';
import { Severity } from '../finding';
import { PodTemplate } from '../pod-template';
import { AuditContext, AuditObject, Rule, Violation } from '../rule';
import { asList, asString, describeValue, field, isObject, JsonObject, objectItems, text } from '../shape';
import { isCredentialName, isLiteralSecret } from './credentials';
import { ContainerAt, containerRule, containersAt } from './hardening-support';
import { containerDeclares, servicesSelecting, serviceTargets } from './service-targets';

/*
 * Container-level hardening rules: filesystem, identity, resources, images, probes, credentials.
 * Checks that the Pod Security Standards already make (privileged, capabilities, escalation,
 * seccomp, host namespaces) are not repeated here: apply the PodSecurity pack for those.
 * Every rule sees the manifest after the API server's defaults (lib/policy/defaults.ts).
 */

const DIGEST = /@sha256:[0-9a-f]{64}$/;

function hasQuantity(value: unknown): boolean {
  return (typeof value === 'string' && value !== '' && value !== '0') || (typeof value === 'number' && value !== 0 && Number.isFinite(value));
}

/** The effective value of a securityContext field: the container's, else the pod's. */
function effective(container: JsonObject, podSpec: JsonObject, name: string): unknown {
  return field(container, 'securityContext', name) ?? field(podSpec, 'securityContext', name);
}

/** A probe's check, for comparing two probes: what it calls and where (the timings do not matter). */
function probeHandler(probe: unknown): string {
  const part = (action: string, defaults: Record<string, string>): string => {
    const handler = field(probe, action);
    if (!isObject(handler)) return '-';
    return Object.keys(defaults).map((key) => text(handler[key] ?? defaults[key])).join('\u0000');
  };
  const exec = isObject(field(probe, 'exec')) ? asList(field(probe, 'exec', 'command')).map(text).join('\u0000') : '-';
  return [part('httpGet', { path: '/', port: '', scheme: 'HTTP', host: '' }), part('tcpSocket', { port: '', host: '' }), part('grpc', { port: '', service: '' }), exec].join('\u0001');
}

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const PROBE_ACTIONS = ['httpGet', 'tcpSocket', 'grpc'] as const;

/** The containers of a pod that gate the traffic of the Services selecting it, and whether traffic also goes to a port no container declares. */
interface Serving {
  readonly containers: Set<JsonObject>;
  readonly undeclaredNumericTarget: boolean;
}

/**
 * Which containers of a pod gate the traffic of the Services that select it: those that declare a
 * port the Services target. A numeric target that no container declares is routed to the pod all
 * the same; a named target that no container declares is not (the pod is no endpoint for it).
 * Undefined when no Service selects the pod.
 */
const servingCache = new WeakMap<AuditObject, Serving | null>();
export function servingContainers(pod: PodTemplate, object: AuditObject, context: AuditContext): Serving | undefined {
  let serving = servingCache.get(object);
  if (serving === undefined) {
    const services = servicesSelecting(pod, object, context);
    if (services.length === 0) {
      serving = null;
    } else {
      const targets = services.flatMap(serviceTargets);
      const containers = containersAt(pod, false).map(({ container }) => container);
      serving = {
        containers: new Set(containers.filter((container) => targets.some((target) => containerDeclares(container, target)))),
        undeclaredNumericTarget: targets.some((target) => typeof target.target === 'number' && !containers.some((container) => containerDeclares(container, target))),
      };
    }
    servingCache.set(object, serving);
  }
  return serving ?? undefined;
}

function readinessViolation({ container, label, path }: ContainerAt, pod: PodTemplate, object: AuditObject, context: AuditContext): Violation | undefined {
  if (isObject(container.readinessProbe)) return undefined;
  const serving = servingContainers(pod, object, context);
  if (!serving) return undefined;
  if (serving.containers.has(container)) {
    return { fieldPath: `${path}.readinessProbe`, message: `container ${label} serves a port that a Service targets but has no readiness probe` };
  }
  // A numeric target no container declares still routes to the pod, and at least one container
  // must say when the pod is ready. Reported once, on the first container.
  const containers = containersAt(pod, false);
  if (serving.undeclaredNumericTarget && serving.containers.size === 0 && containers[0]?.container === container && !containers.some((c) => isObject(c.container.readinessProbe))) {
    return { fieldPath: `${path}.readinessProbe`, message: `a Service routes a port no container declares to this pod, and no container has a readiness probe (container ${label} is the first)` };
  }
  return undefined;
}

export const CONTAINER_RULES: Rule[] = [
  containerRule({
    id: 'HARD-read-only-root-filesystem', title: 'Root filesystem is read-only', severity: Severity.MEDIUM, includeInit: true,
    rationale: 'A writable root filesystem lets an intruder drop binaries and alter the application in place; read-only, the container can only write to the volumes it declares.',
    fieldPath: '<container>.securityContext.readOnlyRootFilesystem',
    fix: 'Set securityContext.readOnlyRootFilesystem: true on the container and mount an emptyDir volume at each path the application writes to (often /tmp).',
    constructFix: 'Every cdk8s-hardened container sets it and mounts an emptyDir at /tmp; add further writable paths with addVolumeMount.',
    severityReason: 'MEDIUM: defence in depth that not even the restricted profile requires, so it ranks with the restricted controls; Polaris warning (kube-score critical and Trivy HIGH rate it higher). HIGH is kept for what baseline refuses and for definite defects.',
    equivalents: { kubeScore: ['container-security-context-readonlyrootfilesystem'], polaris: ['notReadOnlyRootFilesystem'], kubeLinter: ['no-read-only-root-fs'], checkov: ['CKV_K8S_22'], trivy: ['KSV-0014'] },
  }, ({ container, label, path }) => (field(container, 'securityContext', 'readOnlyRootFilesystem') === true ? undefined : {
    fieldPath: `${path}.securityContext.readOnlyRootFilesystem`,
    message: `container ${label} does not set readOnlyRootFilesystem: true`,
  })),
  ...(['runAsUser', 'runAsGroup'] as const).map((name) => containerRule({
    id: name === 'runAsUser' ? 'HARD-run-as-user-high-uid' : 'HARD-run-as-group-high-gid',
    title: `${name} is above 10000`, severity: Severity.MEDIUM, includeInit: true,
    rationale: `Ids of 10000 or less can be those of real users on the node, so a container escape would act as them. kube-score and Checkov want the effective ${name} >= 10000, Trivy > 10000 on the container itself; this rule takes the strictest threshold (> 10000) on the effective value.`,
    fieldPath: `<container>.securityContext.${name} or <podSpec>.securityContext.${name}`,
    fix: `Set securityContext.${name} above 10000, e.g. 65532 (the distroless nonroot id), on the pod and on every container.`,
    constructFix: `cdk8s-hardened sets ${name} 65532 by default; pass ${name} in the workload props to choose another id above 10000.`,
    severityReason: 'MEDIUM: kube-score rates it critical but Trivy LOW, and the Pod Security Standards only forbid 0; a low id matters only after an escape.',
    equivalents: name === 'runAsUser'
      ? { kubeScore: ['container-security-context-user-group-id'], checkov: ['CKV_K8S_40'], trivy: ['KSV-0020'] }
      : { kubeScore: ['container-security-context-user-group-id'], trivy: ['KSV-0021'] },
  }, ({ container, label, path }, pod) => {
    const value = effective(container, pod.spec, name);
    if (typeof value === 'number' && value > 10000) return undefined;
    return { fieldPath: `${path}.securityContext.${name}`, message: `container ${label} runs with ${name} ${value === undefined || value === null ? '(unset, the image default)' : describeValue(value)}` };
  })),
  ...([['cpu', 'HARD-cpu-request-set', ['container-resources'], ['cpuRequestsMissing'], ['unset-cpu-requirements'], ['CKV_K8S_10'], ['KSV-0015']],
    ['memory', 'HARD-memory-request-set', ['container-resources'], ['memoryRequestsMissing'], [], ['CKV_K8S_12'], ['KSV-0016']]] as const)
    .map(([resource, id, kubeScore, polaris, kubeLinter, checkov, trivy]) => containerRule({
      id, title: `${resource} request is set`, severity: Severity.MEDIUM, includeInit: true,
      rationale: `Without a ${resource} request the scheduler places the pod as if it needed none, nodes get overcommitted, and the pod is among the first evicted under pressure. A limit without a request counts: the API server copies the limit into the request.`,
      fieldPath: `<container>.resources.requests.${resource}`,
      fix: `Set resources.requests.${resource} on the container (e.g. ${resource === 'cpu' ? '250m' : '256Mi'}).`,
      constructFix: 'Give the container resources (ContainerResources) or a SizePreset; cdk8s-hardened requires one of them.',
      severityReason: 'MEDIUM: kube-score and Polaris warning, Trivy LOW; a capacity risk, not a security hole.',
      equivalents: { kubeScore: [...kubeScore], polaris: [...polaris], kubeLinter: [...kubeLinter], checkov: [...checkov], trivy: [...trivy] },
    }, ({ container, label, path }) => (hasQuantity(field(container, 'resources', 'requests', resource)) ? undefined : {
      fieldPath: `${path}.resources.requests.${resource}`, message: `container ${label} has no ${resource} request`,
    }))),
  containerRule({
    id: 'HARD-memory-limit-set', title: 'Memory limit is set', severity: Severity.MEDIUM, includeInit: true,
    rationale: 'Without a memory limit one leaking container can exhaust the node and get its neighbours OOM-killed. (CPU limits are deliberately not required: they throttle under a CFS quota even on an idle node; the request already guarantees a share.)',
    fieldPath: '<container>.resources.limits.memory',
    fix: 'Set resources.limits.memory on the container, at least the memory request.',
    constructFix: 'cdk8s-hardened sets the memory limit to the request unless ContainerResources.memoryLimit gives another.',
    severityReason: 'MEDIUM: kube-score critical, Polaris warning, Trivy LOW; the harm is to availability of the node, not to confidentiality.',
    equivalents: { kubeScore: ['container-resources'], polaris: ['memoryLimitsMissing'], kubeLinter: ['unset-memory-requirements'], checkov: ['CKV_K8S_13'], trivy: ['KSV-0018'] },
  }, ({ container, label, path }) => (hasQuantity(field(container, 'resources', 'limits', 'memory')) ? undefined : {
    fieldPath: `${path}.resources.limits.memory`, message: `container ${label} has no memory limit`,
  })),
  containerRule({
    id: 'HARD-ephemeral-storage-request-limit', title: 'Ephemeral-storage request and limit are set', severity: Severity.MEDIUM, includeInit: true,
    rationale: 'Logs, the writable layer and emptyDir volumes fill the node disk; without a limit one pod can trigger disk-pressure evictions of everything on the node.',
    fieldPath: '<container>.resources.{requests,limits}.ephemeral-storage',
    fix: "Set resources.requests['ephemeral-storage'] and resources.limits['ephemeral-storage'] on the container (e.g. 256Mi and 1Gi).",
    constructFix: 'cdk8s-hardened sets 256Mi and 1Gi by default; ContainerResources.ephemeralStorage and ephemeralStorageLimit change them.',
    severityReason: 'MEDIUM: only kube-score checks it (critical); Polaris and Trivy have no such check, and like the memory limit it protects the node\'s availability, not its security. Kept below the security controls so that --fail-on high gates on those.',
    equivalents: { kubeScore: ['container-ephemeral-storage-request-and-limit'] },
  }, ({ container, label, path }) => {
    const missing = ['requests', 'limits'].filter((k) => !hasQuantity(field(container, 'resources', k, 'ephemeral-storage')));
    return missing.length === 0 ? undefined : { fieldPath: `${path}.resources.${missing[0]}.ephemeral-storage`, message: `container ${label} has no ephemeral-storage ${missing.join(' or ')}` };
  }),
  containerRule({
    id: 'HARD-image-tag-pinned', title: 'Image is pinned to a version tag or digest', severity: Severity.HIGH, includeInit: true,
    rationale: 'An untagged or `latest` image changes under the same name: rollouts are not reproducible and a rollback may run the broken version again.',
    fieldPath: '<container>.image',
    fix: "Reference the image by a version tag ('repo:1.4.2') or a digest ('repo@sha256:...').",
    constructFix: 'cdk8s-hardened refuses unpinned images unless allowUnpinnedImage is set: pass a pinned image instead.',
    severityReason: 'HIGH: kube-score critical and Polaris danger (Trivy MEDIUM); an unpinned image makes what runs unknowable.',
    equivalents: { kubeScore: ['container-image-tag'], polaris: ['tagNotSpecified'], kubeLinter: ['latest-tag'], checkov: ['CKV_K8S_14'], trivy: ['KSV-0013'] },
  }, ({ container, label, path }) => {
    const image = asString(container.image) ?? '';
    if (DIGEST.test(image)) return undefined;
    const tag = imageTag(image);
    if (tag !== undefined && tag !== 'latest') return undefined;
    return { fieldPath: `${path}.image`, message: `container ${label} uses ${tag === 'latest' ? "the mutable tag 'latest'" : 'an untagged image'} (${describeValue(container.image ?? '')})` };
  }),
  containerRule({
    id: 'HARD-image-pull-policy', title: 'Mutable image references are always pulled', severity: Severity.MEDIUM, includeInit: true,
    rationale: 'A tag can be moved to another image; with IfNotPresent a node keeps running whatever it cached and skips the registry credential check. A digest cannot change, so any policy is safe for it (Checkov CKV_K8S_15 agrees; kube-score and Polaris want Always even for digests). An unset policy is read as the API server defaults it: Always for `:latest` and untagged images, IfNotPresent otherwise.',
    fieldPath: '<container>.imagePullPolicy',
    fix: 'Set imagePullPolicy: Always on the container, or reference the image by digest.',
    constructFix: 'Pass the image by digest (repo@sha256:...); cdk8s-hardened then keeps IfNotPresent, which starts pods when the registry is down.',
    severityReason: 'MEDIUM: kube-score critical, Polaris warning; a risk only when tags are moved, and a digest removes it.',
    equivalents: { kubeScore: ['container-image-pull-policy'], polaris: ['pullPolicyNotAlways'], checkov: ['CKV_K8S_15'] },
  }, ({ container, label, path }) => (container.imagePullPolicy === 'Always' || DIGEST.test(asString(container.image) ?? '') ? undefined : {
    fieldPath: `${path}.imagePullPolicy`, message: `container ${label} pulls the tag-referenced image with ${describeValue(container.imagePullPolicy ?? 'the default policy')}`,
  })),
  containerRule({
    id: 'HARD-readiness-probe-set', title: 'Containers that serve a Service have a readiness probe', severity: Severity.MEDIUM, includeInit: false,
    rationale: 'Without a readiness probe a Service sends traffic to a pod as soon as its process starts, and keeps sending it when the pod can no longer serve; deploys and overloads then drop requests. Required of the containers that declare a port a Service of the audit targets (sidecars that serve no targeted port are left alone); when a Service routes a numeric port that no container declares, at least one container of the pod must have one. A pod that declares none of a Service\'s named target ports is no endpoint of it.',
    fieldPath: '<container>.readinessProbe',
    fix: 'Add a readinessProbe (httpGet, tcpSocket, grpc or exec) to the container that serves the Service\'s target port.',
    constructFix: "Pass readiness: Probe.http('/ready') (or Probe.tcp(), Probe.grpc()) to the workload.",
    severityReason: 'MEDIUM: kube-score critical, Polaris warning; dropped requests during deploys, not a security hole.',
    equivalents: { kubeScore: ['pod-probes'], polaris: ['readinessProbeMissing'], kubeLinter: ['no-readiness-probe'], checkov: ['CKV_K8S_9'] },
  }, readinessViolation),
  containerRule({
    id: 'HARD-liveness-readiness-differ', title: 'Liveness and readiness probes differ', severity: Severity.MEDIUM, includeInit: false,
    rationale: 'When liveness checks exactly what readiness checks, a pod that should only be taken out of rotation is restarted instead; when the check depends on a database or another service, its failure restarts every pod at once, turning a partial outage into a full one. Probes are compared by what they call (handler, path, port, scheme), not by their timings.',
    fieldPath: '<container>.livenessProbe, <container>.readinessProbe',
    fix: 'Give livenessProbe its own cheap check of the process itself (e.g. httpGet /healthz or tcpSocket), different from the readinessProbe.',
    constructFix: "Pass liveness: Probe.http('/healthz') or Probe.tcp() beside readiness: Probe.http('/ready').",
    severityReason: 'MEDIUM: kube-score critical, and no other tool checks it; identical probes multiply an outage only when the shared check depends on something outside the container, which the manifest does not show.',
    equivalents: { kubeScore: ['pod-probes-identical'] },
  }, ({ container, label, path }) => (isObject(container.livenessProbe) && isObject(container.readinessProbe) && probeHandler(container.livenessProbe) === probeHandler(container.readinessProbe) ? {
    fieldPath: `${path}.livenessProbe`, message: `container ${label} uses the same check for liveness and readiness`,
  } : undefined)),
  containerRule({
    id: 'HARD-probe-ports-exposed', title: 'Probes target declared container ports', severity: Severity.MEDIUM, includeInit: false,
    rationale: 'A probe on a port the container does not declare usually means a typo or a stale port: the probe then fails forever (restart loop) or targets the wrong listener.',
    fieldPath: '<container>.{liveness,readiness,startup}Probe.{httpGet,tcpSocket,grpc}.port',
    fix: 'Probe a port listed in the container\'s ports (by containerPort or name), or declare the port under ports.',
    constructFix: 'Probes of cdk8s-hardened target the workload\'s port unless given another; declare extra ports with the container\'s ports.',
    severityReason: 'MEDIUM: unrated by the other tools (kube-linter only); a probe on a wrong port shows up as restarts, not as an exposure.',
    equivalents: { kubeLinter: ['liveness-port', 'readiness-port', 'startup-port'] },
  }, ({ container, label, path }) => {
    const ports = objectItems(container.ports).map(([, port]) => port);
    const known = new Set<unknown>([...ports.map((p) => p.containerPort), ...ports.map((p) => p.name).filter((name) => typeof name === 'string' && name !== '')]);
    const violations: Violation[] = [];
    for (const probe of PROBES) {
      for (const action of PROBE_ACTIONS) {
        const port = field(container, probe, action, 'port');
        if ((typeof port === 'number' || typeof port === 'string') && !known.has(port)) {
          violations.push({ fieldPath: `${path}.${probe}.${action}.port`, message: `${probe} of container ${label} targets port ${describeValue(port)}, which the container does not declare` });
        }
      }
    }
    return violations;
  }),
  containerRule({
    id: 'HARD-no-literal-secrets-in-env', title: 'No literal credentials in environment variables', severity: Severity.HIGH, includeInit: true,
    rationale: 'A literal value for a variable that holds a credential ends up in Git, in every manifest diff and in `kubectl describe`. Names are judged by their words (split on _, -, . and camelCase): a password, passphrase, secret, token or API/access/private key is a credential; a name that ends in _FILE, _PATH, _PREFIX, _NAME and the like describes one, a name that starts with ALLOW_, ENABLE_, USE_ and the like is a switch, and switch values (true, no, 1) and $(VAR) references are not secrets. Every offending variable is reported.',
    fieldPath: '<container>.env[*].value',
    fix: 'Store the value in a Secret and reference it with env[].valueFrom.secretKeyRef (or mount the Secret as a file).',
    constructFix: 'Use EnvValue.fromSecretValue({ secret, key }) (cdk8s-plus) for the variable.',
    severityReason: 'HIGH: Polaris danger; a credential in a manifest is disclosed to everyone who can read the repository or the object.',
    equivalents: { polaris: ['sensitiveContainerEnvVar'], kubeLinter: ['env-var-secret'] },
  }, ({ container, label, path }) => objectItems(container.env)
    .filter(([, env]) => typeof env.name === 'string' && isCredentialName(env.name) && typeof env.value === 'string' && isLiteralSecret(env.value))
    .map(([index, env]) => ({ fieldPath: `${path}.env[${index}].value`, message: `environment variable '${text(env.name)}' of container ${label} has a literal value` }))),
];

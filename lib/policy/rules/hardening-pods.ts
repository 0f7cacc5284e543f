import { Severity } from '../finding';
import { manifestPath, podTemplateOf } from '../pod-template';
import { AuditContext, namespaceOf, Rule, Violation } from '../rule';
import { containerRule, containersAt, mapSelectorMatches, WORKLOAD_KINDS } from './hardening-support';
import { asArray, asRecord, isNonEmptyRecord } from './input';

/*
 * Pod and container rules of the hardening catalog beyond the first set: explicit security
 * contexts, sensitive host paths, privileged ports, duplicate variables and liveness probes.
 */

/** Host paths that give a container the node: its root, system directories and container runtime state. */
const SENSITIVE_HOST_PATHS = new Set(['/', '/boot', '/dev', '/etc', '/lib', '/proc', '/sys', '/usr', '/var/lib/docker', '/var/lib/containerd', '/run/containerd', '/var/run/containerd']);
const RUNTIME_SOCKET = /(^|\/)(docker|containerd|crio|cri-dockerd)\.sock$/;

/** `/var//run/docker.sock/` → `/var/run/docker.sock`; `''` stays `''`. */
function normalizeHostPath(path: string): string {
  const collapsed = path.replace(/\/+/g, '/');
  return collapsed.length > 1 ? collapsed.replace(/\/$/, '') : collapsed;
}

/** Long-running pods (Jobs finish, a hang is bounded by activeDeadlineSeconds), StatefulSets excepted (see the rule). */
const LIVENESS_KINDS = ['Pod', 'Deployment', 'DaemonSet', 'ReplicaSet', 'ReplicationController'];
/** A bare Pod with one of these restart policies runs to completion (a Helm test, a one-off task). */
const RUNS_TO_COMPLETION = new Set<unknown>(['Never', 'OnFailure']);

interface ServiceTargets {
  readonly selector: { [key: string]: string } | undefined;
  /** targetPort (or port) of each Service port. */
  readonly targets: readonly unknown[];
}

const serviceCache = new WeakMap<AuditContext, Map<string, ServiceTargets[]>>();

/** The selector and target ports of each Service of a namespace, read once per audit. */
function servicesIn(context: AuditContext, namespace: string): ServiceTargets[] {
  let byNamespace = serviceCache.get(context);
  if (!byNamespace) {
    byNamespace = new Map();
    serviceCache.set(context, byNamespace);
  }
  let services = byNamespace.get(namespace);
  if (!services) {
    services = context.inNamespace(namespace, 'Service').map(({ manifest }) => {
      const spec = asRecord(manifest?.spec);
      const targets = asArray(spec?.ports).map(asRecord).filter((p) => p !== undefined).map((p) => p!.targetPort ?? p!.port);
      return { selector: asRecord(spec?.selector) as ServiceTargets['selector'], targets };
    });
    byNamespace.set(namespace, services);
  }
  return services;
}

export const POD_RULES: Rule[] = [
  {
    id: 'HARD-security-context-set', title: 'Pod and containers set a securityContext', severity: Severity.MEDIUM, kinds: WORKLOAD_KINDS,
    rationale: 'Without a securityContext a container runs with whatever the image and the runtime default to (often root, writable filesystem, default capabilities). The dangerous values themselves are PSS-* and HARD-* findings; this rule reports the missing declaration, as Checkov and Trivy do, so the settings are reviewed instead of inherited. MEDIUM, not the HIGH of Trivy alone: an absent context is a restricted-level concern.',
    fieldPath: '<podSpec>.securityContext, <container>.securityContext',
    fix: 'Set a pod securityContext (runAsNonRoot, runAsUser, seccompProfile) and a securityContext on every container (allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities.drop: [ALL]); cdk8s-hardened sets both.',
    equivalents: { checkov: ['CKV_K8S_29', 'CKV_K8S_30'], trivy: ['KSV-0118'] },
    check: (object) => {
      const pod = podTemplateOf(object.manifest);
      if (!pod) return [];
      const violations: Violation[] = [];
      if (!isNonEmptyRecord(pod.spec.securityContext)) {
        violations.push({ fieldPath: manifestPath(pod, 'spec.securityContext'), message: 'the pod sets no securityContext' });
      }
      for (const { container, path } of containersAt(pod, true)) {
        if (!isNonEmptyRecord(container.securityContext)) {
          violations.push({ fieldPath: `${path}.securityContext`, message: `container '${container.name}' sets no securityContext` });
        }
      }
      return violations;
    },
  },
  {
    id: 'HARD-no-sensitive-host-mounts', title: 'No hostPath to the node\'s system directories or container runtime socket', severity: Severity.HIGH, kinds: WORKLOAD_KINDS,
    rationale: 'A hostPath to /, /etc, /proc, /sys, /dev, /var/lib/docker or a container runtime socket (docker.sock, containerd.sock, crio.sock) hands the pod the node: it can read every secret on it or start privileged containers. This rule applies even where a node agent is allowed hostPath volumes (a suppressed PSS-hostPathVolumes finding): reading /var/log is one thing, mounting the runtime socket another.',
    fieldPath: '<podSpec>.volumes[*].hostPath.path',
    fix: 'Mount only the specific subdirectory the agent needs, read-only (e.g. /var/log), never the runtime socket; use the Kubernetes API instead of the container runtime.',
    equivalents: { kubeLinter: ['sensitive-host-mounts', 'docker-sock'], checkov: ['CKV_K8S_27'], trivy: ['KSV-0006', 'KSV-0121'] },
    check: (object) => {
      const pod = podTemplateOf(object.manifest);
      if (!pod) return [];
      const violations: Violation[] = [];
      asArray(pod.spec.volumes).forEach((volume, index) => {
        const raw = asRecord(asRecord(volume)?.hostPath)?.path;
        if (typeof raw !== 'string') return;
        const path = normalizeHostPath(raw);
        if (SENSITIVE_HOST_PATHS.has(path) || RUNTIME_SOCKET.test(path)) {
          violations.push({ fieldPath: manifestPath(pod, `spec.volumes[${index}].hostPath.path`), message: `volume '${asRecord(volume)?.name}' mounts the host path ${raw}` });
        }
      });
      return violations;
    },
  },
  containerRule({
    id: 'HARD-no-privileged-ports', title: 'Containers listen on ports above 1023', severity: Severity.MEDIUM, includeInit: false,
    rationale: 'Binding a port below 1024 needs root or the NET_BIND_SERVICE capability, so an image that listens there pushes its deployers to grant privileges. The Service can still expose port 80 or 443 with targetPort set to the container\'s high port.',
    fieldPath: '<container>.ports[*].containerPort',
    fix: 'Make the application listen on a port above 1023 (e.g. 8080) and map the public port in the Service: port 80, targetPort 8080.',
    equivalents: { kubeLinter: ['privileged-ports'], trivy: ['KSV-0117'] },
  }, ({ container, path }) => {
    const index = asArray(container.ports).findIndex((p) => {
      const port = asRecord(p)?.containerPort;
      return typeof port === 'number' && port > 0 && port < 1024;
    });
    return index < 0 ? undefined : {
      fieldPath: `${path}.ports[${index}].containerPort`,
      message: `container '${container.name}' listens on the privileged port ${asRecord(asArray(container.ports)[index])?.containerPort}`,
    };
  }),
  {
    id: 'HARD-env-no-duplicates', title: 'Environment variable names are unique per container', severity: Severity.HIGH, kinds: WORKLOAD_KINDS,
    rationale: 'With a name listed twice the last value silently wins, and kubectl apply and server-side apply merge env by name, so the value on the cluster can differ from the one in the manifest someone reviewed.',
    fieldPath: '<container>.env[*].name',
    fix: 'Remove the duplicate entry and keep the one value you mean.',
    equivalents: { kubeScore: ['environment-variable-key-duplication'], kubeLinter: ['duplicate-env-var'] },
    check: (object) => {
      const pod = podTemplateOf(object.manifest);
      if (!pod) return [];
      const violations: Violation[] = [];
      for (const { container, path } of containersAt(pod, true)) {
        const seen = new Set<string>();
        asArray(container.env).forEach((entry, index) => {
          const name = asRecord(entry)?.name;
          if (typeof name !== 'string') return;
          if (seen.has(name)) violations.push({ fieldPath: `${path}.env[${index}].name`, message: `container '${container.name}' sets environment variable '${name}' more than once` });
          seen.add(name);
        });
      }
      return violations;
    },
  },
  {
    id: 'HARD-liveness-probe-set', title: 'Containers that serve a Service have a liveness probe', severity: Severity.LOW, kinds: LIVENESS_KINDS,
    rationale: 'A process that hangs without exiting keeps its pod Running and in the endpoints until readiness notices; a liveness probe restarts it. LOW, so it is reported but does not fail the default gate (--fail-on medium): Polaris and Checkov want a liveness probe on every container, kube-score calls its absence "almost ok", and a wrong liveness probe (one that checks dependencies) does more harm than none. Applies, as kube-score does, to pods a Service in the audit selects, and only to the containers that serve the Service\'s target ports (a sidecar does not gate traffic). Pods that run to completion (restartPolicy Never or OnFailure) and StatefulSets are exempt: restarting a datastore that is merely slow (replaying its log after a crash) turns recovery into a crash loop, so their liveness probe is a deliberate choice.',
    fieldPath: '<container>.livenessProbe',
    fix: "Add a cheap livenessProbe of the process itself, different from readiness (cdk8s-hardened: liveness: Probe.http('/healthz') or Probe.tcp()).",
    equivalents: { kubeScore: ['pod-probes'], polaris: ['livenessProbeMissing'], kubeLinter: ['no-liveness-probe'], checkov: ['CKV_K8S_8'] },
    check: (object, context) => {
      const pod = podTemplateOf(object.manifest);
      if (!pod || RUNS_TO_COMPLETION.has(pod.spec.restartPolicy)) return [];
      const labels = asRecord(pod.metadata?.labels);
      const targets: unknown[] = [];
      for (const service of servicesIn(context, namespaceOf(object.manifest))) {
        if (mapSelectorMatches(service.selector, labels as any)) targets.push(...service.targets);
      }
      if (targets.length === 0) return [];
      const containers = containersAt(pod, false);
      const serves = (container: any) => asArray(container.ports).some((port) => {
        const p = asRecord(port);
        return p !== undefined && targets.some((t) => t === p.containerPort || (typeof t === 'string' && t === p.name));
      });
      const serving = containers.filter(({ container }) => serves(container));
      // A numeric targetPort need not be declared: then the first container is taken to serve it.
      const numericTarget = targets.some((t) => typeof t === 'number');
      return (serving.length > 0 ? serving : numericTarget ? containers.slice(0, 1) : [])
        .filter(({ container }) => !container.livenessProbe)
        .map(({ container, path }) => ({ fieldPath: `${path}.livenessProbe`, message: `container '${container.name}' serves a Service but has no liveness probe` }));
    },
  },
];

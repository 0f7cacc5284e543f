import { Severity } from '../finding';
import { manifestPath, podTemplateOf } from '../pod-template';
import { Rule, Violation } from '../rule';
import { asString, field, isObject, objectItems } from '../shape';
import { servingContainers } from './hardening-containers';
import { containerRule, containersAt, WORKLOAD_KINDS } from './hardening-support';

/*
 * Pod and container rules of the hardening catalog beyond the first set: explicit security
 * contexts, sensitive host paths, privileged ports, duplicate variables and liveness probes.
 */

/** Host paths that give a container the node: its root, system directories and container runtime state. */
const SENSITIVE_HOST_PATHS = new Set(['/', '/boot', '/dev', '/etc', '/lib', '/proc', '/sys', '/usr', '/var/lib/docker', '/var/lib/containerd', '/run/containerd', '/var/run/containerd']);
const RUNTIME_SOCKET = /(^|\/)(docker|containerd|crio|cri-dockerd)\.sock$/;

/** `/var//run/docker.sock/` → `/var/run/docker.sock`. */
function normalizeHostPath(path: string): string {
  const collapsed = path.replace(/\/+/g, '/');
  return collapsed.length > 1 ? collapsed.replace(/\/$/, '') : collapsed;
}

function isNonEmptyObject(value: unknown): boolean {
  return isObject(value) && Object.keys(value).length > 0;
}

/** Long-running pods (Jobs finish, a hang is bounded by activeDeadlineSeconds), StatefulSets excepted (see the rule). */
const LIVENESS_KINDS = ['Pod', 'Deployment', 'DaemonSet', 'ReplicaSet', 'ReplicationController'];
/** A bare Pod with one of these restart policies runs to completion (a Helm test, a one-off task). */
const RUNS_TO_COMPLETION = new Set<unknown>(['Never', 'OnFailure']);

export const POD_RULES: Rule[] = [
  {
    id: 'HARD-security-context-set', title: 'Pod and containers set a securityContext', severity: Severity.MEDIUM, kinds: WORKLOAD_KINDS,
    rationale: 'Without a securityContext a container runs with whatever the image and the runtime default to (often root, a writable filesystem, the default capabilities). The dangerous values themselves are PSS-* and HARD-* findings; this rule reports the missing declaration, as Checkov and Trivy do, so the settings are reviewed instead of inherited.',
    fieldPath: '<podSpec>.securityContext, <container>.securityContext',
    fix: 'Set a pod securityContext (runAsNonRoot, runAsUser, seccompProfile) and a securityContext on every container (allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities.drop: [ALL]).',
    constructFix: 'cdk8s-hardened workloads set both on the pod and on every container, sidecars and init containers included.',
    severityReason: 'MEDIUM: Trivy rates it HIGH and Checkov has no severity, but an absent context is a restricted-level concern; the dangerous values are HIGH findings of their own.',
    equivalents: { checkov: ['CKV_K8S_29', 'CKV_K8S_30'], trivy: ['KSV-0118'] },
    check: (object) => {
      const pod = podTemplateOf(object.manifest);
      if (!pod) return [];
      const violations: Violation[] = [];
      if (!isNonEmptyObject(pod.spec.securityContext)) {
        violations.push({ fieldPath: manifestPath(pod, 'spec.securityContext'), message: 'the pod sets no securityContext' });
      }
      for (const { container, label, path } of containersAt(pod, true)) {
        if (!isNonEmptyObject(container.securityContext)) violations.push({ fieldPath: `${path}.securityContext`, message: `container ${label} sets no securityContext` });
      }
      return violations;
    },
  },
  {
    id: 'HARD-no-sensitive-host-mounts', title: 'No hostPath to the node\'s system directories or container runtime socket', severity: Severity.HIGH, kinds: WORKLOAD_KINDS,
    rationale: 'A hostPath to /, /etc, /proc, /sys, /dev, /var/lib/docker or a container runtime socket (docker.sock, containerd.sock, crio.sock) hands the pod the node: it can read every secret on it or start privileged containers. This rule applies even where a node agent is allowed hostPath volumes (a suppressed PSS-hostPathVolumes finding): reading /var/log is one thing, mounting the runtime socket another.',
    fieldPath: '<podSpec>.volumes[*].hostPath.path',
    fix: 'Mount only the specific subdirectory the agent needs, read-only (e.g. /var/log), never the runtime socket; use the Kubernetes API instead of the container runtime.',
    constructFix: 'A NodeAgent\'s hostAccess reason does not cover these paths: add Suppressions.add(agent, \'HARD-no-sensitive-host-mounts\', \'<why this path>\') when the agent truly needs one.',
    severityReason: 'HIGH: the Pod Security Standards baseline refuses every hostPath, and Trivy rates these paths HIGH; the pod can take over the node.',
    equivalents: { kubeLinter: ['sensitive-host-mounts', 'docker-sock'], checkov: ['CKV_K8S_27'], trivy: ['KSV-0006', 'KSV-0121'] },
    check: (object) => {
      const pod = podTemplateOf(object.manifest);
      if (!pod) return [];
      const violations: Violation[] = [];
      for (const [index, volume] of objectItems(pod.spec.volumes)) {
        const raw = asString(field(volume, 'hostPath', 'path'));
        if (raw === undefined) continue;
        const path = normalizeHostPath(raw);
        if (SENSITIVE_HOST_PATHS.has(path) || RUNTIME_SOCKET.test(path)) {
          const name = asString(volume.name);
          violations.push({ fieldPath: manifestPath(pod, `spec.volumes[${index}].hostPath.path`), message: `volume ${name ? `'${name}'` : `#${index}`} mounts the host path ${raw}` });
        }
      }
      return violations;
    },
  },
  containerRule({
    id: 'HARD-no-privileged-ports', title: 'Containers listen on ports above 1023', severity: Severity.MEDIUM, includeInit: false,
    rationale: 'Binding a port below 1024 needs root or the NET_BIND_SERVICE capability, so an image that listens there pushes its deployers to grant privileges. The Service can still expose port 80 or 443 with targetPort set to the container\'s high port.',
    fieldPath: '<container>.ports[*].containerPort',
    fix: 'Make the application listen on a port above 1023 (e.g. 8080) and map the public port in the Service: port 80, targetPort 8080.',
    constructFix: 'cdk8s-hardened refuses container ports below 1024; a WebService publishes port 80 or 443 with servicePort.',
    severityReason: 'MEDIUM: Trivy MEDIUM, kube-linter opt-in; it leads to granting privileges rather than being one.',
    equivalents: { kubeLinter: ['privileged-ports'], trivy: ['KSV-0117'] },
  }, ({ container, label, path }) => {
    const [index, port] = objectItems(container.ports).find(([, p]) => typeof p.containerPort === 'number' && p.containerPort > 0 && p.containerPort < 1024) ?? [];
    return port === undefined ? undefined : { fieldPath: `${path}.ports[${index}].containerPort`, message: `container ${label} listens on the privileged port ${String(port.containerPort)}` };
  }),
  {
    id: 'HARD-env-no-duplicates', title: 'Environment variable names are unique per container', severity: Severity.HIGH, kinds: WORKLOAD_KINDS,
    rationale: 'With a name listed twice the last value silently wins, and kubectl apply and server-side apply merge env by name, so the value on the cluster can differ from the one in the manifest someone reviewed.',
    fieldPath: '<container>.env[*].name',
    fix: 'Remove the duplicate entry and keep the one value you mean.',
    constructFix: 'cdk8s-hardened takes env as a map, so a name cannot repeat; check JsonPatch escape hatches that append env entries.',
    severityReason: 'HIGH: a definite defect (kube-score critical): the manifest says two things and the cluster silently picks one.',
    equivalents: { kubeScore: ['environment-variable-key-duplication'], kubeLinter: ['duplicate-env-var'] },
    check: (object) => {
      const pod = podTemplateOf(object.manifest);
      if (!pod) return [];
      const violations: Violation[] = [];
      for (const { container, label, path } of containersAt(pod, true)) {
        const seen = new Set<string>();
        for (const [index, entry] of objectItems(container.env)) {
          const name = asString(entry.name);
          if (name === undefined) continue;
          if (seen.has(name)) violations.push({ fieldPath: `${path}.env[${index}].name`, message: `container ${label} sets environment variable '${name}' more than once` });
          seen.add(name);
        }
      }
      return violations;
    },
  },
  {
    id: 'HARD-liveness-probe-set', title: 'Containers that serve a Service have a liveness probe', severity: Severity.LOW, kinds: LIVENESS_KINDS,
    rationale: 'A process that hangs without exiting keeps its pod Running and in the endpoints until readiness notices; a liveness probe restarts it. Applies, as kube-score does, to pods a Service in the audit selects, and only to the containers that serve the Service\'s target ports (a sidecar does not gate traffic). Pods that run to completion (restartPolicy Never or OnFailure) and StatefulSets are exempt: restarting a datastore that is merely slow (replaying its log after a crash) turns recovery into a crash loop, so their liveness probe is a deliberate choice.',
    fieldPath: '<container>.livenessProbe',
    fix: 'Add a cheap livenessProbe of the process itself (an HTTP /healthz or a TCP check of its port), different from readiness.',
    constructFix: "WebService requires liveness; for a Worker or NodeAgent give liveness: Probe.http('/healthz') or Probe.tcp().",
    severityReason: 'LOW, so it is reported but passes the default --fail-on medium: Polaris warning and Checkov want a liveness probe everywhere, kube-score calls its absence "almost ok", and a wrong liveness probe (one that checks dependencies) does more harm than none.',
    equivalents: { kubeScore: ['pod-probes'], polaris: ['livenessProbeMissing'], kubeLinter: ['no-liveness-probe'], checkov: ['CKV_K8S_8'] },
    check: (object, context) => {
      const pod = podTemplateOf(object.manifest);
      if (!pod || RUNS_TO_COMPLETION.has(pod.spec.restartPolicy)) return [];
      const serving = servingContainers(pod, object, context);
      if (!serving) return [];
      const containers = containersAt(pod, false);
      // A numeric target no container declares still routes to the pod: the first container is taken to serve it.
      const servers = serving.containers.size > 0 ? containers.filter(({ container }) => serving.containers.has(container))
        : serving.undeclaredNumericTarget ? containers.slice(0, 1) : [];
      return servers.filter(({ container }) => !isObject(container.livenessProbe))
        .map(({ label, path }) => ({ fieldPath: `${path}.livenessProbe`, message: `container ${label} serves a Service but has no liveness probe` }));
    },
  },
];

import { Severity, ToolEquivalents } from '../finding';
import { manifestPath, POD_KINDS, podTemplateOf } from '../pod-template';
import { PodSecurityLevel } from '../pod-security-level';
import { evaluatePodSecurity, PSS_CHECKS, PssCheckResult } from '../pss';
import { AuditObject, Rule } from '../rule';

/** How to fix each Pod Security Standards check, in the words of a manifest author. */
const FIXES: Record<string, string> = {
  allowPrivilegeEscalation: 'Set securityContext.allowPrivilegeEscalation: false on every container, init and ephemeral container.',
  appArmorProfile: 'Remove the unconfined AppArmor profile: use RuntimeDefault or a Localhost profile (securityContext.appArmorProfile or the container.apparmor.security.beta.kubernetes.io annotation).',
  capabilities_baseline: 'Add no capabilities beyond the baseline set (AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT).',
  capabilities_restricted: "Set securityContext.capabilities.drop: ['ALL'] on every container and add back at most NET_BIND_SERVICE.",
  hostNamespaces: 'Remove spec.hostNetwork, spec.hostPID and spec.hostIPC (or set them to false); a node agent that needs them runs in a namespace labelled for the privileged level.',
  hostPathVolumes: 'Replace hostPath volumes with emptyDir, configMap, secret or persistentVolumeClaim volumes; a node agent that needs one runs in a namespace labelled for the privileged level.',
  hostPorts: 'Remove hostPort from container ports and expose the pod through a Service. A hostNetwork pod uses host ports whether or not they are written: the API server sets hostPort to containerPort.',
  hostProbesAndHostLifecycle: 'Remove the host field from probes and lifecycle handlers: they must target the pod itself.',
  privileged: 'Set securityContext.privileged: false (or leave it unset) on every container.',
  procMount: 'Leave securityContext.procMount unset or Default (Unmasked is allowed only with hostUsers: false).',
  procMount_restricted: 'Leave securityContext.procMount unset or Default.',
  restrictedVolumes: 'Use only configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected and secret volumes.',
  runAsNonRoot: 'Set securityContext.runAsNonRoot: true on the pod (or on every container).',
  runAsUser: 'Do not set runAsUser to 0; use a non-root UID such as 65532.',
  seLinuxOptions: 'Set only seLinuxOptions.type container_t, container_init_t or container_kvm_t (or none), and no user or role.',
  seccompProfile_baseline: 'Do not use the Unconfined seccomp profile.',
  seccompProfile_restricted: 'Set securityContext.seccompProfile.type: RuntimeDefault (or Localhost) on the pod, or on every container.',
  sysctls: 'Set only the safe, namespaced sysctls that the Pod Security Standards allow.',
  windowsHostProcess: 'Remove windowsOptions.hostProcess: true.',
};

/** How the constructs of this library avoid or allow each check's violation. */
const CONSTRUCT_FIXES: Record<string, string> = {
  allowPrivilegeEscalation: 'Every cdk8s-hardened container sets allowPrivilegeEscalation: false.',
  appArmorProfile: 'cdk8s-hardened constructs never set an AppArmor profile, so the runtime default applies.',
  capabilities_baseline: 'Every cdk8s-hardened container drops ALL capabilities and adds none.',
  hostProbesAndHostLifecycle: 'Probe.http, Probe.tcp and Probe.grpc of cdk8s-hardened always target the pod itself.',
  procMount: 'cdk8s-hardened constructs never set procMount.',
  procMount_restricted: 'cdk8s-hardened constructs never set procMount.',
  restrictedVolumes: 'cdk8s-hardened containers mount emptyDir, ConfigMap, Secret and PersistentVolumeClaim volumes; only NodeAgent hostAccess adds hostPath volumes, with a reason.',
  seLinuxOptions: 'cdk8s-hardened constructs never set seLinuxOptions.',
  seccompProfile_baseline: 'cdk8s-hardened sets seccompProfile RuntimeDefault on every pod.',
  sysctls: 'cdk8s-hardened constructs set no sysctls.',
  windowsHostProcess: 'cdk8s-hardened constructs never run HostProcess containers.',
  capabilities_restricted: "Every cdk8s-hardened container drops ALL capabilities.",
  hostNamespaces: 'Use NodeAgent with hostAccess: { hostNetwork: true, reason } for an agent that needs the host network; other constructs never share host namespaces.',
  hostPathVolumes: 'Use NodeAgent with hostAccess: { hostPaths, reason } for an agent that reads the host; other constructs refuse hostPath volumes.',
  hostPorts: 'cdk8s-hardened constructs never set hostPort; expose the workload with WebService\'s Service.',
  privileged: 'cdk8s-hardened containers are never privileged.',
  runAsNonRoot: 'cdk8s-hardened sets runAsNonRoot: true and runAsUser 65532 on the pod and every container.',
  runAsUser: 'cdk8s-hardened sets runAsUser 65532; pass runAsUser in the workload props for another non-root id.',
  seccompProfile_restricted: 'cdk8s-hardened sets seccompProfile RuntimeDefault on every pod.',
};

/** Rule titles phrased as the requirement (the PSS documentation's control names are in `equivalents.pss`). */
const TITLES: Record<string, string> = {
  allowPrivilegeEscalation: 'Privilege escalation must be disallowed',
  appArmorProfile: 'AppArmor profile must not be unconfined',
  capabilities_baseline: 'Only default capabilities may be added',
  capabilities_restricted: 'Containers must drop ALL capabilities and add only NET_BIND_SERVICE',
  hostNamespaces: 'Host namespaces must not be shared',
  hostPathVolumes: 'hostPath volumes are forbidden',
  hostPorts: 'hostPort must not be used',
  hostProbesAndHostLifecycle: 'Probes and lifecycle handlers must not set a host',
  privileged: 'Privileged containers are forbidden',
  procMount: 'procMount must be Default',
  procMount_restricted: 'procMount must be Default',
  restrictedVolumes: 'Only non-host volume types may be used',
  runAsNonRoot: 'Containers must run as non-root',
  runAsUser: 'Containers must not run as UID 0',
  seLinuxOptions: 'SELinux options must use allowed types and no user or role',
  seccompProfile_baseline: 'Seccomp profile must not be Unconfined',
  seccompProfile_restricted: 'Seccomp profile must be RuntimeDefault or Localhost',
  sysctls: 'Only safe sysctls may be set',
  windowsHostProcess: 'Windows HostProcess containers are forbidden',
};

/** The checks of other tools for each PSS check (from the hardening catalog). */
const EQUIVALENTS: Record<string, ToolEquivalents> = {
  allowPrivilegeEscalation: { polaris: ['privilegeEscalationAllowed'], kubeLinter: ['privilege-escalation-container'], checkov: ['CKV_K8S_20'], trivy: ['KSV-0001'] },
  appArmorProfile: { trivy: ['KSV-0002'] },
  capabilities_baseline: { polaris: ['dangerousCapabilities'], kubeLinter: ['drop-net-raw-capability'], checkov: ['CKV_K8S_25', 'CKV_K8S_28', 'CKV_K8S_39'], trivy: ['KSV-0005', 'KSV-0022', 'KSV-0106'] },
  capabilities_restricted: { polaris: ['insecureCapabilities'], checkov: ['CKV_K8S_25', 'CKV_K8S_37'], trivy: ['KSV-0003', 'KSV-0022', 'KSV-0106'] },
  hostNamespaces: { polaris: ['hostIPCSet', 'hostNetworkSet', 'hostPIDSet'], kubeLinter: ['host-ipc', 'host-network', 'host-pid'], checkov: ['CKV_K8S_17', 'CKV_K8S_18', 'CKV_K8S_19'], trivy: ['KSV-0008', 'KSV-0009', 'KSV-0010'] },
  hostPathVolumes: { polaris: ['hostPathSet'], trivy: ['KSV-0023'] },
  hostPorts: { polaris: ['hostPortSet'], checkov: ['CKV_K8S_26'], trivy: ['KSV-0024'] },
  hostProbesAndHostLifecycle: {},
  privileged: { kubeScore: ['container-security-context-privileged'], polaris: ['runAsPrivileged'], kubeLinter: ['privileged-container'], checkov: ['CKV_K8S_16'], trivy: ['KSV-0017'] },
  procMount: { polaris: ['procMount'], kubeLinter: ['unsafe-proc-mount'], trivy: ['KSV-0027'] },
  procMount_restricted: { polaris: ['procMount'], kubeLinter: ['unsafe-proc-mount'], trivy: ['KSV-0027'] },
  restrictedVolumes: { polaris: ['hostPathSet'], trivy: ['KSV-0023', 'KSV-0028'] },
  runAsNonRoot: { polaris: ['runAsRootAllowed'], kubeLinter: ['run-as-non-root'], checkov: ['CKV_K8S_23'], trivy: ['KSV-0012'] },
  runAsUser: { trivy: ['KSV-0105'] },
  seLinuxOptions: { trivy: ['KSV-0025'] },
  seccompProfile_baseline: { trivy: ['KSV-0104'] },
  seccompProfile_restricted: { kubeScore: ['container-seccomp-profile'], checkov: ['CKV_K8S_31'], trivy: ['KSV-0030', 'KSV-0104'] },
  sysctls: { kubeLinter: ['unsafe-sysctls'], trivy: ['KSV-0026'] },
  windowsHostProcess: { polaris: ['hostProcess'], trivy: ['KSV-0103'] },
};

/**
 * One rule per Pod Security Standards check that applies at a level and policy version. The pod is
 * evaluated once per object and the results are shared by the rules.
 */
export function podSecurityRules(level: PodSecurityLevel, minor: number): Rule[] {
  const evaluate = cachedEvaluation(level, minor);
  // At the restricted level some restricted checks replace a baseline check (capabilities, seccomp,
  // procMount, volumes). A pod that fails the replaced baseline check is refused by baseline too,
  // so the finding keeps the baseline severity.
  const evaluateBaseline = level === PodSecurityLevel.RESTRICTED ? cachedEvaluation(PodSecurityLevel.BASELINE, minor) : undefined;
  return PSS_CHECKS
    .filter((check) => check.minVersion <= minor && (level === PodSecurityLevel.RESTRICTED || check.level === 'baseline'))
    .map((check): Rule => ({
      id: `PSS-${check.id}`,
      title: TITLES[check.id] ?? check.title,
      severity: check.level === 'baseline' ? Severity.HIGH : Severity.MEDIUM,
      severityReason: severityReason(check),
      kinds: POD_KINDS,
      rationale: `Pod Security Standards (${check.level}, control "${check.title}", check ${check.id}, policy v1.${minor}). The API server's pod-security admission rejects such pods in namespaces that enforce the ${check.level} level.`,
      fieldPath: 'pod spec and pod metadata (see the finding)',
      fix: FIXES[check.id] ?? `Make the pod satisfy the ${check.id} check of the Pod Security Standards.`,
      ...(CONSTRUCT_FIXES[check.id] ? { constructFix: CONSTRUCT_FIXES[check.id] } : {}),
      equivalents: { pss: [check.id], ...(EQUIVALENTS[check.id] ?? {}) },
      check: (object) => {
        const pod = podTemplateOf(object.manifest);
        if (!pod) return [];
        const results = evaluate(object).filter((result) => result.checkId === check.id);
        if (results.length === 0) return [];
        const replaced = check.overrides ?? [];
        const failedBaseline = evaluateBaseline && replaced.length > 0
          ? evaluateBaseline(object).filter((result) => replaced.includes(result.checkId))
          : [];
        return results.map((result) => ({
          fieldPath: manifestPath(pod, (failedBaseline[0] ?? result).fieldPaths[0] ?? 'spec'),
          message: `${result.forbiddenReason} (${result.forbiddenDetail})`
            + (failedBaseline.length > 0 ? `; the baseline level refuses this pod too (${failedBaseline.map((b) => b.checkId).join(', ')})` : ''),
          ...(failedBaseline.length > 0 ? { severity: Severity.HIGH } : {}),
        }));
      },
    }));
}

function cachedEvaluation(level: PodSecurityLevel, minor: number): (object: AuditObject) => PssCheckResult[] {
  const cache = new WeakMap<AuditObject, PssCheckResult[]>();
  return (object) => {
    let results = cache.get(object);
    if (!results) {
      const pod = podTemplateOf(object.manifest);
      results = pod ? evaluatePodSecurity(pod.metadata, pod.spec, level, minor) : [];
      cache.set(object, results);
    }
    return results;
  };
}

/** Other tools' severities for the same controls, for the severity reasons. */
const PEER_SEVERITIES: Record<string, string> = {
  allowPrivilegeEscalation: 'Polaris danger, Trivy MEDIUM',
  appArmorProfile: 'Polaris warning (linuxHardening), Trivy LOW',
  capabilities_baseline: 'Polaris danger (dangerousCapabilities), Trivy HIGH',
  capabilities_restricted: 'Polaris warning (insecureCapabilities), Trivy LOW',
  hostNamespaces: 'Polaris danger, Trivy HIGH',
  hostPathVolumes: 'Polaris warning, Trivy MEDIUM',
  hostPorts: 'Polaris warning, Trivy HIGH',
  privileged: 'kube-score critical, Polaris danger, Trivy HIGH',
  procMount: 'Polaris warning, Trivy MEDIUM',
  procMount_restricted: 'Polaris warning, Trivy MEDIUM',
  restrictedVolumes: 'Trivy LOW',
  runAsNonRoot: 'Polaris danger, Trivy MEDIUM',
  runAsUser: 'Polaris danger, Trivy LOW',
  seLinuxOptions: 'Trivy MEDIUM',
  seccompProfile_baseline: 'Polaris warning, Trivy MEDIUM',
  seccompProfile_restricted: 'kube-score warning (optional), Polaris warning, Trivy MEDIUM',
  sysctls: 'Trivy MEDIUM',
  windowsHostProcess: 'Polaris warning, Trivy MEDIUM',
};

function severityReason(check: { id: string; level: string; overrides?: string[] }): string {
  const peers = PEER_SEVERITIES[check.id] ? `; other tools: ${PEER_SEVERITIES[check.id]}` : '';
  if (check.level === 'baseline') {
    return `HIGH at every level: a baseline control, so the API server refuses the pod in any namespace that enforces baseline or restricted${peers}.`;
  }
  const replaces = check.overrides && check.overrides.length > 0
    ? ` A violation that the baseline check it replaces (${check.overrides.join(', ')}) also refuses is reported HIGH.`
    : '';
  return `MEDIUM: a restricted-only control, defence in depth beyond what baseline refuses${peers}.${replaces}`;
}

/**
 * The high and medium properties of the hardening catalog (the merged checks of PSS, kube-score,
 * Polaris, kube-linter, Checkov and Trivy) that no rule of this library checks, each with the
 * reason. Every other high or medium property is covered by a rule whose `equivalents` name the
 * catalog's check ids; a test keeps the two lists complete.
 */

/** Why a catalog property has no rule. */
export enum LeftOutBecause {
  /** Following the check would make workloads worse. */
  HARMFUL = 'judged harmful',
  /** The check's premise is wrong for common, correct manifests. */
  DISAGREE = 'disagrees with correct manifests',
  /** Only the cluster or the organisation knows the right value. */
  NEEDS_CLUSTER_DATA = 'needs cluster or site data',
  /** A Pod Security Standards check of the PodSecurity pack demands the same or more. */
  PSS_DUPLICATE = 'duplicate of a PSS check',
}

/** A catalog property without a rule. */
export interface LeftOutProperty {
  /** The catalog's property id. */
  readonly property: string;
  /** The catalog's title of the property. */
  readonly title: string;
  readonly because: LeftOutBecause;
  /** The reason, for a reader who expected the check. */
  readonly reason: string;
}

export const LEFT_OUT_PROPERTIES: readonly LeftOutProperty[] = [
  {
    property: 'cpu-limit-set', title: 'CPU limit is set', because: LeftOutBecause.HARMFUL,
    reason: 'A CPU limit throttles the container under a CFS quota even when the node is idle, adding latency at the worst moment; the CPU request (`HARD-cpu-request-set`) already guarantees the container its share. Memory limits are required (`HARD-memory-limit-set`).',
  },
  {
    property: 'replicas-min', title: 'Deployment runs at least two replicas', because: LeftOutBecause.DISAGREE,
    reason: 'One replica is the right count for a development environment or a leader-elected controller, and an autoscaled Deployment must not set `spec.replicas` at all (`HARD-no-static-replicas-with-hpa`, where Polaris `deploymentMissingReplicas` demands it). What a single replica risks is checked where the workload claims availability: `HARD-pdb-exists`, `HARD-pod-anti-affinity` and `HARD-topology-spread` from two replicas, `HARD-hpa-min-replicas` for autoscaled ones.',
  },
  {
    property: 'instance-label-matches-name', title: 'app.kubernetes.io/instance equals metadata.name', because: LeftOutBecause.DISAGREE,
    reason: 'The Kubernetes recommended labels define `app.kubernetes.io/instance` as the name of the installation (a Helm release, an app instance), shared by all its objects; requiring it to equal each object\'s own name would fail every correctly labelled chart.',
  },
  {
    property: 'priority-class', title: 'priorityClassName is set', because: LeftOutBecause.NEEDS_CLUSTER_DATA,
    reason: 'Which PriorityClasses exist and what they mean is the cluster\'s decision; a name the cluster does not define makes the API server reject the pod, and without cluster-wide classes every pod has priority 0 and an arbitrary name adds nothing.',
  },
  {
    property: 'image-trusted-registry', title: 'Images come from a trusted registry', because: LeftOutBecause.NEEDS_CLUSTER_DATA,
    reason: 'The list of trusted registries is organisation data, and an allow-list is only a control when an admission policy enforces it at the cluster; a manifest linter with a built-in list would be a guess.',
  },
  {
    property: 'linux-hardening-any', title: 'One Linux hardening mechanism is set', because: LeftOutBecause.PSS_DUPLICATE,
    reason: 'Polaris `linuxHardening` passes when any of seccomp, SELinux, AppArmor or a capability drop is set; `PSS-seccompProfile_restricted` and `PSS-capabilities_restricted` demand RuntimeDefault seccomp and `drop: [ALL]` on every container, which is stricter.',
  },
];

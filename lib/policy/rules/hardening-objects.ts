import { Severity } from '../finding';
import { manifestPath, podTemplateOf } from '../pod-template';
import { AuditContext, AuditObject, namespaceOf, Rule, Violation } from '../rule';
import { display } from './guards';
import { openRules, policyTypesOf } from './hardening-exposure';
import { autoscalerOf, containersAt, mapSelectorMatches, minimumReplicas, podsInNamespace, REPLICATED_KINDS, selectorMatches, WORKLOAD_KINDS } from './hardening-support';

/*
 * Pod-level and cross-object hardening rules: service account token, availability (PDB, spread,
 * autoscaler), network isolation, Service wiring, namespaces. Cross-object rules look only at
 * objects of the same audit: a PDB or NetworkPolicy that is not in the audit counts as missing.
 */

const TWO_OR_MORE = (object: AuditObject, context: AuditContext) => minimumReplicas(object, context) >= 2;

function podRule(meta: Omit<Rule, 'check'>, check: (object: AuditObject, context: AuditContext) => Violation | undefined): Rule {
  return { ...meta, check: (object, context) => { const v = check(object, context); return v ? [v] : []; } };
}

function pdbsFor(object: AuditObject, context: AuditContext): any[] {
  const labels = podTemplateOf(object.manifest)?.metadata?.labels;
  return context.inNamespace(namespaceOf(object.manifest), 'PodDisruptionBudget').map((o) => o.manifest).filter((pdb) => selectorMatches(pdb.spec?.selector, labels));
}

function scaled(value: unknown, replicas: number): number | undefined {
  if (typeof value === 'number') return value;
  const percent = /^(\d+)%$/.exec(String(value));
  return percent ? Math.ceil((Number(percent[1]) * replicas) / 100) : undefined;
}

const NAMESPACED_EXEMPT = new Set(['Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'PriorityClass', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'IngressClass', 'RuntimeClass', 'APIService', 'CSIDriver', 'VolumeAttachment']);

export const OBJECT_RULES: Rule[] = [
  podRule({
    id: 'HARD-automount-sa-token-false', title: 'No service-account token is mounted', severity: Severity.MEDIUM, kinds: WORKLOAD_KINDS,
    rationale: 'A mounted token lets anyone who gets code execution in the pod call the Kubernetes API as the pod. Most workloads never call it.',
    fieldPath: '<podSpec>.automountServiceAccountToken (or the ServiceAccount\'s)',
    fix: 'Set automountServiceAccountToken: false on the pod (and the ServiceAccount); opt in per workload that calls the API.',
    equivalents: { polaris: ['automountServiceAccountToken'], checkov: ['CKV_K8S_38'], trivy: ['KSV-0036'] },
  }, (object, context) => {
    const pod = podTemplateOf(object.manifest);
    if (!pod) return undefined;
    const own = pod.spec.automountServiceAccountToken;
    if (own === false) return undefined;
    if (own === undefined) {
      const accountName = pod.spec.serviceAccountName ?? 'default';
      const account = context.inNamespace(namespaceOf(object.manifest), 'ServiceAccount').find((sa) => sa.manifest.metadata?.name === accountName);
      if (account?.manifest.automountServiceAccountToken === false) return undefined;
    }
    return { fieldPath: manifestPath(pod, 'spec.automountServiceAccountToken'), message: 'the pod mounts a service-account token' };
  }),
  podRule({
    id: 'HARD-pdb-exists', title: 'Replicated workloads have a matching PodDisruptionBudget', severity: Severity.MEDIUM, kinds: REPLICATED_KINDS,
    rationale: 'Without a PodDisruptionBudget a node drain or cluster upgrade may evict every replica at once. Applies from two replicas (or an autoscaler minimum of two).',
    fieldPath: 'PodDisruptionBudget.spec.selector',
    fix: 'Add a PodDisruptionBudget in the same namespace whose selector matches the pod labels (cdk8s-hardened creates one).',
    equivalents: { kubeScore: ['deployment-has-poddisruptionbudget', 'statefulset-has-poddisruptionbudget'], polaris: ['missingPodDisruptionBudget'] },
  }, (object, context) => (!TWO_OR_MORE(object, context) || pdbsFor(object, context).length > 0 ? undefined : {
    fieldPath: 'spec.template.metadata.labels', message: `no PodDisruptionBudget in namespace '${namespaceOf(object.manifest)}' selects the pods of this ${object.manifest.kind}`,
  })),
  podRule({
    id: 'HARD-pod-anti-affinity', title: 'Replicas prefer different nodes', severity: Severity.MEDIUM, kinds: REPLICATED_KINDS,
    rationale: 'Replicas on the same node all fail with it. A hostname anti-affinity term that selects the pods\' own labels spreads them (preferred, so pods still schedule on small clusters).',
    fieldPath: 'spec.template.spec.affinity.podAntiAffinity',
    fix: 'Add a preferred podAntiAffinity term with topologyKey kubernetes.io/hostname selecting the pod labels (cdk8s-hardened: spread: true).',
    equivalents: { kubeScore: ['deployment-has-host-podantiaffinity', 'statefulset-has-host-podantiaffinity'], kubeLinter: ['no-anti-affinity'] },
  }, (object, context) => {
    const pod = podTemplateOf(object.manifest);
    if (!pod || !TWO_OR_MORE(object, context)) return undefined;
    const anti = pod.spec.affinity?.podAntiAffinity ?? {};
    const terms = [...(anti.requiredDuringSchedulingIgnoredDuringExecution ?? []), ...(anti.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((t: any) => t.podAffinityTerm)];
    const ok = terms.some((t: any) => t?.topologyKey === 'kubernetes.io/hostname' && selectorMatches(t.labelSelector, pod.metadata?.labels));
    return ok ? undefined : { fieldPath: manifestPath(pod, 'spec.affinity.podAntiAffinity'), message: 'no hostname anti-affinity term selects the replicas' };
  }),
  podRule({
    id: 'HARD-topology-spread', title: 'Replicas are spread by topologySpreadConstraints, and every constraint is well-formed', severity: Severity.HIGH, kinds: WORKLOAD_KINDS.filter((k) => k !== 'Job' && k !== 'CronJob'),
    rationale: 'Spread over zones survives a zone outage; a malformed constraint (no selector, maxSkew 0, unknown whenUnsatisfiable) is rejected or silently ineffective. Presence is required from two replicas.',
    fieldPath: '<podSpec>.topologySpreadConstraints',
    fix: 'Add topologySpreadConstraints over topology.kubernetes.io/zone and kubernetes.io/hostname with a labelSelector of the pod labels, maxSkew 1 and whenUnsatisfiable ScheduleAnyway (cdk8s-hardened: spread: true).',
    equivalents: { kubeScore: ['pod-topology-spread-constraints'], polaris: ['topologySpreadConstraint'] },
  }, (object, context) => {
    const pod = podTemplateOf(object.manifest);
    if (!pod) return undefined;
    const constraints: any[] = Array.isArray(pod.spec.topologySpreadConstraints) ? pod.spec.topologySpreadConstraints : [];
    const bad = constraints.findIndex((c) => !c?.labelSelector || !(c.maxSkew > 0) || !c.topologyKey || !['DoNotSchedule', 'ScheduleAnyway'].includes(c.whenUnsatisfiable) || c.minDomains === 0);
    if (bad >= 0) return { fieldPath: manifestPath(pod, `spec.topologySpreadConstraints[${bad}]`), message: 'topology spread constraint needs labelSelector, topologyKey, maxSkew > 0 and whenUnsatisfiable DoNotSchedule or ScheduleAnyway' };
    if (constraints.length === 0 && REPLICATED_KINDS.includes(object.manifest.kind) && TWO_OR_MORE(object, context)) {
      return { fieldPath: manifestPath(pod, 'spec.topologySpreadConstraints'), message: 'replicated workload has no topologySpreadConstraints' };
    }
    return undefined;
  }),
  podRule({
    id: 'HARD-no-static-replicas-with-hpa', title: 'Autoscaled workloads leave spec.replicas to the autoscaler', severity: Severity.HIGH, kinds: REPLICATED_KINDS,
    rationale: 'With spec.replicas set, every deploy resets the count the HorizontalPodAutoscaler chose, dropping capacity under load. (Polaris deploymentMissingReplicas wants replicas set; kube-score is right for autoscaled workloads.)',
    fieldPath: 'spec.replicas',
    fix: 'Remove spec.replicas from a workload an HPA targets (cdk8s-hardened autoscale() does).',
    equivalents: { kubeScore: ['deployment-targeted-by-hpa-does-not-have-replicas-configured'] },
  }, (object, context) => (object.manifest.spec?.replicas !== undefined && autoscalerOf(object, context) ? {
    fieldPath: 'spec.replicas', message: `spec.replicas is ${object.manifest.spec.replicas} although a HorizontalPodAutoscaler targets this ${object.manifest.kind}`,
  } : undefined)),
  podRule({
    id: 'HARD-networkpolicy-covers-pod', title: 'Every pod is isolated by NetworkPolicies for ingress and egress', severity: Severity.MEDIUM, kinds: WORKLOAD_KINDS,
    rationale: 'A pod no NetworkPolicy selects accepts connections from, and opens them to, every pod in the cluster: one compromised pod can reach all others. Both directions must be covered, and a policy whose rule admits every peer on every port (see HARD-networkpolicy-open-rule) covers nothing in that direction.',
    fieldPath: 'NetworkPolicy.spec.{podSelector,policyTypes}',
    fix: 'Select the pods with NetworkPolicies covering Ingress and Egress (cdk8s-hardened creates one per workload; HardenedNamespace adds a default deny).',
    equivalents: { kubeScore: ['pod-networkpolicy'], polaris: ['missingNetworkPolicy'], kubeLinter: ['non-isolated-pod'], checkov: ['CKV2_K8S_6'] },
  }, (object, context) => {
    const pod = podTemplateOf(object.manifest);
    if (!pod) return undefined;
    const covered = new Set<string>();
    const opened = new Map<string, string>();
    for (const { manifest: policy } of context.inNamespace(namespaceOf(object.manifest), 'NetworkPolicy')) {
      const selector = policy.spec?.podSelector ?? {};
      const selectsAll = Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
      if (!selectsAll && !selectorMatches(selector, pod.metadata?.labels)) continue;
      policyTypesOf(policy).forEach((t) => covered.add(t));
      for (const open of openRules(policy)) {
        if (!opened.has(open.direction)) opened.set(open.direction, `NetworkPolicy '${display(policy.metadata?.name)}' admits ${open.what} on every port (${open.path})`);
      }
    }
    const missing = ['Ingress', 'Egress'].filter((t) => !covered.has(t));
    if (missing.length > 0) return { fieldPath: manifestPath(pod, 'metadata.labels'), message: `no NetworkPolicy covers ${missing.join(' and ')} for the pods of this ${object.manifest.kind}` };
    if (opened.size > 0) return { fieldPath: manifestPath(pod, 'metadata.labels'), message: `the pods of this ${object.manifest.kind} are not isolated: ${[...opened.values()].join('; ')}` };
    return undefined;
  }),
  podRule({
    id: 'HARD-pdb-has-policy', title: 'PodDisruptionBudget sets minAvailable or maxUnavailable', severity: Severity.HIGH, kinds: ['PodDisruptionBudget'],
    rationale: 'A budget with neither field protects nothing while looking like it does.',
    fieldPath: 'spec.minAvailable, spec.maxUnavailable',
    fix: 'Set spec.maxUnavailable: 1 (or minAvailable below the replica count).',
    equivalents: { kubeScore: ['poddisruptionbudget-has-policy'] },
  }, (object) => (object.manifest.spec?.minAvailable === undefined && object.manifest.spec?.maxUnavailable === undefined ? { fieldPath: 'spec', message: 'the PodDisruptionBudget sets neither minAvailable nor maxUnavailable' } : undefined)),
  podRule({
    id: 'HARD-pdb-allows-disruption', title: 'PodDisruptionBudget allows at least one eviction and selects pods', severity: Severity.MEDIUM, kinds: ['PodDisruptionBudget'],
    rationale: 'A budget that allows zero disruptions blocks node drains forever, so cluster upgrades hang; a budget that selects no pod in the namespace protects nothing.',
    fieldPath: 'spec.maxUnavailable, spec.minAvailable, spec.selector',
    fix: 'Use maxUnavailable: 1, or a minAvailable below the smallest replica count (HPA minReplicas when autoscaled); make the selector match the workload\'s pod labels.',
    equivalents: { polaris: ['pdbDisruptionsIsZero', 'pdbMinAvailableGreaterThanHPAMinReplicas'], kubeLinter: ['pdb-max-unavailable', 'pdb-min-available'] },
  }, (object, context) => {
    const { spec } = object.manifest;
    if (spec?.maxUnavailable !== undefined && (spec.maxUnavailable === 0 || spec.maxUnavailable === '0%')) {
      return { fieldPath: 'spec.maxUnavailable', message: `maxUnavailable ${spec.maxUnavailable} allows no eviction` };
    }
    const workloads = podsInNamespace(context, namespaceOf(object.manifest)).filter(({ pod }) => selectorMatches(spec?.selector, pod.metadata?.labels));
    if (workloads.length === 0) return { fieldPath: 'spec.selector', message: `the selector matches no pod template in namespace '${namespaceOf(object.manifest)}'` };
    if (spec?.minAvailable !== undefined) {
      for (const { object: workload } of workloads) {
        const replicas = minimumReplicas(workload, context);
        const required = scaled(spec.minAvailable, replicas);
        if (required !== undefined && required >= replicas) {
          return { fieldPath: 'spec.minAvailable', message: `minAvailable ${spec.minAvailable} allows no eviction of ${workload.manifest.kind}/${workload.manifest.metadata?.name} at ${replicas} replica(s)` };
        }
      }
    }
    return undefined;
  }),
  podRule({
    id: 'HARD-hpa-target', title: 'HorizontalPodAutoscaler targets an existing workload whose pods have the requests it scales on', severity: Severity.HIGH, kinds: ['HorizontalPodAutoscaler'],
    rationale: 'An autoscaler whose target does not exist does nothing; a Utilization metric needs the matching request on every container, or the autoscaler cannot compute it and never scales.',
    fieldPath: 'spec.scaleTargetRef, spec.metrics[*].resource',
    fix: 'Point scaleTargetRef at the Deployment or StatefulSet in the same namespace, and give every container of its pods the CPU (and memory) requests the metrics use.',
    equivalents: { kubeScore: ['horizontalpodautoscaler-has-target'], kubeLinter: ['dangling-horizontalpodautoscaler'] },
  }, (object, context) => {
    const ref = object.manifest.spec?.scaleTargetRef ?? {};
    const target = context.inNamespace(namespaceOf(object.manifest), String(ref.kind)).find((o) => o.manifest.metadata?.name === ref.name);
    if (!target) return { fieldPath: 'spec.scaleTargetRef', message: `target ${ref.kind}/${ref.name} is not in namespace '${namespaceOf(object.manifest)}'` };
    const pod = podTemplateOf(target.manifest);
    if (!pod) return undefined;
    const metrics: any[] = object.manifest.spec?.metrics ?? [];
    for (const [index, metric] of metrics.entries()) {
      const resource = metric?.type === 'Resource' && metric.resource?.target?.type === 'Utilization' ? metric.resource.name : undefined;
      if (!resource) continue;
      const without = containersAt(pod, false).find(({ container }) => container.resources?.requests?.[resource] === undefined);
      if (without) return { fieldPath: `spec.metrics[${index}]`, message: `scales on ${resource} utilization but container '${without.container.name}' of ${ref.kind}/${ref.name} has no ${resource} request` };
    }
    return undefined;
  }),
  podRule({
    id: 'HARD-service-selects-pods', title: 'Service selects pods, and its target ports exist on them', severity: Severity.HIGH, kinds: ['Service'],
    rationale: 'A Service whose selector matches nothing, or whose targetPort is not a port of the pods, has no endpoints: every connection fails while the Service looks healthy.',
    fieldPath: 'spec.selector, spec.ports[*].targetPort',
    fix: 'Make spec.selector match the pod labels of a workload in the namespace and point targetPort at a declared containerPort (number or name).',
    equivalents: { kubeScore: ['service-targets-pod'], kubeLinter: ['dangling-service'] },
  }, (object, context) => {
    const { spec } = object.manifest;
    if (spec?.type === 'ExternalName' || !spec?.selector || Object.keys(spec.selector).length === 0) return undefined;
    const pods = podsInNamespace(context, namespaceOf(object.manifest)).filter(({ pod }) => mapSelectorMatches(spec.selector, pod.metadata?.labels));
    if (pods.length === 0) return { fieldPath: 'spec.selector', message: `the selector matches no pod template in namespace '${namespaceOf(object.manifest)}'` };
    const ports: any[] = spec.ports ?? [];
    for (const [index, port] of ports.entries()) {
      const target = port.targetPort ?? port.port;
      const resolves = pods.some(({ pod }) => containersAt(pod, false).some(({ container }) => (container.ports ?? []).some((p: any) => p.containerPort === target || p.name === target)));
      if (!resolves) return { fieldPath: `spec.ports[${index}].targetPort`, message: `targetPort ${target} is not a container port of the selected pods` };
    }
    return undefined;
  }),
  podRule({
    id: 'HARD-namespace-set', title: 'Namespaced objects set metadata.namespace, and workloads stay out of kube-system', severity: Severity.LOW, kinds: ['*'],
    rationale: 'An object without a namespace lands wherever the applying context points, often `default`; workloads in kube-system share it with the control-plane add-ons and their privileges.',
    fieldPath: 'metadata.namespace',
    fix: 'Set metadata.namespace (cdk8s-hardened sets the chart namespace on every object) and use a namespace of your own.',
    equivalents: { kubeLinter: ['use-namespace'], checkov: ['CKV_K8S_21'], trivy: ['KSV-0110', 'KSV-0037'] },
  }, (object) => {
    const { kind, metadata } = object.manifest;
    if (NAMESPACED_EXEMPT.has(kind)) return undefined;
    if (!metadata?.namespace) return { fieldPath: 'metadata.namespace', message: `${kind} '${metadata?.name}' sets no namespace` };
    if (metadata.namespace === 'kube-system' && WORKLOAD_KINDS.includes(kind)) return { fieldPath: 'metadata.namespace', message: `${kind} '${metadata.name}' runs in kube-system` };
    return undefined;
  }),
];

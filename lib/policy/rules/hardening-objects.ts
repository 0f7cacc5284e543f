import { Severity } from '../finding';
import { manifestPath, podTemplateOf } from '../pod-template';
import { AuditContext, AuditObject, namespaceOf, Rule, Violation } from '../rule';
import { asList, asNumber, asString, describeValue, field, isObject, JsonObject, objectItems, text } from '../shape';
import {
  autoscalerOf, containersAt, kindOf, mapSelectorMatches, minimumReplicas, nameOf, podLabels, podsInNamespace, podsSelectedBy,
  REPLICATED_KINDS, selectorMatches, selectsEverything, WORKLOAD_KINDS,
} from './hardening-support';
import { operatorPods, selectsControlPlane } from './managed-pods';
import { portNamed, routesBySelector, serviceTargets } from './service-targets';
import { openRules } from './hardening-exposure';

/*
 * Pod-level and cross-object hardening rules: service account token, availability (PDB, spread,
 * autoscaler), network isolation, Service wiring, namespaces. Cross-object rules look only at
 * objects of the same audit: a PDB or NetworkPolicy that is not in the audit counts as missing.
 */

const TWO_OR_MORE = (object: AuditObject, context: AuditContext) => minimumReplicas(object, context) >= 2;

function podRule(meta: Omit<Rule, 'check'>, check: (object: AuditObject, context: AuditContext) => Violation | Violation[] | undefined): Rule {
  return { ...meta, check: (object, context) => { const v = check(object, context); return v === undefined ? [] : Array.isArray(v) ? v : [v]; } };
}

function pdbsFor(object: AuditObject, context: AuditContext): unknown[] {
  const pod = podTemplateOf(object.manifest);
  const labels = pod ? podLabels(pod) : {};
  return context.inNamespace(namespaceOf(object.manifest), 'PodDisruptionBudget').map((o) => o.manifest).filter((pdb) => selectorMatches(field(pdb, 'spec', 'selector'), labels));
}

function scaled(value: unknown, replicas: number): number | undefined {
  if (typeof value === 'number') return value;
  const percent = /^(\d+)%$/.exec(text(value));
  return percent ? Math.ceil((Number(percent[1]) * replicas) / 100) : undefined;
}

const NAMESPACED_EXEMPT = new Set(['Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'PriorityClass', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'IngressClass', 'RuntimeClass', 'APIService', 'CSIDriver', 'VolumeAttachment']);

const TOPOLOGY_POLICIES = ['DoNotSchedule', 'ScheduleAnyway'];

/** A port a Service may reach: a container port of a workload in the audit, or of an operator-managed pod. */
type ReachablePorts = readonly unknown[];

/** The ports of the pods a Service selects, each pod's list apart; empty when it selects none. */
function selectedPods(service: JsonObject, context: AuditContext): ReachablePorts[] {
  const namespace = namespaceOf(service);
  const selector = field(service, 'spec', 'selector');
  const workloads = podsSelectedBy(context, namespace, selector)
    .map(({ pod }) => [...containersAt(pod, false), ...containersAt(pod, true).filter((c) => c.init && c.container.restartPolicy === 'Always')]
      .flatMap(({ container }) => objectItems(container.ports).map(([, port]) => port)));
  const managed = operatorPods(context, namespace).filter((pods) => mapSelectorMatches(selector, pods.labels)).map((pods) => pods.ports);
  return [...workloads, ...managed];
}

export const OBJECT_RULES: Rule[] = [
  podRule({
    id: 'HARD-automount-sa-token-false', title: 'No service-account token is mounted', severity: Severity.MEDIUM, kinds: WORKLOAD_KINDS,
    rationale: 'A mounted token lets anyone who gets code execution in the pod call the Kubernetes API as the pod. Most workloads never call it.',
    fieldPath: '<podSpec>.automountServiceAccountToken (or the ServiceAccount\'s)',
    fix: 'Set automountServiceAccountToken: false on the pod spec (or on its ServiceAccount); leave it true only for workloads that call the API.',
    constructFix: 'cdk8s-hardened sets it to false on the pod and the ServiceAccount; opt in with automountServiceAccountToken: true on a workload that calls the API.',
    severityReason: 'MEDIUM: Polaris warning, Trivy MEDIUM; the token is only as powerful as the RBAC granted to the account.',
    equivalents: { polaris: ['automountServiceAccountToken'], checkov: ['CKV_K8S_38'], trivy: ['KSV-0036'] },
  }, (object, context) => {
    const pod = podTemplateOf(object.manifest);
    if (!pod) return undefined;
    const own = pod.spec.automountServiceAccountToken;
    if (own === false) return undefined;
    if (own === undefined || own === null) {
      const accountName = asString(pod.spec.serviceAccountName) || 'default';
      const account = context.inNamespace(namespaceOf(object.manifest), 'ServiceAccount').find((sa) => nameOf(sa) === accountName);
      if (account && field(account.manifest, 'automountServiceAccountToken') === false) return undefined;
    }
    return { fieldPath: manifestPath(pod, 'spec.automountServiceAccountToken'), message: 'the pod mounts a service-account token' };
  }),
  podRule({
    id: 'HARD-pdb-exists', title: 'Replicated workloads have a matching PodDisruptionBudget', severity: Severity.MEDIUM, kinds: REPLICATED_KINDS,
    rationale: 'Without a PodDisruptionBudget a node drain or cluster upgrade may evict every replica at once. Applies from two replicas (or an autoscaler minimum of two).',
    fieldPath: 'PodDisruptionBudget.spec.selector',
    fix: 'Add a PodDisruptionBudget in the same namespace whose spec.selector matches the pod labels, with maxUnavailable: 1.',
    constructFix: 'Replicated cdk8s-hardened workloads create one (disruptionBudget, default DisruptionBudget.maxUnavailable(1)).',
    severityReason: 'MEDIUM: kube-score critical, Polaris warning; an availability risk during maintenance only.',
    equivalents: { kubeScore: ['deployment-has-poddisruptionbudget', 'statefulset-has-poddisruptionbudget'], polaris: ['missingPodDisruptionBudget'] },
  }, (object, context) => (!TWO_OR_MORE(object, context) || pdbsFor(object, context).length > 0 ? undefined : {
    fieldPath: 'spec.template.metadata.labels', message: `no PodDisruptionBudget in namespace '${namespaceOf(object.manifest)}' selects the pods of this ${kindOf(object)}`,
  })),
  podRule({
    id: 'HARD-pod-anti-affinity', title: 'Replicas prefer different nodes', severity: Severity.MEDIUM, kinds: REPLICATED_KINDS,
    rationale: 'Replicas on the same node all fail with it. A hostname anti-affinity term that selects the pods\' own labels spreads them (preferred, so pods still schedule on small clusters).',
    fieldPath: 'spec.template.spec.affinity.podAntiAffinity',
    fix: 'Add a preferredDuringSchedulingIgnoredDuringExecution podAntiAffinity term with topologyKey kubernetes.io/hostname and a labelSelector of the pod labels.',
    constructFix: 'Replicated cdk8s-hardened workloads add it (spread: true, the default).',
    severityReason: 'MEDIUM: kube-score warning; availability only.',
    equivalents: { kubeScore: ['deployment-has-host-podantiaffinity', 'statefulset-has-host-podantiaffinity'], kubeLinter: ['no-anti-affinity'] },
  }, (object, context) => {
    const pod = podTemplateOf(object.manifest);
    if (!pod || !TWO_OR_MORE(object, context)) return undefined;
    const anti = field(pod.spec, 'affinity', 'podAntiAffinity');
    const terms = [
      ...asList(field(anti, 'requiredDuringSchedulingIgnoredDuringExecution')),
      ...asList(field(anti, 'preferredDuringSchedulingIgnoredDuringExecution')).map((t) => field(t, 'podAffinityTerm')),
    ];
    const labels = podLabels(pod);
    const ok = terms.some((t) => field(t, 'topologyKey') === 'kubernetes.io/hostname' && selectorMatches(field(t, 'labelSelector'), labels));
    return ok ? undefined : { fieldPath: manifestPath(pod, 'spec.affinity.podAntiAffinity'), message: 'no hostname anti-affinity term selects the replicas' };
  }),
  podRule({
    id: 'HARD-topology-spread', title: 'Replicas are spread by topologySpreadConstraints, and every constraint is well-formed', severity: Severity.HIGH, kinds: WORKLOAD_KINDS.filter((k) => k !== 'Job' && k !== 'CronJob'),
    rationale: 'Spread over zones survives a zone outage; a malformed constraint (no selector, maxSkew 0, unknown whenUnsatisfiable) is rejected or silently ineffective. Presence is required from two replicas.',
    fieldPath: '<podSpec>.topologySpreadConstraints',
    fix: 'Add topologySpreadConstraints over topology.kubernetes.io/zone and kubernetes.io/hostname, each with a labelSelector of the pod labels, maxSkew: 1 and whenUnsatisfiable: ScheduleAnyway.',
    constructFix: 'Replicated cdk8s-hardened workloads add both constraints (spread: true, the default).',
    severityReason: 'HIGH for a malformed constraint (kube-score critical: it is rejected or silently ineffective); MEDIUM when constraints are missing (Polaris warning: availability only).',
    equivalents: { kubeScore: ['pod-topology-spread-constraints'], polaris: ['topologySpreadConstraint'] },
  }, (object, context) => {
    const pod = podTemplateOf(object.manifest);
    if (!pod) return undefined;
    const constraints = asList(pod.spec.topologySpreadConstraints);
    const bad = constraints.findIndex((c) => !isObject(c) || !isObject(c.labelSelector) || !((asNumber(c.maxSkew) ?? 0) > 0) || !c.topologyKey
      || !TOPOLOGY_POLICIES.includes(c.whenUnsatisfiable as string) || c.minDomains === 0);
    if (bad >= 0) return { fieldPath: manifestPath(pod, `spec.topologySpreadConstraints[${bad}]`), message: 'topology spread constraint needs labelSelector, topologyKey, maxSkew > 0 and whenUnsatisfiable DoNotSchedule or ScheduleAnyway' };
    if (constraints.length === 0 && REPLICATED_KINDS.includes(kindOf(object) ?? '') && TWO_OR_MORE(object, context)) {
      return { fieldPath: manifestPath(pod, 'spec.topologySpreadConstraints'), message: 'replicated workload has no topologySpreadConstraints', severity: Severity.MEDIUM };
    }
    return undefined;
  }),
  podRule({
    id: 'HARD-no-static-replicas-with-hpa', title: 'Autoscaled workloads leave spec.replicas to the autoscaler', severity: Severity.HIGH, kinds: REPLICATED_KINDS,
    rationale: 'With spec.replicas set, every deploy resets the count the HorizontalPodAutoscaler chose, dropping capacity under load. (Polaris deploymentMissingReplicas wants replicas set; kube-score is right for autoscaled workloads.)',
    fieldPath: 'spec.replicas',
    fix: 'Remove spec.replicas from a Deployment or StatefulSet that a HorizontalPodAutoscaler targets.',
    constructFix: 'Call autoscale() on the workload: cdk8s-hardened then leaves spec.replicas unset.',
    severityReason: 'HIGH: kube-score critical; every deploy under load drops capacity to the static count.',
    equivalents: { kubeScore: ['deployment-targeted-by-hpa-does-not-have-replicas-configured'] },
  }, (object, context) => {
    const replicas = field(object.manifest, 'spec', 'replicas');
    return replicas !== undefined && replicas !== null && autoscalerOf(object, context)
      ? { fieldPath: 'spec.replicas', message: `spec.replicas is ${describeValue(replicas)} although a HorizontalPodAutoscaler targets this ${kindOf(object)}` }
      : undefined;
  }),
  podRule({
    id: 'HARD-networkpolicy-covers-pod', title: 'Every pod is isolated by NetworkPolicies for ingress and egress', severity: Severity.MEDIUM, kinds: WORKLOAD_KINDS,
    rationale: 'A pod no NetworkPolicy selects accepts connections from, and opens them to, every pod in the cluster: one compromised pod can reach all others. Both directions must be covered. A policy without policyTypes covers Ingress, and Egress when it has egress rules, as the API server defaults it. A policy whose rule admits every peer on every port (see HARD-networkpolicy-open-rule) covers nothing in that direction.',
    fieldPath: 'NetworkPolicy.spec.{podSelector,policyTypes}',
    fix: 'Select the pods with NetworkPolicies whose policyTypes include Ingress and Egress (a namespace-wide default deny with podSelector: {} covers every pod).',
    constructFix: 'cdk8s-hardened workloads create their own NetworkPolicy; HardenedNamespace adds a default deny.',
    severityReason: 'MEDIUM: kube-score critical, Polaris warning; lateral movement needs a compromised pod first.',
    equivalents: { kubeScore: ['pod-networkpolicy'], polaris: ['missingNetworkPolicy'], kubeLinter: ['non-isolated-pod'], checkov: ['CKV2_K8S_6'] },
  }, (object, context) => {
    const pod = podTemplateOf(object.manifest);
    if (!pod) return undefined;
    const labels = podLabels(pod);
    const covered = new Set<unknown>();
    const opened = new Map<string, string>();
    for (const { manifest: policy } of context.inNamespace(namespaceOf(object.manifest), 'NetworkPolicy')) {
      const selector = field(policy, 'spec', 'podSelector');
      const selects = selector === undefined || selector === null || selectsEverything(selector) || selectorMatches(selector, labels);
      if (!selects) continue;
      asList(field(policy, 'spec', 'policyTypes')).forEach((t) => covered.add(t));
      for (const open of openRules(policy)) {
        if (!opened.has(open.direction)) opened.set(open.direction, `NetworkPolicy '${text(field(policy, 'metadata', 'name'))}' admits ${open.what} on every port (${open.path})`);
      }
    }
    const missing = ['Ingress', 'Egress'].filter((t) => !covered.has(t));
    if (missing.length > 0) return { fieldPath: manifestPath(pod, 'metadata.labels'), message: `no NetworkPolicy covers ${missing.join(' and ')} for the pods of this ${kindOf(object)}` };
    if (opened.size > 0) return { fieldPath: manifestPath(pod, 'metadata.labels'), message: `the pods of this ${kindOf(object)} are not isolated: ${[...opened.values()].join('; ')}` };
    return undefined;
  }),
  podRule({
    id: 'HARD-pdb-has-policy', title: 'PodDisruptionBudget sets minAvailable or maxUnavailable', severity: Severity.HIGH, kinds: ['PodDisruptionBudget'],
    rationale: 'A budget with neither field protects nothing while looking like it does.',
    fieldPath: 'spec.minAvailable, spec.maxUnavailable',
    fix: 'Set spec.maxUnavailable: 1 (or spec.minAvailable below the replica count).',
    constructFix: 'Use DisruptionBudget.maxUnavailable(1) (the default of replicated workloads).',
    severityReason: 'HIGH: kube-score critical; the budget is a silent no-op.',
    equivalents: { kubeScore: ['poddisruptionbudget-has-policy'] },
  }, (object) => {
    const spec = field(object.manifest, 'spec');
    const unset = (value: unknown) => value === undefined || value === null;
    return unset(field(spec, 'minAvailable')) && unset(field(spec, 'maxUnavailable')) ? { fieldPath: 'spec', message: 'the PodDisruptionBudget sets neither minAvailable nor maxUnavailable' } : undefined;
  }),
  podRule({
    id: 'HARD-pdb-allows-disruption', title: 'PodDisruptionBudget allows at least one eviction and selects pods', severity: Severity.MEDIUM, kinds: ['PodDisruptionBudget'],
    rationale: 'A budget that allows zero disruptions blocks node drains forever, so cluster upgrades hang; a budget that selects no pod in the namespace protects nothing.',
    fieldPath: 'spec.maxUnavailable, spec.minAvailable, spec.selector',
    fix: 'Use spec.maxUnavailable: 1, or a spec.minAvailable below the smallest replica count (the HPA\'s minReplicas when autoscaled); make spec.selector match the workload\'s pod labels.',
    constructFix: 'DisruptionBudget of cdk8s-hardened refuses budgets that allow no eviction at construction.',
    severityReason: 'MEDIUM: Polaris warning; drains hang, nothing is exposed.',
    equivalents: { polaris: ['pdbDisruptionsIsZero', 'pdbMinAvailableGreaterThanHPAMinReplicas'], kubeLinter: ['pdb-max-unavailable', 'pdb-min-available'] },
  }, (object, context) => {
    const spec = field(object.manifest, 'spec');
    const maxUnavailable = field(spec, 'maxUnavailable');
    if (maxUnavailable === 0 || maxUnavailable === '0%') {
      return { fieldPath: 'spec.maxUnavailable', message: `maxUnavailable ${describeValue(maxUnavailable)} allows no eviction` };
    }
    const workloads = podsInNamespace(context, namespaceOf(object.manifest)).filter(({ pod }) => selectorMatches(field(spec, 'selector'), podLabels(pod)));
    if (workloads.length === 0) return { fieldPath: 'spec.selector', message: `the selector matches no pod template in namespace '${namespaceOf(object.manifest)}'` };
    const minAvailable = field(spec, 'minAvailable');
    if (minAvailable === undefined || minAvailable === null) return undefined;
    for (const { object: workload } of workloads) {
      const replicas = minimumReplicas(workload, context);
      const required = scaled(minAvailable, replicas);
      if (required !== undefined && required >= replicas) {
        return { fieldPath: 'spec.minAvailable', message: `minAvailable ${describeValue(minAvailable)} allows no eviction of ${kindOf(workload)}/${nameOf(workload)} at ${replicas} replica(s)` };
      }
    }
    return undefined;
  }),
  podRule({
    id: 'HARD-hpa-target', title: 'HorizontalPodAutoscaler targets an existing workload whose pods have the requests it scales on', severity: Severity.HIGH, kinds: ['HorizontalPodAutoscaler'],
    rationale: 'An autoscaler whose target does not exist does nothing; a Utilization metric needs the matching request on every container, or the autoscaler cannot compute it and never scales. An autoscaler that names no metric scales on CPU utilization, as the API server defaults it.',
    fieldPath: 'spec.scaleTargetRef, spec.metrics[*].resource',
    fix: 'Point spec.scaleTargetRef at the Deployment or StatefulSet in the same namespace, and give every container of its pods the cpu (and memory) requests the metrics use.',
    constructFix: 'Call autoscale() on the workload: the autoscaler then targets it, and cdk8s-hardened containers always have requests.',
    severityReason: 'HIGH: kube-score critical; the workload never scales while it looks autoscaled.',
    equivalents: { kubeScore: ['horizontalpodautoscaler-has-target'], kubeLinter: ['dangling-horizontalpodautoscaler'] },
  }, (object, context) => {
    const ref = field(object.manifest, 'spec', 'scaleTargetRef');
    const refKind = asString(field(ref, 'kind'));
    const refName = asString(field(ref, 'name'));
    const target = refKind ? context.inNamespace(namespaceOf(object.manifest), refKind).find((o) => nameOf(o) === refName) : undefined;
    if (!target) return { fieldPath: 'spec.scaleTargetRef', message: `target ${describeValue(refKind ?? '')}/${describeValue(refName ?? '')} is not in namespace '${namespaceOf(object.manifest)}'` };
    const pod = podTemplateOf(target.manifest);
    if (!pod) return undefined;
    for (const [index, metric] of objectItems(field(object.manifest, 'spec', 'metrics'))) {
      const resource = metric.type === 'Resource' && field(metric, 'resource', 'target', 'type') === 'Utilization' ? asString(field(metric, 'resource', 'name')) : undefined;
      if (!resource) continue;
      const without = containersAt(pod, false).find(({ container }) => { const v = field(container, 'resources', 'requests', resource); return v === undefined || v === null; });
      if (without) return { fieldPath: `spec.metrics[${index}]`, message: `scales on ${resource} utilization but container ${without.label} of ${refKind}/${refName} has no ${resource} request` };
    }
    return undefined;
  }),
  podRule({
    id: 'HARD-service-selects-pods', title: 'Service selects pods, and its named target ports exist on them', severity: Severity.HIGH, kinds: ['Service'],
    rationale: 'A Service whose selector matches nothing, or whose named targetPort is not the name of a port of the pods (with the Service port\'s protocol), has no endpoints: every connection fails while the Service looks healthy. A numeric targetPort is routed to the pod whether or not a container declares it, so it is not checked. Pods that the audit cannot contain count as present: those a prometheus-operator custom resource of the audit creates (Prometheus, Alertmanager, ThanosRuler, with the labels and ports the operator gives them) and, in kube-system, the control plane\'s and the cluster add-ons\' own pods (component: kube-scheduler, etcd, kube-controller-manager; k8s-app: kube-proxy, kube-dns); such Services get no finding, since their owner cannot act on one.',
    fieldPath: 'spec.selector, spec.ports[*].targetPort',
    fix: 'Make spec.selector match the pod template labels of a workload in the namespace, and give each named targetPort the name of a containerPort of those pods (same protocol), or use the port number.',
    constructFix: 'WebService and StatefulService create their Service with the workload\'s selector and port.',
    severityReason: 'HIGH: kube-score critical; a Service without endpoints is an outage that looks healthy.',
    equivalents: { kubeScore: ['service-targets-pod'], kubeLinter: ['dangling-service'] },
  }, (object, context) => {
    const service = object.manifest;
    if (!isObject(service) || !routesBySelector(service)) return undefined;
    const namespace = namespaceOf(service);
    if (selectsControlPlane(namespace, field(service, 'spec', 'selector'))) return undefined;
    const pods = selectedPods(service, context);
    if (pods.length === 0) return { fieldPath: 'spec.selector', message: `the selector matches no pod template in namespace '${namespace}'` };
    return serviceTargets(service)
      .filter((target) => typeof target.target === 'string' && !pods.some((ports) => ports.some((port) => portNamed(port, target))))
      .map((target) => ({
        fieldPath: `spec.ports[${target.index}].targetPort`,
        message: `targetPort '${text(target.target)}' is not the name of a ${target.protocol} container port of the selected pods`,
      }));
  }),
  podRule({
    id: 'HARD-namespace-set', title: 'Namespaced objects set metadata.namespace, and workloads stay out of kube-system', severity: Severity.LOW, kinds: ['*'],
    rationale: 'An object without a namespace lands wherever the applying context points, often `default`; workloads in kube-system share it with the control-plane add-ons and their privileges.',
    fieldPath: 'metadata.namespace',
    fix: 'Set metadata.namespace on every namespaced object, to a namespace of your own (not kube-system).',
    constructFix: 'Give the chart a namespace: cdk8s-hardened sets it on every object.',
    severityReason: 'LOW: Trivy LOW (MEDIUM for kube-system); a deployment-hygiene matter.',
    equivalents: { kubeLinter: ['use-namespace'], checkov: ['CKV_K8S_21'], trivy: ['KSV-0110', 'KSV-0037'] },
  }, (object) => {
    const kind = kindOf(object) ?? '';
    if (NAMESPACED_EXEMPT.has(kind)) return undefined;
    const namespace = asString(field(object.manifest, 'metadata', 'namespace'));
    const label = `${kind} '${nameOf(object) ?? '(unnamed)'}'`;
    if (!namespace) return { fieldPath: 'metadata.namespace', message: `${label} sets no namespace` };
    if (namespace === 'kube-system' && WORKLOAD_KINDS.includes(kind)) return { fieldPath: 'metadata.namespace', message: `${label} runs in kube-system` };
    return undefined;
  }),
];

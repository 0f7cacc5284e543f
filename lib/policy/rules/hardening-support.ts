import { manifestPath, podTemplateOf, PodTemplate } from '../pod-template';
import { AuditContext, AuditObject, namespaceOf, Rule, Violation } from '../rule';

/** Kinds that carry a pod (the hardening pack checks the same ones). */
export const WORKLOAD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob'];
/** Workloads that keep several interchangeable replicas. */
export const REPLICATED_KINDS = ['Deployment', 'StatefulSet'];

/** A container with its manifest path. */
export interface ContainerAt {
  readonly container: any;
  readonly path: string;
  readonly init: boolean;
}

/** The containers (and, when asked, init containers) of a pod with their manifest paths. */
export function containersAt(pod: PodTemplate, includeInit: boolean): ContainerAt[] {
  const result: ContainerAt[] = [];
  for (const field of includeInit ? ['initContainers', 'containers'] : ['containers']) {
    const list = pod.spec?.[field];
    if (!Array.isArray(list)) continue;
    list.forEach((container: any, i: number) => result.push({ container: container ?? {}, path: manifestPath(pod, `spec.${field}[${i}]`), init: field === 'initContainers' }));
  }
  return result;
}

/** A rule over each container of each pod. */
export function containerRule(
  meta: Omit<Rule, 'check' | 'kinds'> & { includeInit: boolean },
  check: (c: ContainerAt, pod: PodTemplate, object: AuditObject, context: AuditContext) => Violation | undefined,
): Rule {
  const { includeInit, ...info } = meta;
  return {
    ...info,
    kinds: WORKLOAD_KINDS,
    check: (object, context) => {
      const pod = podTemplateOf(object.manifest);
      if (!pod) return [];
      return containersAt(pod, includeInit).map((c) => check(c, pod, object, context)).filter((v): v is Violation => v !== undefined);
    },
  };
}

/** True when every matchLabels pair and matchExpressions requirement of a LabelSelector holds for `labels`. */
export function selectorMatches(selector: any, labels: { [key: string]: string } | undefined): boolean {
  if (selector == null) return false;
  const have = labels ?? {};
  const matchLabels = selector.matchLabels;
  if (matchLabels) {
    for (const key in matchLabels) if (have[key] !== matchLabels[key]) return false;
  }
  for (const requirement of selector.matchExpressions ?? []) {
    const present = Object.prototype.hasOwnProperty.call(have, requirement.key);
    const values: string[] = requirement.values ?? [];
    switch (requirement.operator) {
      case 'In': if (!present || !values.includes(have[requirement.key])) return false; break;
      case 'NotIn': if (present && values.includes(have[requirement.key])) return false; break;
      case 'Exists': if (!present) return false; break;
      case 'DoesNotExist': if (present) return false; break;
      default: return false;
    }
  }
  return true;
}

/** True when a Service-style selector (a plain map, non-empty) holds for `labels`. */
export function mapSelectorMatches(selector: { [key: string]: string } | undefined, labels: { [key: string]: string } | undefined): boolean {
  if (!selector) return false;
  let keys = 0;
  for (const key in selector) {
    keys++;
    if (labels?.[key] !== selector[key]) return false;
  }
  return keys > 0;
}

/** The Service selectors of a namespace: by the first pair of a selector whose first value is a string, the others in a list. */
interface SelectorIndex {
  readonly byPair: Map<string, unknown[]>;
  readonly others: unknown[];
}

const serviceSelectorCache = new WeakMap<AuditContext, Map<string, SelectorIndex>>();

/**
 * Whether a Service of the audit in `namespace` selects pods with these labels, as
 * `mapSelectorMatches` decides. A selector can only match labels that hold its first pair, so the
 * selectors are indexed by it and a pod is compared only with the Services that could select it.
 */
export function selectedByService(context: AuditContext, namespace: string, labels: any): boolean {
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) {
    return context.inNamespace(namespace, 'Service').some((s) => mapSelectorMatches(s.manifest.spec?.selector, labels));
  }
  let byNamespace = serviceSelectorCache.get(context);
  if (!byNamespace) {
    byNamespace = new Map();
    serviceSelectorCache.set(context, byNamespace);
  }
  let index = byNamespace.get(namespace);
  if (!index) {
    index = { byPair: new Map(), others: [] };
    for (const service of context.inNamespace(namespace, 'Service')) {
      const selector = service.manifest.spec?.selector;
      const first = typeof selector === 'object' && selector !== null && !Array.isArray(selector) ? Object.keys(selector)[0] : undefined;
      if (first !== undefined && typeof selector[first] === 'string') {
        const pair = `${first}\u0000${selector[first]}`;
        const list = index.byPair.get(pair);
        if (list) list.push(selector);
        else index.byPair.set(pair, [selector]);
      } else if (selector) {
        index.others.push(selector);
      }
    }
    byNamespace.set(namespace, index);
  }
  const matches = (selector: any): boolean => mapSelectorMatches(selector, labels);
  if (index.others.some(matches)) return true;
  for (const key of Object.keys(labels)) {
    if (typeof labels[key] === 'string' && index.byPair.get(`${key}\u0000${labels[key]}`)?.some(matches)) return true;
  }
  return false;
}

/** The pods of every workload in a namespace, computed once per audit. */
const podsCache = new WeakMap<AuditContext, Map<string, Array<{ object: AuditObject; pod: PodTemplate }>>>();

export function podsInNamespace(context: AuditContext, namespace: string): Array<{ object: AuditObject; pod: PodTemplate }> {
  let byNamespace = podsCache.get(context);
  if (!byNamespace) {
    byNamespace = new Map();
    for (const object of context.objects) {
      const pod = podTemplateOf(object.manifest);
      if (!pod) continue;
      const ns = namespaceOf(object.manifest);
      const list = byNamespace.get(ns);
      if (list) list.push({ object, pod });
      else byNamespace.set(ns, [{ object, pod }]);
    }
    podsCache.set(context, byNamespace);
  }
  return byNamespace.get(namespace) ?? [];
}

/** The pods of a namespace by each of their string-valued label pairs; pods whose labels are not a map, in a list. */
interface PodIndex {
  readonly byPair: Map<string, Array<{ object: AuditObject; pod: PodTemplate }>>;
  readonly others: Array<{ object: AuditObject; pod: PodTemplate }>;
}

const podIndexCache = new WeakMap<AuditContext, Map<string, PodIndex>>();

/**
 * The pods of a namespace that a Service-style selector selects (as `mapSelectorMatches` decides),
 * in the order of `podsInNamespace`: a selector can only match pods that hold its first pair, so
 * only those are compared with it.
 */
export function podsSelectedBy(context: AuditContext, namespace: string, selector: any): Array<{ object: AuditObject; pod: PodTemplate }> {
  const pods = podsInNamespace(context, namespace);
  const first = typeof selector === 'object' && selector !== null && !Array.isArray(selector) ? Object.keys(selector)[0] : undefined;
  if (first === undefined || typeof selector[first] !== 'string') return pods.filter(({ pod }) => mapSelectorMatches(selector, pod.metadata?.labels));
  let byNamespace = podIndexCache.get(context);
  if (!byNamespace) {
    byNamespace = new Map();
    podIndexCache.set(context, byNamespace);
  }
  let index = byNamespace.get(namespace);
  if (!index) {
    index = { byPair: new Map(), others: [] };
    for (const entry of pods) {
      const labels = entry.pod.metadata?.labels;
      // Only a map, a string or an array can hold a string at a key; a string or an array is compared as it is.
      if (typeof labels === 'string' || Array.isArray(labels)) index.others.push(entry);
      if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) continue;
      for (const key of Object.keys(labels)) {
        if (typeof labels[key] !== 'string') continue;
        const pair = `${key}\u0000${labels[key]}`;
        const list = index.byPair.get(pair);
        if (list) list.push(entry);
        else index.byPair.set(pair, [entry]);
      }
    }
    byNamespace.set(namespace, index);
  }
  const candidates = index.byPair.get(`${first}\u0000${selector[first]}`) ?? [];
  const selected = [...candidates, ...index.others].filter(({ pod }) => mapSelectorMatches(selector, pod.metadata?.labels));
  if (index.others.length > 0) selected.sort((a, b) => pods.indexOf(a) - pods.indexOf(b));
  return selected;
}

const autoscalerCache = new WeakMap<AuditContext, Map<string, any>>();

/** The HorizontalPodAutoscaler that targets a workload, if the audit holds one (indexed once per audit). */
export function autoscalerOf(object: AuditObject, context: AuditContext): any | undefined {
  let byTarget = autoscalerCache.get(context);
  if (!byTarget) {
    byTarget = new Map();
    for (const { manifest } of context.objects) {
      if (manifest?.kind !== 'HorizontalPodAutoscaler') continue;
      const ref = manifest.spec?.scaleTargetRef ?? {};
      byTarget.set(`${namespaceOf(manifest)}/${ref.kind}/${ref.name}`, manifest);
    }
    autoscalerCache.set(context, byTarget);
  }
  return byTarget.get(`${namespaceOf(object.manifest)}/${object.manifest.kind}/${object.manifest.metadata?.name}`);
}

/** The fewest replicas a workload runs: the HPA's minReplicas when autoscaled, else spec.replicas (unset = 1). */
export function minimumReplicas(object: AuditObject, context: AuditContext): number {
  const hpa = autoscalerOf(object, context);
  if (hpa) return hpa.spec?.minReplicas ?? 1;
  return object.manifest.spec?.replicas ?? 1;
}

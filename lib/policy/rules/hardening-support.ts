import { manifestPath, podTemplateOf, PodTemplate } from '../pod-template';
import { AuditContext, AuditObject, namespaceOf, Rule, Violation } from '../rule';
import { asList, asNumber, asString, field, isObject, JsonObject, objectItems, stringMap, text } from '../shape';

/** Kinds that carry a pod (the hardening pack checks the same ones). */
export const WORKLOAD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob'];
/** Workloads that keep several interchangeable replicas. */
export const REPLICATED_KINDS = ['Deployment', 'StatefulSet'];

/** A container with its manifest path. */
export interface ContainerAt {
  /** The container: always a JSON object (items of another shape are skipped). */
  readonly container: JsonObject;
  /** `'name'` or `#index` when the container has no name, for messages. */
  readonly label: string;
  readonly path: string;
  readonly init: boolean;
}

const containersCache = new WeakMap<PodTemplate, ContainerAt[]>();
const allContainersCache = new WeakMap<PodTemplate, ContainerAt[]>();

/** The containers (and, when asked, init containers) of a pod with their manifest paths; items that are not objects are skipped. Computed once per pod. */
export function containersAt(pod: PodTemplate, includeInit: boolean): readonly ContainerAt[] {
  const cache = includeInit ? allContainersCache : containersCache;
  let result = cache.get(pod);
  if (!result) {
    result = listContainers(pod, includeInit);
    cache.set(pod, result);
  }
  return result;
}

function listContainers(pod: PodTemplate, includeInit: boolean): ContainerAt[] {
  const result: ContainerAt[] = [];
  for (const list of includeInit ? ['initContainers', 'containers'] : ['containers']) {
    for (const [index, container] of objectItems(pod.spec[list])) {
      const name = asString(container.name);
      result.push({ container, label: name ? `'${name}'` : `#${index}`, path: manifestPath(pod, `spec.${list}[${index}]`), init: list === 'initContainers' });
    }
  }
  return result;
}

/** A rule over each container of each pod; a check may report several violations for one container. */
export function containerRule(
  meta: Omit<Rule, 'check' | 'kinds'> & { includeInit: boolean },
  check: (c: ContainerAt, pod: PodTemplate, object: AuditObject, context: AuditContext) => Violation | Violation[] | undefined,
): Rule {
  const { includeInit, ...info } = meta;
  return {
    ...info,
    kinds: WORKLOAD_KINDS,
    check: (object, context) => {
      const pod = podTemplateOf(object.manifest);
      if (!pod) return [];
      return containersAt(pod, includeInit).flatMap((c) => check(c, pod, object, context) ?? []);
    },
  };
}

const labelsCache = new WeakMap<PodTemplate, Readonly<Record<string, string>>>();

/** The string labels of a pod template (computed once per template). */
export function podLabels(pod: PodTemplate): Readonly<Record<string, string>> {
  let labels = labelsCache.get(pod);
  if (!labels) {
    labels = stringMap(pod.metadata.labels);
    labelsCache.set(pod, labels);
  }
  return labels;
}

/** True when every matchLabels pair and matchExpressions requirement of a LabelSelector holds for `labels`. */
export function selectorMatches(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  if (!isObject(selector)) return false;
  const matchLabels = selector.matchLabels;
  if (isObject(matchLabels)) {
    for (const key of Object.keys(matchLabels)) if (!hasLabel(labels, key) || labels[key] !== matchLabels[key]) return false;
  }
  for (const requirement of asList(selector.matchExpressions)) {
    const key = asString(field(requirement, 'key'));
    if (key === undefined) return false;
    const present = hasLabel(labels, key);
    const values = asList(field(requirement, 'values'));
    switch (field(requirement, 'operator')) {
      case 'In': if (!present || !values.includes(labels[key])) return false; break;
      case 'NotIn': if (present && values.includes(labels[key])) return false; break;
      case 'Exists': if (!present) return false; break;
      case 'DoesNotExist': if (present) return false; break;
      default: return false;
    }
  }
  return true;
}

/** True when a LabelSelector selects every pod: no matchLabels and no matchExpressions. */
export function selectsEverything(selector: unknown): boolean {
  if (!isObject(selector)) return false;
  const matchLabels = selector.matchLabels;
  return (!isObject(matchLabels) || Object.keys(matchLabels).length === 0) && asList(selector.matchExpressions).length === 0;
}

/** True when a Service-style selector (a plain map, non-empty) holds for `labels`. */
export function mapSelectorMatches(selector: unknown, labels: Readonly<Record<string, string>>): boolean {
  if (!isObject(selector)) return false;
  const keys = Object.keys(selector);
  return keys.length > 0 && keys.every((key) => hasLabel(labels, key) && labels[key] === selector[key]);
}

function hasLabel(labels: Readonly<Record<string, string>>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(labels, key);
}

/** A workload's pod, with the object that carries it. */
export interface WorkloadPod {
  readonly object: AuditObject;
  readonly pod: PodTemplate;
}

/** The pods of every workload in a namespace, computed once per audit. */
const podsCache = new WeakMap<AuditContext, Map<string, WorkloadPod[]>>();

export function podsInNamespace(context: AuditContext, namespace: string): WorkloadPod[] {
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

/** The pods of each namespace by each of their label pairs (`key`, NUL, `value`), in `podsInNamespace` order. */
const podsByLabelCache = new WeakMap<AuditContext, Map<string, Map<string, WorkloadPod[]>>>();

/**
 * The pods of a namespace that a Service-style selector selects, as `mapSelectorMatches` decides,
 * in `podsInNamespace` order. Labels are strings, so only the pods that hold the selector's first
 * pair can match; those are found in an index instead of comparing the selector with every pod.
 */
export function podsSelectedBy(context: AuditContext, namespace: string, selector: unknown): WorkloadPod[] {
  if (!isObject(selector)) return [];
  const first = Object.keys(selector)[0];
  if (first === undefined || typeof selector[first] !== 'string') return [];
  let byNamespace = podsByLabelCache.get(context);
  if (!byNamespace) {
    byNamespace = new Map();
    podsByLabelCache.set(context, byNamespace);
  }
  let byPair = byNamespace.get(namespace);
  if (!byPair) {
    byPair = new Map();
    for (const entry of podsInNamespace(context, namespace)) {
      const labels = podLabels(entry.pod);
      for (const key of Object.keys(labels)) {
        const pair = `${key}\u0000${labels[key]}`;
        const list = byPair.get(pair);
        if (list) list.push(entry);
        else byPair.set(pair, [entry]);
      }
    }
    byNamespace.set(namespace, byPair);
  }
  return (byPair.get(`${first}\u0000${selector[first]}`) ?? []).filter(({ pod }) => mapSelectorMatches(selector, podLabels(pod)));
}

/** The name of an object, or undefined when it has none of string type. */
export function nameOf(object: AuditObject): string | undefined {
  return asString(field(object.manifest, 'metadata', 'name'));
}

/** The kind of an object, or undefined. */
export function kindOf(object: AuditObject): string | undefined {
  return asString(field(object.manifest, 'kind'));
}

const autoscalerCache = new WeakMap<AuditContext, Map<string, JsonObject>>();

/** The HorizontalPodAutoscaler that targets a workload, if the audit holds one (indexed once per audit). */
export function autoscalerOf(object: AuditObject, context: AuditContext): JsonObject | undefined {
  let byTarget = autoscalerCache.get(context);
  if (!byTarget) {
    byTarget = new Map();
    for (const { manifest } of context.objects) {
      if (!isObject(manifest) || manifest.kind !== 'HorizontalPodAutoscaler') continue;
      const ref = field(manifest, 'spec', 'scaleTargetRef');
      byTarget.set(`${namespaceOf(manifest)}/${text(field(ref, 'kind'))}/${text(field(ref, 'name'))}`, manifest);
    }
    autoscalerCache.set(context, byTarget);
  }
  return byTarget.get(`${namespaceOf(object.manifest)}/${text(kindOf(object))}/${text(nameOf(object))}`);
}

/** The fewest replicas a workload runs: the HPA's minReplicas when autoscaled, else spec.replicas (unset = 1). */
export function minimumReplicas(object: AuditObject, context: AuditContext): number {
  const hpa = autoscalerOf(object, context);
  if (hpa) return asNumber(field(hpa, 'spec', 'minReplicas')) ?? 1;
  return asNumber(field(object.manifest, 'spec', 'replicas')) ?? 1;
}

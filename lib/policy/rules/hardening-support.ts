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

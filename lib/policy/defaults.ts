/**
 * The defaults the API server fills in before an object is stored, where one changes a rule's
 * verdict. The audit judges the object the cluster will run, so the rules see it after these
 * defaults, as admission and the controllers do. Each default follows the API server's defaulting
 * code (`pkg/apis/core/v1/defaults.go`, `networking/v1`, `autoscaling/v2`).
 *
 * The caller's manifest is never changed: a defaulted copy is returned.
 */
import { podSpecKeys } from './pod-template';
import { asList, asString, isObject, JsonObject, setKey } from './shape';

/** The CPU utilization an autoscaler targets when it names no metric (`autoscaling.DefaultCPUUtilization`). */
const DEFAULT_CPU_UTILIZATION = 80;

const DEFAULTED_KINDS = new Set([
  'Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'PodTemplate',
  'Service', 'NetworkPolicy', 'HorizontalPodAutoscaler',
]);

/**
 * The manifest as the API server stores it, for the defaults that change a verdict:
 *
 * - containers: `imagePullPolicy` from the image reference (`Always` for `:latest` or no tag,
 *   else `IfNotPresent`); `ports[*].protocol` TCP; resource requests copied from limits where only
 *   the limit is set; for `hostNetwork` pods, `hostPort` set to `containerPort` (containers and init
 *   containers). The last two are Pod defaults: since Kubernetes 1.28 a template keeps them unset,
 *   but every Pod created from it gets them, and those are the pods that run.
 * - Service: `ports[*].protocol` TCP and `targetPort` equal to `port`.
 * - NetworkPolicy: `policyTypes` Ingress, plus Egress when egress rules are given.
 * - HorizontalPodAutoscaler: `minReplicas` 1; with no metric, CPU utilization 80%.
 *
 * Returns the manifest itself when nothing of its kind is defaulted, else a copy in which the
 * objects on the way to each defaulted field are copied (copy on write) and the rest is shared.
 */
export function withApiServerDefaults(manifest: unknown): unknown {
  if (!isObject(manifest) || !DEFAULTED_KINDS.has(manifest.kind as string)) return manifest;
  const copy = { ...manifest };
  switch (copy.kind) {
    case 'Service': defaultService(copy); break;
    case 'NetworkPolicy': defaultNetworkPolicy(copy); break;
    case 'HorizontalPodAutoscaler': defaultAutoscaler(copy); break;
    default: defaultPod(copy);
  }
  return copy;
}

/** `imagePullPolicy` as the API server defaults it: `Always` for `:latest` or an untagged, undigested image. */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  const tag = imageTag(image);
  if (tag === 'latest') return 'Always';
  return !tag && !image.includes('@') ? 'Always' : 'IfNotPresent';
}

/** The tag of an image reference (`repo:tag@digest`); undefined when it has none. A registry port is not a tag. */
export function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon >= 0 ? withoutDigest.slice(colon + 1) : undefined;
}

/** Replaces `parent[key]` by a shallow copy when it is an object or a list, and returns the copy. */
function copied(parent: JsonObject | unknown[], key: string | number): any {
  const child = (parent as any)[key];
  if (Array.isArray(child)) return ((parent as any)[key] = [...child]);
  if (isObject(child)) return ((parent as any)[key] = { ...child });
  return undefined;
}

/** The copied object items of a copied list field. */
function copiedItems(parent: JsonObject, key: string): JsonObject[] {
  const list = Array.isArray(parent[key]) ? copied(parent, key) as unknown[] : [];
  return list.map((item, index) => (isObject(item) ? copied(list, index) as JsonObject : undefined)).filter((item): item is JsonObject => item !== undefined);
}

function defaultPod(manifest: JsonObject): void {
  let spec: any = manifest;
  for (const key of podSpecKeys(manifest.kind) ?? []) {
    spec = isObject(spec) ? copied(spec, key) : undefined;
  }
  if (!isObject(spec)) return;
  const hostNetwork = spec.hostNetwork === true;
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const container of copiedItems(spec, list)) {
      if (!container.imagePullPolicy && typeof container.image === 'string') container.imagePullPolicy = defaultPullPolicy(container.image);
      for (const port of copiedItems(container, 'ports')) {
        if (!port.protocol) port.protocol = 'TCP';
        if (hostNetwork && list !== 'ephemeralContainers' && !port.hostPort && port.containerPort !== undefined) port.hostPort = port.containerPort;
      }
      if (list !== 'ephemeralContainers') defaultRequestsFromLimits(container);
    }
  }
}

function defaultRequestsFromLimits(container: JsonObject): void {
  const resources = copied(container, 'resources');
  if (!isObject(resources) || !isObject(resources.limits)) return;
  if (resources.requests === undefined || resources.requests === null) resources.requests = {};
  const requests = copied(resources, 'requests');
  if (!isObject(requests)) return;
  for (const key of Object.keys(resources.limits)) {
    if (!Object.prototype.hasOwnProperty.call(requests, key)) setKey(requests, key, resources.limits[key]);
  }
}

function defaultService(manifest: JsonObject): void {
  const spec = copied(manifest, 'spec');
  if (!isObject(spec)) return;
  for (const port of copiedItems(spec, 'ports')) {
    if (!port.protocol) port.protocol = 'TCP';
    if ((port.targetPort === undefined || port.targetPort === null || port.targetPort === 0 || port.targetPort === '') && port.port !== undefined) {
      port.targetPort = port.port;
    }
  }
}

function defaultNetworkPolicy(manifest: JsonObject): void {
  const spec = copied(manifest, 'spec');
  if (!isObject(spec)) return;
  const given = spec.policyTypes;
  if (given !== undefined && given !== null && !(Array.isArray(given) && given.length === 0)) return;
  spec.policyTypes = asList(spec.egress).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

function defaultAutoscaler(manifest: JsonObject): void {
  const spec = copied(manifest, 'spec');
  if (!isObject(spec)) return;
  if (spec.minReplicas === undefined || spec.minReplicas === null) spec.minReplicas = 1;
  const v1 = asString(manifest.apiVersion) === 'autoscaling/v1';
  if (v1) {
    const target = typeof spec.targetCPUUtilizationPercentage === 'number' ? spec.targetCPUUtilizationPercentage : DEFAULT_CPU_UTILIZATION;
    spec.metrics = [cpuUtilization(target)];
  } else if (spec.metrics === undefined || spec.metrics === null || (Array.isArray(spec.metrics) && spec.metrics.length === 0)) {
    spec.metrics = [cpuUtilization(DEFAULT_CPU_UTILIZATION)];
  }
}

function cpuUtilization(averageUtilization: number): JsonObject {
  return { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization } } };
}

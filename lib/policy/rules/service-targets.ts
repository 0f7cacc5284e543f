/**
 * How a Service reaches its pods, as the endpoints controller resolves it: a numeric targetPort
 * is routed to that port of the pod whether or not a container declares it; a named targetPort
 * must be the name of a container port with the Service port's protocol.
 */
import { PodTemplate } from '../pod-template';
import { AuditContext, AuditObject, namespaceOf } from '../rule';
import { asString, field, isObject, JsonObject, objectItems } from '../shape';
import { mapSelectorMatches, podLabels } from './hardening-support';

/** One port of a Service and the target it resolves to. */
export interface ServiceTarget {
  /** Index in `spec.ports`. */
  readonly index: number;
  /** The targetPort (defaulted to the port): a number, or a port name. */
  readonly target: number | string;
  /** The protocol (defaulted to TCP). */
  readonly protocol: string;
}

/** The targets of a Service's ports; ports of another shape are skipped. */
export function serviceTargets(service: unknown): ServiceTarget[] {
  const targets: ServiceTarget[] = [];
  for (const [index, port] of objectItems(field(service, 'spec', 'ports'))) {
    const target = port.targetPort ?? port.port;
    if (typeof target !== 'number' && typeof target !== 'string') continue;
    targets.push({ index, target, protocol: asString(port.protocol) ?? 'TCP' });
  }
  return targets;
}

/** True when a Service routes by selector: it has a non-empty selector map and is not an ExternalName Service. */
export function routesBySelector(service: unknown): boolean {
  const spec = field(service, 'spec');
  return isObject(spec) && spec.type !== 'ExternalName' && isObject(spec.selector) && Object.keys(spec.selector).length > 0;
}

/** A Service that routes by selector, with its place among the Services of its namespace. */
interface RoutingService {
  readonly order: number;
  readonly service: JsonObject;
}

/** The routing Services of each namespace by the first pair of their selector (`key`, NUL, `value`). */
const servicesByPairCache = new WeakMap<AuditContext, Map<string, Map<string, RoutingService[]>>>();

/**
 * The Services of the audit, in the pod's namespace, that select the pod, in the audit's order.
 * Labels are strings, so a selector can only match a pod that holds its first pair: each pod is
 * compared only with the Services indexed under one of its labels.
 */
export function servicesSelecting(pod: PodTemplate, object: AuditObject, context: AuditContext): JsonObject[] {
  const labels = podLabels(pod);
  const byPair = routingServices(context, namespaceOf(object.manifest));
  const found: RoutingService[] = [];
  for (const key of Object.keys(labels)) {
    for (const candidate of byPair.get(`${key}\u0000${labels[key]}`) ?? []) {
      if (mapSelectorMatches(field(candidate.service, 'spec', 'selector'), labels)) found.push(candidate);
    }
  }
  return found.sort((a, b) => a.order - b.order).map(({ service }) => service);
}

function routingServices(context: AuditContext, namespace: string): Map<string, RoutingService[]> {
  let byNamespace = servicesByPairCache.get(context);
  if (!byNamespace) {
    byNamespace = new Map();
    servicesByPairCache.set(context, byNamespace);
  }
  let byPair = byNamespace.get(namespace);
  if (!byPair) {
    byPair = new Map();
    context.inNamespace(namespace, 'Service').forEach(({ manifest: service }, order) => {
      if (!routesBySelector(service)) return;
      const selector = field(service, 'spec', 'selector') as JsonObject;
      const first = Object.keys(selector)[0];
      if (typeof selector[first] !== 'string') return;
      const pair = `${first}\u0000${selector[first]}`;
      const list = byPair!.get(pair);
      if (list) list.push({ order, service });
      else byPair!.set(pair, [{ order, service }]);
    });
    byNamespace.set(namespace, byPair);
  }
  return byPair;
}

/** True when a declared container port is the one a named target refers to (same name and protocol). */
export function portNamed(port: unknown, target: ServiceTarget): boolean {
  return typeof target.target === 'string' && field(port, 'name') === target.target && (asString(field(port, 'protocol')) ?? 'TCP') === target.protocol;
}

/** True when a container declares the port a target resolves to: by number, or by name and protocol. */
export function containerDeclares(container: JsonObject, target: ServiceTarget): boolean {
  return objectItems(container.ports).some(([, port]) => (typeof target.target === 'number' ? port.containerPort === target.target : portNamed(port, target)));
}

/**
 * A small evaluator of Kubernetes NetworkPolicy semantics (networking.k8s.io/v1) over the pods of
 * a set of manifests, plus endpoints outside them (kube-dns, an ingress controller, an IP range).
 * A connection from a source to a destination port is allowed when the source's egress and the
 * destination's ingress both allow it:
 * - a pod that no policy with that policy type selects is not isolated in that direction;
 * - an isolated pod allows what the union of the rules of the policies selecting it allows;
 * - a peer with only a podSelector means pods of the policy's namespace; with a namespaceSelector,
 *   pods of the matching namespaces; an ipBlock matches endpoints by IP (cluster pods have none here,
 *   so only 0.0.0.0/0 and ::/0 reach them, as on CNIs that apply ipBlocks to pod IPs);
 * - a rule without `from`/`to` matches every peer, without `ports` every port; named ports
 *   resolve against the destination's container ports; `endPort` opens a range.
 */
import { podTemplateOf } from '../../lib/policy/pod-template';
import { selectorMatches } from '../../lib/policy/rules/hardening-support';

/** Something that can connect or be connected to. */
export interface Endpoint {
  /** `namespace/name` for pods, any label for addresses outside the cluster. */
  readonly id: string;
  /** Namespace; undefined outside the cluster. */
  readonly namespace?: string;
  readonly labels: { [key: string]: string };
  readonly ports: Array<{ port: number; protocol: string; name?: string }>;
  /** IPv4 address, for endpoints outside the cluster. */
  readonly ip?: string;
}

/** The pods of every workload in the manifests, one endpoint per workload. */
export function podsOf(manifests: any[]): Endpoint[] {
  const pods: Endpoint[] = [];
  for (const manifest of manifests) {
    const template = podTemplateOf(manifest);
    if (!template) continue;
    const namespace = manifest.metadata?.namespace ?? 'default';
    const containers: any[] = Array.isArray(template.spec.containers) ? template.spec.containers : [];
    const ports = containers.flatMap((c) => (c.ports ?? []).map((p: any) => ({ port: p.containerPort, protocol: p.protocol ?? 'TCP', name: p.name })));
    pods.push({ id: `${namespace}/${manifest.metadata.name}`, namespace, labels: (template.metadata.labels ?? {}) as { [key: string]: string }, ports });
  }
  return pods;
}

/** Every allowed (source, destination, port) edge, as `source -> destination:port/protocol`, sorted. */
export function allowedEdges(manifests: any[], outside: Endpoint[]): string[] {
  const policies = manifests.filter((m) => m.kind === 'NetworkPolicy');
  const namespaceLabels = new Map<string, { [key: string]: string }>();
  const endpoints = [...podsOf(manifests), ...outside];
  for (const e of endpoints) if (e.namespace) namespaceLabels.set(e.namespace, { 'kubernetes.io/metadata.name': e.namespace });
  for (const ns of manifests.filter((m) => m.kind === 'Namespace')) {
    namespaceLabels.set(ns.metadata.name, { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns.metadata.name });
  }

  const selecting = (pod: Endpoint, type: 'Ingress' | 'Egress') => policies.filter((p) =>
    pod.namespace !== undefined && (p.metadata.namespace ?? 'default') === pod.namespace
    && policyTypes(p).includes(type) && selectorMatches(p.spec?.podSelector ?? {}, pod.labels));

  const peerMatches = (peer: any, policyNamespace: string, other: Endpoint): boolean => {
    if (peer.ipBlock) {
      const cidr = peer.ipBlock.cidr;
      if (other.ip === undefined) return cidr === '0.0.0.0/0' || cidr === '::/0';
      return inCidr(other.ip, cidr) && !(peer.ipBlock.except ?? []).some((e: string) => inCidr(other.ip!, e));
    }
    if (other.namespace === undefined) return false;
    const namespaceOk = peer.namespaceSelector
      ? selectorMatches(peer.namespaceSelector, namespaceLabels.get(other.namespace) ?? {})
      : other.namespace === policyNamespace;
    return namespaceOk && selectorMatches(peer.podSelector ?? {}, other.labels);
  };

  const portMatches = (rulePorts: any[] | undefined, destination: Endpoint, port: { port: number; protocol: string; name?: string }) => {
    if (!rulePorts || rulePorts.length === 0) return true;
    return rulePorts.some((p) => {
      if ((p.protocol ?? 'TCP') !== port.protocol) return false;
      if (p.port === undefined) return true;
      if (typeof p.port === 'string') return destination.ports.some((d) => d.name === p.port && d.port === port.port);
      return p.endPort !== undefined ? port.port >= p.port && port.port <= p.endPort : port.port === p.port;
    });
  };

  const allows = (owner: Endpoint, type: 'Ingress' | 'Egress', other: Endpoint, destination: Endpoint, port: { port: number; protocol: string }) => {
    const applying = selecting(owner, type);
    if (applying.length === 0) return true;
    const [rulesField, peersField] = type === 'Ingress' ? ['ingress', 'from'] : ['egress', 'to'];
    return applying.some((policy) => (policy.spec?.[rulesField] ?? []).some((rule: any) => {
      const peers: any[] | undefined = rule[peersField];
      const peerOk = !peers || peers.length === 0 || peers.some((peer) => peerMatches(peer, policy.metadata.namespace ?? 'default', other));
      return peerOk && portMatches(rule.ports, destination, port);
    }));
  };

  const edges: string[] = [];
  for (const source of endpoints) {
    for (const destination of endpoints) {
      for (const port of destination.ports) {
        if (allows(source, 'Egress', destination, destination, port) && allows(destination, 'Ingress', source, destination, port)) {
          edges.push(`${source.id} -> ${destination.id}:${port.port}/${port.protocol}`);
        }
      }
    }
  }
  return edges.sort();
}

function policyTypes(policy: any): string[] {
  return policy.spec?.policyTypes ?? ['Ingress', ...(policy.spec?.egress ? ['Egress'] : [])];
}

function inCidr(ip: string, cidr: string): boolean {
  if (!ip.includes('.') || !cidr.includes('.')) return cidr === '::/0' && ip.includes(':');
  const [base, bits] = cidr.split('/');
  const toNumber = (a: string) => a.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(toNumber(ip) / size) === Math.floor(toNumber(base) / size);
}

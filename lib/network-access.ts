import { ContainerPort } from './container';
import { validatePort, validateProtocol } from './names';
import { NetworkPeer, NetworkPort } from './network-peer';

interface Connection {
  readonly peer: NetworkPeer;
  readonly ports?: NetworkPort[];
}

const KUBE_DNS = {
  to: [{
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
    podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
  }],
  ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
};

/** Checks each port (1-65535, TCP/UDP/SCTP); returns them with the protocol filled in. */
function checkPorts(what: string, ports: NetworkPort[]): NetworkPort[] {
  return ports.map((p) => {
    validatePort(`${what}: port`, p.port);
    const protocol = p.protocol ?? 'TCP';
    validateProtocol(`${what}: port ${p.port}`, protocol);
    return { port: p.port, protocol };
  });
}

/** A container port as a NetworkPolicy port. */
export function networkPort(port: ContainerPort): NetworkPort {
  return { port: port.number, protocol: port.protocol ?? 'TCP' };
}

/**
 * The ports an ingress connection opens: the ones named (checked), else the serving ports.
 * @param what the call, for errors
 * @param workload the workload's name
 * @param servingPorts the ports it serves clients on
 * @param ports the ports named, if any
 */
export function ingressPorts(what: string, workload: string, servingPorts: NetworkPort[], ports: NetworkPort[] | undefined): NetworkPort[] {
  if (ports !== undefined && ports.length === 0) {
    throw new Error(`${what} was given an empty port list, which would open every port: name the ports, or omit them for the serving ports`);
  }
  if (ports !== undefined) return checkPorts(what, ports);
  if (servingPorts.length === 0) {
    throw new Error(`${what}: '${workload}' serves no port, so there is nothing to open by default: name the ports, e.g. [{ port: 9090 }]`);
  }
  return servingPorts;
}

/** The ports an egress connection opens: the ones named (checked), else undefined for any port. */
export function egressPorts(what: string, ports: NetworkPort[] | undefined): NetworkPort[] | undefined {
  if (ports !== undefined && ports.length === 0) {
    throw new Error(`${what} was given an empty port list, which would open every port: name the ports, or omit them to allow any port on purpose`);
  }
  return ports === undefined ? undefined : checkPorts(what, ports);
}

/**
 * The port a metrics scrape opens: the declared port numbered `port`, else the one named 'metrics'.
 * @param workload the workload's name, for errors
 * @param declared the ports its containers declare
 * @param port the metrics port, if named
 */
export function metricsPort(workload: string, declared: ContainerPort[], port: number | undefined): NetworkPort {
  if (port !== undefined) validatePort('metrics port', port);
  const metrics = declared.find((p) => (port !== undefined ? p.number === port : p.name === 'metrics'));
  if (!metrics) {
    throw new Error(port !== undefined
      ? `metrics port ${port} is not declared by workload '${workload}': declare it in ports (or a sidecar's ports) before allowing scrapes`
      : `workload '${workload}' declares no port named 'metrics': pass the metrics port, e.g. allowMetricsScrape('monitoring', 9090), or name the port 'metrics'`);
  }
  return networkPort(metrics);
}

/**
 * The declared connections of a workload's pods, rendered as one NetworkPolicy spec that
 * denies everything else in both directions. Ingress always names its ports.
 */
export class NetworkAccess {
  private readonly ingress: Connection[] = [];
  private readonly egress: Connection[] = [];

  constructor(private readonly allowDns: boolean) {}

  public allowFrom(peer: NetworkPeer, ports: NetworkPort[]): void {
    this.ingress.push({ peer, ports });
  }

  public allowTo(peer: NetworkPeer, ports?: NetworkPort[]): void {
    this.egress.push({ peer, ports });
  }

  /** One message per ingress port that no container declares: a connection that could never succeed. */
  public undeclaredIngressPorts(workload: string, declaredPorts: NetworkPort[]): string[] {
    const declared = new Set(declaredPorts.map((p) => `${p.port}/${p.protocol ?? 'TCP'}`));
    const opened = new Set(this.ingress.flatMap((c) => c.ports ?? []).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`));
    return [...opened].filter((p) => !declared.has(p))
      .map((p) => `ingress to '${workload}' opens port ${p}, which no container of '${workload}' declares: declare the port (ports, or a sidecar's ports) or fix the number`);
  }

  /**
   * @param selectorLabels labels of the workload's pods
   * @param namespace the policy's namespace
   */
  public render(selectorLabels: { [key: string]: string }, namespace: string): any {
    const ingress = unique(this.ingress.map(({ peer, ports }) => rule('from', peer, ports, namespace)));
    const egress = unique(this.egress.map(({ peer, ports }) => rule('to', peer, ports, namespace)));
    return {
      podSelector: { matchLabels: { ...selectorLabels } },
      policyTypes: ['Ingress', 'Egress'],
      ingress,
      egress: this.allowDns ? [KUBE_DNS, ...egress] : egress,
    };
  }
}

function rule(direction: 'from' | 'to', peer: NetworkPeer, ports: NetworkPort[] | undefined, namespace: string): any {
  return {
    [direction]: [peer.toJson(namespace)],
    ...(ports && ports.length > 0 ? { ports: ports.map((p) => ({ port: p.port, protocol: p.protocol ?? 'TCP' })) } : {}),
  };
}

/** The rules without repeats, so connecting the same pair twice renders one rule. */
function unique(rules: any[]): any[] {
  const seen = new Set<string>();
  return rules.filter((r) => {
    const key = JSON.stringify(r);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

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

/**
 * The declared connections of a workload's pods, rendered as one NetworkPolicy spec that
 * denies everything else in both directions.
 */
export class NetworkAccess {
  private readonly ingress: Connection[] = [];
  private readonly egress: Connection[] = [];

  constructor(private readonly allowDns: boolean) {}

  public allowFrom(peer: NetworkPeer, ports?: NetworkPort[]): void {
    this.ingress.push({ peer, ports });
  }

  public allowTo(peer: NetworkPeer, ports?: NetworkPort[]): void {
    this.egress.push({ peer, ports });
  }

  /**
   * @param selectorLabels labels of the workload's pods
   * @param namespace the policy's namespace
   * @param ownPorts the ports ingress rules open when a connection names none
   */
  public render(selectorLabels: { [key: string]: string }, namespace: string, ownPorts: NetworkPort[]): any {
    if (this.ingress.some(({ ports }) => ports === undefined) && ownPorts.length === 0) {
      throw new Error('an ingress connection names no ports and the workload declares none, which would open every port: give the connection ports or give the workload a port');
    }
    const ingress = this.ingress.map(({ peer, ports }) => rule('from', peer, ports ?? ownPorts, namespace));
    const egress = this.egress.map(({ peer, ports }) => rule('to', peer, ports, namespace));
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

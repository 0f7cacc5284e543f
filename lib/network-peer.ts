import { validateDnsLabel, validateLabels } from './names';

/** A port a network rule allows. */
export interface NetworkPort {
  /** Port number. */
  readonly port: number;
  /**
   * Protocol.
   * @default 'TCP'
   */
  readonly protocol?: string;
}

/** Something on the other end of an allowed connection: pods, a namespace, or an IP range. */
export class NetworkPeer {
  /**
   * Pods with the given labels.
   * @param labels labels that select the pods
   * @param namespace namespace of the pods; @default - the policy's own namespace
   */
  public static pods(labels: { [key: string]: string }, namespace?: string): NetworkPeer {
    if (Object.keys(labels).length === 0) {
      throw new Error('NetworkPeer.pods() was given no labels: name the labels of the pods, or use NetworkPeer.namespace() for all pods of a namespace');
    }
    validateLabels('peer label', labels);
    if (namespace !== undefined) validateDnsLabel('peer namespace', namespace);
    return new NetworkPeer(`pods ${JSON.stringify(labels)}`, { ...labels }, namespace, undefined, undefined);
  }

  /** Every pod of a namespace. */
  public static namespace(name: string): NetworkPeer {
    validateDnsLabel('peer namespace', name);
    return new NetworkPeer(`namespace ${name}`, {}, name, undefined, undefined);
  }

  /** Every pod of the policy's own namespace. */
  public static sameNamespace(): NetworkPeer {
    return new NetworkPeer('the same namespace', {}, undefined, undefined, undefined);
  }

  /**
   * An IPv4 or IPv6 range outside the cluster, e.g. a managed database.
   * @param cidr the range, e.g. '10.20.0.0/16'
   * @param except ranges inside `cidr` to leave out
   */
  public static cidr(cidr: string, except: string[] = []): NetworkPeer {
    for (const value of [cidr, ...except]) checkCidr(value);
    return new NetworkPeer(`CIDR ${cidr}`, undefined, undefined, cidr, except);
  }

  /**
   * Any address (IPv4 and IPv6): turns the deny-by-default off for this direction. Give the
   * connection ports: without them the rule admits every address on every port, which the audit
   * reports (`HARD-networkpolicy-open-rule`).
   */
  public static anywhere(): NetworkPeer[] {
    return [NetworkPeer.cidr('0.0.0.0/0'), NetworkPeer.cidr('::/0')];
  }

  private constructor(
    /** Human-readable description, used in errors. */
    public readonly description: string,
    private readonly podLabels: { [key: string]: string } | undefined,
    private readonly peerNamespace: string | undefined,
    private readonly ipBlock: string | undefined,
    private readonly ipExcept: string[] | undefined,
  ) {}

  /**
   * Renders the peer as a NetworkPolicyPeer, as seen from a policy in `policyNamespace`.
   * @param policyNamespace namespace of the policy that contains the rule
   */
  public toJson(policyNamespace: string): any {
    if (this.ipBlock !== undefined) {
      return { ipBlock: { cidr: this.ipBlock, ...(this.ipExcept && this.ipExcept.length > 0 ? { except: [...this.ipExcept] } : {}) } };
    }
    const podSelector = { matchLabels: { ...this.podLabels } };
    if (this.peerNamespace === undefined || this.peerNamespace === policyNamespace) {
      return { podSelector: Object.keys(this.podLabels ?? {}).length > 0 ? podSelector : {} };
    }
    return {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': this.peerNamespace } },
      podSelector: Object.keys(this.podLabels ?? {}).length > 0 ? podSelector : {},
    };
  }
}

function checkCidr(value: string): void {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (v4) {
    const octetsOk = v4.slice(1, 5).every((o) => Number(o) <= 255);
    if (octetsOk && Number(v4[5]) <= 32) return;
  } else if (/^[0-9a-fA-F:]+\/(\d{1,3})$/.test(value) && value.includes(':') && Number(value.split('/')[1]) <= 128) {
    return;
  }
  throw new Error(`CIDR '${value}' is not a valid IPv4 or IPv6 range: use e.g. '10.0.0.0/16' or 'fd00::/8'`);
}

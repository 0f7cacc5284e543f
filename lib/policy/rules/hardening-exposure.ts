import { Severity } from '../finding';
import { Rule, Violation } from '../rule';
import { asList, asObject, asString, stringItems, text } from '../shape';
import { selectsEverything } from './hardening-support';

/*
 * Exposure: what a Service, an Ingress or a NetworkPolicy opens beyond the cluster's own pods.
 * Each rule reads its object through guards; a field of the wrong type is read as absent.
 */

/** Annotation on a NodePort or LoadBalancer Service that declares the exposure intended: `cdk8s-hardened.io/exposure: <reason>`. */
export const EXPOSURE_ANNOTATION = 'cdk8s-hardened.io/exposure';

/** The legacy annotation some cloud providers read instead of spec.loadBalancerSourceRanges. */
const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';

type Direction = 'Ingress' | 'Egress';

const EVERY_ADDRESS = new Set(['0.0.0.0/0', '::/0']);

/** Why a NetworkPolicy peer admits every address or every pod of the cluster; undefined when it does not. */
function everyPeer(raw: unknown): string | undefined {
  const peer = asObject(raw);
  if (!peer) return undefined;
  const ipBlock = asObject(peer.ipBlock);
  if (ipBlock) {
    const cidr = asString(ipBlock.cidr);
    return cidr !== undefined && EVERY_ADDRESS.has(cidr) && asList(ipBlock.except).length === 0 ? `every address (ipBlock ${cidr})` : undefined;
  }
  const namespaceSelector = asObject(peer.namespaceSelector);
  if (namespaceSelector && selectsEverything(namespaceSelector) && (peer.podSelector == null || selectsEverything(peer.podSelector))) {
    return 'every pod of every namespace (empty namespaceSelector)';
  }
  return undefined;
}


/** True when a rule's ports leave some protocol fully open: no ports, or an entry without a port. */
function everyPort(ports: unknown): boolean {
  const list = asList(ports);
  return list.length === 0 || list.some((entry) => entry === null || (asObject(entry) !== undefined && asObject(entry)!.port == null));
}

/** An ingress or egress rule of a NetworkPolicy that admits every peer on every port. */
export interface OpenRule {
  readonly direction: Direction;
  /** e.g. `spec.ingress[0]`. */
  readonly path: string;
  /** What it admits, e.g. `every source`. */
  readonly what: string;
}

/** The policy types a NetworkPolicy applies, as the apiserver defaults them. */
export function policyTypesOf(policy: any): Direction[] {
  const spec = asObject(asObject(policy)?.spec);
  const declared = stringItems(spec?.policyTypes).filter((t): t is Direction => t === 'Ingress' || t === 'Egress');
  if (spec?.policyTypes != null) return declared;
  return spec?.egress != null ? ['Ingress', 'Egress'] : ['Ingress'];
}

/**
 * The rules of a NetworkPolicy that admit every source (ingress) or every destination (egress) on
 * every port: a missing or empty peer list, a null rule (which the apiserver reads as `{}`),
 * `ipBlock` 0.0.0.0/0 or ::/0 without except, or an empty namespaceSelector without a podSelector.
 */
export function openRules(policy: any): OpenRule[] {
  const spec = asObject(asObject(policy)?.spec);
  if (!spec) return [];
  const result: OpenRule[] = [];
  for (const direction of policyTypesOf(policy)) {
    const field = direction === 'Ingress' ? 'ingress' : 'egress';
    const peersField = direction === 'Ingress' ? 'from' : 'to';
    const anyone = direction === 'Ingress' ? 'every source' : 'every destination';
    const rules = Array.isArray(spec[field]) ? spec[field] as unknown[] : [];
    rules.forEach((raw, index) => {
      const rule = raw === null ? {} : asObject(raw);
      if (!rule || !everyPort(rule.ports)) return;
      const peers = asList(rule[peersField]);
      const what = peers.length === 0 ? anyone : peers.map(everyPeer).find((w) => w !== undefined);
      if (what !== undefined) result.push({ direction, path: `spec.${field}[${index}]`, what });
    });
  }
  return result;
}

function serviceType(manifest: any): string {
  return asString(asObject(asObject(manifest)?.spec)?.type) ?? 'ClusterIP';
}

function annotation(manifest: any, key: string): string | undefined {
  const value = asObject(asObject(asObject(manifest)?.metadata)?.annotations)?.[key];
  return typeof value === 'string' ? value.trim() : undefined;
}

/** True when an Ingress TLS host entry (exact or `*.domain`) covers a rule host. */
function hostCovered(host: string, tlsHosts: string[]): boolean {
  return tlsHosts.some((tls) => tls === host || (tls.startsWith('*.') && host.endsWith(tls.slice(1)) && !host.slice(0, -tls.length + 1).includes('.')));
}

function single(meta: Omit<Rule, 'check'>, check: (manifest: any) => Violation | undefined): Rule {
  return { ...meta, check: (object) => { const v = check(object.manifest); return v ? [v] : []; } };
}

export const EXPOSURE_RULES: Rule[] = [
  single({
    id: 'HARD-service-exposure', title: 'NodePort and LoadBalancer Services declare why they are exposed', severity: Severity.MEDIUM, kinds: ['Service'],
    rationale: 'A NodePort opens the port on every node of the cluster, a LoadBalancer usually to the internet: both bypass the Ingress, its TLS and its access rules. Exposure should be a decision someone wrote down, not the chart default.',
    fieldPath: `spec.type, metadata.annotations["${EXPOSURE_ANNOTATION}"]`,
    fix: `Use type ClusterIP behind an Ingress or Gateway; when the exposure is intended, say why in the annotation ${EXPOSURE_ANNOTATION}: <reason>.`,
    severityReason: 'MEDIUM: kube-score warning; exposure is a design decision, often intended, and the annotation records it.',
    constructFix: 'WebService and StatefulService create ClusterIP Services; expose them through an Ingress or Gateway.',
    equivalents: { kubeScore: ['service-type'], kubeLinter: ['exposed-services'] },
  }, (manifest) => {
    const type = serviceType(manifest);
    if (type !== 'NodePort' && type !== 'LoadBalancer') return undefined;
    const reason = annotation(manifest, EXPOSURE_ANNOTATION);
    if (reason) return undefined;
    const scope = type === 'NodePort' ? 'on every node' : 'through a cloud load balancer';
    return {
      fieldPath: 'spec.type',
      message: reason === '' ? `type ${type} exposes the Service ${scope}, and the ${EXPOSURE_ANNOTATION} annotation gives no reason` : `type ${type} exposes the Service ${scope} without an ${EXPOSURE_ANNOTATION} annotation that says why`,
    };
  }),
  single({
    id: 'HARD-service-external-ips', title: 'Services set no externalIPs', severity: Severity.HIGH, kinds: ['Service'],
    rationale: 'kube-proxy sends traffic for a Service\'s externalIPs to its pods on every node, whoever owns the address: a Service can take over traffic meant for any IP, inside or outside the cluster (CVE-2020-8554). Clusters should forbid the field (DenyServiceExternalIPs).',
    fieldPath: 'spec.externalIPs',
    fix: 'Remove spec.externalIPs; expose the Service through a LoadBalancer or an Ingress.',
    severityReason: 'HIGH: Trivy high (KSV-0108); CVE-2020-8554 lets the Service capture traffic for addresses it does not own.',
    constructFix: 'cdk8s-hardened Services set no externalIPs.',
    equivalents: { trivy: ['KSV-0108'] },
  }, (manifest) => {
    const ips = asList(asObject(asObject(manifest)?.spec)?.externalIPs);
    return ips.length === 0 ? undefined : { fieldPath: 'spec.externalIPs', message: `spec.externalIPs routes traffic for ${ips.map(text).join(', ')} to this Service on every node` };
  }),
  single({
    id: 'HARD-loadbalancer-source-ranges', title: 'LoadBalancer Services restrict their clients with loadBalancerSourceRanges', severity: Severity.MEDIUM, kinds: ['Service'],
    rationale: 'Without source ranges a cloud load balancer accepts connections from the whole internet. Listing the ranges (0.0.0.0/0 when public by design) makes the exposure explicit and lets the provider filter before traffic reaches the nodes.',
    fieldPath: 'spec.loadBalancerSourceRanges',
    fix: `Set spec.loadBalancerSourceRanges to the client ranges (an office or VPN range, the CDN's ranges; 0.0.0.0/0 and ::/0 for a public endpoint, stated explicitly).`,
    severityReason: 'MEDIUM: no peer rates it; an unrestricted load balancer is reachable from the internet, as intended or not.',
    equivalents: {},
  }, (manifest) => {
    if (serviceType(manifest) !== 'LoadBalancer') return undefined;
    const ranges = asList(asObject(asObject(manifest)?.spec)?.loadBalancerSourceRanges);
    if (ranges.length > 0 || annotation(manifest, SOURCE_RANGES_ANNOTATION)) return undefined;
    return { fieldPath: 'spec.loadBalancerSourceRanges', message: 'the LoadBalancer accepts connections from any address: spec.loadBalancerSourceRanges is not set' };
  }),
  single({
    id: 'HARD-ingress-tls', title: 'Ingresses serve every host over TLS', severity: Severity.MEDIUM, kinds: ['Ingress'],
    rationale: 'Without a TLS section the Ingress serves plain HTTP: credentials and session cookies cross the network readable and changeable. A host of the rules that no TLS entry lists is served without TLS too.',
    fieldPath: 'spec.tls[*].hosts, spec.rules[*].host',
    fix: 'Add spec.tls with a secretName (cert-manager can issue it) listing every host of spec.rules.',
    severityReason: 'MEDIUM: Polaris warning; plain HTTP exposes credentials on the wire, but the fix is often at a TLS-terminating load balancer in front.',
    equivalents: { polaris: ['tlsSettingsMissing'] },
  }, (manifest) => {
    const spec = asObject(asObject(manifest)?.spec);
    const tls = asList(spec?.tls).map(asObject).filter((entry): entry is { [key: string]: any } => entry !== undefined);
    if (tls.length === 0) return { fieldPath: 'spec.tls', message: 'the Ingress has no TLS section, so it serves plain HTTP' };
    if (tls.some((entry) => stringItems(entry.hosts).length === 0)) return undefined;
    const tlsHosts = tls.flatMap((entry) => stringItems(entry.hosts));
    const rules = asList(spec?.rules);
    for (const [index, rule] of rules.entries()) {
      const host = asString(asObject(rule)?.host);
      if (host !== undefined && !hostCovered(host, tlsHosts)) {
        return { fieldPath: `spec.rules[${index}].host`, message: `host ${host} is in no spec.tls entry, so it is served without TLS` };
      }
    }
    return undefined;
  }),
  {
    id: 'HARD-networkpolicy-open-rule', title: 'NetworkPolicy rules do not admit every source or destination on every port', severity: Severity.MEDIUM, kinds: ['NetworkPolicy'],
    rationale: 'A rule with no peers (`ingress: [{}]`), a peer of 0.0.0.0/0, or an empty namespaceSelector alone admits every pod of the cluster (and for ipBlock every address) on every port: the policy looks like isolation and isolates nothing in that direction. Rules limited to some ports are a deliberate opening and are not reported.',
    fieldPath: 'spec.ingress[*].from, spec.egress[*].to, and their ports',
    fix: 'Name the peers (podSelector, a namespaceSelector with labels, a narrow ipBlock) or the ports the rule is for.',
    severityReason: 'MEDIUM: the same as HARD-networkpolicy-covers-pod, whose isolation such a rule undoes.',
    constructFix: 'Declare connections with allowFrom/allowTo and a NetworkPeer; give NetworkPeer.anywhere() and 0.0.0.0/0 peers their ports.',
    equivalents: {},
    check: (object) => openRules(object.manifest).map(({ direction, path, what }) => ({
      fieldPath: path, message: `${path} admits ${what} on every port, so the policy does not isolate ${direction.toLowerCase()}`,
    })),
  },
];

import fc from 'fast-check';
import { main } from '../../lib/cli/main';
import { runRules } from '../../lib/policy/engine';
import { Finding } from '../../lib/policy/finding';
import { AuditContext, AuditObject } from '../../lib/policy/rule';
import { hardeningRules } from '../../lib/policy/rules/hardening';
import { EXPOSURE_ANNOTATION, EXPOSURE_RULES } from '../../lib/policy/rules/hardening-exposure';

const COVERAGE = hardeningRules().find((r) => r.id === 'HARD-networkpolicy-covers-pod')!;
const RULES = [...EXPOSURE_RULES, COVERAGE];

function audit(manifests: any[]): Finding[] {
  return runRules(manifests.map((manifest): AuditObject => ({ manifest })), RULES);
}

function ids(manifests: any[]): string[] {
  return [...new Set(audit(manifests).map((f) => f.ruleId))].sort();
}

const service = (spec: any, annotations?: any) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop', ...(annotations ? { annotations } : {}) }, spec: { ports: [{ port: 80 }], ...spec } });
const ingress = (spec: any) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'shop' }, spec });
const policy = (spec: any, name = 'np') => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'shop' }, spec: { podSelector: { matchLabels: { app: 'web' } }, ...spec } });
const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } };
const PUBLIC = 'public storefront behind the cloud WAF';
const httpRule = (host: string) => ({ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } });

const FIXTURES: Array<[string, any[], any[]]> = [
  ['HARD-service-exposure',
    [service({ type: 'NodePort' })],
    [service({ type: 'NodePort' }, { [EXPOSURE_ANNOTATION]: PUBLIC })]],
  ['HARD-service-external-ips',
    [service({ externalIPs: ['203.0.113.10'] })],
    [service({})]],
  ['HARD-loadbalancer-source-ranges',
    [service({ type: 'LoadBalancer' }, { [EXPOSURE_ANNOTATION]: PUBLIC })],
    [service({ type: 'LoadBalancer', loadBalancerSourceRanges: ['0.0.0.0/0'] }, { [EXPOSURE_ANNOTATION]: PUBLIC })]],
  ['HARD-ingress-tls',
    [ingress({ rules: [httpRule('shop.example.com')] })],
    [ingress({ tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }], rules: [httpRule('shop.example.com')] })]],
  ['HARD-networkpolicy-open-rule',
    [policy({ policyTypes: ['Ingress', 'Egress'], ingress: [{}], egress: [] })],
    [policy({ policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'gateway' } } }] }], egress: [] })]],
];

describe('exposure rules (Hardening pack)', () => {
  test('every exposure rule has a failing and a passing fixture', () => {
    expect(FIXTURES.map(([id]) => id).sort()).toEqual(EXPOSURE_RULES.map((r) => r.id).sort());
  });

  test.each(FIXTURES)('%s: the failing fixture is reported, the passing one is clean', (id, failing, passing) => {
    expect(ids(failing.filter((m) => m.kind !== 'Pod'))).toContain(id);
    expect(ids(passing).filter((r) => r !== COVERAGE.id)).toEqual([]);
  });

  test.each(EXPOSURE_RULES.map((r) => [r.id]))('%s has an --explain text', async (id) => {
    const out: string[] = [];
    const code = await main(['audit', '--explain', id], { stdout: { write: (t: string) => out.push(t) }, stderr: { write: () => true }, stdin: (async function* () {})(), isTTY: false });
    expect(code).toBe(0);
    expect(out.join('')).toMatch(new RegExp(`^${id}: .*\\n(.|\\n)*why: .{40,}`));
  });

  describe('Services', () => {
    test('NodePort and LoadBalancer need the exposure annotation with a reason; ClusterIP and headless do not', () => {
      expect(audit([service({ type: 'NodePort' })])[0].message).toBe(`type NodePort exposes the Service on every node without an ${EXPOSURE_ANNOTATION} annotation that says why`);
      expect(audit([service({ type: 'NodePort' }, { [EXPOSURE_ANNOTATION]: '  ' })])[0].message).toBe(`type NodePort exposes the Service on every node, and the ${EXPOSURE_ANNOTATION} annotation gives no reason`);
      expect(ids([service({ type: 'LoadBalancer', loadBalancerSourceRanges: ['10.0.0.0/8'] })])).toEqual(['HARD-service-exposure']);
      expect(ids([service({ type: 'ClusterIP' }), service({ clusterIP: 'None' }), service({ type: 'ExternalName', externalName: 'db.example.com' })])).toEqual([]);
    });
    test('the legacy source-ranges annotation counts; an empty list does not', () => {
      expect(ids([service({ type: 'LoadBalancer' }, { [EXPOSURE_ANNOTATION]: PUBLIC, 'service.beta.kubernetes.io/load-balancer-source-ranges': '10.0.0.0/8' })])).toEqual([]);
      expect(ids([service({ type: 'LoadBalancer', loadBalancerSourceRanges: [] }, { [EXPOSURE_ANNOTATION]: PUBLIC })])).toEqual(['HARD-loadbalancer-source-ranges']);
    });
    test('externalIPs are reported whatever the type and whatever the annotation', () => {
      const findings = audit([service({ type: 'ClusterIP', externalIPs: ['203.0.113.10', '203.0.113.11'] }, { [EXPOSURE_ANNOTATION]: PUBLIC })]);
      expect(findings.map((f) => [f.ruleId, f.fieldPath, f.message])).toEqual([['HARD-service-external-ips', 'spec.externalIPs', 'spec.externalIPs routes traffic for 203.0.113.10, 203.0.113.11 to this Service on every node']]);
    });
  });

  describe('Ingress TLS', () => {
    test('a host no TLS entry lists is reported; wildcards cover one label; an entry without hosts covers all', () => {
      const tls = (hosts?: string[]) => [{ ...(hosts ? { hosts } : {}), secretName: 's' }];
      expect(audit([ingress({ tls: tls(['a.example.com']), rules: [httpRule('a.example.com'), httpRule('b.example.com')] })]).map((f) => [f.fieldPath, f.message]))
        .toEqual([['spec.rules[1].host', 'host b.example.com is in no spec.tls entry, so it is served without TLS']]);
      expect(ids([ingress({ tls: tls(['*.example.com']), rules: [httpRule('a.example.com')] })])).toEqual([]);
      expect(ids([ingress({ tls: tls(['*.example.com']), rules: [httpRule('a.b.example.com')] })])).toEqual(['HARD-ingress-tls']);
      expect(ids([ingress({ tls: tls(), rules: [httpRule('a.example.com')] })])).toEqual([]);
      expect(ids([ingress({ tls: [], rules: [httpRule('a.example.com')] })])).toEqual(['HARD-ingress-tls']);
    });
  });

  describe('NetworkPolicy rules that admit everyone', () => {
    const both = (extra: any) => policy({ policyTypes: ['Ingress', 'Egress'], ingress: [], egress: [], ...extra });
    test.each([
      ['ingress: [{}]', { ingress: [{}] }, 'spec.ingress[0] admits every source on every port, so the policy does not isolate ingress'],
      ['egress: [{}]', { egress: [{}] }, 'spec.egress[0] admits every destination on every port, so the policy does not isolate egress'],
      ['a null rule, which the apiserver reads as {}', { ingress: [null] }, 'spec.ingress[0] admits every source on every port, so the policy does not isolate ingress'],
      ['from: [] with ports that name no port', { ingress: [{ from: [], ports: [{ protocol: 'TCP' }] }] }, 'spec.ingress[0] admits every source on every port, so the policy does not isolate ingress'],
      ['ipBlock 0.0.0.0/0', { ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] }, 'spec.ingress[0] admits every address (ipBlock 0.0.0.0/0) on every port, so the policy does not isolate ingress'],
      ['ipBlock ::/0 among other peers', { egress: [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }, { ipBlock: { cidr: '::/0' } }] }] }, 'spec.egress[0] admits every address (ipBlock ::/0) on every port, so the policy does not isolate egress'],
      ['namespaceSelector: {} alone', { ingress: [{ from: [{ namespaceSelector: {} }] }] }, 'spec.ingress[0] admits every pod of every namespace (empty namespaceSelector) on every port, so the policy does not isolate ingress'],
      ['namespaceSelector: {} with podSelector: {}', { ingress: [{ from: [{ namespaceSelector: {}, podSelector: {} }] }] }, 'spec.ingress[0] admits every pod of every namespace (empty namespaceSelector) on every port, so the policy does not isolate ingress'],
    ])('%s is reported and does not count as coverage', (_name, extra, message) => {
      const findings = audit([both(extra), pod]);
      expect(findings.filter((f) => f.ruleId === 'HARD-networkpolicy-open-rule').map((f) => f.message)).toEqual([message]);
      const coverage = findings.filter((f) => f.ruleId === COVERAGE.id);
      expect(coverage).toHaveLength(1);
      expect(coverage[0].message).toMatch(/^the pods of this Pod are not isolated: NetworkPolicy 'np' admits .* on every port \(spec\.(ingress|egress)\[0\]\)$/);
    });

    test.each([
      ['a port-limited rule from anywhere', { ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443 }] }] }],
      ['0.0.0.0/0 with except', { egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }] }] }],
      ['a namespaceSelector with labels', { ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'web' } } }] }] }],
      ['an empty namespaceSelector with a labelled podSelector', { ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'prometheus' } } }] }] }],
      ['podSelector: {} (the same namespace)', { ingress: [{ from: [{ podSelector: {} }] }] }],
      ['an open ingress rule in a policy that applies only to Egress', { policyTypes: ['Egress'], ingress: [{}] }],
      ['default deny', {}],
    ])('%s is neither reported nor counted against coverage', (_name, extra) => {
      const manifests = [both(extra), pod];
      if ((extra as any).policyTypes) manifests.push(policy({ policyTypes: ['Ingress'] }, 'deny-ingress'));
      expect(ids(manifests)).toEqual([]);
    });

    test('an open rule in one selecting policy opens the pod even when another policy is strict', () => {
      const findings = audit([both({}), policy({ policyTypes: ['Egress'], egress: [{}] }, 'dns-anywhere'), pod]);
      expect(findings.find((f) => f.ruleId === COVERAGE.id)?.message).toBe("the pods of this Pod are not isolated: NetworkPolicy 'dns-anywhere' admits every destination on every port (spec.egress[0])");
    });

    test('the library\'s own DNS egress rule and HardenedNamespace default deny stay clean (covered in the construct tests too)', () => {
      const dns = { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] };
      expect(ids([both({ egress: [dns] }), { ...policy({ policyTypes: ['Ingress', 'Egress'] }, 'default-deny'), spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } }, pod])).toEqual([]);
    });
  });

  test('no shape of Service, Ingress or NetworkPolicy crashes a rule (property)', () => {
    const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, fc.constantFrom(null, undefined, '', 'NodePort', 'LoadBalancer', '0.0.0.0/0', 'Ingress', 'Egress', 0, 443, true), tie('l'), tie('o')),
      l: fc.array(tie('v'), { maxLength: 3 }),
      o: fc.dictionary(fc.constantFrom('type', 'externalIPs', 'loadBalancerSourceRanges', 'tls', 'hosts', 'rules', 'host', 'ingress', 'egress', 'from', 'to', 'ports', 'port', 'ipBlock', 'cidr', 'except', 'namespaceSelector', 'podSelector', 'matchLabels', 'matchExpressions', 'policyTypes', 'annotations'), tie('v'), { maxKeys: 4 }),
    })).v;
    fc.assert(fc.property(fc.array(fc.record({
      kind: fc.constantFrom('Service', 'Ingress', 'NetworkPolicy', 'Pod'),
      metadata: fc.oneof(value, fc.record({ name: fc.constant('x'), namespace: fc.constant('shop'), labels: value, annotations: value })),
      spec: value,
    }), { maxLength: 5 }), (manifests) => {
      const objects = manifests.map((manifest): AuditObject => ({ manifest }));
      const context = new AuditContext(objects);
      for (const object of objects) for (const rule of EXPOSURE_RULES) for (const v of rule.check(object, context)) expect(typeof v.message).toBe('string');
    }), { numRuns: 400 });
  });
});

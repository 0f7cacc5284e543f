import { ApiObject, Chart, Testing } from 'cdk8s';
import { Audit, PodSecurityLevel, PolicyPack } from '../../lib';
import { defaultPullPolicy, imageTag, withApiServerDefaults } from '../../lib/policy/defaults';
import { runRules } from '../../lib/policy/engine';
import { hardeningRules } from '../../lib/policy/rules/hardening';
import { podSecurityRules } from '../../lib/policy/rules/pod-security';
import { parsePolicyVersion } from '../../lib/policy/pss';

const pod = (spec: any): any => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec });
const deployment = (spec: any): any => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'ns' },
  spec: { selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec } },
});

describe('API server defaults applied before the rules', () => {
  test.each([
    ['nginx', 'Always'],
    ['nginx:latest', 'Always'],
    ['registry.example.com:5000/team/app', 'Always'],
    ['registry.example.com:5000/team/app:latest', 'Always'],
    ['nginx:1.27', 'IfNotPresent'],
    ['registry.example.com:5000/team/app:2.0', 'IfNotPresent'],
    [`nginx@sha256:${'a'.repeat(64)}`, 'IfNotPresent'],
    [`nginx:latest@sha256:${'a'.repeat(64)}`, 'Always'],
  ])('imagePullPolicy of %s defaults to %s', (image, policy) => {
    expect(defaultPullPolicy(image)).toBe(policy);
    const defaulted: any = withApiServerDefaults(pod({ containers: [{ name: 'c', image }] }));
    expect(defaulted.spec.containers[0].imagePullPolicy).toBe(policy);
  });

  test.each([
    ['nginx', undefined],
    ['registry.example.com:5000/team/app', undefined],
    ['registry.example.com:5000/team/app:2.0', '2.0'],
    [`nginx:latest@sha256:${'a'.repeat(64)}`, 'latest'],
    [`nginx@sha256:${'a'.repeat(64)}`, undefined],
    ['nginx:', ''],
  ])('the tag of %s, which the pull-policy default and HARD-image-tag-pinned share, is %j', (image, tag) => {
    expect(imageTag(image)).toBe(tag);
  });

  test('a default table: each field the API server fills in, and what it becomes', () => {
    const cases: Array<[string, any, (m: any) => unknown, unknown]> = [
      ['container port protocol', pod({ containers: [{ name: 'c', image: 'a:1', ports: [{ containerPort: 80 }] }] }), (m) => m.spec.containers[0].ports[0].protocol, 'TCP'],
      ['hostPort of a hostNetwork Pod', pod({ hostNetwork: true, containers: [{ name: 'c', image: 'a:1', ports: [{ containerPort: 9100 }] }] }), (m) => m.spec.containers[0].ports[0].hostPort, 9100],
      ['hostPort of a hostNetwork init container', pod({ hostNetwork: true, initContainers: [{ name: 'i', image: 'a:1', ports: [{ containerPort: 53 }] }], containers: [] }), (m) => m.spec.initContainers[0].ports[0].hostPort, 53],
      ['hostPort of the pods a hostNetwork DaemonSet creates', { ...deployment({ hostNetwork: true, containers: [{ name: 'c', image: 'a:1', ports: [{ containerPort: 9100 }] }] }), kind: 'DaemonSet' }, (m) => m.spec.template.spec.containers[0].ports[0].hostPort, 9100],
      ['no hostPort without hostNetwork', pod({ containers: [{ name: 'c', image: 'a:1', ports: [{ containerPort: 80 }] }] }), (m) => m.spec.containers[0].ports[0].hostPort, undefined],
      ['an explicit hostPort is kept', pod({ hostNetwork: true, containers: [{ name: 'c', image: 'a:1', ports: [{ containerPort: 80, hostPort: 8080 }] }] }), (m) => m.spec.containers[0].ports[0].hostPort, 8080],
      ['requests copied from limits', deployment({ containers: [{ name: 'c', image: 'a:1', resources: { limits: { 'cpu': '1', 'memory': '1Gi', 'ephemeral-storage': '1Gi' } } }] }), (m) => m.spec.template.spec.containers[0].resources.requests, { 'cpu': '1', 'memory': '1Gi', 'ephemeral-storage': '1Gi' }],
      ['a given request is kept', pod({ containers: [{ name: 'c', image: 'a:1', resources: { requests: { cpu: '100m' }, limits: { cpu: '1' } } }] }), (m) => m.spec.containers[0].resources.requests.cpu, '100m'],
      ['Service port protocol', { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } }, (m) => m.spec.ports[0].protocol, 'TCP'],
      ['Service targetPort from port', { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } }, (m) => m.spec.ports[0].targetPort, 80],
      ['NetworkPolicy policyTypes without egress rules', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'n' }, spec: { podSelector: {} } }, (m) => m.spec.policyTypes, ['Ingress']],
      ['NetworkPolicy policyTypes with egress rules', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'n' }, spec: { podSelector: {}, egress: [{}] } }, (m) => m.spec.policyTypes, ['Ingress', 'Egress']],
      ['autoscaling/v2 minReplicas', { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' }, spec: { maxReplicas: 3 } }, (m) => m.spec.minReplicas, 1],
      ['autoscaling/v2 metric when none is named', { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' }, spec: { maxReplicas: 3 } }, (m) => m.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }]],
      ['autoscaling/v1 CPU target as a metric', { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' }, spec: { maxReplicas: 3, targetCPUUtilizationPercentage: 60 } }, (m) => m.spec.metrics[0].resource.target.averageUtilization, 60],
    ];
    for (const [what, manifest, read, expected] of cases) {
      expect({ what, value: read(withApiServerDefaults(manifest)) }).toEqual({ what, value: expected });
    }
  });

  test('the caller\'s manifest is never changed, and kinds without defaults are passed through', () => {
    const manifest = pod({ hostNetwork: true, containers: [{ name: 'c', image: 'a', ports: [{ containerPort: 80 }] }] });
    const before = JSON.stringify(manifest);
    const defaulted = withApiServerDefaults(manifest);
    expect(JSON.stringify(manifest)).toBe(before);
    expect(defaulted).not.toBe(manifest);
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } };
    expect(withApiServerDefaults(configMap)).toBe(configMap);
    expect(withApiServerDefaults(null)).toBeNull();
  });

  test('fields of the wrong shape are left alone for the input check', () => {
    const manifest = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'n' }, spec: { policyTypes: 'Ingress' } };
    expect((withApiServerDefaults(manifest) as any).spec.policyTypes).toBe('Ingress');
    const broken = pod({ containers: [null, { name: 'c', image: 5, ports: 'http', resources: { limits: 'big' } }] });
    expect(() => withApiServerDefaults(broken)).not.toThrow();
  });

  describe('verdicts that change', () => {
    const rules = [...podSecurityRules(PodSecurityLevel.BASELINE, parsePolicyVersion('latest')), ...hardeningRules()];
    const ids = (manifests: any[]) => runRules(manifests.map((manifest) => ({ manifest })), rules).map((f) => f.ruleId);

    test('an unset imagePullPolicy on :latest or an untagged image is Always: no pull-policy finding', () => {
      expect(ids([pod({ containers: [{ name: 'c', image: 'nginx:latest' }, { name: 'd', image: 'nginx' }] })])).not.toContain('HARD-image-pull-policy');
      expect(ids([pod({ containers: [{ name: 'c', image: 'nginx:1.27' }] })])).toContain('HARD-image-pull-policy');
    });

    test('a hostNetwork pod uses host ports although it writes none: PSS-hostPorts', () => {
      const findings = runRules([{ manifest: pod({ hostNetwork: true, containers: [{ name: 'c', image: 'a:1', ports: [{ containerPort: 9100 }] }] }) }], rules);
      expect(findings.find((f) => f.ruleId === 'PSS-hostPorts')).toMatchObject({ fieldPath: 'spec.containers[0].ports[0].hostPort', message: 'hostPort (container "c" uses hostPort 9100)' });
    });

    test('a limit without a request counts as the request', () => {
      const resources = { limits: { 'cpu': '500m', 'memory': '256Mi', 'ephemeral-storage': '1Gi' } };
      const found = ids([pod({ containers: [{ name: 'c', image: 'a:1', resources }] })]);
      expect(found).not.toContain('HARD-cpu-request-set');
      expect(found).not.toContain('HARD-memory-request-set');
      expect(found).not.toContain('HARD-ephemeral-storage-request-limit');
    });

    test('an autoscaler without metrics scales on CPU, so the target\'s containers need a CPU request', () => {
      const hpa = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h', namespace: 'ns' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' }, maxReplicas: 4 } };
      const findings = runRules([{ manifest: deployment({ containers: [{ name: 'c', image: 'a:1' }] }) }, { manifest: hpa }], rules);
      expect(findings.find((f) => f.ruleId === 'HARD-hpa-target')?.message).toBe("scales on cpu utilization but container 'c' of Deployment/d has no cpu request");
    });

    test('a named targetPort resolves only to a port of the same protocol (both defaulted to TCP)', () => {
      const service = (protocol?: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'ns' }, spec: { selector: { app: 'd' }, ports: [{ port: 53, targetPort: 'dns', ...(protocol ? { protocol } : {}) }] } });
      const workload = deployment({ containers: [{ name: 'c', image: 'a:1', ports: [{ containerPort: 53, name: 'dns' }] }] });
      expect(ids([workload, service()])).not.toContain('HARD-service-selects-pods');
      expect(ids([workload, service('TCP')])).not.toContain('HARD-service-selects-pods');
      expect(ids([workload, service('UDP')])).toContain('HARD-service-selects-pods');
    });

    test('construct-tree input is defaulted the same way, and the tree keeps its own manifests', () => {
      const chart = new Chart(Testing.app(), 'c', { namespace: 'ns' });
      const object = new ApiObject(chart, 'agent', pod({ hostNetwork: true, containers: [{ name: 'c', image: 'a:1', ports: [{ containerPort: 9100 }] }] }));
      const report = Audit.of(chart, { packs: [PolicyPack.podSecurity({ level: PodSecurityLevel.BASELINE })] });
      expect(report.findings.map((f) => f.ruleId)).toEqual(['PSS-hostNamespaces', 'PSS-hostPorts']);
      expect(object.toJson().spec.containers[0].ports[0].hostPort).toBeUndefined();
    });
  });
});

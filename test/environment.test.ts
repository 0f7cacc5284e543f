import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { EnvironmentProfile, HardenedNamespace, PodSecurityLevel, Probe, WebService, WebServiceProps } from '../lib';
import { chart, only, synth } from './util/synth';

const base: WebServiceProps = {
  image: 'ghcr.io/acme/api:1.4.2',
  port: 8080,
  readiness: Probe.http('/ready'),
  liveness: Probe.http('/healthz'),
  resources: { cpu: Cpu.millis(250), memory: Size.mebibytes(256), memoryLimit: Size.mebibytes(512) },
};

function render(profile: EnvironmentProfile, props: Partial<WebServiceProps> = {}, expectFindings: string[] = []) {
  const c = chart();
  new WebService(c, 'api', { ...base, ...props, profile });
  return synth(c, { expectFindings });
}

describe('environment profiles', () => {
  test('development: one replica, no spread, half the resources', () => {
    const manifests = render(EnvironmentProfile.development());
    const deployment = only(manifests, 'Deployment');
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.template.spec.topologySpreadConstraints).toBeUndefined();
    expect(deployment.spec.template.spec.containers[0].resources.requests).toMatchObject({ cpu: '125m', memory: '128Mi' });
    expect(deployment.spec.template.spec.containers[0].resources.limits.memory).toBe('256Mi');
    expect(manifests.some((m) => m.kind === 'HorizontalPodAutoscaler')).toBe(false);
    expect(only(manifests, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
  });

  test('staging: two spread replicas, full resources', () => {
    const deployment = only(render(EnvironmentProfile.staging()), 'Deployment');
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.template.spec.topologySpreadConstraints).toHaveLength(2);
    expect(deployment.spec.template.spec.containers[0].resources.requests.cpu).toBe('250m');
  });

  test('production: autoscaled 3..10, no fixed replicas', () => {
    const manifests = render(EnvironmentProfile.production());
    expect(only(manifests, 'Deployment').spec.replicas).toBeUndefined();
    expect(only(manifests, 'HorizontalPodAutoscaler').spec).toMatchObject({ minReplicas: 3, maxReplicas: 10 });
  });

  test('explicit props win over the profile', () => {
    const manifests = render(EnvironmentProfile.production(), { replicas: 5, spread: false }, ['HARD-topology-spread', 'HARD-pod-anti-affinity']);
    expect(only(manifests, 'Deployment').spec.replicas).toBe(5);
    expect(manifests.some((m) => m.kind === 'HorizontalPodAutoscaler')).toBe(false);
  });

  test('bad custom profiles are named', () => {
    expect(() => EnvironmentProfile.custom({ name: 'QA', replicas: 1, spread: false })).toThrow("environment name 'QA' is invalid: use lowercase letters, digits and '-', e.g. 'staging'");
    expect(() => EnvironmentProfile.custom({ name: 'qa', replicas: 0, spread: false })).toThrow("replicas of environment 'qa' 0 is invalid");
    expect(() => EnvironmentProfile.custom({ name: 'qa', replicas: 1, spread: false, resourceScale: 0 })).toThrow("resourceScale 0 of environment 'qa' is invalid: use a factor above 0 and at most 100, e.g. 0.5");
    expect(() => EnvironmentProfile.custom({ name: 'qa', replicas: 1, spread: false, autoscaling: { minReplicas: 4, maxReplicas: 2 } })).toThrow("maxReplicas 2 is below minReplicas 4 in environment 'qa': raise maxReplicas");
  });
});

describe('HardenedNamespace', () => {
  test('enforces PSS restricted and denies all traffic by default', () => {
    const c = chart('shop');
    new HardenedNamespace(c, 'shop');
    const manifests = synth(c);
    expect(only(manifests, 'Namespace').metadata).toEqual({
      name: 'shop',
      labels: {
        'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.28',
        'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/audit-version': 'v1.28',
        'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/warn-version': 'v1.28',
      },
    });
    expect(only(manifests, 'NetworkPolicy')).toMatchObject({ metadata: { name: 'default-deny', namespace: 'shop' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } });
  });

  test('options and bad input', () => {
    const c = chart('tools');
    new HardenedNamespace(c, 'ns', { name: 'tools', podSecurity: PodSecurityLevel.BASELINE, podSecurityVersion: 'v1.28', defaultDeny: false, labels: { team: 'platform' } });
    const manifests = synth(c);
    expect(manifests.map((m) => m.kind)).toEqual(['Namespace']);
    expect(manifests[0].metadata.labels).toMatchObject({ 'team': 'platform', 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.28' });
    expect(() => new HardenedNamespace(chart(), 'Bad')).toThrow("namespace name 'Bad' is not a valid DNS-1123 label");
    expect(() => new HardenedNamespace(chart(), 'ok', { podSecurityVersion: '1.28' })).toThrow("podSecurityVersion '1.28' is not a policy version: use 'latest' or 'v1.N', e.g. 'v1.28'");
  });
});

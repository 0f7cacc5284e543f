import { Chart, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { EnvironmentProfile, HardenedNamespace, PodSecurityLevel, Probe, SizePreset, StatefulService, StatefulServiceProps, WebService, WebServiceProps, Worker } from '../lib';
import { chart, only, synth } from './util/synth';

const base: WebServiceProps = {
  image: 'ghcr.io/acme/api:1.4.2',
  port: 8080,
  readiness: Probe.http('/ready'),
  liveness: Probe.http('/healthz'),
  resources: { cpu: Cpu.millis(250), memory: Size.mebibytes(256), memoryLimit: Size.mebibytes(512) },
};

const database: StatefulServiceProps = {
  image: 'postgres:16.4-alpine',
  port: 5432,
  readiness: Probe.exec(['pg_isready']),
  resources: { cpu: Cpu.millis(500), memory: Size.gibibytes(1) },
};

function render(profile: EnvironmentProfile, props: Partial<WebServiceProps> = {}, expectFindings: string[] = []) {
  const c = chart();
  new WebService(c, 'api', { ...base, ...props, profile });
  return synth(c, { expectFindings });
}

describe('environment profiles', () => {
  test('development: one replica, no spread, half the resources, no PodDisruptionBudget', () => {
    const manifests = render(EnvironmentProfile.development());
    const deployment = only(manifests, 'Deployment');
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.template.spec.topologySpreadConstraints).toBeUndefined();
    expect(deployment.spec.template.spec.containers[0].resources.requests).toMatchObject({ cpu: '125m', memory: '128Mi' });
    expect(deployment.spec.template.spec.containers[0].resources.limits.memory).toBe('256Mi');
    expect(manifests.some((m) => m.kind === 'HorizontalPodAutoscaler')).toBe(false);
    expect(manifests.some((m) => m.kind === 'PodDisruptionBudget')).toBe(false);
  });

  test('staging: two spread replicas, full resources, a PodDisruptionBudget', () => {
    const manifests = render(EnvironmentProfile.staging());
    const deployment = only(manifests, 'Deployment');
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.template.spec.topologySpreadConstraints).toHaveLength(2);
    expect(deployment.spec.template.spec.containers[0].resources.requests.cpu).toBe('250m');
    expect(only(manifests, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
  });

  test('production: autoscaled 3..10, no fixed replicas, spread', () => {
    const manifests = render(EnvironmentProfile.production());
    expect(only(manifests, 'Deployment').spec.replicas).toBeUndefined();
    expect(only(manifests, 'Deployment').spec.template.spec.topologySpreadConstraints).toHaveLength(2);
    expect(only(manifests, 'HorizontalPodAutoscaler').spec).toMatchObject({ minReplicas: 3, maxReplicas: 10 });
  });

  test('explicit props win over the profile', () => {
    const manifests = render(EnvironmentProfile.production(), { replicas: 5, spread: false }, ['HARD-topology-spread', 'HARD-pod-anti-affinity']);
    expect(only(manifests, 'Deployment').spec.replicas).toBe(5);
    expect(manifests.some((m) => m.kind === 'HorizontalPodAutoscaler')).toBe(false);
  });

  test('an explicit autoscale() replaces the profile autoscaler, without error', () => {
    const c = chart();
    const api = new WebService(c, 'api', { ...base, profile: EnvironmentProfile.production() });
    api.autoscale({ minReplicas: 4, maxReplicas: 20 });
    const manifests = synth(c);
    expect(only(manifests, 'HorizontalPodAutoscaler').spec).toMatchObject({ minReplicas: 4, maxReplicas: 20 });
    expect(api.minimumReplicas).toBe(4);
    expect(() => api.autoscale({ minReplicas: 2, maxReplicas: 3 })).toThrow("workload 'api' is already autoscaled: call autoscale once");
  });

  test('autoscaling keeps spread on, even where the profile turns it off', () => {
    const c = chart();
    const api = new WebService(c, 'api', { ...base, profile: EnvironmentProfile.development() });
    api.autoscale({ minReplicas: 2, maxReplicas: 4 });
    const manifests = synth(c);
    expect(api.spread).toBe(true);
    expect(only(manifests, 'Deployment').spec.template.spec.topologySpreadConstraints).toHaveLength(2);
    expect(only(manifests, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
  });

  test("explicit replicas keep spread on: the profile's spread applies only with its own count", () => {
    const deployment = only(render(EnvironmentProfile.development(), { replicas: 3 }), 'Deployment');
    expect(deployment.spec.replicas).toBe(3);
    expect(deployment.spec.template.spec.topologySpreadConstraints).toHaveLength(2);
  });

  test('an explicit autoscale() from one replica keeps a PodDisruptionBudget: at three pods a drain must not take them all', () => {
    const c = chart();
    const api = new WebService(c, 'api', { ...base, profile: EnvironmentProfile.production() });
    expect(api.pdb).toBeDefined();
    api.autoscale({ minReplicas: 1, maxReplicas: 3 });
    const manifests = synth(c, { expectFindings: ['HARD-hpa-min-replicas'] });
    expect(api.pdb).toBeDefined();
    expect(only(manifests, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
  });

  test('a Worker follows the same rules', () => {
    const c = chart();
    const worker = new Worker(c, 'mailer', { image: 'ghcr.io/acme/mailer:2.0.1', size: SizePreset.SMALL, profile: EnvironmentProfile.production() });
    expect(worker.autoscaler).toBeDefined();
    expect(only(synth(c), 'HorizontalPodAutoscaler').spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'mailer' });
  });

  describe.each([
    ['development', EnvironmentProfile.development(), '250m'],
    ['staging', EnvironmentProfile.staging(), '500m'],
    ['production', EnvironmentProfile.production(), '500m'],
  ])('a StatefulService under the %s profile', (_name, profile, cpu) => {
    test('keeps its replicas, gets no autoscaler, and only its resources scale', () => {
      const c = chart();
      const db = new StatefulService(c, 'postgres', { ...database, replicas: 1, profile });
      const manifests = synth(c);
      const sts = only(manifests, 'StatefulSet');
      expect(sts.spec.replicas).toBe(1);
      expect(db.autoscaler).toBeUndefined();
      expect(manifests.some((m) => m.kind === 'HorizontalPodAutoscaler')).toBe(false);
      expect(sts.spec.template.spec.containers[0].resources.requests.cpu).toBe(cpu);
    });

    test('without replicas runs the library default of 3, spread, with a PodDisruptionBudget', () => {
      const c = chart();
      new StatefulService(c, 'redis', { ...database, profile });
      const manifests = synth(c);
      const sts = only(manifests, 'StatefulSet');
      expect(sts.spec.replicas).toBe(3);
      expect(sts.spec.template.spec.topologySpreadConstraints).toHaveLength(2);
      expect(only(manifests, 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
    });
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

  test("defaults to the chart's namespace, whatever the construct id", () => {
    const c = chart('shop');
    const ns = new HardenedNamespace(c, 'ns');
    const manifests = synth(c);
    expect(ns.name).toBe('shop');
    expect(only(manifests, 'Namespace').metadata.name).toBe('shop');
    expect(only(manifests, 'NetworkPolicy').metadata.namespace).toBe('shop');
  });

  test('in a chart without a namespace, the name or id is the namespace', () => {
    const c = new Chart(Testing.app(), 'cluster');
    new HardenedNamespace(c, 'team-a');
    new HardenedNamespace(c, 'b', { name: 'team-b' });
    const names = Testing.synth(c).filter((m) => m.kind === 'Namespace').map((m) => m.metadata.name);
    expect(names).toEqual(['team-a', 'team-b']);
  });

  test("a name other than the chart's namespace is an error: it would leave the chart's namespace unprotected", () => {
    expect(() => new HardenedNamespace(chart('shop'), 'ns', { name: 'ns' }))
      .toThrow("HardenedNamespace 'ns' is in chart 'test', whose objects go to namespace 'shop', which it would leave unprotected: omit name (it defaults to the chart's namespace), or define it in a chart with namespace 'ns' or with none");
  });

  test('options and bad input', () => {
    const c = chart('tools');
    new HardenedNamespace(c, 'ns', { name: 'tools', podSecurity: PodSecurityLevel.BASELINE, podSecurityVersion: 'v1.28', defaultDeny: false, labels: { team: 'platform' } });
    const manifests = synth(c);
    expect(manifests.map((m) => m.kind)).toEqual(['Namespace']);
    expect(manifests[0].metadata.labels).toMatchObject({ 'team': 'platform', 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'v1.28' });
    expect(() => new HardenedNamespace(new Chart(Testing.app(), 'cluster'), 'Bad')).toThrow("namespace name 'Bad' is not a valid DNS-1123 label");
    expect(() => new HardenedNamespace(chart(), 'ns', { labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } }))
      .toThrow("namespace label 'pod-security.kubernetes.io/enforce' is set by HardenedNamespace from podSecurity and podSecurityVersion: remove it from labels");
    expect(() => new HardenedNamespace(chart(), 'ns', { labels: { 'Team/x': 'a' } }))
      .toThrow("namespace label key 'Team/x' has an invalid prefix 'Team': the part before '/' must be a DNS subdomain of at most 253 lowercase letters, digits, '-' and '.', e.g. 'example.com/x'");
    expect(() => new HardenedNamespace(chart(), 'ok', { podSecurityVersion: '1.28' })).toThrow("podSecurityVersion '1.28' is not a policy version: use 'latest' or 'v1.N', e.g. 'v1.28'");
  });
});

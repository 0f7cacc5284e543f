import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { DisruptionBudget, Probe, ProbeRole, WebService, WebServiceProps, Worker, WorkerProps } from '../lib';
import { chart, only, synth } from './util/synth';

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/).filter((n) => !n.includes('--'));
const image = fc.oneof(
  fc.tuple(name, fc.stringMatching(/^[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{1,2}$/)).map(([repo, tag]) => `ghcr.io/acme/${repo}:${tag}`),
  fc.tuple(name, fc.stringMatching(/^[0-9a-f]{64}$/)).map(([repo, hex]) => `registry.example.com:5000/${repo}@sha256:${hex}`),
);
const resources = fc.record({
  cpu: fc.integer({ min: 1, max: 4000 }),
  memory: fc.integer({ min: 16, max: 8192 }),
  extraMemory: fc.integer({ min: 0, max: 4096 }),
}).map((r) => ({ cpu: Cpu.millis(r.cpu), memory: Size.mebibytes(r.memory), memoryLimit: Size.mebibytes(r.memory + r.extraMemory) }));
const shared = {
  replicas: fc.integer({ min: 1, max: 12 }),
  runAsUser: fc.integer({ min: 10001, max: 2147483647 }),
  preStopPause: fc.integer({ min: 0, max: 30 }).map(Duration.seconds),
  drainTime: fc.integer({ min: 0, max: 300 }).map(Duration.seconds),
  spread: fc.boolean(),
  budget: fc.oneof(
    fc.integer({ min: 1, max: 3 }).map(DisruptionBudget.maxUnavailable),
    fc.integer({ min: 1, max: 100 }).map(DisruptionBudget.maxUnavailablePercent),
  ),
};

/** The budget when it means something at `replicas` (keeps a pod, allows an eviction), else none. */
function meaningfulBudget(budget: DisruptionBudget, replicas: number): DisruptionBudget | undefined {
  const allowed = budget.allowedDisruptions(replicas);
  return replicas >= 2 && allowed >= 1 && allowed < replicas ? budget : undefined;
}

const webProps: fc.Arbitrary<WebServiceProps> = fc.record({
  name, image, resources, ...shared,
  port: fc.integer({ min: 1024, max: 65535 }),
  readinessKind: fc.constantFrom('http', 'tcp', 'grpc'),
  startup: fc.boolean(),
}).map((p) => ({
  name: p.name,
  image: p.image,
  port: p.port,
  replicas: p.replicas,
  runAsUser: p.runAsUser,
  preStopPause: p.preStopPause,
  drainTime: p.drainTime,
  spread: p.spread,
  disruptionBudget: meaningfulBudget(p.budget, p.replicas),
  resources: p.resources,
  readiness: p.readinessKind === 'http' ? Probe.http('/ready') : p.readinessKind === 'tcp' ? Probe.tcp() : Probe.grpc({ service: 'ready' }),
  liveness: Probe.http('/healthz'),
  startup: p.startup ? Probe.http('/healthz', { failureThreshold: 30 }) : undefined,
}));

const workerProps: fc.Arbitrary<WorkerProps> = fc.record({ name, image, resources, ...shared }).map((p) => ({
  name: p.name, image: p.image, replicas: p.replicas, runAsUser: p.runAsUser, preStopPause: p.preStopPause,
  drainTime: p.drainTime, spread: p.spread, disruptionBudget: meaningfulBudget(p.budget, p.replicas), resources: p.resources,
  liveness: Probe.exec(['/bin/alive']),
}));

/** Turning spread off for two or more replicas is reported by the Hardening pack, and only then. */
function spreadFindings(props: WorkerProps | WebServiceProps): string[] {
  return !props.spread && (props.replicas ?? 3) >= 2 ? ['HARD-topology-spread', 'HARD-pod-anti-affinity'] : [];
}

/** The hardened invariants every Deployment workload keeps, whatever its valid props. */
function assertHardened(manifests: any[], props: WorkerProps | WebServiceProps) {
  const deployment = only(manifests, 'Deployment');
  const pod = deployment.spec.template.spec;
  const labels = deployment.spec.template.metadata.labels;
  expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: props.runAsUser, seccompProfile: { type: 'RuntimeDefault' } });
  expect(pod.automountServiceAccountToken).toBe(false);
  for (const container of pod.containers) {
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.securityContext.runAsUser).toBeGreaterThan(10000);
    expect(container.resources.requests.cpu).toBeDefined();
    expect(container.resources.limits.memory).toBeDefined();
    expect(container.volumeMounts[0]).toEqual({ name: 'tmp', mountPath: '/tmp' });
  }
  const pause = props.preStopPause!.toSeconds();
  expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(pause + props.drainTime!.toSeconds());
  expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
  for (const [k, v] of Object.entries(deployment.spec.selector.matchLabels)) expect(labels[k]).toBe(v);
  // A PodDisruptionBudget exists exactly from two replicas, and then allows an eviction while keeping a pod.
  const pdbs = manifests.filter((m) => m.kind === 'PodDisruptionBudget');
  expect(pdbs).toHaveLength(props.replicas! >= 2 ? 1 : 0);
  if (pdbs.length === 1) {
    expect(pdbs[0].spec.selector).toEqual(deployment.spec.selector);
    const allowed = (props.disruptionBudget ?? DisruptionBudget.maxUnavailable(1)).allowedDisruptions(props.replicas!);
    expect(allowed).toBeGreaterThanOrEqual(1);
    expect(allowed).toBeLessThan(props.replicas!);
  }
  expect(only(manifests, 'NetworkPolicy').spec.podSelector).toEqual(deployment.spec.selector);
  if (props.spread && (props.replicas ?? 3) > 0) expect(pod.topologySpreadConstraints).toHaveLength(2);
  for (const m of manifests) expect(m.metadata.namespace).toBe('props');
}

describe('property-based: every valid input synthesizes valid, hardened manifests', () => {
  test('WebService', () => {
    fc.assert(fc.property(webProps, (props) => {
      const c = chart('props');
      new WebService(c, 'svc', props);
      const manifests = synth(c, { expectFindings: spreadFindings(props) });
      assertHardened(manifests, props);
      const container = only(manifests, 'Deployment').spec.template.spec.containers[0];
      expect(props.liveness.secondsToFail(ProbeRole.LIVENESS)).toBeGreaterThan(props.readiness.secondsToFail(ProbeRole.READINESS));
      expect(container.readinessProbe).toBeDefined();
      expect(container.livenessProbe).toBeDefined();
      const service = only(manifests, 'Service');
      expect(service.spec.selector).toEqual(only(manifests, 'Deployment').spec.selector.matchLabels);
    }), { numRuns: 60 });
  });

  test('Worker', () => {
    fc.assert(fc.property(workerProps, (props) => {
      const c = chart('props');
      new Worker(c, 'wrk', props);
      const manifests = synth(c, { expectFindings: spreadFindings(props) });
      assertHardened(manifests, props);
      expect(manifests.some((m) => m.kind === 'Service')).toBe(false);
    }), { numRuns: 60 });
  });
});

import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { BatchJob, ConcurrencyPolicy, JobRestartPolicy, NodeAgent, PodManagementPolicy, Probe, ScheduledJob, StatefulService } from '../lib';
import { podTemplateOf } from '../lib/policy/pod-template';
import { chart, only, synth } from './util/synth';

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/).filter((n) => !n.includes('--'));
const image = fc.tuple(name, fc.stringMatching(/^[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{1,2}$/)).map(([repo, tag]) => `ghcr.io/acme/${repo}:${tag}`);
const resources = fc.record({ cpu: fc.integer({ min: 1, max: 4000 }), memory: fc.integer({ min: 16, max: 8192 }) })
  .map((r) => ({ cpu: Cpu.millis(r.cpu), memory: Size.mebibytes(r.memory) }));
const uid = fc.integer({ min: 10001, max: 2147483647 });

/** The pod and container core every workload keeps. */
function assertHardenedPod(manifests: any[], kind: string) {
  const workload = only(manifests, kind);
  const pod: any = podTemplateOf(workload)!;
  expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  expect(pod.spec.automountServiceAccountToken).toBe(false);
  expect(pod.spec.hostNetwork).toBeUndefined();
  for (const container of pod.spec.containers) {
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(container.securityContext.runAsUser).toBeGreaterThan(10000);
    expect(container.resources.limits.memory).toBeDefined();
  }
  expect(only(manifests, 'NetworkPolicy').spec.policyTypes).toEqual(['Ingress', 'Egress']);
  expect(manifests.every((m) => m.metadata.namespace === 'props')).toBe(true);
}

describe('property-based: the workload family', () => {
  test('StatefulService', () => {
    fc.assert(fc.property(
      fc.record({ name, image, resources, runAsUser: uid, replicas: fc.integer({ min: 1, max: 9 }), port: fc.integer({ min: 1024, max: 65535 }),
        parallel: fc.boolean(), sizeGi: fc.integer({ min: 1, max: 500 }), claims: fc.integer({ min: 0, max: 3 }) }),
      (p) => {
        const c = chart('props');
        new StatefulService(c, 'db', {
          name: p.name, image: p.image, resources: p.resources, runAsUser: p.runAsUser, replicas: p.replicas, port: p.port,
          readiness: Probe.tcp(), podManagementPolicy: p.parallel ? PodManagementPolicy.PARALLEL : PodManagementPolicy.ORDERED_READY,
          volumeClaims: Array.from({ length: p.claims }, (_, i) => ({ name: `data-${i}`, mountPath: `/data/${i}`, size: Size.gibibytes(p.sizeGi) })),
        });
        const manifests = synth(c);
        assertHardenedPod(manifests, 'StatefulSet');
        const sts = only(manifests, 'StatefulSet');
        expect(sts.spec.replicas).toBe(p.replicas);
        expect(sts.spec.volumeClaimTemplates ?? []).toHaveLength(p.claims);
        expect(only(manifests, 'Service').spec.clusterIP).toBe('None');
        const pdbs = manifests.filter((m) => m.kind === 'PodDisruptionBudget');
        expect(pdbs).toHaveLength(p.replicas >= 2 ? 1 : 0);
        if (p.replicas >= 2) expect(pdbs[0].spec).toEqual({ maxUnavailable: 1, selector: sts.spec.selector, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
      }), { numRuns: 40 });
  });

  test('NodeAgent', () => {
    fc.assert(fc.property(fc.record({ name, image, resources, runAsUser: uid, maxUnavailable: fc.integer({ min: 1, max: 10 }) }), (p) => {
      const c = chart('props');
      new NodeAgent(c, 'agent', { ...p, tolerations: [{}] });
      const manifests = synth(c);
      assertHardenedPod(manifests, 'DaemonSet');
      expect(only(manifests, 'DaemonSet').spec.updateStrategy.rollingUpdate.maxUnavailable).toBe(p.maxUnavailable);
      expect(manifests.some((m) => m.kind === 'PodDisruptionBudget')).toBe(false);
    }), { numRuns: 40 });
  });

  test('BatchJob and ScheduledJob', () => {
    const schedule = fc.tuple(fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 23 })).map(([m, h]) => `${m} ${h} * * *`);
    fc.assert(fc.property(
      fc.record({ name, image, resources, runAsUser: uid, backoffLimit: fc.integer({ min: 0, max: 10 }), deadlineMinutes: fc.integer({ min: 1, max: 600 }),
        onFailure: fc.boolean(), schedule, policy: fc.constantFrom(ConcurrencyPolicy.FORBID, ConcurrencyPolicy.ALLOW, ConcurrencyPolicy.REPLACE) }),
      (p) => {
        const c = chart('props');
        const common = { image: p.image, resources: p.resources, runAsUser: p.runAsUser, backoffLimit: p.backoffLimit,
          activeDeadline: Duration.minutes(p.deadlineMinutes), restartPolicy: p.onFailure ? JobRestartPolicy.ON_FAILURE : JobRestartPolicy.NEVER };
        new BatchJob(c, 'job', { ...common, name: `${p.name}-job`.slice(0, 63) });
        new ScheduledJob(c, 'cron', { ...common, name: `${p.name}-cron`.slice(0, 52), schedule: p.schedule, concurrencyPolicy: p.policy });
        const manifests = synth(c);
        for (const kind of ['Job', 'CronJob']) {
          const workload = only(manifests, kind);
          const pod: any = podTemplateOf(workload)!;
          expect(pod.spec.restartPolicy).toBe(p.onFailure ? 'OnFailure' : 'Never');
          expect(pod.spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
          const jobSpec = kind === 'Job' ? workload.spec : workload.spec.jobTemplate.spec;
          expect(jobSpec.activeDeadlineSeconds).toBe(p.deadlineMinutes * 60);
          expect(jobSpec.activeDeadlineSeconds).toBeGreaterThan(pod.spec.terminationGracePeriodSeconds);
          expect(jobSpec.ttlSecondsAfterFinished).toBeGreaterThan(0);
        }
        expect(manifests.some((m) => m.kind === 'PodDisruptionBudget')).toBe(false);
      }), { numRuns: 40 });
  });
});

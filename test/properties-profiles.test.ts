import * as fc from 'fast-check';
import { EnvironmentProfile, StatefulService, WebService } from '../lib';
import { WEB_SERVICE } from './util/props';
import { chart, only, synth } from './util/synth';

const profile = fc.record({
  replicas: fc.integer({ min: 1, max: 6 }),
  spread: fc.boolean(),
  resourceScale: fc.constantFrom(0.5, 1, 2),
  autoscaling: fc.option(fc.record({ minReplicas: fc.integer({ min: 1, max: 4 }), extra: fc.integer({ min: 0, max: 8 }) }), { nil: undefined }),
}).map((p) => EnvironmentProfile.custom({
  name: 'env', replicas: p.replicas, spread: p.spread, resourceScale: p.resourceScale,
  autoscaling: p.autoscaling ? { minReplicas: p.autoscaling.minReplicas, maxReplicas: p.autoscaling.minReplicas + p.autoscaling.extra } : undefined,
}));

/** What the workload sets itself: nothing, fixed replicas, or its own autoscale(); and maybe spread. */
const explicit = fc.record({
  count: fc.oneof(
    fc.constant({ kind: 'none' as const }),
    fc.integer({ min: 1, max: 6 }).map((n) => ({ kind: 'replicas' as const, n })),
    fc.integer({ min: 1, max: 5 }).map((n) => ({ kind: 'autoscale' as const, n })),
  ),
  spread: fc.option(fc.boolean(), { nil: undefined }),
});

describe('property-based: profile precedence', () => {
  test('explicit settings always win, without error; spread follows the count; a budget exists unless the workload always runs one pod', () => {
    fc.assert(fc.property(profile, explicit, (env, own) => {
      const c = chart('props');
      const api = new WebService(c, 'api', {
        ...WEB_SERVICE, profile: env, spread: own.spread,
        replicas: own.count.kind === 'replicas' ? own.count.n : undefined,
      });
      if (own.count.kind === 'autoscale') api.autoscale({ minReplicas: own.count.n, maxReplicas: own.count.n + 2 });

      const profileSetsCount = own.count.kind === 'none';
      const autoscaledMin = own.count.kind === 'autoscale' ? own.count.n : profileSetsCount ? env.autoscaling?.minReplicas : undefined;
      const fixed = own.count.kind === 'replicas' ? own.count.n : profileSetsCount && !env.autoscaling ? env.replicas : undefined;
      const minimum = autoscaledMin ?? fixed!;
      const spread = own.spread ?? (profileSetsCount ? env.spread : true);
      // An autoscaler allowed down to one replica, or with no room to scale up, is a finding of its own (a choice to suppress with a reason).
      const autoscalerFindings = [
        ...(autoscaledMin === 1 ? ['HARD-hpa-min-replicas'] : []),
        ...(profileSetsCount && env.autoscaling && env.autoscaling.maxReplicas <= env.autoscaling.minReplicas ? ['HARD-hpa-max-above-min'] : []),
      ];
      const manifests = synth(c, { expectFindings: [...(!spread && minimum >= 2 ? ['HARD-topology-spread', 'HARD-pod-anti-affinity'] : []), ...autoscalerFindings] });

      const deployment = only(manifests, 'Deployment');
      const hpas = manifests.filter((m) => m.kind === 'HorizontalPodAutoscaler');
      expect(deployment.spec.replicas).toBe(fixed);
      expect(hpas.map((h) => h.spec.minReplicas)).toEqual(autoscaledMin === undefined ? [] : [autoscaledMin]);
      expect(api.minimumReplicas).toBe(minimum);
      expect(deployment.spec.template.spec.topologySpreadConstraints !== undefined).toBe(spread);
      const autoscaledMax = own.count.kind === 'autoscale' ? own.count.n + 2 : profileSetsCount ? env.autoscaling?.maxReplicas : undefined;
      const pdbs = manifests.filter((m) => m.kind === 'PodDisruptionBudget');
      expect(pdbs).toHaveLength(minimum >= 2 || (autoscaledMax ?? 1) >= 2 ? 1 : 0);
      if (pdbs.length > 0) expect(pdbs[0].spec.maxUnavailable).toBe(1);
    }), { numRuns: 60 });
  });

  test('a StatefulService keeps its replicas and gets no autoscaler under any profile', () => {
    fc.assert(fc.property(profile, fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }), (env, replicas) => {
      const c = chart('props');
      new StatefulService(c, 'db', { ...WEB_SERVICE, profile: env, replicas });
      const manifests = synth(c);
      expect(only(manifests, 'StatefulSet').spec.replicas).toBe(replicas ?? 3);
      expect(manifests.some((m) => m.kind === 'HorizontalPodAutoscaler')).toBe(false);
      expect(only(manifests, 'StatefulSet').spec.template.spec.topologySpreadConstraints).toHaveLength(2);
    }), { numRuns: 30 });
  });
});

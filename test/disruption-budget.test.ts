import { Chart } from 'cdk8s';
import { Audit, DisruptionBudget, EnvironmentProfile, WebService } from '../lib';
import { WEB_SERVICE } from './util/props';
import { chart, only, synth } from './util/synth';

/** The errors every construct's validations report, as synthesis would. */
function validationErrors(scope: Chart): string[] {
  return scope.node.findAll().flatMap((construct) => construct.node.validate());
}

describe('PodDisruptionBudgets that mean something', () => {
  test('one replica: no PodDisruptionBudget, and the audit agrees', () => {
    const c = chart();
    const api = new WebService(c, 'api', { ...WEB_SERVICE, replicas: 1 });
    const manifests = synth(c);
    expect(manifests.some((m) => m.kind === 'PodDisruptionBudget')).toBe(false);
    expect(api.pdb).toBeUndefined();
    expect(api.disruptionBudget).toBeUndefined();
    expect(Audit.of(c).findings).toEqual([]);
  });

  test('a budget asked for at one replica is an error that names both ways out', () => {
    expect(() => new WebService(chart(), 'api', { ...WEB_SERVICE, replicas: 1, disruptionBudget: DisruptionBudget.maxUnavailable(1) }))
      .toThrow("workload 'api' runs a single replica, and PodDisruptionBudget maxUnavailable 1 would let a drain evict the only pod, so it protects nothing: remove disruptionBudget, run at least 2 replicas, or use DisruptionBudget.blockEvictions(reason) to make drains wait for an operator");
    const c = chart();
    const api = new WebService(c, 'api', { ...WEB_SERVICE, disruptionBudget: DisruptionBudget.maxUnavailablePercent(50) });
    expect(() => api.autoscale({ minReplicas: 1, maxReplicas: 1 })).toThrow("workload 'api' runs a single replica, and PodDisruptionBudget maxUnavailable 50%");
    expect(api.autoscaler).toBeUndefined();
    expect(only(synth(c), 'PodDisruptionBudget').spec.maxUnavailable).toBe('50%');
  });

  test('an autoscaler from one replica up to ten gets the default budget: a drain at ten pods takes one at a time', () => {
    const c = chart();
    const api = new WebService(c, 'api', { ...WEB_SERVICE });
    api.autoscale({ minReplicas: 1, maxReplicas: 10 });
    const pdb = only(synth(c, { expectFindings: ['HARD-hpa-min-replicas'] }), 'PodDisruptionBudget');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: api.selectorLabels }, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    expect(api.disruptionBudget?.kubeValue).toBe(1);
    expect(Audit.of(c).active.map((f) => f.ruleId)).toEqual(['HARD-hpa-min-replicas']);
  });

  test('an autoscaler from one replica holds an explicit budget to what it allows at one pod and keeps at two', () => {
    expect(() => new WebService(chart(), 'api', { ...WEB_SERVICE, disruptionBudget: DisruptionBudget.minAvailable(1) }).autoscale({ minReplicas: 1, maxReplicas: 5 }))
      .toThrow('PodDisruptionBudget minAvailable 1 allows no disruption with minReplicas 1: node drains would hang');
    expect(() => new WebService(chart(), 'api', { ...WEB_SERVICE, disruptionBudget: DisruptionBudget.maxUnavailable(2) }).autoscale({ minReplicas: 1, maxReplicas: 5 }))
      .toThrow('PodDisruptionBudget maxUnavailable 2 lets a drain evict all pods at once with 2 replicas (the autoscaler runs 1 to 5), so it protects nothing');
  });

  test('a budget that lets a drain evict every pod at once is an error', () => {
    expect(() => new WebService(chart(), 'api', { ...WEB_SERVICE, disruptionBudget: DisruptionBudget.maxUnavailablePercent(100) }))
      .toThrow('PodDisruptionBudget maxUnavailable 100% lets a drain evict all pods at once with 3 replica(s), so it protects nothing');
  });

  test('blockEvictions is the explicit choice: maxUnavailable 0, with its reason as a suppression every audit shows', () => {
    const c = chart();
    const reason = 'single primary: fail over before draining its node';
    const api = new WebService(c, 'api', { ...WEB_SERVICE, replicas: 1, disruptionBudget: DisruptionBudget.blockEvictions(reason) });
    const pdb = only(synth(c), 'PodDisruptionBudget');
    expect(pdb.metadata.annotations).toEqual({ 'suppress.cdk8s-hardened.io/HARD-pdb-allows-disruption': reason });
    expect(pdb.spec).toEqual({ maxUnavailable: 0, selector: { matchLabels: api.selectorLabels }, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    const report = Audit.of(c);
    expect(report.active).toEqual([]);
    expect(report.suppressed.map((f) => [f.ruleId, f.suppressionReason])).toEqual([['HARD-pdb-allows-disruption', reason]]);
    expect(api.disruptionBudget?.blocksEvictions).toBe(true);
    expect(() => DisruptionBudget.blockEvictions(' ')).toThrow('DisruptionBudget.blockEvictions was given no reason: say why drains must wait for an operator');
  });

  test('an explicit budget wins over the profile: a profile that leaves one replica fails synthesis with the single-replica error', () => {
    const c = chart();
    const api = new WebService(c, 'api', { ...WEB_SERVICE, profile: EnvironmentProfile.development(), disruptionBudget: DisruptionBudget.minAvailable(1) });
    expect(api.pdb).toBeUndefined();
    expect(validationErrors(c)).toEqual(["workload 'api' runs a single replica (its environment profile sets one replica), and PodDisruptionBudget minAvailable 1 would make every drain hang without saying why: remove disruptionBudget, run at least 2 replicas, or use DisruptionBudget.blockEvictions(reason) to make drains wait for an operator"]);
    expect(() => (c.node.root as any).synth()).toThrow("workload 'api' runs a single replica (its environment profile sets one replica)");

    const blocked = chart();
    new WebService(blocked, 'api', { ...WEB_SERVICE, profile: EnvironmentProfile.development(), disruptionBudget: DisruptionBudget.blockEvictions('single primary') });
    expect(validationErrors(blocked)).toEqual([]);
    const unset = chart();
    new WebService(unset, 'api', { ...WEB_SERVICE, profile: EnvironmentProfile.development() });
    expect(validationErrors(unset)).toEqual([]);
  });

  test('the budget follows the replica count in force: the profile, then autoscale()', () => {
    const c = chart();
    const api = new WebService(c, 'api', { ...WEB_SERVICE, profile: EnvironmentProfile.development(), disruptionBudget: DisruptionBudget.maxUnavailable(1) });
    expect(api.pdb).toBeUndefined();
    api.autoscale({ minReplicas: 3, maxReplicas: 6 });
    expect(api.pdb).toBeDefined();
    expect(only(synth(c), 'PodDisruptionBudget').spec.maxUnavailable).toBe(1);
    expect(validationErrors(c)).toEqual([]);
  });
});

import { Duration } from 'cdk8s';
import { DisruptionBudget, ScalingMetric, WebService, WebServiceProps, Worker } from '../lib';
import { WEB_SERVICE } from './util/props';
import { chart, only, synth } from './util/synth';

const base: WebServiceProps = WEB_SERVICE;

describe('autoscaling', () => {
  test('an HPA owns the replica count: spec.replicas is omitted, CPU 70% by default, calm scale-down', () => {
    const c = chart();
    const svc = new WebService(c, 'api', base);
    svc.autoscale({ minReplicas: 2, maxReplicas: 10 });
    const manifests = synth(c);
    expect(only(manifests, 'Deployment').spec.replicas).toBeUndefined();
    expect(svc.replicas).toBeUndefined();
    expect(svc.minimumReplicas).toBe(2);
    const hpa = only(manifests, 'HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.metadata).toMatchObject({ name: 'api', namespace: 'shop' });
    expect(hpa.spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    });
    expect(hpa.spec.behavior.scaleDown).toEqual({ stabilizationWindowSeconds: 300, selectPolicy: 'Min', policies: [{ type: 'Percent', value: 20, periodSeconds: 60 }] });
    expect(hpa.spec.behavior.scaleUp.stabilizationWindowSeconds).toBe(0);
  });

  test('memory, per-pod custom and external metrics, tuned behavior', () => {
    const c = chart();
    const worker = new Worker(c, 'consumer', { image: 'ghcr.io/acme/consumer:3.1.0', resources: base.resources });
    worker.autoscale({
      minReplicas: 2, maxReplicas: 30,
      metrics: [
        ScalingMetric.memoryUtilization(75),
        ScalingMetric.podsAverage('http_requests_per_second', '100'),
        ScalingMetric.external('queue_messages_ready', '30', { queue: 'emails' }),
      ],
      scaleUpStabilization: Duration.seconds(30),
      scaleDownStabilization: Duration.minutes(10),
      maxScaleDownPercentPerMinute: 50,
    });
    const hpa = only(synth(c), 'HorizontalPodAutoscaler').spec;
    expect(hpa.metrics).toEqual([
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 75 } } },
      { type: 'Pods', pods: { metric: { name: 'http_requests_per_second' }, target: { type: 'AverageValue', averageValue: '100' } } },
      { type: 'External', external: { metric: { name: 'queue_messages_ready', selector: { matchLabels: { queue: 'emails' } } }, target: { type: 'AverageValue', averageValue: '30' } } },
    ]);
    expect(hpa.behavior.scaleUp.stabilizationWindowSeconds).toBe(30);
    expect(hpa.behavior.scaleDown.stabilizationWindowSeconds).toBe(600);
    expect(hpa.behavior.scaleDown.policies[0].value).toBe(50);
  });

  test('bad input is named', () => {
    const make = (props: Partial<WebServiceProps> = {}) => new WebService(chart(), 'api', { ...base, ...props });
    expect(() => make().autoscale({ minReplicas: 5, maxReplicas: 2 })).toThrow("maxReplicas 2 is below minReplicas 5 for 'api': raise maxReplicas or lower minReplicas");
    expect(() => make().autoscale({ minReplicas: 0, maxReplicas: 2 })).toThrow("minReplicas of 'api' 0 is invalid: use a whole number of at least 1");
    expect(() => make({ replicas: 4 }).autoscale({ minReplicas: 2, maxReplicas: 5 })).toThrow("workload 'api' sets replicas 4 and is autoscaled: remove replicas, minReplicas takes its place");
    expect(() => make({ disruptionBudget: DisruptionBudget.minAvailable(2) }).autoscale({ minReplicas: 2, maxReplicas: 5 }))
      .toThrow('PodDisruptionBudget minAvailable 2 allows no disruption with minReplicas 2: node drains would hang');
    expect(() => make().autoscale({ minReplicas: 2, maxReplicas: 5, metrics: [] })).toThrow("autoscaling of 'api' has an empty metrics list");
    const twice = make();
    twice.autoscale({ minReplicas: 2, maxReplicas: 5 });
    expect(() => twice.autoscale({ minReplicas: 2, maxReplicas: 5 })).toThrow("workload 'api' is already autoscaled: call autoscale once");
    expect(() => ScalingMetric.cpuUtilization(0)).toThrow('cpu utilization target (percent) 0 is invalid: use a whole number from 1 to 1000');
    expect(() => ScalingMetric.podsAverage('rps', '-1')).toThrow("target '-1' for metric 'rps' is not a positive quantity: use e.g. '100', '250m' or '1k'");
    expect(() => ScalingMetric.external('bad name', '1')).toThrow("metric name 'bad name' is invalid");
  });
});

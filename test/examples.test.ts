import { Testing } from 'cdk8s';
import { MinimalWebServiceChart } from '../examples/minimal-web-service/main';
import { ProductionServiceChart } from '../examples/production-service/main';
import { QueueWorkerChart } from '../examples/queue-worker/main';
import { only, synth } from './util/synth';

describe('examples synthesize valid, hardened manifests', () => {
  test('minimal-web-service', () => {
    const manifests = synth(new MinimalWebServiceChart(Testing.app(), 'minimal'));
    expect(manifests.map((m) => m.kind).sort()).toEqual(['Deployment', 'NetworkPolicy', 'PodDisruptionBudget', 'Service', 'ServiceAccount']);
    expect(only(manifests, 'Deployment').spec.template.spec.containers[0].image).toBe('ghcr.io/acme/api:1.4.2');
  });

  test('production-service', () => {
    const manifests = synth(new ProductionServiceChart(Testing.app(), 'production'));
    const deployment = only(manifests, 'Deployment');
    const container = deployment.spec.template.spec.containers[0];
    expect(container.image).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(container.imagePullPolicy).toBe('IfNotPresent');
    expect(container.startupProbe.httpGet).toEqual({ path: '/livez', port: 8443, scheme: 'HTTPS' });
    expect(container.startupProbe.failureThreshold).toBe(60);
    expect(container.resources.limits.memory).toBe('1Gi');
    expect(container.lifecycle).toEqual({ preStop: { sleep: { seconds: 10 } } });
    expect(container.envFrom).toEqual([{ configMapRef: { name: 'checkout-config' } }]);
    expect(container.env.find((e: any) => e.name === 'DATABASE_PASSWORD').valueFrom.secretKeyRef).toEqual({ name: 'checkout-database', key: 'password' });
    expect(deployment.spec.replicas).toBe(4);
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBe(45);
    expect(only(manifests, 'PodDisruptionBudget').spec.maxUnavailable).toBe('25%');
    expect(only(manifests, 'Service').spec.ports).toEqual([{ name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' }]);
    expect(only(manifests, 'ConfigMap').metadata.name).toBe('checkout-config');
  });

  test('queue-worker', () => {
    const manifests = synth(new QueueWorkerChart(Testing.app(), 'worker'));
    expect(manifests.some((m) => m.kind === 'Service')).toBe(false);
    const deployment = only(manifests, 'Deployment');
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.template.spec.containers[0].livenessProbe.exec.command[0]).toBe('/app/healthcheck');
    expect(only(manifests, 'NetworkPolicy').spec.egress).toContainEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'messaging' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'rabbitmq' } } }],
      ports: [{ port: 5671, protocol: 'TCP' }],
    });
  });
});

import { Testing } from 'cdk8s';
import { MinimalWebServiceChart } from '../examples/minimal-web-service/main';
import { ProductionServiceChart } from '../examples/production-service/main';
import { QueueWorkerChart } from '../examples/queue-worker/main';
import { AutoscaledWebTierChart } from '../examples/autoscaled-web-tier/main';
import { buildEnvironments } from '../examples/environments/main';
import { ExistingAppChart } from '../examples/existing-app-audit/main';
import { LogAgentChart } from '../examples/log-agent/main';
import { NightlyBackupChart } from '../examples/nightly-backup/main';
import { PostgresChart } from '../examples/postgres/main';
import { buildShop } from '../examples/shop/main';
import { Audit } from '../lib';
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

  test('postgres', () => {
    const manifests = synth(new PostgresChart(Testing.app(), 'postgres'));
    const sts = only(manifests, 'StatefulSet');
    expect(sts.spec.replicas).toBe(1);
    expect(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('20Gi');
    expect(sts.spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/postgresql/data' });
    expect(only(manifests, 'Namespace').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test('log-agent', () => {
    const manifests = synth(new LogAgentChart(Testing.app(), 'log-agent'));
    const ds = only(manifests, 'DaemonSet');
    expect(ds.metadata.annotations['suppress.cdk8s-hardened.io/PSS-hostPathVolumes']).toBe('reads container logs under /var/log on every node (read-only)');
    expect(ds.spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'host-0', mountPath: '/var/log', readOnly: true });
  });

  test('nightly-backup', () => {
    const cron = only(synth(new NightlyBackupChart(Testing.app(), 'backup')), 'CronJob');
    expect(cron.spec).toMatchObject({ schedule: '30 2 * * *', timeZone: 'Europe/Berlin', concurrencyPolicy: 'Forbid' });
    expect(cron.spec.jobTemplate.spec.activeDeadlineSeconds).toBe(7200);
  });

  test('autoscaled-web-tier', () => {
    const manifests = synth(new AutoscaledWebTierChart(Testing.app(), 'tier'));
    expect(manifests.filter((m) => m.kind === 'HorizontalPodAutoscaler')).toHaveLength(2);
    expect(manifests.filter((m) => m.kind === 'Deployment').every((d) => d.spec.replicas === undefined)).toBe(true);
    expect(manifests.filter((m) => m.kind === 'NetworkPolicy').map((p) => p.metadata.name).sort()).toEqual(['api', 'default-deny', 'frontend']);
  });

  test('environments: one definition, three renderings', () => {
    const app = Testing.app();
    const [dev, staging, prod] = buildEnvironments(app).map((chart) => synth(chart));
    const api = (manifests: any[]) => manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === 'api');
    expect(api(dev).spec.replicas).toBe(1);
    expect(api(dev).metadata.namespace).toBe('shop-dev');
    expect(api(staging).spec.replicas).toBe(2);
    expect(api(prod).spec.replicas).toBeUndefined();
    expect(prod.filter((m) => m.kind === 'HorizontalPodAutoscaler')).toHaveLength(2);
  });

  test('shop: one definition, three environments, each in its own protected namespace', () => {
    const app = Testing.app();
    const rendered = buildShop(app).map((chart) => synth(chart));
    expect(rendered.map((manifests) => only(manifests, 'Namespace').metadata.name)).toEqual(['shop-dev', 'shop-staging', 'shop-prod']);
    for (const manifests of rendered) {
      expect(manifests.filter((m) => m.kind === 'Deployment').map((m) => m.metadata.name).sort()).toEqual(['catalog', 'fulfilment', 'orders', 'storefront']);
      expect(manifests.filter((m) => m.kind === 'StatefulSet').map((m) => m.metadata.name).sort()).toEqual(['postgres', 'redis']);
    }
  });

  test('existing-app-audit: a plain cdk8s-plus app, audited unchanged, yields exactly the known gaps', () => {
    const chart = new ExistingAppChart(Testing.app(), 'existing');
    const expected = [
      'PSS-capabilities_restricted', 'PSS-seccompProfile_restricted', 'HARD-run-as-user-high-uid', 'HARD-run-as-group-high-gid',
      'HARD-memory-request-set', 'HARD-memory-limit-set', 'HARD-ephemeral-storage-request-limit', 'HARD-readiness-probe-set',
      'HARD-pod-anti-affinity', 'HARD-topology-spread', 'HARD-pdb-exists', 'HARD-networkpolicy-covers-pod', 'HARD-liveness-probe-set',
    ];
    synth(chart, { expectFindings: expected });
    expect([...new Set(Audit.of(chart).active.map((f) => f.ruleId))].sort()).toEqual([...expected].sort());
  });
});

import { Testing } from 'cdk8s';
import { buildShop } from '../examples/shop/main';
import { Audit, HardenedValidation, PodSecurityLevel, PolicyPack } from '../lib';
import { allowedEdges, Endpoint } from './util/network-edges';
import { only, synth } from './util/synth';

const ENVIRONMENTS = ['dev', 'staging', 'prod'];

/** Endpoints outside the app: what the cluster and the internet put around it. */
const OUTSIDE: Endpoint[] = [
  { id: 'kube-system/kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }, { port: 9153, protocol: 'TCP', name: 'metrics' }] },
  { id: 'ingress-nginx/controller', namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' }, ports: [{ port: 80, protocol: 'TCP' }, { port: 443, protocol: 'TCP' }] },
  { id: 'monitoring/prometheus', namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' }, ports: [{ port: 9090, protocol: 'TCP' }] },
  { id: 'other-team/api', namespace: 'other-team', labels: { 'app.kubernetes.io/name': 'api' }, ports: [{ port: 8080, protocol: 'TCP' }] },
  // Inside the shop's PAYMENT_PROVIDER and BACKUP_STORAGE ranges, and one address in neither.
  { id: 'payment-provider', ip: '203.0.113.10', labels: {}, ports: [{ port: 443, protocol: 'TCP' }, { port: 80, protocol: 'TCP' }] },
  { id: 'backup-storage', ip: '198.51.100.20', labels: {}, ports: [{ port: 443, protocol: 'TCP' }] },
  { id: 'internet', ip: '192.0.2.1', labels: {}, ports: [{ port: 443, protocol: 'TCP' }] },
];

/** The connections the shop declares, plus DNS for every workload: nothing else may be allowed. */
function declaredEdges(env: string): string[] {
  const ns = `shop-${env}`;
  const workloads = ['storefront', 'catalog', 'orders', 'fulfilment', 'redis', 'postgres', 'backup'];
  return [
    `${ns}/storefront -> ${ns}/catalog:9090/TCP`,
    `${ns}/storefront -> ${ns}/orders:8080/TCP`,
    `${ns}/catalog -> ${ns}/postgres:5432/TCP`,
    `${ns}/orders -> ${ns}/postgres:5432/TCP`,
    `${ns}/orders -> ${ns}/redis:6379/TCP`,
    `${ns}/orders -> payment-provider:443/TCP`,
    `${ns}/fulfilment -> ${ns}/redis:6379/TCP`,
    `${ns}/fulfilment -> ${ns}/postgres:5432/TCP`,
    `${ns}/backup -> ${ns}/postgres:5432/TCP`,
    `${ns}/backup -> backup-storage:443/TCP`,
    `ingress-nginx/controller -> ${ns}/storefront:3000/TCP`,
    `monitoring/prometheus -> ${ns}/orders:9102/TCP`,
    ...workloads.flatMap((w) => [`${ns}/${w} -> kube-system/kube-dns:53/TCP`, `${ns}/${w} -> kube-system/kube-dns:53/UDP`]),
  ];
}

function renderShop() {
  const app = Testing.app();
  const charts = buildShop(app);
  return { app, charts, manifests: charts.map((chart) => synth(chart)) };
}

describe('examples/shop: one app, three environments', () => {
  test('every environment synthesizes valid manifests with zero findings of every pack', () => {
    const { charts } = renderShop();
    for (const chart of charts) {
      for (const version of ['latest', 'v1.28']) {
        const report = Audit.of(chart, { packs: [PolicyPack.podSecurity({ level: PodSecurityLevel.RESTRICTED, version }), PolicyPack.hardening()] });
        expect(report.active).toEqual([]);
        expect(report.objectCount).toBeGreaterThan(25);
      }
    }
  });

  test('the cdk8s-cli plugin, configured as in cdk8s.yaml, reports zero findings in every environment', async () => {
    const { charts, manifests } = renderShop();
    for (const [index, chart] of charts.entries()) {
      const violations: any[] = [];
      let status: string | undefined;
      const file = `dist/${chart.node.id}.k8s.yaml`;
      await new HardenedValidation({ failOn: 'low' }).validate({
        manifests: [file],
        parseManifest: () => manifests[index],
        metadata: {},
        logger: { log: () => undefined },
        report: { addViolation: (v: any) => violations.push(v), submit: (s: string) => { status = s; } },
      });
      expect({ environment: chart.node.id, violations, status }).toEqual({ environment: chart.node.id, violations: [], status: 'success' });
    }
  });

  test('the allowed (source, destination, port) edges are the declared connections plus DNS, nothing more', () => {
    const { manifests } = renderShop();
    const all = manifests.flat();
    const appNamespaces = ENVIRONMENTS.map((env) => `shop-${env}/`);
    const touchesApp = (edge: string) => appNamespaces.some((ns) => edge.startsWith(ns) || edge.includes(`-> ${ns}`));
    // All three environments at once: no edge crosses from one environment into another.
    expect(allowedEdges(all, OUTSIDE).filter(touchesApp)).toEqual(ENVIRONMENTS.flatMap(declaredEdges).sort());
  });

  test('profiles size the stateless services; the datastores keep one primary everywhere', () => {
    const { manifests } = renderShop();
    const [dev, staging, prod] = manifests;
    const get = (ms: any[], kind: string, name: string) => ms.find((m) => m.kind === kind && m.metadata.name === name);
    for (const ms of [dev, staging, prod]) {
      for (const db of ['postgres', 'redis']) {
        expect(get(ms, 'StatefulSet', db).spec.replicas).toBe(1);
        expect(get(ms, 'HorizontalPodAutoscaler', db)).toBeUndefined();
      }
      // The storefront's own autoscale() wins over every profile, and keeps spread on.
      expect(get(ms, 'HorizontalPodAutoscaler', 'storefront').spec).toMatchObject({ minReplicas: 2, maxReplicas: 12 });
      expect(get(ms, 'Deployment', 'storefront').spec.template.spec.topologySpreadConstraints).toHaveLength(2);
      expect(get(ms, 'PodDisruptionBudget', 'storefront').spec.maxUnavailable).toBe(1);
    }
    expect(get(dev, 'Deployment', 'catalog').spec.replicas).toBe(1);
    expect(get(dev, 'PodDisruptionBudget', 'catalog')).toBeUndefined();
    expect(get(dev, 'StatefulSet', 'postgres').spec.template.spec.containers[0].resources.requests.cpu).toBe('250m');
    expect(get(staging, 'Deployment', 'catalog').spec.replicas).toBe(2);
    expect(get(prod, 'HorizontalPodAutoscaler', 'catalog').spec).toMatchObject({ minReplicas: 3, maxReplicas: 10 });
    // A single primary: no budget in dev and staging; in prod drains wait for an operator, and say why.
    expect(get(staging, 'PodDisruptionBudget', 'postgres')).toBeUndefined();
    expect(get(prod, 'PodDisruptionBudget', 'postgres')).toMatchObject({
      metadata: { annotations: { 'suppress.cdk8s-hardened.io/HARD-pdb-allows-disruption': 'single primary: fail over or take a fresh backup before its node is drained' } },
      spec: { maxUnavailable: 0, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
    });
    expect(get(prod, 'PodDisruptionBudget', 'redis')).toBeUndefined();
  });

  test('config rolls the pods; the existing Secret is referenced, never defined', () => {
    const { manifests } = renderShop();
    const prod = manifests[2];
    expect(prod.filter((m) => m.kind === 'Secret')).toEqual([]);
    const orders = prod.find((m) => m.kind === 'Deployment' && m.metadata.name === 'orders');
    expect(orders.spec.template.metadata.annotations['cdk8s-hardened.io/config-checksum']).toMatch(/^[0-9a-f]{64}$/);
    expect(orders.spec.template.spec.containers[0].env).toContainEqual({ name: 'DATABASE_PASSWORD', valueFrom: { secretKeyRef: { name: 'shop-database', key: 'password' } } });
    expect(only(prod, 'CronJob').spec).toMatchObject({ schedule: '15 3 * * *', timeZone: 'Europe/Berlin', concurrencyPolicy: 'Forbid' });
    expect(only(prod, 'Namespace').metadata.name).toBe('shop-prod');
  });
});

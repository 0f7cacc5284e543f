import { App, Chart, Testing } from 'cdk8s';
import { AutoscaledWebTierChart } from '../../examples/autoscaled-web-tier/main';
import { buildEnvironments } from '../../examples/environments/main';
import { LogAgentChart } from '../../examples/log-agent/main';
import { MinimalWebServiceChart } from '../../examples/minimal-web-service/main';
import { NightlyBackupChart } from '../../examples/nightly-backup/main';
import { PostgresChart } from '../../examples/postgres/main';
import { ProductionServiceChart } from '../../examples/production-service/main';
import { QueueWorkerChart } from '../../examples/queue-worker/main';
import { buildShop } from '../../examples/shop/main';
import { Audit, PodSecurityLevel, PolicyPack } from '../../lib';

// Rules are deduplicated by id within one audit, so each policy version gets an audit of its own.
const ALL_PACKS = [PolicyPack.podSecurity({ level: PodSecurityLevel.RESTRICTED, version: 'latest' }), PolicyPack.hardening(), PolicyPack.apiVersions(), PolicyPack.rbac()];
const V1_28 = [PolicyPack.podSecurity({ level: PodSecurityLevel.RESTRICTED, version: 'v1.28' })];

const EXAMPLES: Array<[string, (app: App) => Chart[]]> = [
  ['minimal-web-service', (app) => [new MinimalWebServiceChart(app, 'minimal')]],
  ['production-service', (app) => [new ProductionServiceChart(app, 'production')]],
  ['queue-worker', (app) => [new QueueWorkerChart(app, 'worker')]],
  ['postgres', (app) => [new PostgresChart(app, 'postgres')]],
  ['log-agent', (app) => [new LogAgentChart(app, 'log-agent')]],
  ['nightly-backup', (app) => [new NightlyBackupChart(app, 'backup')]],
  ['autoscaled-web-tier', (app) => [new AutoscaledWebTierChart(app, 'tier')]],
  ['environments', (app) => buildEnvironments(app)],
  ['shop', (app) => buildShop(app)],
];

/** Weakens the first pod template found, the way a hand-edited manifest drifts. */
function weaken(manifests: any[]): any[] {
  const copy = JSON.parse(JSON.stringify(manifests));
  const workload = copy.find((m: any) => ['Deployment', 'StatefulSet', 'DaemonSet', 'CronJob'].includes(m.kind));
  const template = workload.kind === 'CronJob' ? workload.spec.jobTemplate.spec.template : workload.spec.template;
  const container = template.spec.containers[0];
  container.image = container.image.replace(/[:@].*$/, ':latest');
  container.imagePullPolicy = 'IfNotPresent';
  container.securityContext.readOnlyRootFilesystem = false;
  delete container.securityContext.allowPrivilegeEscalation;
  delete container.resources.limits.memory;
  delete template.spec.securityContext.runAsNonRoot;
  template.spec.automountServiceAccountToken = true;
  return copy.filter((m: any) => m.kind !== 'NetworkPolicy' && m.kind !== 'ServiceAccount');
}

/** Gives the first workload's ServiceAccount a careless Role, and exposes the first Service, the way charts often do. */
function weakenAccess(manifests: any[]): any[] {
  const copy = JSON.parse(JSON.stringify(manifests));
  const account = copy.find((m: any) => m.kind === 'ServiceAccount');
  const namespace = account.metadata.namespace;
  const service = copy.find((m: any) => m.kind === 'Service');
  if (service) Object.assign(service.spec, { type: 'LoadBalancer', externalIPs: ['203.0.113.7'] });
  copy.find((m: any) => m.kind === 'NetworkPolicy' && Array.isArray(m.spec.egress)).spec.egress.push({});
  return [...copy,
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'careless' }, rules: [{ apiGroups: ['', 'apps'], resources: ['secrets', 'pods', 'pods/exec', 'deployments'], verbs: ['*'] }] },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'careless' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'careless' }, subjects: [{ kind: 'ServiceAccount', name: account.metadata.name, namespace }, { kind: 'ServiceAccount', name: 'default', namespace }] },
  ];
}

const WEAKENED_ACCESS_RULES = [
  'RBAC-wildcard', 'RBAC-secrets-read-cluster', 'RBAC-workload-create', 'RBAC-pod-exec-attach', 'RBAC-default-service-account-binding',
  'HARD-networkpolicy-open-rule', 'HARD-networkpolicy-covers-pod',
];
const WEAKENED_SERVICE_RULES = ['HARD-service-exposure', 'HARD-service-external-ips', 'HARD-loadbalancer-source-ranges'];

const WEAKENED_RULES = [
  'HARD-image-tag-pinned', 'HARD-image-pull-policy', 'HARD-read-only-root-filesystem', 'HARD-memory-limit-set',
  'HARD-automount-sa-token-false', 'HARD-networkpolicy-covers-pod', 'PSS-allowPrivilegeEscalation',
];

describe.each(EXAMPLES)('example %s', (_name, build) => {
  test('passes every pack with zero findings (suppressions only where documented)', () => {
    const app = Testing.app();
    for (const chart of build(app)) {
      for (const packs of [ALL_PACKS, V1_28]) {
        const report = Audit.of(chart, { packs });
        expect(report.active).toEqual([]);
        for (const finding of report.suppressed) expect(finding.suppressionReason).toBeTruthy();
      }
    }
  });

  test('least privilege by default: no RBAC object, only ClusterIP Services, ServiceAccounts without tokens', () => {
    const manifests = build(Testing.app()).flatMap((chart) => Testing.synth(chart));
    expect(manifests.filter((m) => ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'].includes(m.kind))).toEqual([]);
    for (const service of manifests.filter((m) => m.kind === 'Service')) {
      expect(service.spec.type ?? 'ClusterIP').toBe('ClusterIP');
      expect(service.spec.externalIPs).toBeUndefined();
    }
    for (const account of manifests.filter((m) => m.kind === 'ServiceAccount')) expect(account.automountServiceAccountToken).toBe(false);
  });

  test('a weakened RBAC and exposure copy triggers the Rbac pack and the exposure rules', () => {
    const manifests = weakenAccess(build(Testing.app()).flatMap((chart) => Testing.synth(chart)));
    const ids = new Set(Audit.manifests(manifests, { packs: ALL_PACKS }).active.map((f) => f.ruleId));
    for (const id of WEAKENED_ACCESS_RULES) expect(ids).toContain(id);
    const exposed = manifests.some((m) => m.kind === 'Service');
    for (const id of WEAKENED_SERVICE_RULES) expect(ids.has(id)).toBe(exposed);
  });

  test('a weakened copy triggers the expected rules', () => {
    const app = Testing.app();
    const [chart] = build(app);
    const report = Audit.manifests(weaken(Testing.synth(chart)), { packs: ALL_PACKS });
    const ids = new Set(report.active.map((f) => f.ruleId));
    for (const id of WEAKENED_RULES) expect(ids).toContain(id);
    const replicated = Testing.synth(chart).some((m) => ['Deployment', 'StatefulSet'].includes(m.kind) && (m.spec.replicas ?? 2) >= 2);
    if (replicated) {
      const withoutPdb = Audit.manifests(Testing.synth(chart).filter((m) => m.kind !== 'PodDisruptionBudget'), { packs: ALL_PACKS });
      expect(withoutPdb.active.map((f) => f.ruleId)).toContain('HARD-pdb-exists');
    }
  });
});

test('the log agent host access shows up as suppressed findings carrying the reason', () => {
  const report = Audit.of(new LogAgentChart(Testing.app(), 'log-agent'), { packs: ALL_PACKS });
  // restricted replaces the baseline hostPathVolumes check with restrictedVolumes
  expect(report.suppressed.map((f) => f.ruleId)).toEqual(['PSS-restrictedVolumes']);
  const baseline = Audit.of(new LogAgentChart(Testing.app(), 'log-agent'), { packs: [PolicyPack.podSecurity({ level: PodSecurityLevel.BASELINE })] });
  expect(baseline.suppressed.map((f) => f.ruleId)).toEqual(['PSS-hostPathVolumes']);
  for (const finding of [...report.suppressed, ...baseline.suppressed]) {
    expect(finding.suppressionReason).toBe('reads container logs under /var/log on every node (read-only)');
    expect(finding.suppressed).toBe(true);
  }
});

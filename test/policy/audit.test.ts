import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ApiObject, App, Chart, JsonPatch, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Audit, AuditScope, EnvironmentProfile, HardenedValidation, PodSecurityLevel, PolicyPack, Probe, Severity, Suppressions, WebService } from '../../lib';

function webService(chart: Chart) {
  return new WebService(chart, 'api', {
    image: 'ghcr.io/acme/api:1.4.2', port: 8080,
    readiness: Probe.http('/ready'), liveness: Probe.http('/healthz'),
    resources: { cpu: kplus.Cpu.millis(250), memory: Size.mebibytes(256) },
  });
}

/** A chart built only from cdk8s-plus, as an existing app would be. */
function plainChart() {
  const chart = new Chart(Testing.app(), 'legacy', { namespace: 'legacy' });
  const deployment = new kplus.Deployment(chart, 'web', { replicas: 2, containers: [{ image: 'nginx:latest', portNumber: 80 }] });
  deployment.exposeViaService();
  new ApiObject(chart, 'raw', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug' }, spec: { hostNetwork: true, containers: [{ name: 'sh', image: 'busybox' }] } });
  return chart;
}

describe('Audit in the construct tree', () => {
  test('a WebService passes the default packs with zero findings', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    webService(chart);
    const report = Audit.of(chart);
    expect(report.findings).toEqual([]);
    expect(report.objectCount).toBe(5);
    expect(report.rules.map((r) => r.id)).toEqual(expect.arrayContaining(['PSS-runAsNonRoot', 'HARD-read-only-root-filesystem']));
    expect(() => Audit.assertCompliant(chart)).not.toThrow();
  });

  test('charts of plain cdk8s-plus and raw ApiObjects are audited, with construct paths', () => {
    const report = Audit.of(plainChart());
    const ids = new Set(report.active.map((f) => f.ruleId));
    for (const id of ['PSS-hostNamespaces', 'PSS-runAsNonRoot', 'HARD-image-tag-pinned', 'HARD-pdb-exists', 'HARD-networkpolicy-covers-pod']) {
      expect(ids).toContain(id);
    }
    const hostNetwork = report.active.find((f) => f.ruleId === 'PSS-hostNamespaces')!;
    expect(hostNetwork).toMatchObject({ kind: 'Pod', name: 'debug', constructPath: 'legacy/raw', fieldPath: 'spec.hostNetwork' });
    expect(hostNetwork.fix).toContain('hostNetwork');
  });

  test('assertCompliant fails a unit test with the readable report', () => {
    expect(() => Audit.assertCompliant(plainChart())).toThrow(/^policy audit of 'legacy' failed:\n/);
    expect(() => Audit.assertCompliant(plainChart())).toThrow(/Pod legacy\/debug \(construct legacy\/raw\)\n[\s\S]*PSS-hostNamespaces at spec.hostNetwork/);
    expect(() => Audit.assertCompliant(plainChart(), { failOn: Severity.CRITICAL })).not.toThrow();
  });

  test('enforce makes synthesis fail, and suppressions with reasons are reported as suppressed', () => {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'audit-')) });
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    const svc = webService(chart);
    const debug = new ApiObject(chart, 'debug', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'debug' }, data: { a: 'b' } });
    Audit.enforce(app);
    expect(() => app.synth()).not.toThrow();
    svc.deployment.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem', false));
    expect(() => app.synth()).toThrow(/policy audit failed:[\s\S]*HARD-read-only-root-filesystem/);
    Suppressions.add(svc, 'HARD-read-only-root-filesystem', 'legacy app writes to /var/cache; tracked in JIRA-123');
    expect(() => app.synth()).not.toThrow();
    const report = Audit.of(app);
    expect(report.suppressed).toEqual([expect.objectContaining({ ruleId: 'HARD-read-only-root-filesystem', suppressionReason: 'legacy app writes to /var/cache; tracked in JIRA-123', constructPath: 'shop/api/Resource' })]);
    expect(report.toText()).toContain('legacy app writes to /var/cache');
    expect(debug.kind).toBe('ConfigMap');
  });

  test('pack selection: baseline lets restricted-only violations through; no packs is an error', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'c' });
    new ApiObject(chart, 'p', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x:1' }] } });
    const baseline = Audit.of(chart, { packs: [PolicyPack.podSecurity({ level: PodSecurityLevel.BASELINE, version: 'v1.28' })] });
    expect(baseline.findings).toEqual([]);
    const restricted = Audit.of(chart, { packs: [PolicyPack.podSecurity()] });
    expect(restricted.active.map((f) => f.ruleId).sort()).toEqual(['PSS-allowPrivilegeEscalation', 'PSS-capabilities_restricted', 'PSS-runAsNonRoot', 'PSS-seccompProfile_restricted']);
    expect(() => Audit.of(chart, { packs: [] })).toThrow('no policy packs given: pass at least one');
    expect(() => PolicyPack.podSecurity({ version: 'v9' })).toThrow("policy version 'v9' is not supported");
  });

  test('Audit.manifests audits plain JSON', () => {
    const report = Audit.manifests([{ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'n' }, spec: { selector: { app: 'x' }, ports: [{ port: 80 }] } }]);
    expect(report.active.map((f) => f.ruleId)).toEqual(['HARD-service-selects-pods']);
  });
});

/** dev, staging and prod charts of one app, all rendered into the namespace `shop`; only prod autoscales. */
function environmentsInOneNamespace(): App {
  const app = Testing.app();
  for (const profile of [EnvironmentProfile.development(), EnvironmentProfile.staging(), EnvironmentProfile.production()]) {
    const chart = new Chart(app, profile.name, { namespace: 'shop' });
    new WebService(chart, 'api', {
      profile, image: 'ghcr.io/acme/api:1.4.2', port: 8080,
      readiness: Probe.http('/ready'), liveness: Probe.http('/healthz'),
      resources: { cpu: kplus.Cpu.millis(250), memory: Size.mebibytes(256) },
    });
  }
  return app;
}

describe('audit scopes', () => {
  test('each chart is its own unit: prod\'s autoscaler is not matched to dev\'s Deployment in the same namespace name', () => {
    const app = environmentsInOneNamespace();
    expect(Audit.of(app).findings).toEqual([]);
    expect(Audit.of(app, { scope: AuditScope.CHART }).findings).toEqual([]);
    expect(Audit.of(app, { scope: AuditScope.FILE }).findings).toEqual([]);
    expect(() => Audit.assertCompliant(app)).not.toThrow();
  });

  test('scope ALL pools every chart, as the audit did before scopes: the cross-chart matches come back', () => {
    const pooled = Audit.of(environmentsInOneNamespace(), { scope: AuditScope.ALL });
    const crossMatched = pooled.active.filter((f) => f.ruleId === 'HARD-no-static-replicas-with-hpa');
    expect(crossMatched.map((f) => f.constructPath)).toEqual(['dev/api/Resource', 'staging/api/Resource']);
    expect(crossMatched[0].message).toBe('spec.replicas is 1 although a HorizontalPodAutoscaler targets this Deployment');
  });

  test('enforce and assertCompliant use the chart scope too', () => {
    const app = environmentsInOneNamespace();
    Audit.enforce(app);
    expect(() => app.synth()).not.toThrow();
    expect(() => Audit.assertCompliant(app, { scope: AuditScope.ALL })).toThrow(/HARD-no-static-replicas-with-hpa/);
  });

  test('a chart nested in another chart belongs to the outer chart\'s unit', () => {
    const app = Testing.app();
    const outer = new Chart(app, 'outer', { namespace: 'shop' });
    const inner = new Chart(outer, 'inner', { namespace: 'shop' });
    new ApiObject(outer, 'web', {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
    });
    const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } } };
    new ApiObject(inner, 'pdb', pdb);
    expect(Audit.of(app).active.map((f) => f.ruleId)).not.toContain('HARD-pdb-exists');

    const separate = Testing.app();
    new ApiObject(new Chart(separate, 'a', { namespace: 'shop' }), 'web', Testing.synth(outer)[0]);
    new ApiObject(new Chart(separate, 'b', { namespace: 'shop' }), 'pdb', pdb);
    expect(Audit.of(separate).active.map((f) => f.ruleId)).toContain('HARD-pdb-exists');
  });
});

describe('HardenedValidation (cdk8s-cli plugin)', () => {
  function context(manifests: any[]) {
    const violations: any[] = [];
    const logs: string[] = [];
    let status: string | undefined;
    return {
      manifests: ['dist/app.k8s.yaml'],
      parseManifest: () => manifests,
      metadata: { api: { path: 'app/api/Resource' } },
      logger: { log: (m: string) => logs.push(m) },
      report: { addViolation: (v: any) => violations.push(v), submit: (s: string) => { status = s; } },
      result: () => ({ violations, logs, status }),
    };
  }

  test('reports violations grouped by rule and fails; passes a hardened app', async () => {
    const chart = plainChart();
    const ctx = context(Testing.synth(chart));
    await new HardenedValidation({ failOn: 'medium' }).validate(ctx);
    const { violations, status } = ctx.result();
    expect(status).toBe('failure');
    const hostNs = violations.find((v) => v.ruleName.startsWith('PSS-hostNamespaces'));
    expect(hostNs).toMatchObject({ ruleName: 'PSS-hostNamespaces (high): Host namespaces must not be shared', violatingResources: [{ resourceName: 'Pod/legacy/debug', locations: ['spec.hostNetwork'], manifestPath: 'dist/app.k8s.yaml' }] });
    const low = new Chart(Testing.app(), 'low');
    new ApiObject(low, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
    const reportOnly = context(Testing.synth(low));
    await new HardenedValidation({ failOn: 'medium' }).validate(reportOnly);
    expect(reportOnly.result().status).toBe('success');
    expect(reportOnly.result().violations.map((v: any) => v.ruleName)).toEqual(['HARD-namespace-set (low): Namespaced objects set metadata.namespace, and workloads stay out of kube-system']);

    const clean = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    webService(clean);
    const ok = context(Testing.synth(clean));
    await new HardenedValidation().validate(ok);
    expect(ok.result()).toMatchObject({ status: 'success', violations: [] });
  });

  test('the api-versions pack follows kubernetesVersion', async () => {
    const legacy = new Chart(Testing.app(), 'legacy');
    new ApiObject(legacy, 'pc', { apiVersion: 'scheduling.k8s.io/v1beta1', kind: 'PriorityClass', metadata: { name: 'batch' }, value: 1000 } as any);
    const before = context(Testing.synth(legacy));
    await new HardenedValidation({ packs: ['api-versions'], kubernetesVersion: '1.21', failOn: 'medium' }).validate(before);
    expect(before.result().status).toBe('success');
    expect(before.result().violations.map((v: any) => v.ruleName)).toEqual(['API-deprecated (low): apiVersion is not deprecated in Kubernetes 1.21']);
    const after = context(Testing.synth(legacy));
    await new HardenedValidation({ packs: ['api-versions'], kubernetesVersion: '1.22', failOn: 'medium' }).validate(after);
    expect(after.result().status).toBe('failure');
  });

  test('bad properties are named, with the nearest valid value', () => {
    const source = 'HardenedValidation properties';
    expect(() => new HardenedValidation({ packs: ['api-version'] })).toThrow(`${source}: packs[0]: unknown pack 'api-version': did you mean 'api-versions'? (one of pod-security, hardening, api-versions, rbac)`);
    expect(() => new HardenedValidation({ packs: ['rbca'] })).toThrow(`${source}: packs[0]: unknown pack 'rbca': did you mean 'rbac'? (one of pod-security, hardening, api-versions, rbac)`);
    expect(() => new HardenedValidation({ kubernetesVersion: '1.9' })).toThrow(`${source}: kubernetesVersion: Kubernetes version '1.9' is not supported: use 1.16 to 1.33`);
    expect(() => new HardenedValidation({ kubernetesVersion: 1.3 } as any)).toThrow(`${source}: kubernetesVersion: the number 1.3 is not a version (YAML reads an unquoted 1.30 as 1.3): quote it, e.g. kubernetesVersion: '1.30'`);
    expect(() => new HardenedValidation({ packs: ['hardening'], kubernetesVersion: '1.25' })).toThrow(`${source}: kubernetesVersion: applies to the api-versions pack, which packs [hardening] leaves out`);
    expect(() => new HardenedValidation({ level: 'strict' })).toThrow(`${source}: level: unknown level 'strict': did you mean 'restricted'? (one of baseline, restricted)`);
    expect(() => new HardenedValidation({ failOn: 'urgent' })).toThrow(`${source}: failOn: unknown severity 'urgent'`);
    expect(() => new HardenedValidation({ disableRules: ['HARD-cpu-limit-set'] })).toThrow(`${source}: disableRules[0]: unknown rule id 'HARD-cpu-limit-set': did you mean 'HARD-cpu-request-set'?`);
    expect(() => new HardenedValidation({ failon: 'high' } as any)).toThrow(`${source}: unknown key 'failon': did you mean 'failOn'?`);
    expect(() => new HardenedValidation({ exemptions: [{ kinds: ['Pod'] } as any] })).toThrow(`${source}: exemptions[0]: the exemption has no reason`);
    expect(() => new HardenedValidation({ config: '/nonexistent/.cdk8s-hardened.yaml' })).toThrow('/nonexistent/.cdk8s-hardened.yaml: cannot read the configuration file (ENOENT): check the path');
  });

  test('reads the configuration file; properties win over it; exemptions are logged as suppressed with their reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plugin-'));
    const config = join(dir, '.cdk8s-hardened.yaml');
    writeFileSync(config, 'failOn: low\nexemptions:\n  - names: [debug]\n    rules: [PSS-hostNamespaces]\n    reason: debug pod of the on-call runbook\n');
    const ctx = context(Testing.synth(plainChart()));
    await new HardenedValidation({ config, failOn: 'critical' }).validate(ctx);
    const { violations, logs, status } = ctx.result();
    expect(status).toBe('success');
    expect(violations.map((v: any) => v.ruleName)).not.toContainEqual(expect.stringMatching(/^PSS-hostNamespaces/));
    expect(logs).toContain('suppressed PSS-hostNamespaces on Pod/debug: debug pod of the on-call runbook');
    writeFileSync(config, 'disableRules: [HARD-cpu-limit-set]\n');
    expect(() => new HardenedValidation({ config })).toThrow(`${config}: disableRules[0]: unknown rule id 'HARD-cpu-limit-set': did you mean 'HARD-cpu-request-set'?`);
  });

  test('each manifest file is a unit of its own unless the scope is all', async () => {
    const app = environmentsInOneNamespace();
    const files = new Map(app.charts.map((chart) => [`dist/${chart.node.id}.k8s.yaml`, Testing.synth(chart)]));
    const perFile = { ...context([]), manifests: [...files.keys()], parseManifest: (path: string) => files.get(path) };
    await new HardenedValidation().validate(perFile);
    expect(perFile.result()).toMatchObject({ status: 'success', violations: [] });
    const pooled = { ...context([]), manifests: [...files.keys()], parseManifest: (path: string) => files.get(path) };
    await new HardenedValidation({ scope: 'all' }).validate(pooled);
    expect(pooled.result().violations.map((v: any) => v.ruleName)).toContainEqual(expect.stringMatching(/^HARD-no-static-replicas-with-hpa/));
  });
});

describe('HardenedValidation construct paths without the recorded map', () => {
  function run(manifests: any[], metadata: any) {
    const violations: any[] = [];
    const ctx = {
      manifests: ['dist/app.k8s.yaml'], parseManifest: () => manifests, metadata,
      logger: { log: () => undefined },
      report: { addViolation: (v: any) => violations.push(v.violatingResources.map((r: any) => [r.resourceName, metadata[r.resourceName]?.path])), submit: () => undefined },
    };
    return new HardenedValidation({ failOn: 'critical' }).validate(ctx).then(() => violations.flat());
  }

  test("a unique name takes cdk8s's name-keyed path; a shared name gets none rather than another object's", async () => {
    const pod = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });
    const located = await run([pod('settings'), pod('api'), { ...pod('api'), kind: 'Secret' }], {
      settings: { path: 'app/settings' }, api: { path: 'app/api/Secret' },
    });
    expect(located).toEqual(expect.arrayContaining([['ConfigMap/settings', 'app/settings'], ['ConfigMap/api', undefined], ['Secret/api', undefined]]));
  });
});

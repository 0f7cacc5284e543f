import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ApiObject, App, Chart, JsonPatch, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Audit, HardenedValidation, PodSecurityLevel, PolicyPack, Probe, Severity, Suppressions, WebService } from '../../lib';

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

  test('bad properties are named', () => {
    expect(() => new HardenedValidation({ packs: ['kube-score'] })).toThrow("pack 'kube-score' is not known: use 'pod-security', 'hardening' or 'rbac'");
    expect(() => new HardenedValidation({ level: 'strict' })).toThrow("level 'strict' is not a Pod Security Standards level: use 'baseline' or 'restricted'");
    expect(() => new HardenedValidation({ failOn: 'urgent' })).toThrow("severity 'urgent' is not known: use one of low, medium, high, critical");
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

/**
 * The installed command end to end: `node bin/cdk8s-hardened audit ...` as a subprocess, on the
 * fixtures in test/fixtures/audit and on the manifests of a WebService. Argument handling in
 * detail is tested in-process (args.test.ts); each spawn here costs about a second.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { pathToFileURL } from 'url';
import { Chart, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { stringify } from 'yaml';
import { Probe, WebService } from '../../lib';
import { jsonReportErrors, sarifErrors } from '../util/report-schemas';

const ROOT = join(__dirname, '..', '..');
const FIXTURES = 'test/fixtures/audit';

function audit(args: string[], input?: string) {
  const result = spawnSync(process.execPath, ['bin/cdk8s-hardened', 'audit', ...args], {
    cwd: ROOT, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '' }, timeout: 60_000,
  });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const work = mkdtempSync(join(tmpdir(), 'cdk8s-hardened-audit-'));

describe('cdk8s-hardened audit', () => {
  test('the manifests of a WebService pass (exit 0)', () => {
    const chart = new Chart(Testing.app(), 'shop', { namespace: 'shop' });
    new WebService(chart, 'api', {
      image: 'ghcr.io/acme/api:1.4.2',
      port: 8080,
      readiness: Probe.http('/ready'),
      liveness: Probe.http('/healthz'),
      resources: { cpu: Cpu.millis(250), memory: Size.mebibytes(256) },
    });
    const file = join(work, 'web-service.yaml');
    const manifests = Testing.synth(chart);
    writeFileSync(file, manifests.map((manifest) => stringify(manifest)).join('---\n'));
    const result = audit([file]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(new RegExp(`^${manifests.length} objects, \\d+ rules: 0 findings \\(0 critical, 0 high, 0 medium, 0 low\\), 0 suppressed\n$`));
    expect(result.code).toBe(0);
  });

  test('a weak Deployment fails (exit 1) with a JSON report that matches its schema', () => {
    const result = audit([`${FIXTURES}/weak`, '--format', 'json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(jsonReportErrors(report)).toEqual([]);
    const ruleIds = report.findings.map((f: any) => f.ruleId);
    expect(ruleIds).toEqual(expect.arrayContaining(['PSS-privileged', 'PSS-hostNamespaces', 'PSS-allowPrivilegeEscalation', 'PSS-runAsNonRoot']));
    expect(ruleIds.some((id: string) => id.startsWith('HARD-'))).toBe(true);
    expect(report.findings.find((f: any) => f.ruleId === 'PSS-privileged')).toMatchObject({
      kind: 'Deployment', name: 'legacy-api', namespace: 'shop', file: `${FIXTURES}/weak/weak-deployment.yaml`, line: 24, column: 13, objectLine: 2, suppressed: false,
    });
    expect(result.stderr).toMatch(/^cdk8s-hardened: \d+ active findings at or above medium \(--fail-on medium\)\n$/);
  });

  test('streams, Lists and Helm output are audited; broken input is reported with file:line:column (exit 2); SARIF is valid', () => {
    const output = join(work, 'report.sarif');
    const result = audit([`${FIXTURES}/streams`, `${FIXTURES}/broken`, '--format', 'sarif', '--output', output]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const stderr = result.stderr.split('\n');
    expect(stderr).toEqual(expect.arrayContaining([
      `${FIXTURES}/broken/not-kubernetes.yaml:2: note: not a Kubernetes object (no apiVersion and kind): skipped`,
      `${FIXTURES}/broken/alias-bomb.yaml:2: error: YAML aliases expand to more than 100 nodes (an alias bomb?): document skipped`,
      expect.stringMatching(new RegExp(`^${FIXTURES}/broken/malformed\\.yaml:\\d+:\\d+: error: .+: document skipped$`)),
    ]));
    const log = JSON.parse(readFileSync(output, 'utf8'));
    expect(sarifErrors(log)).toEqual([]);
    const located = log.runs[0].results.map((r: any) => {
      const { artifactLocation, region } = r.locations[0].physicalLocation;
      return `${r.ruleId} ${r.locations[0].logicalLocations[0].fullyQualifiedName} ${artifactLocation.uriBaseId}:${artifactLocation.uri}:${region.startLine}:${region.startColumn}`;
    });
    expect(log.runs[0].originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: `${pathToFileURL(ROOT).href}/` } });
    expect(located).toEqual(expect.arrayContaining([
      // runAsNonRoot is absent: each finding points at the nearest written ancestor (a securityContext, or the container).
      `PSS-runAsNonRoot Pod/still-read %SRCROOT%:${FIXTURES}/broken/malformed.yaml:18:5`,
      `PSS-runAsNonRoot Deployment/jobs/reporter %SRCROOT%:${FIXTURES}/streams/list.yaml:33:11`,
      `PSS-runAsNonRoot Deployment/shop %SRCROOT%:${FIXTURES}/streams/helm.yaml:33:11`,
      `PSS-runAsNonRoot Deployment/jobs/worker %SRCROOT%:${FIXTURES}/streams/multi-doc.yaml:34:9`,
    ]));
    expect(log.runs[0].results.find((r: any) => r.locations[0].logicalLocations[0].fullyQualifiedName === 'Deployment/shop').properties.sourceTemplate).toBe('shop/templates/deployment.yaml');
    expect(log.runs[0].properties.objectCount).toBe(8);
  });

  test('reads standard input for -', () => {
    const result = audit(['-', '--fail-on', 'high', '--pack', 'pod-security'], readFileSync(join(ROOT, FIXTURES, 'weak', 'weak-deployment.yaml'), 'utf8'));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('Deployment shop/legacy-api (<stdin>:2)');
    expect(result.stdout).toContain('HIGH       PSS-privileged at spec.template.spec.containers[0].securityContext.privileged');
  });

  test('YAML 1.1 spellings are read as kubectl sends them: `privileged: yes` fails --level baseline', () => {
    const pod = (securityContext: string): string => [
      '---', '# Source: shop/templates/pod.yaml', 'apiVersion: v1', 'kind: Pod', 'metadata: {name: p, namespace: shop}', 'spec:', '  containers:',
      '  - name: c', '    image: registry.example.com/c@sha256:' + 'ab'.repeat(32), `    securityContext: ${securityContext}`, '',
    ].join('\n');
    const cases: Array<[string, string, number, string]> = [
      ['{privileged: yes}', 'PSS-privileged', 1, 'spec.containers[0].securityContext.privileged'],
      // A quoted "yes" is a string, which the API server refuses for a boolean field: an input finding.
      ['{privileged: "yes"}', 'INPUT-field-type', 1, 'spec.containers[0].securityContext.privileged'],
      ['{allowPrivilegeEscalation: yes}', '', 0, ''],
      ['\n      <<: {privileged: on}', 'PSS-privileged', 1, 'spec.containers[0].securityContext.privileged'],
    ];
    for (const [securityContext, ruleId, code] of cases) {
      const file = join(work, 'pod-1-1.yaml');
      writeFileSync(file, pod(securityContext));
      const result = audit([file, '--level', 'baseline', '--pack', 'pod-security', '--format', 'json']);
      expect([securityContext, result.code]).toEqual([securityContext, code]);
      const findings = JSON.parse(result.stdout).findings;
      expect(findings.map((f: any) => f.ruleId)).toEqual(ruleId ? [ruleId] : []);
    }
    writeFileSync(join(work, 'pod-1-1.yaml'), pod('{privileged: yes}'));
    const text = audit([join(work, 'pod-1-1.yaml'), '--level', 'baseline', '--pack', 'pod-security']);
    expect(text.stdout).toContain(`Pod shop/p (${join(work, 'pod-1-1.yaml')}:3, template shop/templates/pod.yaml)`);
    expect(text.stdout).toContain('HIGH       PSS-privileged at spec.containers[0].securityContext.privileged (line 10:23)');
    const hostNetwork = pod('{}').replace('spec:\n', 'spec:\n  hostNetwork: on\n');
    writeFileSync(join(work, 'pod-1-1.yaml'), hostNetwork);
    const json = JSON.parse(audit([join(work, 'pod-1-1.yaml'), '--level', 'baseline', '--pack', 'pod-security', '--format', 'json']).stdout);
    expect(json.findings.map((f: any) => [f.ruleId, f.fieldPath, f.line, f.column, f.objectLine, f.sourceTemplate])).toEqual([
      ['PSS-hostNamespaces', 'spec.hostNetwork', 7, 3, 3, 'shop/templates/pod.yaml'],
    ]);
  });

  test('--explain prints a rule', () => {
    const result = audit(['--explain', 'PSS-privileged']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^PSS-privileged: .+\n {2}severity: {4}high\n/);
    expect(result.stdout).toContain('  equivalents: Pod Security Standards privileged; kube-score container-security-context-privileged;');
  });

  test('a bad flag exits 2 naming the value and the accepted ones', () => {
    expect(audit([`${FIXTURES}/weak`, '--fail-on', 'urgent'])).toEqual({
      code: 2, stdout: '', stderr: "cdk8s-hardened: --fail-on 'urgent' is not accepted: use one of low, medium, high, critical\n",
    });
  });
});

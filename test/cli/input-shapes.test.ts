/**
 * The four inputs that used to abort the whole run are findings now: the command exits 0 or 1,
 * never with an internal error, and the other files are still reported.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runCli } from '../util/run-cli';

const dir = mkdtempSync(join(tmpdir(), 'cdk8s-hardened-shapes-'));

function file(name: string, yaml: string): string {
  const path = join(dir, name);
  writeFileSync(path, yaml);
  return path;
}

const GOOD = file('good.yaml', `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
data:
  a: b
`);

/** A Deployment whose container has no hardening: many findings, so its file is plainly still audited. */
const OTHER = file('other.yaml', `apiVersion: apps/v1
kind: Deployment
metadata:
  name: other
  namespace: shop
spec:
  selector: {matchLabels: {app: other}}
  template:
    metadata: {labels: {app: other}}
    spec:
      containers:
        - name: app
          image: nginx:1.27
          securityContext: {privileged: true}
`);

const CRASHES: Array<[string, string, string]> = [
  ['NetworkPolicy policyTypes: Ingress', `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: shop}
spec:
  podSelector: {}
  policyTypes: Ingress
`, 'spec.policyTypes: expected a list, got "Ingress"'],
  ['a container ports list with a null item', `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  containers:
    - name: web
      image: nginx:1.27
      ports:
        -
        - containerPort: 80
`, 'spec.containers[0].ports[0]: expected a map, got null'],
  ['a Service with ports: 80', `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: 80
`, 'spec.ports: expected a list, got 80'],
  ['a Service port list with a null item', `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports:
    -
    - port: 80
`, 'spec.ports[0]: expected a map, got null'],
];

describe('mistyped fields are findings, not crashes', () => {
  test.each(CRASHES)('%s: INPUT-field-type, exit 1, and the other files are reported', async (_name, yaml, expected) => {
    const crash = file(`${_name.replace(/\W+/g, '-')}.yaml`, yaml);
    const result = await runCli(['audit', GOOD, crash, OTHER, '--format', 'json']);
    expect(result.stderr).not.toContain('internal error');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    const input = report.findings.filter((f: any) => f.ruleId === 'INPUT-field-type').map((f: any) => `${f.fieldPath}: ${f.message}`);
    expect(input).toEqual([expected]);
    expect(report.findings.find((f: any) => f.ruleId === 'INPUT-field-type').severity).toBe('high');
    expect(report.findings.some((f: any) => f.name === 'other' && f.ruleId === 'PSS-privileged')).toBe(true);
    expect(report.summary.objects).toBe(3);
  });

  test('with --fail-on critical the same files exit 0: an input finding is HIGH, not an error', async () => {
    const crash = file('ports-80.yaml', CRASHES[2][1]);
    const result = await runCli(['audit', GOOD, crash, '--fail-on', 'critical']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain('INPUT-field-type');
  });

  test('the installed command on all four files at once: exit 1, every file reported, no internal error', () => {
    const files = CRASHES.map(([name, yaml]) => file(`all-${name.replace(/\W+/g, '-')}.yaml`, yaml));
    const result = spawnSync(process.execPath, [join(__dirname, '..', '..', 'bin', 'cdk8s-hardened'), 'audit', ...files, OTHER, '--format', 'json'], { encoding: 'utf8', timeout: 60_000 });
    expect(result.stderr).toMatch(/^cdk8s-hardened: \d+ active findings at or above medium \(--fail-on medium\)\n$/);
    expect(result.status).toBe(1);
    const findings = JSON.parse(result.stdout).findings;
    expect(findings.filter((f: any) => f.ruleId === 'INPUT-field-type').map((f: any) => f.file)).toEqual(files);
    expect(findings.some((f: any) => f.file === OTHER)).toBe(true);
  });
});

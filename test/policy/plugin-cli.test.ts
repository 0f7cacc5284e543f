/**
 * The validation plugin run by the real cdk8s CLI (`cdk8s synth`) on an app with two charts.
 */
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const APP_DIR = join(__dirname, '..', 'fixtures', 'plugin-app');

test('cdk8s synth reports each finding at its own construct path, per chart', () => {
  const out = mkdtempSync(join(tmpdir(), 'plugin-app-'));
  try {
    const reportFile = join(out, 'report.json');
    const result = spawnSync('npx', ['cdk8s', 'synth', '--check-upgrade=false', '-o', join(out, 'dist'), '--validation-reports-output-file', reportFile], { cwd: APP_DIR, encoding: 'utf8' });
    expect(result.status).toBe(0);
    const [report] = JSON.parse(readFileSync(reportFile, 'utf8')).reports;
    const located = report.violations.flatMap((v: any) => v.violatingConstructs.map((c: any) =>
      `${c.manifestPath.split('/').pop()} ${c.resourceName} ${c.constructPath}`));
    expect(located.sort()).toEqual([
      'dev.k8s.yaml Deployment/api dev/api/Resource',
      'dev.k8s.yaml NetworkPolicy/api dev/api/NetworkPolicy',
      'dev.k8s.yaml PodDisruptionBudget/api dev/api/DisruptionBudget',
      'dev.k8s.yaml Service/api dev/api/Service',
      'dev.k8s.yaml ServiceAccount/api dev/api/ServiceAccount',
      'prod.k8s.yaml Deployment/api prod/api/Resource',
      'prod.k8s.yaml NetworkPolicy/api prod/api/NetworkPolicy',
      'prod.k8s.yaml PodDisruptionBudget/api prod/api/DisruptionBudget',
      'prod.k8s.yaml Service/api prod/api/Service',
      'prod.k8s.yaml ServiceAccount/api prod/api/ServiceAccount',
    ]);
    expect(result.stdout).toContain('Construct Path: dev/api/Resource');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

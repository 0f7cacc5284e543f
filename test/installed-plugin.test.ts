/**
 * The README's `cdk8s.yaml` for an installed package, run by the real cdk8s CLI: the plugin is
 * loaded from the app's own node_modules (the packed package), never installed a second time.
 */
import { execFileSync, spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ensureBuilt, ROOT } from './util/build';


/** The `cdk8s.yaml` block of the README section on the validation plugin. */
function readmeCdk8sYaml(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### cdk8s-cli validation plugin'));
  const block = /```yaml\n# cdk8s\.yaml\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README has no cdk8s.yaml block in the validation plugin section');
  return block[1];
}

test("the README's cdk8s.yaml runs the installed package's plugin", () => {
  ensureBuilt();
  const app = mkdtempSync(join(tmpdir(), 'installed-plugin-'));
  try {
    const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', app], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    const installed = join(app, 'node_modules', 'cdk8s-hardened');
    mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', join(app, packed.filename), '-C', installed, '--strip-components=1']);
    for (const peer of ['cdk8s', 'constructs', 'cdk8s-plus-33']) symlinkSync(join(ROOT, 'node_modules', peer), join(app, 'node_modules', peer));
    writeFileSync(join(app, 'main.js'), [
      "const { App, Chart } = require('cdk8s');",
      "const kplus = require('cdk8s-plus-33');",
      'const app = new App();',
      "const chart = new Chart(app, 'legacy', { namespace: 'legacy' });",
      "new kplus.Deployment(chart, 'web', { containers: [{ image: 'nginx:latest', portNumber: 80 }] });",
      'app.synth();',
    ].join('\n'));
    writeFileSync(join(app, 'cdk8s.yaml'), `language: typescript\napp: node main.js\n${readmeCdk8sYaml()}`);

    const result = spawnSync(join(ROOT, 'node_modules', '.bin', 'cdk8s'), ['synth', '--check-upgrade=false', '--validation-reports-output-file', 'report.json'], { cwd: app, encoding: 'utf8' });
    expect(result.stdout).not.toContain('Installing validation plugin');
    expect(result.stdout).toContain(`Validation Report (${installed}@0.1.0)`);
    // failOn: medium, and an unpinned root nginx has high findings.
    expect(result.status).toBe(2);
    const [report] = JSON.parse(readFileSync(join(app, 'report.json'), 'utf8')).reports;
    expect(report.summary.status).toBe('failure');
    const located = report.violations.flatMap((v: any) => v.violatingConstructs.map((c: any) => `${c.resourceName} ${c.constructPath}`));
    expect(located).toContainEqual(expect.stringMatching(/^Deployment\/legacy\/legacy-web-[0-9a-f]{8} legacy\/web\/Resource$/));
  } finally {
    rmSync(app, { recursive: true, force: true });
  }
}, 120_000);

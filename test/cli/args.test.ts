import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Readable } from 'stream';
import { parseArgs, USAGE } from '../../lib/cli/args';
import { CliIo, main } from '../../lib/cli/main';
import { SUPPRESSION_RULE } from '../../lib/policy/engine';
import { Severity } from '../../lib/policy/finding';

/** Runs the CLI in-process and captures its output. */
async function run(argv: string[], options: { stdin?: string; isTTY?: boolean; env?: Record<string, string>; cwd?: string } = {}) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    isTTY: options.isTTY ?? false,
    env: options.env ?? {},
    cwd: options.cwd,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** The engine's own finding (HIGH) and nothing else: a ConfigMap is outside every Pod Security rule. */
const CONFIG_MAP_WITH_EMPTY_SUPPRESSION = [
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata:',
  '  name: settings',
  '  namespace: shop',
  '  annotations:',
  '    suppress.cdk8s-hardened.io/PSS-runAsNonRoot: ""',
  '',
].join('\n');

const PACKAGE_VERSION = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')).version;

const dir = mkdtempSync(join(tmpdir(), 'cdk8s-hardened-cli-'));
const configMapFile = join(dir, 'config-map.yaml');
writeFileSync(configMapFile, CONFIG_MAP_WITH_EMPTY_SUPPRESSION);

describe('parseArgs', () => {
  test('defaults: text, colours allowed; fail-on, packs and scope left to the settings file or the defaults', () => {
    expect(parseArgs(['audit', 'manifests/'])).toEqual({
      kind: 'audit',
      args: {
        paths: ['manifests/'], format: 'text', output: undefined, failOn: undefined, packs: undefined, level: undefined, policyVersion: undefined,
        kubernetesVersion: undefined, scope: undefined, config: undefined, noConfig: false, noColor: false, explain: undefined,
      },
    });
  });

  test('reads every option, in both --name value and --name=value forms', () => {
    const { args } = parseArgs(['audit', 'a.yaml', '--format=sarif', '--output', 'out.sarif', '--fail-on', 'critical', '--pack', 'pod-security',
      '--level', 'baseline', '--version=v1.30', '--scope', 'all', '--config=ci.yaml', '--no-color', '-', '--', '--weird-file-name.yaml']) as any;
    expect(args).toEqual({
      paths: ['a.yaml', '-', '--weird-file-name.yaml'], format: 'sarif', output: 'out.sarif', failOn: Severity.CRITICAL,
      packs: ['pod-security'], level: 'baseline', policyVersion: 'v1.30', kubernetesVersion: undefined, scope: 'all', config: 'ci.yaml', noConfig: false, noColor: true, explain: undefined,
    });
    expect((parseArgs(['audit', 'x', '--no-config']) as any).args.noConfig).toBe(true);
  });

  test('--pack repeats or takes a comma list; all means every pack', () => {
    expect((parseArgs(['audit', 'x', '--pack', 'hardening', '--pack', 'pod-security']) as any).args.packs).toEqual(['pod-security', 'hardening']);
    expect((parseArgs(['audit', 'x', '--pack', 'hardening,pod-security']) as any).args.packs).toEqual(['pod-security', 'hardening']);
    expect((parseArgs(['audit', 'x', '--pack', 'all']) as any).args.packs).toEqual(['pod-security', 'hardening', 'api-versions', 'rbac']);
    expect((parseArgs(['audit', 'x', '--pack', 'rbac,hardening']) as any).args.packs).toEqual(['hardening', 'rbac']);
    expect((parseArgs(['audit', 'x', '--pack', 'api-versions']) as any).args.packs).toEqual(['api-versions']);
    expect((parseArgs(['audit', 'x', '--pack', 'hardening']) as any).args.packs).toEqual(['hardening']);
  });

  test('--k8s-version takes 1.N, v1.N or a patch release from 1.16 to the newest known', () => {
    for (const version of ['1.16', 'v1.25', '1.33.2']) {
      expect((parseArgs(['audit', 'x', '--k8s-version', version]) as any).args.kubernetesVersion).toBe(version);
    }
  });

  test('help, version and explain need no files', () => {
    expect(parseArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseArgs(['audit', '-h'])).toEqual({ kind: 'help' });
    expect(parseArgs(['--version'])).toEqual({ kind: 'version' });
    expect((parseArgs(['audit', '--explain', 'PSS-privileged']) as any).args.explain).toBe('PSS-privileged');
  });

  test.each([
    [[], 'no command given: use cdk8s-hardened audit <file|directory|->'],
    [['audti', 'x'], "unknown command 'audti': the command is audit, e.g. cdk8s-hardened audit manifests/"],
    [['audit'], 'audit needs at least one file, directory or - (standard input), e.g. cdk8s-hardened audit manifests/'],
    [['audit', 'x', '--formt', 'json'], "unknown option '--formt' (did you mean '--format'?): see cdk8s-hardened --help"],
    [['audit', 'x', '--colour'], "unknown option '--colour': see cdk8s-hardened --help"],
    [['audit', 'x', '--format', 'xml'], "--format 'xml' is not accepted: use one of text, json, sarif"],
    [['audit', 'x', '--fail-on', 'severe'], "--fail-on 'severe' is not accepted: use one of low, medium, high, critical"],
    [['audit', 'x', '--pack', 'nsa'], "--pack 'nsa' is not accepted: use one of pod-security, hardening, api-versions, rbac, all"],
    [['audit', 'x', '--k8s-version', '1.15'], "--k8s-version: Kubernetes version '1.15' is not supported: use 1.16 to 1.33 (e.g. 1.33 or v1.33), the releases whose removed and deprecated APIs are known"],
    [['audit', 'x', '--k8s-version', '1.34'], "--k8s-version: Kubernetes version '1.34' is not supported: use 1.16 to 1.33"],
    [['audit', 'x', '--k8s-version', 'latest'], "--k8s-version: Kubernetes version 'latest' is not supported: use 1.16 to 1.33"],
    [['audit', 'x', '--k8s-version', '2.1'], "--k8s-version: Kubernetes version '2.1' is not supported: use 1.16 to 1.33"],
    [['audit', 'x', '--k8s-version'], 'option --k8s-version needs a value: one of 1.N'],
    [['audit', 'x', '--pack', 'hardening', '--k8s-version', '1.25'], '--k8s-version applies to the api-versions pack, which --pack hardening leaves out: add --pack api-versions or drop the option'],
    [['audit', 'x', '--level', 'privileged'], "--level 'privileged' is not accepted: use one of baseline, restricted"],
    [['audit', 'x', '--version', '1.30'], "--version '1.30' is not a Pod Security Standards policy version: use latest or v1.N, e.g. v1.30"],
    [['audit', 'x', '--version'], 'option --version needs a value: one of latest, v1.N (the version of cdk8s-hardened itself is cdk8s-hardened --version)'],
    [['audit', 'x', '--format', '--no-color'], 'option --format needs a value: one of text, json, sarif'],
    [['audit', 'x', '--output'], 'option --output needs a value: a file name'],
    [['audit', 'x', '--format', 'json', '--format', 'sarif'], "option --format is given twice ('json' and 'sarif'): give it once"],
    [['audit', 'x', '--scope', 'namespace'], "--scope 'namespace' is not accepted: use one of file, all, chart"],
    [['audit', 'x', '--scope'], 'option --scope needs a value: one of file, all, chart'],
    [['audit', 'x', '--config'], 'option --config needs a value: a settings file, e.g. .cdk8s-hardened.yaml'],
    [['audit', 'x', '--config', 'a.yaml', '--no-config'], '--config and --no-config contradict each other: give one'],
    [['audit', 'x', '--no-confg'], "unknown option '--no-confg' (did you mean '--no-config'?): see cdk8s-hardened --help"],
    [['audit', 'x', '--pack', 'hardening', '--level', 'baseline'], '--level applies to the pod-security pack, which --pack hardening leaves out: add --pack pod-security or drop the option'],
  ])('rejects %j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(message);
  });
});

describe('main', () => {
  test('--k8s-version chooses the release: a deprecated apiVersion is reported LOW (exit 0), a removed one HIGH (exit 1)', async () => {
    const file = join(dir, 'priority-class.yaml');
    writeFileSync(file, 'apiVersion: scheduling.k8s.io/v1beta1\nkind: PriorityClass\nmetadata:\n  name: batch\nvalue: 1000\n');
    const before = await run(['audit', file, '--k8s-version', '1.21', '--format', 'json']);
    expect(before.code).toBe(0);
    expect(JSON.parse(before.stdout).findings.map((f: any) => [f.ruleId, f.severity])).toEqual([['API-deprecated', 'low']]);
    const after = await run(['audit', file, '--k8s-version', 'v1.22', '--format', 'json']);
    expect(after.code).toBe(1);
    const [finding] = JSON.parse(after.stdout).findings;
    expect(finding).toMatchObject({ ruleId: 'API-removed', severity: 'high', message: 'scheduling.k8s.io/v1beta1 PriorityClass is not served since Kubernetes 1.22 (target Kubernetes 1.22): use scheduling.k8s.io/v1' });
    const explained = await run(['audit', '--explain', 'API-removed', '--k8s-version', '1.25']);
    expect(explained.code).toBe(0);
    expect(explained.stdout).toContain('API-removed: apiVersion is served by Kubernetes 1.25\n  severity:');
    expect((await run(['audit', file, '--k8s-version', '1.40'])).stderr).toBe("cdk8s-hardened: --k8s-version: Kubernetes version '1.40' is not supported: use 1.16 to 1.33 (e.g. 1.33 or v1.33), the releases whose removed and deprecated APIs are known\n");
  });

  describe('settings file', () => {
    const ns = (name: string, extra = '') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${extra}`;
    const project = () => {
      const root = mkdtempSync(join(tmpdir(), 'cdk8s-hardened-settings-'));
      const nested = join(root, 'deploy');
      mkdirSync(nested);
      writeFileSync(join(nested, 'cm.yaml'), ns('settings'));
      return { root, nested, manifests: join(nested, 'cm.yaml') };
    };

    test('is found upwards from the working directory; its settings apply and flags win over them', async () => {
      const { root, nested, manifests } = project();
      const file = join(root, '.cdk8s-hardened.yaml');
      writeFileSync(file, 'failOn: low\n');
      const found = await run(['audit', manifests, '--format', 'json'], { cwd: nested });
      expect(found.code).toBe(1);
      expect(found.stderr).toBe(`cdk8s-hardened: note: settings from ${file} (flags win over them; --no-config ignores the file)\ncdk8s-hardened: 1 active finding at or above low (failOn: low in ${file})\n`);
      expect(JSON.parse(found.stdout).findings.map((f: any) => f.ruleId)).toEqual(['HARD-namespace-set']);
      expect((await run(['audit', manifests, '--fail-on', 'medium'], { cwd: nested })).code).toBe(0);
      expect(await run(['audit', manifests, '--no-config'], { cwd: nested })).toMatchObject({ code: 0, stderr: '' });
    });

    test('kubernetesVersion in the file chooses the release of the api-versions pack; --k8s-version wins', async () => {
      const { root, nested } = project();
      const manifests = join(nested, 'pc.yaml');
      writeFileSync(manifests, 'apiVersion: scheduling.k8s.io/v1beta1\nkind: PriorityClass\nmetadata:\n  name: batch\nvalue: 1000\n');
      writeFileSync(join(root, '.cdk8s-hardened.yaml'), "kubernetesVersion: '1.21'\n");
      const fromFile = await run(['audit', manifests, '--format', 'json'], { cwd: nested });
      expect(fromFile.code).toBe(0);
      expect(JSON.parse(fromFile.stdout).findings.map((f: any) => f.ruleId)).toEqual(['API-deprecated']);
      expect((await run(['audit', manifests, '--k8s-version', '1.22'], { cwd: nested })).code).toBe(1);
      writeFileSync(join(root, '.cdk8s-hardened.yaml'), 'kubernetesVersion: 1.30\n');
      expect((await run(['audit', manifests], { cwd: nested })).stderr).toContain("kubernetesVersion: the number 1.3 is not a version (YAML reads an unquoted 1.30 as 1.3): quote it, e.g. kubernetesVersion: '1.30'");
    });

    test('exemptions show as suppressed with their reason; --config names the file', async () => {
      const { root, nested, manifests } = project();
      const file = join(root, 'ci-settings.yaml');
      writeFileSync(file, 'failOn: low\nexemptions:\n  - kinds: [ConfigMap]\n    rules: [HARD-namespace-set]\n    reason: namespace set by kubectl -n at deploy time\n');
      const result = await run(['audit', manifests, '--config', file], { cwd: nested });
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).toContain('reason: namespace set by kubectl -n at deploy time');
    });

    test('a bad settings file exits 2 naming the file, the key and the nearest valid id', async () => {
      const { root, nested, manifests } = project();
      const file = join(root, '.cdk8s-hardened.yaml');
      writeFileSync(file, 'disableRules: [HARD-cpu-limit-set]\n');
      expect(await run(['audit', manifests], { cwd: nested })).toEqual({
        code: 2, stdout: '', stderr: `cdk8s-hardened: ${file}: disableRules[0]: unknown rule id 'HARD-cpu-limit-set': did you mean 'HARD-cpu-request-set'?\n`,
      });
      writeFileSync(file, 'packs: [hardening]\n');
      expect(await run(['audit', manifests, '--level', 'baseline'], { cwd: nested })).toEqual({
        code: 2, stdout: '', stderr: `cdk8s-hardened: flags and ${file}: level: applies to the pod-security pack, which packs [hardening] leaves out: add pod-security to packs or drop level\n`,
      });
      expect(await run(['audit', manifests, '--config', join(root, 'nope.yaml')], { cwd: nested })).toEqual({
        code: 2, stdout: '', stderr: `cdk8s-hardened: ${join(root, 'nope.yaml')}: cannot read the configuration file (ENOENT): check the path\n`,
      });
    });
  });

  test('--scope file (the default) audits each file on its own; --scope all pools them', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cdk8s-hardened-scope-'));
    const deployment = (env: string, replicas: number) => `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api, namespace: shop}\nspec:\n  replicas: ${replicas}\n  selector: {matchLabels: {app: api-${env}}}\n  template:\n    metadata: {labels: {app: api-${env}}}\n    spec: {containers: [{name: api, image: 'ghcr.io/acme/api:1.4.2'}]}\n`;
    const hpa = 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: api, namespace: shop}\nspec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}, minReplicas: 3, maxReplicas: 10}\n';
    writeFileSync(join(root, 'dev.yaml'), deployment('dev', 1));
    writeFileSync(join(root, 'prod.yaml'), `${deployment('prod', 3)}---\n${hpa}`);
    const hpaFindings = (stdout: string) => JSON.parse(stdout).findings.filter((f: any) => f.ruleId === 'HARD-no-static-replicas-with-hpa').map((f: any) => f.file.split('/').pop());
    const perFile = await run(['audit', root, '--format', 'json', '--no-config']);
    expect(hpaFindings(perFile.stdout)).toEqual(['prod.yaml']);
    expect(hpaFindings((await run(['audit', root, '--format', 'json', '--scope', 'chart', '--no-config'])).stdout)).toEqual(['prod.yaml']);
    const pooled = await run(['audit', root, '--format', 'json', '--scope', 'all', '--no-config']);
    expect(hpaFindings(pooled.stdout)).toEqual(['dev.yaml', 'prod.yaml']);
  });

  test('--help prints the usage and --version the package version, both exit 0', async () => {
    expect(await run(['--help'])).toEqual({ code: 0, stdout: USAGE, stderr: '' });
    expect(await run(['--version'])).toEqual({ code: 0, stdout: `${PACKAGE_VERSION}\n`, stderr: '' });
  });

  test('a usage error exits 2 with one line on stderr', async () => {
    expect(await run(['audit', configMapFile, '--format', 'xml'])).toEqual({
      code: 2, stdout: '', stderr: "cdk8s-hardened: --format 'xml' is not accepted: use one of text, json, sarif\n",
    });
  });

  test('exits 1 when an active finding is at or above --fail-on, 0 below it', async () => {
    const failing = await run(['audit', configMapFile, '--pack', 'pod-security', '--fail-on', 'high']);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain(`ConfigMap shop/settings (${configMapFile}:1)`);
    expect(failing.stdout).toContain(`HIGH       ${SUPPRESSION_RULE.id} at metadata.annotations["suppress.cdk8s-hardened.io/PSS-runAsNonRoot"]`);
    expect(failing.stderr).toBe('cdk8s-hardened: 1 active finding at or above high (--fail-on high)\n');
    expect((await run(['audit', configMapFile, '--pack', 'pod-security', '--fail-on', 'critical'])).code).toBe(0);
  });

  test('colours text only on a terminal, without --no-color and without NO_COLOR', async () => {
    const argv = ['audit', configMapFile, '--pack', 'pod-security'];
    expect((await run(argv, { isTTY: true })).stdout).toContain('\u001b[');
    expect((await run(argv, { isTTY: false })).stdout).not.toContain('\u001b[');
    expect((await run([...argv, '--no-color'], { isTTY: true })).stdout).not.toContain('\u001b[');
    expect((await run(argv, { isTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toContain('\u001b[');
  });

  test('reads standard input for -, and writes the report to --output', async () => {
    const output = join(dir, 'report.json');
    const result = await run(['audit', '-', '--pack', 'pod-security', '--format', 'json', '--output', output], { stdin: CONFIG_MAP_WITH_EMPTY_SUPPRESSION });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    const report = JSON.parse(readFileSync(output, 'utf8'));
    expect(report.findings.map((f: any) => [f.ruleId, f.file, f.line, f.column, f.objectLine])).toEqual([[SUPPRESSION_RULE.id, '<stdin>', 7, 5, 1]]);
  });

  test('an unwritable --output is an error (exit 2)', async () => {
    const result = await run(['audit', configMapFile, '--output', join(dir, 'no-such-dir', 'r.txt')]);
    expect(result).toMatchObject({ code: 2, stderr: `cdk8s-hardened: cannot write the report to ${join(dir, 'no-such-dir', 'r.txt')}: ENOENT\n` });
  });

  test('input errors exit 2 after auditing the rest; notes go to stderr', async () => {
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'apiVersion: v1\nkind: Service\nmetadata:\n  name: [x\n---\nhello: world\n');
    const result = await run(['audit', broken, configMapFile, join(dir, 'missing.yaml'), '--pack', 'pod-security']);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('ConfigMap shop/settings');
    expect(result.stderr.split('\n')).toEqual([
      `${broken}:6: note: not a Kubernetes object (no apiVersion and kind): skipped`,
      `${broken}:5:1: error: Flow sequence in block collection must be sufficiently indented and end with a ]: document skipped`,
      `${join(dir, 'missing.yaml')}: error: no such file or directory`,
      '',
    ]);
  });

  test('finding no Kubernetes object at all is an error (exit 2)', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'cdk8s-hardened-empty-'));
    const result = await run(['audit', empty]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`cdk8s-hardened: no Kubernetes objects found in ${empty}: check the paths\n`);
  });

  test('--explain prints a rule; an unknown id exits 2 naming close matches', async () => {
    const known = await run(['audit', '--explain', SUPPRESSION_RULE.id]);
    expect(known.code).toBe(0);
    expect(known.stdout).toBe([
      `${SUPPRESSION_RULE.id}: ${SUPPRESSION_RULE.title}`,
      '  severity:    high',
      `  rating:      ${SUPPRESSION_RULE.severityReason}`,
      '  applies to:  every kind',
      `  field:       ${SUPPRESSION_RULE.fieldPath}`,
      `  why:         ${SUPPRESSION_RULE.rationale}`,
      `  fix:         ${SUPPRESSION_RULE.fix}`,
      '  equivalents: none',
      `  suppress:    annotate the object with suppress.cdk8s-hardened.io/${SUPPRESSION_RULE.id}: <why the rule does not apply>`,
      '',
    ].join('\n'));
    expect((await run(['audit', '--explain', SUPPRESSION_RULE.id.toLowerCase()])).code).toBe(0);
    const unknown = await run(['audit', '--explain', 'SUPPRESSION-without-reasn']);
    expect(unknown).toEqual({ code: 2, stdout: '', stderr: `cdk8s-hardened: no rule 'SUPPRESSION-without-reasn' in the selected packs: close matches: ${SUPPRESSION_RULE.id}\n` });
  });
});

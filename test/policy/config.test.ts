import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import Ajv from 'ajv';
import { ApiObject, Chart, Testing } from 'cdk8s';
import { parse } from 'yaml';
import { Audit, AuditConfig, AuditScope, HardenedValidation, PolicyPack, Severity, Suppressions } from '../../lib';
import configSchema from '../../lib/policy/config.schema.json';
import { SUPPRESSION_UNKNOWN_RULE } from '../../lib/policy/engine';
import { knownRuleIds } from '../../lib/policy/rule-catalog';

const FILE = '.cdk8s-hardened.yaml';

function pod(name: string, namespace: string, labels: Record<string, string> = {}, annotations: Record<string, string> = {}) {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels, annotations }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } };
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'audit-config-'));
}

describe('AuditConfig.validate', () => {
  test('accepts every key and returns the settings typed', () => {
    const settings = AuditConfig.validate({
      packs: ['pod-security'], level: 'baseline', version: 'v1.30', failOn: 'HIGH', scope: 'all',
      enableRules: ['HARD-memory-limit-set'], disableRules: ['PSS-hostPorts'], severities: { 'PSS-privileged': 'critical' },
      exemptions: [{ namespaces: ['kube-system'], reason: 'managed by the provider' }],
    }, FILE);
    expect(settings).toEqual({
      packs: ['pod-security'], level: 'baseline', version: 'v1.30', failOn: 'high', scope: 'all',
      enableRules: ['HARD-memory-limit-set'], disableRules: ['PSS-hostPorts'], severities: { 'PSS-privileged': 'critical' },
      exemptions: [{ namespaces: ['kube-system'], reason: 'managed by the provider' }],
    });
    expect(AuditConfig.validate({}, FILE)).toEqual({});
  });

  test.each([
    [{ disableRules: ['HARD-cpu-limit-set'] }, "disableRules[0]: unknown rule id 'HARD-cpu-limit-set': did you mean 'HARD-cpu-request-set'?"],
    [{ enableRules: ['PSS-runAsNonroot'] }, "enableRules[0]: unknown rule id 'PSS-runAsNonroot': did you mean 'PSS-runAsNonRoot'?"],
    [{ severities: { 'HARD-image-tag-pined': 'high' } }, "severities: unknown rule id 'HARD-image-tag-pined': did you mean 'HARD-image-tag-pinned'?"],
    [{ severities: { 'HARD-image-tag-pinned': 'urgent' } }, "severities.HARD-image-tag-pinned: unknown severity 'urgent' (one of low, medium, high, critical)"],
    [{ exemptions: [{ namespaces: ['a'], rules: ['HARD-namespace'], reason: 'x' }] }, "exemptions[0].rules[0]: unknown rule id 'HARD-namespace': did you mean 'HARD-namespace-set'?"],
    [{ failOn: 'medum' }, "failOn: unknown severity 'medum': did you mean 'medium'? (one of low, medium, high, critical)"],
    [{ fail_on: 'high' }, "unknown key 'fail_on': did you mean 'failOn'?"],
    [{ exemption: [] }, "unknown key 'exemption': did you mean 'exemptions'?"],
    [{ packs: ['pod-security', 'hardenning'] }, "packs[1]: unknown pack 'hardenning': did you mean 'hardening'? (one of pod-security, hardening, api-versions, rbac)"],
    [{ packs: 'hardening' }, "packs: expected a list of strings, got the string 'hardening': write [a, b]"],
    [{ disableRules: [42] }, 'disableRules[0]: expected a string, got the number 42'],
    [{ level: 'strict' }, "level: unknown level 'strict': did you mean 'restricted'? (one of baseline, restricted)"],
    [{ version: '1.30' }, "version: '1.30' is not a Pod Security Standards policy version: use latest or v1.N, e.g. v1.30"],
    [{ scope: 'chrat' }, "scope: unknown scope 'chrat': did you mean 'chart'? (one of chart, file, all)"],
    [{ severities: ['x'] }, 'severities: expected a mapping of rule id to severity, got a list: write { HARD-image-tag-pinned: high }'],
    [{ exemptions: { namespaces: ['a'] } }, 'exemptions: expected a list of exemptions, got a mapping: write - { namespaces: [kube-system], reason: ... }'],
    [{ exemptions: ['kube-system'] }, "exemptions[0]: expected an exemption (a mapping with reason and namespaces, kinds, names or labels), got the string 'kube-system'"],
    [{ exemptions: [{ namespaces: ['kube-system'] }] }, 'exemptions[0]: the exemption has no reason: add reason: <why these rules do not apply to these objects>'],
    [{ exemptions: [{ namespaces: ['kube-system'], reason: '  ' }] }, 'exemptions[0]: the exemption has no reason: add reason: <why these rules do not apply to these objects>'],
    [{ exemptions: [{ namespace: ['kube-system'], reason: 'x' }] }, "exemptions[0]: unknown key 'namespace': did you mean 'namespaces'?"],
    [{ exemptions: [{ rules: ['PSS-privileged'], reason: 'x' }] }, 'exemptions[0]: the exemption selects no objects: give namespaces, kinds, names or labels (to turn a rule off everywhere, use disableRules)'],
    [{ exemptions: [{ labels: {}, reason: 'x' }] }, 'exemptions[0].labels: the mapping is empty and would match every object: name at least one label or remove the key'],
    [{ exemptions: [{ rules: [], kinds: ['Pod'], reason: 'x' }] }, 'exemptions[0].rules: the list is empty and would exempt no rule: name at least one rule id, or remove the key to exempt every rule'],
    [{ exemptions: [{ namespaces: [], reason: 'x' }] }, 'exemptions[0].namespaces: the list is empty and would match no object: name at least one namespace or remove the key'],
    [{ exemptions: [{ kinds: [], names: ['a'], reason: 'x' }] }, 'exemptions[0].kinds: the list is empty and would match no object: name at least one kind or remove the key'],
    [{ exemptions: [{ names: [], reason: 'x' }] }, 'exemptions[0].names: the list is empty and would match no object: name at least one object name or remove the key'],
    [{ exemptions: [{ labels: ['app=x'], reason: 'x' }] }, 'exemptions[0].labels: expected a mapping of label to value, got a list: write { app.kubernetes.io/name: node-exporter }'],
    [{ exemptions: [{ labels: { app: true }, reason: 'x' }] }, 'exemptions[0].labels.app: expected a string, got the boolean true'],
    [{ exemptions: [{ kinds: ['Pod'], reason: 3 }] }, 'exemptions[0].reason: expected a string, got the number 3'],
    [{ enableRules: ['PSS-privileged'], disableRules: ['PSS-privileged'] }, "rule 'PSS-privileged' is in both enableRules and disableRules: keep it in one"],
    [['packs'], 'the configuration is a list, not a mapping of settings: write keys such as packs, failOn, exemptions'],
  ])('%j is rejected: %s', (raw, message) => {
    expect(() => AuditConfig.validate(raw, FILE)).toThrow(`${FILE}: ${message}`);
  });
});

describe('AuditConfig files', () => {
  test('load reads YAML; find looks in the directory and then upwards', () => {
    const root = tempDir();
    const nested = join(root, 'a', 'b');
    mkdirSync(nested, { recursive: true });
    expect(AuditConfig.find(nested)).toBeUndefined();
    writeFileSync(join(root, FILE), 'failOn: high\nexemptions:\n  - namespaces: [kube-system]\n    reason: managed by the provider\n');
    expect(AuditConfig.find(nested)).toBe(join(root, FILE));
    expect(AuditConfig.load(AuditConfig.find(nested)!)).toEqual({ failOn: 'high', exemptions: [{ namespaces: ['kube-system'], reason: 'managed by the provider' }] });
    writeFileSync(join(root, 'a', FILE), '');
    expect(AuditConfig.find(nested)).toBe(join(root, 'a', FILE));
    expect(AuditConfig.load(join(root, 'a', FILE))).toEqual({});
  });

  test('errors name the file', () => {
    const dir = tempDir();
    const bad = join(dir, FILE);
    writeFileSync(bad, 'disableRules: [HARD-cpu-limit-set]\n');
    expect(() => AuditConfig.load(bad)).toThrow(`${bad}: disableRules[0]: unknown rule id 'HARD-cpu-limit-set': did you mean 'HARD-cpu-request-set'?`);
    writeFileSync(bad, 'packs: [a\n');
    expect(() => AuditConfig.load(bad)).toThrow(new RegExp(`^${bad.replace(/[.]/g, '\\.')}:\\d+: not valid YAML: `));
    expect(() => AuditConfig.load(join(dir, 'missing.yaml'))).toThrow(`${join(dir, 'missing.yaml')}: cannot read the configuration file (ENOENT): check the path`);
  });

  test('toOptions builds the packs; level and version need the pod-security pack', () => {
    const options = AuditConfig.toOptions({ packs: ['pod-security'], level: 'baseline', version: 'v1.28', failOn: 'high', scope: 'all', severities: { 'PSS-privileged': 'critical' } });
    expect(options.packs!.map((p) => p.name)).toEqual(['PodSecurity(baseline, v1.28)']);
    expect(options).toMatchObject({ failOn: Severity.HIGH, scope: AuditScope.ALL, severities: { 'PSS-privileged': Severity.CRITICAL } });
    expect(AuditConfig.toOptions({}).packs!.map((p) => p.name)).toEqual(['PodSecurity(restricted, latest)', 'Hardening', 'ApiVersions(1.33)', 'Rbac']);
    expect(AuditConfig.toOptions({ kubernetesVersion: 'v1.25' }).packs!.map((p) => p.name)).toContain('ApiVersions(1.25)');
    expect(() => AuditConfig.toOptions({ packs: ['hardening'], kubernetesVersion: '1.25' }, FILE)).toThrow(`${FILE}: kubernetesVersion: applies to the api-versions pack, which packs [hardening] leaves out: add api-versions to packs or drop kubernetesVersion`);
    expect(() => AuditConfig.validate({ kubernetesVersion: 1.3 }, FILE)).toThrow(`${FILE}: kubernetesVersion: the number 1.3 is not a version (YAML reads an unquoted 1.30 as 1.3): quote it, e.g. kubernetesVersion: '1.30'`);
    expect(() => AuditConfig.validate({ kubernetesVersion: '1.99' }, FILE)).toThrow(`${FILE}: kubernetesVersion: Kubernetes version '1.99' is not supported: use 1.16 to 1.33`);
    expect(() => AuditConfig.toOptions({ packs: ['hardening'], level: 'baseline' }, FILE)).toThrow(`${FILE}: level: applies to the pod-security pack, which packs [hardening] leaves out: add pod-security to packs or drop level`);
    expect(() => AuditConfig.toOptions({ version: 'v1.99' }, FILE)).toThrow(`${FILE}: version: policy version 'v1.99' is not supported`);
  });

  test('merge: the overriding settings win key by key', () => {
    expect(AuditConfig.merge({ failOn: 'low', packs: ['hardening'] }, { failOn: 'high', packs: undefined })).toEqual({ failOn: 'high', packs: ['hardening'] });
  });
});

describe('audit options: rules, severities and exemptions', () => {
  const manifests = [pod('tool', 'kube-system'), pod('web', 'shop', { tier: 'web' }), pod('job', 'shop', { tier: 'batch' })];

  test('disableRules removes rules; enableRules adds a rule of a pack that is not selected', () => {
    const all = Audit.manifests(manifests, { packs: [PolicyPack.podSecurity()] });
    expect(all.active.some((f) => f.ruleId === 'PSS-runAsNonRoot')).toBe(true);
    const disabled = Audit.manifests(manifests, { packs: [PolicyPack.podSecurity()], disableRules: ['PSS-runAsNonRoot'] });
    expect(disabled.active.some((f) => f.ruleId === 'PSS-runAsNonRoot')).toBe(false);
    expect(disabled.rules.map((r) => r.id)).not.toContain('PSS-runAsNonRoot');
    const enabled = Audit.manifests(manifests, { packs: [PolicyPack.podSecurity()], enableRules: ['HARD-memory-limit-set'] });
    expect(enabled.active.filter((f) => f.ruleId === 'HARD-memory-limit-set').map((f) => f.name)).toEqual(['tool', 'web', 'job']);
    expect(enabled.active.some((f) => f.ruleId === 'HARD-cpu-request-set')).toBe(false);
  });

  test('severities replace the rule\'s severity in findings and in the rule list', () => {
    const report = Audit.manifests(manifests, { packs: [PolicyPack.hardening()], severities: { 'HARD-memory-limit-set': Severity.CRITICAL } });
    expect(new Set(report.findings.filter((f) => f.ruleId === 'HARD-memory-limit-set').map((f) => f.severity))).toEqual(new Set([Severity.CRITICAL]));
    expect(report.rules.find((r) => r.id === 'HARD-memory-limit-set')!.severity).toBe(Severity.CRITICAL);
    expect(report.toSarif().runs[0].tool.driver.rules.find((r: any) => r.id === 'HARD-memory-limit-set').defaultConfiguration.level).toBe('error');
  });

  test('exemptions by namespace, kind and name, and label selector are suppressed findings with their reason in every format', () => {
    const report = Audit.manifests(manifests, {
      exemptions: [
        { namespaces: ['kube-system'], reason: 'managed by the cluster provider' },
        { kinds: ['Pod'], names: ['job'], rules: ['PSS-runAsNonRoot'], reason: 'the image runs as root; replaced in Q3' },
        { labels: { tier: 'web' }, rules: ['HARD-memory-limit-set'], reason: 'limit set by the LimitRange of the namespace' },
      ],
    });
    const suppressedOf = (name: string) => report.suppressed.filter((f) => f.name === name);
    expect(report.active.filter((f) => f.name === 'tool')).toEqual([]);
    expect(new Set(suppressedOf('tool').map((f) => f.suppressionReason))).toEqual(new Set(['managed by the cluster provider']));
    expect(suppressedOf('job').map((f) => [f.ruleId, f.suppressionReason])).toEqual([['PSS-runAsNonRoot', 'the image runs as root; replaced in Q3']]);
    expect(suppressedOf('web').map((f) => [f.ruleId, f.suppressionReason])).toEqual([['HARD-memory-limit-set', 'limit set by the LimitRange of the namespace']]);
    expect(report.active.some((f) => f.name === 'web' && f.ruleId === 'PSS-runAsNonRoot')).toBe(true);

    expect(report.toText()).toContain('reason: the image runs as root; replaced in Q3');
    expect(report.toJson().findings).toContainEqual(expect.objectContaining({ name: 'job', ruleId: 'PSS-runAsNonRoot', suppressed: true, suppressionReason: 'the image runs as root; replaced in Q3' }));
    const sarifJustifications = report.toSarif().runs[0].results.filter((r: any) => r.ruleId === 'PSS-runAsNonRoot').map((r: any) => r.suppressions?.[0]?.justification);
    expect(sarifJustifications).toEqual(['managed by the cluster provider', undefined, 'the image runs as root; replaced in Q3']);
  });

  test('an object without a namespace is exempted by the namespace default', () => {
    const report = Audit.manifests([pod('x', undefined as any)], { exemptions: [{ namespaces: ['default'], reason: 'sandbox' }] });
    expect(report.active).toEqual([]);
    expect(report.suppressed.length).toBeGreaterThan(0);
  });

  test('unknown rule ids and missing reasons in the API options are errors naming AuditOptions', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'c' });
    expect(() => Audit.of(chart, { disableRules: ['HARD-cpu-limit-set'] })).toThrow("AuditOptions: disableRules[0]: unknown rule id 'HARD-cpu-limit-set': did you mean 'HARD-cpu-request-set'?");
    expect(() => Audit.enforce(chart, { severities: { 'PSS-privilege': Severity.HIGH } })).toThrow("AuditOptions: severities: unknown rule id 'PSS-privilege': did you mean 'PSS-privileged'?");
    expect(() => Audit.manifests([], { exemptions: [{ kinds: ['Pod'], reason: '' }] })).toThrow('AuditOptions: exemptions[0]: the exemption has no reason');
  });

  test('the engine rules that mark an object not fully read cannot be disabled, lowered or exempted; the suppression rules can', () => {
    expect(() => Audit.manifests([], { disableRules: ['INTERNAL-error'] })).toThrow('AuditOptions: disableRules[0]: INTERNAL-error cannot be disabled: it marks an object the audit could not evaluate, which must never pass a gate; review the object by hand and report the failing rule instead');
    expect(() => Audit.manifests([], { severities: { 'INTERNAL-error': Severity.LOW } })).toThrow('AuditOptions: severities.INTERNAL-error: INTERNAL-error cannot be lowered to low (it is critical)');
    expect(() => Audit.manifests([], { disableRules: ['INPUT-field-type'] })).toThrow('AuditOptions: disableRules[0]: INPUT-field-type cannot be disabled: it marks a field the audit could not read and the API server rejects, so the object must never pass a gate; give the field the type the finding names instead');
    expect(() => Audit.manifests([], { severities: { 'INPUT-field-type': Severity.MEDIUM } })).toThrow('AuditOptions: severities.INPUT-field-type: INPUT-field-type cannot be lowered to medium (it is high): it marks a field the audit could not read');
    expect(() => Audit.manifests([], { exemptions: [{ kinds: ['Pod'], rules: ['INPUT-field-type'], reason: 'x' }] })).toThrow('AuditOptions: exemptions[0].rules[0]: INPUT-field-type cannot be exempted');
    expect(() => AuditConfig.validate({ disableRules: ['INTERNAL-error'] }, FILE)).toThrow(`${FILE}: disableRules[0]: INTERNAL-error cannot be disabled`);
    expect(() => AuditConfig.validate({ severities: { 'INPUT-field-type': 'low' } }, FILE)).toThrow(`${FILE}: severities.INPUT-field-type: INPUT-field-type cannot be lowered to low (it is high)`);

    const badField = { ...pod('p', 'c'), spec: { containers: 'not-a-list' } };
    const raised = Audit.manifests([badField], { severities: { 'INPUT-field-type': Severity.CRITICAL }, exemptions: [{ kinds: ['Pod'], reason: 'legacy' }] });
    expect(raised.active.filter((f) => f.ruleId === 'INPUT-field-type')).toEqual([expect.objectContaining({ severity: Severity.CRITICAL, suppressed: false })]);

    const unreasoned = pod('p', 'c', {}, { 'suppress.cdk8s-hardened.io/PSS-runAsNonRoot': '' });
    expect(Audit.manifests([unreasoned]).active.some((f) => f.ruleId === 'SUPPRESSION-without-reason')).toBe(true);
    const quiet = Audit.manifests([unreasoned], { disableRules: ['SUPPRESSION-without-reason'], severities: { 'SUPPRESSION-unknown-rule': Severity.LOW } });
    expect(quiet.active.some((f) => f.ruleId === 'SUPPRESSION-without-reason')).toBe(false);
    expect(quiet.active.some((f) => f.ruleId === 'PSS-runAsNonRoot')).toBe(true);
  });

  test('an empty label selector in the API options is an error, not an exemption of every finding', () => {
    const privileged = { ...pod('p', 'c'), spec: { containers: [{ name: 'c', image: 'busybox:1.36', securityContext: { privileged: true } }] } };
    expect(Audit.manifests([privileged]).active.length).toBeGreaterThan(0);
    expect(() => Audit.manifests([privileged], { exemptions: [{ labels: {}, reason: 'x' }] })).toThrow('AuditOptions: exemptions[0].labels: the mapping is empty and would match every object');
    expect(() => Audit.manifests([privileged], { exemptions: [{ kinds: ['Pod'], rules: [], reason: 'x' }] })).toThrow('AuditOptions: exemptions[0].rules: the list is empty');
  });
});

describe('rule ids in suppressions', () => {
  test('Suppressions.add and annotationKey throw on an unknown rule id, naming the nearest', () => {
    const chart = new Chart(Testing.app(), 'legacy');
    expect(() => Suppressions.add(chart, 'HARD-cpu-limit-set', 'bursty batch workload')).toThrow("suppression on construct 'legacy': unknown rule id 'HARD-cpu-limit-set': did you mean 'HARD-cpu-request-set'?");
    expect(() => Suppressions.annotationKey('PSS-hostNamespace')).toThrow("suppression on annotation: unknown rule id 'PSS-hostNamespace': did you mean 'PSS-hostNamespaces'?");
  });

  test('an annotation naming an unknown rule is a finding, and the audit goes on', () => {
    const chart = new Chart(Testing.app(), 'c', { namespace: 'c' });
    new ApiObject(chart, 'p', pod('p', 'c', {}, { 'suppress.cdk8s-hardened.io/PSS-runAsNonroot': 'runs as root' }));
    const report = Audit.of(chart);
    const unknown = report.active.filter((f) => f.ruleId === SUPPRESSION_UNKNOWN_RULE);
    expect(unknown).toEqual([expect.objectContaining({
      severity: Severity.MEDIUM, name: 'p', fieldPath: 'metadata.annotations["suppress.cdk8s-hardened.io/PSS-runAsNonroot"]',
      message: "the annotation suppresses nothing: unknown rule id 'PSS-runAsNonroot': did you mean 'PSS-runAsNonRoot'?",
    })]);
    expect(report.active.some((f) => f.ruleId === 'PSS-runAsNonRoot')).toBe(true);
  });
});

describe('config.schema.json', () => {
  const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(configSchema);
  const example = {
    packs: ['pod-security', 'hardening', 'api-versions'], level: 'restricted', version: 'v1.30', kubernetesVersion: '1.30', failOn: 'medium', scope: 'chart',
    enableRules: [], disableRules: ['HARD-topology-spread'], severities: { 'HARD-image-tag-pinned': 'high' },
    exemptions: [
      { namespaces: ['kube-system'], reason: 'managed by the cluster provider' },
      { kinds: ['DaemonSet'], names: ['node-exporter'], rules: ['PSS-hostNamespaces'], labels: { 'app.kubernetes.io/name': 'node-exporter' }, reason: 'reads host metrics' },
    ],
  };

  test('describes exactly the keys the validation accepts', () => {
    expect(validate(example)).toBe(true);
    expect(AuditConfig.validate(example, FILE)).toEqual(example);
    expect(Object.keys(configSchema.properties).sort()).toEqual(Object.keys(example).sort());
    expect(Object.keys(configSchema.properties.exemptions.items.properties).sort()).toEqual(['kinds', 'labels', 'names', 'namespaces', 'reason', 'rules']);
  });

  test('rejects what the validation rejects, as far as a schema can tell', () => {
    for (const bad of [{ fail_on: 'high' }, { scope: 'namespace' }, { kubernetesVersion: 1.3 }, { kubernetesVersion: 'latest' }, { exemptions: [{ namespaces: ['a'] }] }, { exemptions: [{ reason: 'x' }] }, { exemptions: [{ labels: {}, reason: 'x' }] }, { exemptions: [{ kinds: ['Pod'], rules: [], reason: 'x' }] }, { exemptions: [{ names: [], reason: 'x' }] }, { disableRules: ['INTERNAL-error'] }, { exemptions: [{ kinds: ['Pod'], rules: ['INPUT-field-type'], reason: 'x' }] }, { severities: { 'HARD-image-tag-pinned': 'urgent' } }]) {
      expect(validate(bad)).toBe(false);
      expect(() => AuditConfig.validate(bad, FILE)).toThrow(FILE);
    }
  });
});

describe('the README', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

  test('its settings file and plugin properties are valid settings, and its suppression ids exist', () => {
    const settingsBlock = readme.match(/```yaml\n# \.cdk8s-hardened\.yaml\n([\s\S]*?)```/)![1];
    const settings = AuditConfig.validate(parse(settingsBlock), 'README.md');
    expect(settings.exemptions).toHaveLength(3);
    expect(() => AuditConfig.toOptions(settings, 'README.md')).not.toThrow();
    const pluginBlock = readme.match(/```yaml\n# cdk8s\.yaml\n([\s\S]*?)```/)![1];
    const properties = parse(pluginBlock).validations[0].properties;
    expect(() => new HardenedValidation(properties)).not.toThrow();
    const suppressed = [...readme.matchAll(/Suppressions\.add\(\w+, '([^']+)'/g), ...readme.matchAll(/suppress\.cdk8s-hardened\.io\/([A-Za-z][\w.-]+)/g)].map((m) => m[1]);
    expect(suppressed.length).toBeGreaterThanOrEqual(2);
    for (const id of suppressed) expect(knownRuleIds()).toContain(id);
  });
});

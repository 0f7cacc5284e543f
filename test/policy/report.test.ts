import { readFileSync } from 'fs';
import { join } from 'path';
import { SUPPRESSION_RULE } from '../../lib/policy/engine';
import { Finding, RuleInfo, Severity } from '../../lib/policy/finding';
import { AuditReport } from '../../lib/policy/report';
import { artifactUri } from '../../lib/policy/report-sarif';
import { jsonReportErrors, sarifErrors } from '../util/report-schemas';

const rule = (id: string, severity: Severity): RuleInfo => ({
  id,
  title: `Title of ${id}`,
  severity,
  kinds: ['Deployment'],
  rationale: `Why ${id} matters`,
  fieldPath: 'spec.template.spec',
  fix: `Fix for ${id}`,
  equivalents: { checkov: ['CKV_K8S_1'] },
});

const RULES = [rule('TEST-critical', Severity.CRITICAL), rule('TEST-high', Severity.HIGH), rule('TEST-medium', Severity.MEDIUM), rule('TEST-low', Severity.LOW)];

const finding = (ruleId: string, overrides: Partial<Finding> = {}): Finding => {
  const info = RULES.find((r) => r.id === ruleId) ?? SUPPRESSION_RULE;
  return {
    ruleId, title: info.title, severity: info.severity, kind: 'Deployment', name: 'web', namespace: 'shop',
    file: 'manifests/web app.yaml', line: 12, fieldPath: 'spec.template.spec.containers[0]',
    message: `message of ${ruleId}`, fix: info.fix, suppressed: false, ...overrides,
  };
};

const report = new AuditReport([
  finding('TEST-medium'),
  finding('TEST-critical'),
  finding('TEST-low', { suppressed: true, suppressionReason: 'vendor chart, tracked in OPS-12' }),
  finding('TEST-high', { kind: 'Service', name: 'api', namespace: undefined, file: undefined, line: undefined, constructPath: 'app/chart/api/Resource' }),
  finding(SUPPRESSION_RULE.id, { kind: 'Service', name: 'api', namespace: undefined, file: undefined, line: undefined, constructPath: 'app/chart/api/Resource' }),
], 3, RULES);

describe('AuditReport', () => {
  test('separates active from suppressed findings and applies thresholds to active ones only', () => {
    expect(report.active.map((f) => f.ruleId)).toEqual(['TEST-medium', 'TEST-critical', 'TEST-high', SUPPRESSION_RULE.id]);
    expect(report.suppressed.map((f) => f.ruleId)).toEqual(['TEST-low']);
    expect(report.failing(Severity.HIGH).map((f) => f.ruleId)).toEqual(['TEST-critical', 'TEST-high', SUPPRESSION_RULE.id]);
    expect(report.isClean(Severity.CRITICAL)).toBe(false);
    expect(new AuditReport([finding('TEST-low', { suppressed: true, suppressionReason: 'x' })], 1, RULES).isClean()).toBe(true);
    expect(new AuditReport([finding('TEST-low')], 1, RULES).isClean()).toBe(false);
    expect(new AuditReport([finding('TEST-low')], 1, RULES).isClean(Severity.MEDIUM)).toBe(true);
  });

  test('text groups by object, most severe first, keeps suppressed findings with their reason, and sums up', () => {
    expect(report.toText()).toBe([
      'Deployment shop/web (manifests/web app.yaml:12)',
      '  CRITICAL   TEST-critical at spec.template.spec.containers[0]',
      '             message of TEST-critical',
      '             fix: Fix for TEST-critical',
      '  MEDIUM     TEST-medium at spec.template.spec.containers[0]',
      '             message of TEST-medium',
      '             fix: Fix for TEST-medium',
      '  suppressed TEST-low (low) at spec.template.spec.containers[0]',
      '             message of TEST-low',
      '             reason: vendor chart, tracked in OPS-12',
      '',
      'Service api (construct app/chart/api/Resource)',
      '  HIGH       TEST-high at spec.template.spec.containers[0]',
      '             message of TEST-high',
      '             fix: Fix for TEST-high',
      `  HIGH       ${SUPPRESSION_RULE.id} at spec.template.spec.containers[0]`,
      `             message of ${SUPPRESSION_RULE.id}`,
      `             fix: ${SUPPRESSION_RULE.fix}`,
      '',
      '3 objects, 4 rules: 4 findings (1 critical, 2 high, 1 medium, 0 low), 1 suppressed',
      '',
    ].join('\n'));
  });

  test('text prints each distinct fix once per object, in the terms of the input first', () => {
    const drop = { fix: 'Set securityContext.capabilities.drop to [ALL].', constructFix: 'Use WebService, which drops ALL.' };
    const container = (index: number, name: string, overrides: Partial<Finding> = {}) => finding('TEST-high', {
      fieldPath: `spec.template.spec.containers[${index}].securityContext.capabilities.drop`, message: `container '${name}' keeps its capabilities`, ...drop, ...overrides,
    });
    const fromYaml = new AuditReport([container(0, 'web'), finding('TEST-medium'), container(1, 'proxy')], 1, RULES);
    expect(fromYaml.toText()).toBe([
      'Deployment shop/web (manifests/web app.yaml:12)',
      '  HIGH       TEST-high at spec.template.spec.containers[0].securityContext.capabilities.drop',
      "             container 'web' keeps its capabilities",
      '  HIGH       TEST-high at spec.template.spec.containers[1].securityContext.capabilities.drop',
      "             container 'proxy' keeps its capabilities",
      '             fix: Set securityContext.capabilities.drop to [ALL].',
      '             with cdk8s-hardened: Use WebService, which drops ALL.',
      '  MEDIUM     TEST-medium at spec.template.spec.containers[0]',
      '             message of TEST-medium',
      '             fix: Fix for TEST-medium',
      '',
      '1 object, 4 rules: 3 findings (0 critical, 2 high, 1 medium, 0 low), 0 suppressed',
      '',
    ].join('\n'));

    const inTree = { file: undefined, line: undefined, constructPath: 'shop/web/Resource' };
    const fromConstructs = new AuditReport([container(0, 'web', inTree), container(1, 'proxy', inTree)], 1, RULES);
    expect(fromConstructs.toText().split('\n').slice(5, 7)).toEqual([
      '             fix: Use WebService, which drops ALL.',
      '             in the manifest: Set securityContext.capabilities.drop to [ALL].',
    ]);
    const specific = new AuditReport([container(0, 'web'), container(1, 'proxy', { fix: 'Drop ALL in the proxy image too.' })], 1, RULES);
    expect(specific.toText().match(/fix: /g)).toHaveLength(2);
    expect(fromYaml.toJson().findings[0]).toMatchObject({ fix: drop.fix, constructFix: drop.constructFix });
    expect(jsonReportErrors(fromYaml.toJson())).toEqual([]);
  });

  test('text has ANSI colours only when asked', () => {
    expect(report.toText()).not.toContain('\u001b[');
    const colored = report.toText({ color: true });
    expect(colored).toContain('\u001b[1m\u001b[35mCRITICAL  \u001b[0m');
    expect(colored.replace(/\u001b\[[0-9;]*m/g, '')).toBe(report.toText());
  });

  test('a clean report still says what was audited', () => {
    expect(new AuditReport([], 2, RULES).toText()).toBe('2 objects, 4 rules: 0 findings (0 critical, 0 high, 0 medium, 0 low), 0 suppressed\n');
  });

  test('JSON has version 1, the summary and every finding, and matches its schema', () => {
    const json = report.toJson();
    expect(jsonReportErrors(json)).toEqual([]);
    expect(json.version).toBe(1);
    expect(json.summary).toEqual({ objects: 3, rules: 4, active: 4, suppressed: 1, bySeverity: { critical: 1, high: 2, medium: 1, low: 0 } });
    expect(json.findings[2]).toEqual({
      ruleId: 'TEST-low', title: 'Title of TEST-low', severity: 'low', kind: 'Deployment', name: 'web', namespace: 'shop',
      file: 'manifests/web app.yaml', line: 12, fieldPath: 'spec.template.spec.containers[0]', message: 'message of TEST-low',
      fix: 'Fix for TEST-low', suppressed: true, suppressionReason: 'vendor chart, tracked in OPS-12',
    });
    expect(Object.keys(json.findings[3])).not.toContain('namespace');
    expect(jsonReportErrors({ ...json, version: 2 })).toEqual(['/version: must be equal to constant']);
  });

  test('SARIF is a valid 2.1.0 log with the rules, levels, locations and suppressions', () => {
    const log = report.toSarif({ baseDirectory: '/repo' });
    expect(sarifErrors(log)).toEqual([]);
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0];
    expect(run.tool.driver).toMatchObject({ name: 'cdk8s-hardened', informationUri: 'https://github.com/cdk8s-hardened/cdk8s-hardened', version: JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')).version });
    expect(run.tool.driver.rules.map((r: any) => r.id)).toEqual(['TEST-critical', 'TEST-high', 'TEST-medium', 'TEST-low', SUPPRESSION_RULE.id]);
    expect(run.tool.driver.rules[0]).toEqual({
      id: 'TEST-critical',
      name: 'TitleOfTESTCritical',
      shortDescription: { text: 'Title of TEST-critical' },
      fullDescription: { text: 'Why TEST-critical matters' },
      help: { text: 'Fix for TEST-critical' },
      defaultConfiguration: { level: 'error' },
      properties: { 'severity': 'critical', 'kinds': ['Deployment'], 'fieldPath': 'spec.template.spec', 'equivalents': { checkov: ['CKV_K8S_1'] }, 'tags': ['security', 'kubernetes'], 'security-severity': '9.5' },
    });
    expect(run.results.map((r: any) => [r.ruleId, r.ruleIndex, r.level])).toEqual([
      ['TEST-medium', 2, 'warning'], ['TEST-critical', 0, 'error'], ['TEST-low', 3, 'note'], ['TEST-high', 1, 'error'], [SUPPRESSION_RULE.id, 4, 'error'],
    ]);
    expect(run.originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: 'file:///repo/' } });
    expect(run.results[0].locations).toEqual([{
      physicalLocation: { artifactLocation: { uri: 'manifests/web%20app.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 12 } },
      logicalLocations: [{ name: 'web', fullyQualifiedName: 'Deployment/shop/web', kind: 'resource' }],
    }]);
    expect(run.results[3].locations).toEqual([{
      logicalLocations: [{ name: 'api', fullyQualifiedName: 'Service/api', kind: 'resource' }, { fullyQualifiedName: 'app/chart/api/Resource', kind: 'construct' }],
    }]);
    expect(run.results[2].suppressions).toEqual([{ kind: 'inSource', status: 'accepted', justification: 'vendor chart, tracked in OPS-12' }]);
    expect(run.results[0].suppressions).toBeUndefined();
    expect(run.results[0].message.text).toBe('message of TEST-medium (spec.template.spec.containers[0]). Fix: Fix for TEST-medium');
  });

  test('JSON and SARIF carry the line and column of the field, the object line and the Helm template', () => {
    const located = new AuditReport([
      finding('TEST-high', { line: 14, column: 9, objectLine: 3, sourceTemplate: 'shop/templates/deployment.yaml' }),
      finding('TEST-low', { file: '/elsewhere/x.yaml', line: 5, column: 1, objectLine: 5 }),
    ], 2, RULES);
    const json = located.toJson();
    expect(jsonReportErrors(json)).toEqual([]);
    expect(json.findings[0]).toMatchObject({ file: 'manifests/web app.yaml', line: 14, column: 9, objectLine: 3, sourceTemplate: 'shop/templates/deployment.yaml' });
    const log = located.toSarif({ baseDirectory: '/repo/' });
    expect(sarifErrors(log)).toEqual([]);
    expect(log.runs[0].originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: 'file:///repo/' } });
    expect(log.runs[0].results[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'manifests/web%20app.yaml', uriBaseId: '%SRCROOT%' }, region: { startLine: 14, startColumn: 9 },
    });
    expect(log.runs[0].results[0].properties.sourceTemplate).toBe('shop/templates/deployment.yaml');
    expect(log.runs[0].results[1].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'file:///elsewhere/x.yaml' }, region: { startLine: 5, startColumn: 1 },
    });
    const text = located.toText();
    expect(text).toContain('Deployment shop/web (manifests/web app.yaml:3, template shop/templates/deployment.yaml)');
    expect(text).toContain('TEST-high at spec.template.spec.containers[0] (line 14:9)');
  });

  test('SARIF artifact URIs are relative to the base directory, or absolute file URIs outside it', () => {
    expect(artifactUri('/repo/a/b#c.yaml', '/repo')).toBe('a/b%23c.yaml');
    expect(artifactUri('a.yaml', '/repo')).toBe('a.yaml');
    expect(artifactUri('/elsewhere/a.yaml', '/repo')).toBe('file:///elsewhere/a.yaml');
    expect(sarifErrors({ version: '2.1.0', runs: [{ tool: { driver: {} } }] })).toEqual(["/runs/0/tool/driver: must have required property 'name'"]);
  });
});

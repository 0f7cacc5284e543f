import { ApiObject, Chart, Testing } from 'cdk8s';
import { runRules, SUPPRESSION_WITHOUT_REASON } from '../../lib/policy/engine';
import { Severity } from '../../lib/policy/finding';
import { AuditObject, Rule } from '../../lib/policy/rule';
import { annotationSuppressions, Suppressions } from '../../lib/policy/suppressions';

const noLatest: Rule = {
  id: 'HARD-image-tag-pinned',
  title: 'No latest tag',
  severity: Severity.HIGH,
  kinds: ['Pod'],
  rationale: 'latest is mutable',
  fieldPath: 'spec.containers[*].image',
  fix: 'pin the image',
  equivalents: {},
  check: (object) => (object.manifest.spec?.containers ?? [])
    .map((c: any, i: number) => ({ c, i }))
    .filter(({ c }: any) => String(c.image).endsWith(':latest'))
    .map(({ c, i }: any) => ({ fieldPath: `spec.containers[${i}].image`, message: `container '${c.name}' uses ${c.image}` })),
};

const namespaced: Rule = {
  ...noLatest,
  id: 'HARD-namespace-set',
  severity: Severity.LOW,
  kinds: ['*'],
  check: (object) => (object.manifest.metadata?.namespace ? [] : [{ fieldPath: 'metadata.namespace', message: 'no namespace', fix: 'set metadata.namespace' }]),
};

const pod = (name: string, image: string, annotations?: Record<string, string>): AuditObject => ({
  manifest: { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns', annotations }, spec: { containers: [{ name: 'c', image }] } },
  file: 'pods.yaml',
  line: 3,
});

describe('policy engine', () => {
  test('reports each violation with rule, object, source, field path, message and fix', () => {
    const findings = runRules([pod('a', 'nginx:latest'), pod('b', 'nginx:1.27')], [noLatest]);
    expect(findings).toEqual([{
      ruleId: 'HARD-image-tag-pinned', title: 'No latest tag', severity: Severity.HIGH, kind: 'Pod', name: 'a', namespace: 'ns',
      constructPath: undefined, file: 'pods.yaml', line: 3, objectLine: 3, fieldPath: 'spec.containers[0].image',
      message: "container 'c' uses nginx:latest", fix: 'pin the image', suppressed: false, suppressionReason: undefined,
    }]);
  });

  test('rules apply only to their kinds; "*" applies to every kind; a violation fix overrides the rule fix', () => {
    const service: AuditObject = { manifest: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } } };
    const findings = runRules([service, pod('a', 'nginx:latest')], [noLatest, namespaced]);
    expect(findings.map((f) => `${f.ruleId}:${f.kind}`)).toEqual(['HARD-namespace-set:Service', 'HARD-image-tag-pinned:Pod']);
    expect(findings[0].fix).toBe('set metadata.namespace');
  });

  test('duplicate rule ids run once', () => {
    expect(runRules([pod('a', 'nginx:latest')], [noLatest, noLatest])).toHaveLength(1);
  });

  test('an annotation with a reason suppresses, and the finding stays in the result as suppressed', () => {
    const findings = runRules([pod('a', 'nginx:latest', { 'suppress.cdk8s-hardened.io/HARD-image-tag-pinned': 'vendor image has no tags' })], [noLatest]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ suppressed: true, suppressionReason: 'vendor image has no tags' });
  });

  test('an annotation without a reason suppresses nothing and is itself a finding', () => {
    const findings = runRules([pod('a', 'nginx:latest', { 'suppress.cdk8s-hardened.io/HARD-image-tag-pinned': '  ' })], [noLatest]);
    expect(findings.map((f) => [f.ruleId, f.suppressed])).toEqual([[SUPPRESSION_WITHOUT_REASON, false], ['HARD-image-tag-pinned', false]]);
    expect(findings[0].message).toBe('the suppression of HARD-image-tag-pinned gives no reason, so it is ignored');
  });

  test('construct-tree suppressions apply to the construct and everything below it', () => {
    const chart = new Chart(Testing.app(), 'chart');
    const object = new ApiObject(chart, 'pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' } });
    Suppressions.add(chart, 'HARD-image-tag-pinned', 'legacy chart');
    Suppressions.add(object, 'HARD-namespace-set', 'set by the deploy tool');
    expect(Suppressions.of(object)).toEqual([
      { ruleId: 'HARD-image-tag-pinned', reason: 'legacy chart' },
      { ruleId: 'HARD-namespace-set', reason: 'set by the deploy tool' },
    ]);
    expect(Suppressions.annotationKey('HARD-image-tag-pinned')).toBe('suppress.cdk8s-hardened.io/HARD-image-tag-pinned');
    expect(annotationSuppressions({ metadata: { annotations: { 'suppress.cdk8s-hardened.io/X': ' why ', 'other': 'y' } } })).toEqual(new Map([['X', 'why']]));
  });

  test('suppressions need a reason and a rule id', () => {
    const chart = new Chart(Testing.app(), 'chart');
    expect(() => Suppressions.add(chart, 'HARD-image-tag-pinned', ' ')).toThrow("suppression of HARD-image-tag-pinned on construct 'chart' has no reason: say why the rule does not apply");
    expect(() => Suppressions.add(chart, 'not a rule', 'x')).toThrow("rule id 'not a rule' in a suppression on construct 'chart' is not a rule id");
  });
});

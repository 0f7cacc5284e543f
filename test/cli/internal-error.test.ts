/**
 * A rule that fails on an object: the report of everything else is written and the command exits
 * 3, distinct from findings (1) and input errors (2). The Hardening pack is given a rule that
 * throws on one object, as a bug in a rule would.
 */
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { runCli } from '../util/run-cli';

jest.mock('../../lib/policy/rules/hardening', () => {
  const actual = jest.requireActual('../../lib/policy/rules/hardening');
  return {
    hardeningRules: () => [
      ...actual.hardeningRules(),
      {
        id: 'HARD-test-broken', title: 'broken', severity: 'low', kinds: ['ConfigMap'], rationale: 'a rule with a bug', fieldPath: '-', fix: '-', equivalents: {},
        check: (object: any) => {
          if (object.manifest.metadata.name === 'bad') throw new RangeError('index out of range');
          return [];
        },
      },
    ],
  };
});

const dir = mkdtempSync(join(tmpdir(), 'cdk8s-hardened-internal-'));
const path = join(dir, 'maps.yaml');
writeFileSync(path, ['good', 'bad'].map((name) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\n`).join('---\n'));

test('exit 3 with the failing rule and object named, and every other finding reported', async () => {
  const result = await runCli(['audit', path, '--format', 'json']);
  expect(result.code).toBe(3);
  expect(result.stderr).toBe('cdk8s-hardened: 1 object was not fully audited because a rule failed (INTERNAL-error in the report): please report it\n');
  const findings = JSON.parse(result.stdout).findings;
  expect(findings.filter((f: any) => f.ruleId === 'INTERNAL-error')).toEqual([expect.objectContaining({
    severity: 'critical', kind: 'ConfigMap', name: 'bad', file: path, message: 'rule HARD-test-broken failed on this object: RangeError: index out of range',
  })]);
  // The namespace rule still ran on both objects.
  expect(findings.filter((f: any) => f.ruleId === 'HARD-namespace-set').map((f: any) => f.name)).toEqual(['good', 'bad']);
});

describe('settings cannot hide an object the audit could not evaluate', () => {
  function config(text: string): string {
    const file = join(dir, `settings-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, text);
    return file;
  }

  test.each([
    ['disableRules: [INTERNAL-error]', 'disableRules[0]: INTERNAL-error cannot be disabled: it marks an object the audit could not evaluate, which must never pass a gate; review the object by hand and report the failing rule instead'],
    ['severities: { INTERNAL-error: low }', 'severities.INTERNAL-error: INTERNAL-error cannot be lowered to low (it is critical): it marks an object the audit could not evaluate, which must never pass a gate; remove the entry'],
    ['exemptions: [{ names: [bad], rules: [INTERNAL-error], reason: known bug }]', 'exemptions[0].rules[0]: INTERNAL-error cannot be exempted: it marks an object the audit could not evaluate'],
  ])('%s in the settings file is an input error (exit 2)', async (text, message) => {
    const file = config(text);
    const result = await runCli(['audit', path, '--config', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file}: ${message}`);
  });

  test('an exemption of every rule on the object still exits 3 with INTERNAL-error active', async () => {
    const file = config('exemptions: [{ names: [bad], reason: reviewed by hand }]\nseverities: { INTERNAL-error: critical }\n');
    const result = await runCli(['audit', path, '--config', file, '--format', 'json']);
    expect(result.code).toBe(3);
    const findings = JSON.parse(result.stdout).findings;
    expect(findings.filter((f: any) => f.ruleId === 'INTERNAL-error')).toEqual([expect.objectContaining({ name: 'bad', suppressed: false })]);
    expect(findings.filter((f: any) => f.ruleId === 'HARD-namespace-set' && f.name === 'bad')).toEqual([expect.objectContaining({ suppressed: true })]);
  });
});

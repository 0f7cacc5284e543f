import { readFileSync } from 'fs';
import { join } from 'path';
import { PolicyPack } from '../../lib';
import { renderRulesMarkdown } from '../../lib/policy/rules-markdown';
import { corpusFindings } from '../util/corpus-findings';

describe('docs/rules.md', () => {
  test('is generated from the rule definitions (run `npm run docs:rules` after changing a rule)', () => {
    const onDisk = readFileSync(join(__dirname, '..', '..', 'docs', 'rules.md'), 'utf8');
    expect(onDisk).toBe(renderRulesMarkdown(undefined, corpusFindings()));
  });

  test('every rule has a unique id, a rationale, a fix and a field path', () => {
    const rules = PolicyPack.defaults().flatMap((p) => p.rules);
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    for (const rule of rules) {
      expect(rule.rationale.length).toBeGreaterThan(20);
      expect(rule.fix.length).toBeGreaterThan(10);
      expect(rule.fieldPath.length).toBeGreaterThan(3);
      expect(rule.kinds.length).toBeGreaterThan(0);
    }
  });
});

/**
 * `audit --explain <rule id>`: a rule's documentation for a terminal.
 */
import { RuleInfo, ToolEquivalents } from '../policy/finding';
import { SUPPRESSION_ANNOTATION_PREFIX } from '../policy/suppressions';

const TOOL_NAMES: Record<keyof ToolEquivalents, string> = {
  pss: 'Pod Security Standards',
  kubeScore: 'kube-score',
  polaris: 'Polaris',
  kubeLinter: 'kube-linter',
  checkov: 'Checkov',
  trivy: 'Trivy',
};

/** The rule's title, severity and its reason, kinds, field path, rationale, fixes, equivalents and how to suppress it. */
export function explainRule(rule: RuleInfo): string {
  const equivalents = (Object.keys(TOOL_NAMES) as (keyof ToolEquivalents)[])
    .filter((tool) => (rule.equivalents[tool] ?? []).length > 0)
    .map((tool) => `${TOOL_NAMES[tool]} ${rule.equivalents[tool]!.join(', ')}`);
  const rows: [string, string][] = [
    ['severity', rule.severity],
    ...(rule.severityReason ? [['rating', rule.severityReason] as [string, string]] : []),
    ['applies to', rule.kinds.includes('*') ? 'every kind' : rule.kinds.join(', ')],
    ['field', rule.fieldPath],
    ['why', rule.rationale],
    ['fix', rule.fix],
    ...(rule.constructFix ? [['construct', rule.constructFix] as [string, string]] : []),
    ['equivalents', equivalents.length > 0 ? equivalents.join('; ') : 'none'],
    ['suppress', `annotate the object with ${SUPPRESSION_ANNOTATION_PREFIX}${rule.id}: <why the rule does not apply>`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 1;
  return [`${rule.id}: ${rule.title}`, ...rows.map(([label, text]) => `  ${`${label}:`.padEnd(width)} ${text}`)].join('\n') + '\n';
}

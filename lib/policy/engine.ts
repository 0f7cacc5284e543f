import { Finding, RuleInfo, Severity } from './finding';
import { AuditContext, AuditObject, Rule } from './rule';
import { annotationSuppressions } from './suppressions';

/** Rule id of the finding raised for a suppression annotation that gives no reason. */
export const SUPPRESSION_WITHOUT_REASON = 'SUPPRESSION-without-reason';

/** The engine's own rule: suppressions must say why. */
export const SUPPRESSION_RULE: RuleInfo = {
  id: SUPPRESSION_WITHOUT_REASON,
  title: 'Suppression annotation without a reason',
  severity: Severity.HIGH,
  kinds: ['*'],
  rationale: 'A suppression hides a finding from the gate; without a written reason nobody can tell later whether it still applies.',
  fieldPath: 'metadata.annotations["suppress.cdk8s-hardened.io/<rule id>"]',
  fix: 'Write why the rule does not apply as the annotation value, or remove the annotation and fix the finding.',
  equivalents: {},
};

/**
 * Runs rules over objects and returns every finding, suppressed ones included.
 * Rules are deduplicated by id; each object is checked by the rules whose kinds include its kind.
 */
export function runRules(objects: readonly AuditObject[], rules: readonly Rule[]): Finding[] {
  const context = new AuditContext(objects);
  const byKind = indexByKind(rules);
  const anyKind = byKind.get('*') ?? [];
  const applicableByKind = new Map<string, Rule[]>();
  const findings: Finding[] = [];
  for (const object of objects) {
    const kind = object.manifest?.kind;
    let applicable = applicableByKind.get(kind);
    if (!applicable) {
      applicable = [...(byKind.get(kind) ?? []), ...anyKind];
      applicableByKind.set(kind, applicable);
    }
    const annotated = annotationSuppressions(object.manifest);
    for (const [ruleId, reason] of annotated) {
      if (reason === '') {
        findings.push(toFinding(SUPPRESSION_RULE, object, {
          fieldPath: `metadata.annotations["suppress.cdk8s-hardened.io/${ruleId}"]`,
          message: `the suppression of ${ruleId} gives no reason, so it is ignored`,
        }, undefined));
      }
    }
    for (const rule of applicable) {
      const violations = rule.check(object, context);
      if (violations.length === 0) continue;
      const reason = object.suppressions?.get(rule.id) || annotated.get(rule.id) || undefined;
      for (const violation of violations) findings.push(toFinding(rule, object, violation, reason));
    }
  }
  return findings;
}

function indexByKind(rules: readonly Rule[]): Map<string, Rule[]> {
  const seen = new Set<string>();
  const byKind = new Map<string, Rule[]>();
  for (const rule of rules) {
    if (seen.has(rule.id)) continue;
    seen.add(rule.id);
    for (const kind of rule.kinds) {
      const list = byKind.get(kind);
      if (list) list.push(rule);
      else byKind.set(kind, [rule]);
    }
  }
  return byKind;
}

function toFinding(rule: RuleInfo, object: AuditObject, violation: { fieldPath: string; message: string; fix?: string }, reason: string | undefined): Finding {
  const metadata = object.manifest?.metadata ?? {};
  const position = object.locate?.(violation.fieldPath);
  return {
    ruleId: rule.id,
    title: rule.title,
    severity: rule.severity,
    kind: String(object.manifest?.kind),
    name: String(metadata.name ?? metadata.generateName ?? '(unnamed)'),
    namespace: metadata.namespace,
    constructPath: object.constructPath,
    file: object.file,
    line: position?.line ?? object.line,
    column: position?.column,
    objectLine: object.line,
    sourceTemplate: object.sourceTemplate,
    fieldPath: violation.fieldPath,
    message: violation.message,
    fix: violation.fix ?? rule.fix,
    suppressed: reason !== undefined,
    suppressionReason: reason,
  };
}

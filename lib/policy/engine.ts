import { withApiServerDefaults } from './defaults';
import { INPUT_RULE, INTERNAL_RULE, SUPPRESSION_RULE, UNKNOWN_SUPPRESSION_RULE } from './engine-rules';
import { Finding, RuleInfo, Severity } from './finding';
import { shapeProblems } from './input-shape';
import { AuditContext, AuditObject, Rule } from './rule';
import { unknownRuleId } from './rule-catalog';
import { asString, field, isObject, text } from './shape';
import { annotationSuppressions } from './suppressions';

export { ENGINE_RULES, INPUT_RULE, INTERNAL_RULE, SUPPRESSION_RULE, SUPPRESSION_WITHOUT_REASON, SUPPRESSION_UNKNOWN_RULE, UNKNOWN_SUPPRESSION_RULE } from './engine-rules';

/** Why a rule is exempted for an object (by configuration), or undefined when it is not. */
export type ExemptionLookup = (object: AuditObject, ruleId: string) => string | undefined;


/**
 * Runs rules over objects and returns every finding, suppressed ones included.
 * Rules are deduplicated by id; each object is checked by the rules whose kinds include its kind,
 * and sees the other objects of its unit only.
 */
export function runRules(auditObjects: readonly AuditObject[], rules: readonly Rule[], exemption?: ExemptionLookup): Finding[] {
  const objects = auditObjects.map((object) => ({ ...object, manifest: withApiServerDefaults(object.manifest) }));
  const contexts = contextsByUnit(objects);
  const byKind = indexByKind(rules);
  const anyKind = byKind.get('*') ?? [];
  const applicableByKind = new Map<string, Rule[]>();
  const findings: Finding[] = [];
  for (const object of objects) {
    const kind = text(field(object.manifest, 'kind'));
    let applicable = applicableByKind.get(kind);
    if (!applicable) {
      applicable = [...(byKind.get(kind) ?? []), ...anyKind];
      applicableByKind.set(kind, applicable);
    }
    const annotated = annotationSuppressions(object.manifest);
    for (const [ruleId, reason] of annotated) {
      const fieldPath = `metadata.annotations["suppress.cdk8s-hardened.io/${ruleId}"]`;
      const unknown = unknownRuleId(ruleId);
      if (unknown) {
        findings.push(toFinding(UNKNOWN_SUPPRESSION_RULE, object, { fieldPath, message: `the annotation suppresses nothing: ${unknown}` }, exemption?.(object, UNKNOWN_SUPPRESSION_RULE.id)));
      } else if (reason === '') {
        findings.push(toFinding(SUPPRESSION_RULE, object, { fieldPath, message: `the suppression of ${ruleId} gives no reason, so it is ignored` }, exemption?.(object, SUPPRESSION_RULE.id)));
      }
    }
    // Like INTERNAL-error, a field the audit could not read is never exempted: the object was not fully audited.
    for (const problem of shapeProblems(object.manifest)) findings.push(toFinding(INPUT_RULE, object, problem, undefined));
    for (const rule of applicable) {
      let violations;
      try {
        violations = rule.check(object, contexts.get(object.unit)!);
      } catch (error) {
        findings.push(toFinding(INTERNAL_RULE, object, {
          fieldPath: '(object)',
          message: `rule ${rule.id} failed on this object: ${error instanceof Error ? `${error.name}: ${error.message}` : text(error)}`,
        }, undefined));
        continue;
      }
      if (violations.length === 0) continue;
      const reason = object.suppressions?.get(rule.id) || annotated.get(rule.id) || exemption?.(object, rule.id) || undefined;
      for (const violation of violations) findings.push(toFinding(rule, object, violation, reason));
    }
  }
  return findings;
}

function contextsByUnit(objects: readonly AuditObject[]): Map<string | undefined, AuditContext> {
  const byUnit = new Map<string | undefined, AuditObject[]>();
  for (const object of objects) {
    const unit = byUnit.get(object.unit);
    if (unit) unit.push(object);
    else byUnit.set(object.unit, [object]);
  }
  return new Map([...byUnit].map(([unit, members]) => [unit, new AuditContext(members)]));
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

function toFinding(rule: RuleInfo, object: AuditObject, violation: { fieldPath: string; message: string; fix?: string; severity?: Severity }, reason: string | undefined): Finding {
  const metadata = isObject(field(object.manifest, 'metadata')) ? field(object.manifest, 'metadata') : {};
  const position = object.locate?.(violation.fieldPath);
  return {
    ruleId: rule.id,
    title: rule.title,
    severity: violation.severity ?? rule.severity,
    kind: text(field(object.manifest, 'kind')),
    name: asString(field(metadata, 'name')) || asString(field(metadata, 'generateName')) || '(unnamed)',
    namespace: asString(field(metadata, 'namespace')),
    constructPath: object.constructPath,
    file: object.file,
    line: position?.line ?? object.line,
    column: position?.column,
    objectLine: object.line,
    sourceTemplate: object.sourceTemplate,
    fieldPath: violation.fieldPath,
    message: violation.message,
    fix: violation.fix ?? rule.fix,
    constructFix: violation.fix === undefined ? rule.constructFix : undefined,
    suppressed: reason !== undefined,
    suppressionReason: reason,
  };
}

import { withApiServerDefaults } from './defaults';
import { Finding, RuleInfo, Severity } from './finding';
import { shapeProblems } from './input-shape';
import { AuditContext, AuditObject, Rule } from './rule';
import { asString, field, isObject, text } from './shape';
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
  severityReason: 'HIGH: a suppression without a reason is ignored, so the finding it meant to hide is active; the gate must say why.',
  equivalents: {},
};

/** The engine's own rule: every field a rule reads has the type the API server decodes. */
export const INPUT_RULE: RuleInfo = {
  id: 'INPUT-field-type',
  title: 'Field has the type its kind requires',
  severity: Severity.HIGH,
  kinds: ['*'],
  rationale: 'The API server decodes each field into a typed struct and rejects the whole object when one has the wrong type (a string where a list belongs, a null list item, a number where a port name or a string is expected). Such an object never deploys as written, and the audit cannot vouch for what was meant: the field is read as absent and the other checks still run.',
  fieldPath: 'the field named in the finding',
  fix: 'Give the field the type the finding names (e.g. policyTypes: [Ingress] instead of policyTypes: Ingress, ports: [{port: 80}] instead of ports: 80) and remove null list items.',
  severityReason: 'HIGH: the API server refuses the object, so a deploy fails; and a field the audit cannot read may hide a violation, so the gate must not pass it at --fail-on high.',
  equivalents: {},
};

/** The engine's own rule: a rule failed on an object. The report of everything else is kept. */
export const INTERNAL_RULE: RuleInfo = {
  id: 'INTERNAL-error',
  title: 'A rule failed on this object',
  severity: Severity.CRITICAL,
  kinds: ['*'],
  rationale: 'A rule stopped with an error on this object, so the object was not fully audited. The other rules and objects were; the command exits 3 so that a pipeline can tell this from findings (1) and input errors (2).',
  fieldPath: '(object)',
  fix: 'Report the message with the object to the cdk8s-hardened maintainers; until it is fixed, review the object by hand.',
  severityReason: 'CRITICAL: an object the audit could not evaluate must never pass a gate.',
  equivalents: {},
};

/** The rules the engine itself reports, whatever the packs. */
export const ENGINE_RULES: readonly RuleInfo[] = [SUPPRESSION_RULE, INPUT_RULE, INTERNAL_RULE];

/**
 * Runs rules over objects and returns every finding, suppressed ones included.
 * Rules are deduplicated by id; each object is checked by the rules whose kinds include its kind.
 */
export function runRules(auditObjects: readonly AuditObject[], rules: readonly Rule[]): Finding[] {
  const objects = auditObjects.map((object) => ({ ...object, manifest: withApiServerDefaults(object.manifest) }));
  const context = new AuditContext(objects);
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
      if (reason === '') {
        findings.push(toFinding(SUPPRESSION_RULE, object, {
          fieldPath: `metadata.annotations["suppress.cdk8s-hardened.io/${ruleId}"]`,
          message: `the suppression of ${ruleId} gives no reason, so it is ignored`,
        }, undefined));
      }
    }
    for (const problem of shapeProblems(object.manifest)) findings.push(toFinding(INPUT_RULE, object, problem, undefined));
    for (const rule of applicable) {
      let violations;
      try {
        violations = rule.check(object, context);
      } catch (error) {
        findings.push(toFinding(INTERNAL_RULE, object, {
          fieldPath: '(object)',
          message: `rule ${rule.id} failed on this object: ${error instanceof Error ? `${error.name}: ${error.message}` : text(error)}`,
        }, undefined));
        continue;
      }
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

/**
 * The engine's own rules: findings about suppressions rather than about the workload.
 */
import { RuleInfo, Severity } from './finding';

/** Rule id of the finding raised for a suppression annotation that gives no reason. */
export const SUPPRESSION_WITHOUT_REASON = 'SUPPRESSION-without-reason';
/** Rule id of the finding raised for a suppression annotation that names no known rule. */
export const SUPPRESSION_UNKNOWN_RULE = 'SUPPRESSION-unknown-rule';

/** Suppressions must say why. */
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

/** Suppressions must name a rule that exists. */
export const UNKNOWN_SUPPRESSION_RULE: RuleInfo = {
  id: SUPPRESSION_UNKNOWN_RULE,
  title: 'Suppression annotation names no known rule',
  severity: Severity.MEDIUM,
  kinds: ['*'],
  rationale: 'A misspelt rule id suppresses nothing: the finding it was meant for stays active, or the annotation outlived a renamed rule and now hides nothing while looking like an accepted risk.',
  fieldPath: 'metadata.annotations["suppress.cdk8s-hardened.io/<rule id>"]',
  fix: 'Spell the rule id as the report prints it (cdk8s-hardened audit --explain <rule id> checks it), or remove the annotation.',
  severityReason: 'MEDIUM: the annotation itself harms nothing and the finding it meant to hide stays active, but a misspelt suppression misleads reviewers and must fail the default gate.',
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


/** Every engine rule, in documentation order. */
export const ENGINE_RULES: readonly RuleInfo[] = [SUPPRESSION_RULE, UNKNOWN_SUPPRESSION_RULE, INPUT_RULE, INTERNAL_RULE];

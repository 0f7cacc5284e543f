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
  equivalents: {},
};

/** Every engine rule, in documentation order. */
export const ENGINE_RULES: readonly RuleInfo[] = [SUPPRESSION_RULE, UNKNOWN_SUPPRESSION_RULE];

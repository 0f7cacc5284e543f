import { IConstruct } from 'constructs';
import { unknownRuleId } from './rule-catalog';

/** Annotation prefix for suppressions on an object: `suppress.cdk8s-hardened.io/<rule id>: <reason>`. */
export const SUPPRESSION_ANNOTATION_PREFIX = 'suppress.cdk8s-hardened.io/';

const METADATA_TYPE = 'cdk8s-hardened:suppression';
const RULE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** One suppression: a rule id and why it does not apply. */
export interface Suppression {
  /** The rule id, e.g. `HARD-memory-limit-set`. */
  readonly ruleId: string;
  /** Why the rule does not apply here; required. */
  readonly reason: string;
}

/**
 * Suppressions of policy findings. A suppressed finding still appears in every report, marked
 * suppressed with its reason; a suppression without a reason is rejected.
 */
export class Suppressions {
  /**
   * Suppresses a rule for every object at or below `scope` in the construct tree.
   * Throws when the rule id is not a rule of this library (naming the nearest one) or the reason is empty.
   * @param scope a construct: a chart, a workload, or one ApiObject
   * @param ruleId the rule id, as the report prints it
   * @param reason why the rule does not apply (required, non-empty)
   */
  public static add(scope: IConstruct, ruleId: string, reason: string): void {
    Suppressions.check(ruleId, reason, `construct '${scope.node.path}'`);
    scope.node.addMetadata(METADATA_TYPE, { ruleId, reason: reason.trim() });
  }

  /**
   * The suppressions that apply to a construct: its own and its ancestors', the nearest winning.
   * @param construct the construct
   */
  public static of(construct: IConstruct): Suppression[] {
    const byRule = new Map<string, string>();
    for (const scope of construct.node.scopes) {
      for (const entry of scope.node.metadata) {
        if (entry.type === METADATA_TYPE) byRule.set(entry.data.ruleId, entry.data.reason);
      }
    }
    return [...byRule.entries()].map(([ruleId, reason]) => ({ ruleId, reason }));
  }

  /**
   * The annotation key that suppresses a rule on one object (its value is the reason), for hand-written YAML.
   * Throws when the rule id is not a rule of this library.
   * @param ruleId the rule id
   */
  public static annotationKey(ruleId: string): string {
    Suppressions.checkRuleId(ruleId, 'annotation');
    return `${SUPPRESSION_ANNOTATION_PREFIX}${ruleId}`;
  }

  private static check(ruleId: string, reason: string, where: string): void {
    Suppressions.checkRuleId(ruleId, where);
    if (reason.trim().length === 0) {
      throw new Error(`suppression of ${ruleId} on ${where} has no reason: say why the rule does not apply, e.g. Suppressions.add(scope, '${ruleId}', 'node agent reads host logs')`);
    }
  }

  private static checkRuleId(ruleId: string, where: string): void {
    if (!RULE_ID.test(ruleId)) {
      throw new Error(`rule id '${ruleId}' in a suppression on ${where} is not a rule id: use the id from the report, e.g. 'HARD-memory-limit-set'`);
    }
    const unknown = unknownRuleId(ruleId);
    if (unknown) throw new Error(`suppression on ${where}: ${unknown}`);
  }
}

/** Suppressions written as annotations on a manifest: rule id → reason (possibly empty). */
export function annotationSuppressions(manifest: any): Map<string, string> {
  const result = new Map<string, string>();
  const annotations = manifest?.metadata?.annotations;
  if (!annotations || typeof annotations !== 'object') return result;
  for (const [key, value] of Object.entries(annotations)) {
    if (key.startsWith(SUPPRESSION_ANNOTATION_PREFIX)) {
      result.set(key.slice(SUPPRESSION_ANNOTATION_PREFIX.length), typeof value === 'string' ? value.trim() : '');
    }
  }
  return result;
}

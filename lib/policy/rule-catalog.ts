/**
 * Every rule id this library knows, for checking the ids people write in suppressions and
 * configuration, at every Pod Security Standards level and policy version.
 */
import { NEWEST_KUBERNETES_MINOR } from './api-versions';
import { ENGINE_RULES } from './engine-rules';
import { didYouMean } from './nearest';
import { apiVersionRules } from './rules/api-versions';
import { hardeningRules } from './rules/hardening';
import { podSecurityRules } from './rules/pod-security';
import { rbacRules } from './rules/rbac';
import { LATEST_POLICY_MINOR } from './pss';
import { PodSecurityLevel } from './pod-security-level';

let known: ReadonlySet<string> | undefined;

/** The ids of every rule of every pack at every level and version, and of the engine's rules. */
export function knownRuleIds(): ReadonlySet<string> {
  if (!known) {
    const ids = new Set<string>(ENGINE_RULES.map((rule) => rule.id));
    for (const rule of [...hardeningRules(), ...rbacRules()]) ids.add(rule.id);
    for (const rule of apiVersionRules(NEWEST_KUBERNETES_MINOR)) ids.add(rule.id);
    for (const level of [PodSecurityLevel.BASELINE, PodSecurityLevel.RESTRICTED]) {
      for (let minor = 0; minor <= LATEST_POLICY_MINOR; minor++) {
        for (const rule of podSecurityRules(level, minor)) ids.add(rule.id);
      }
    }
    known = ids;
  }
  return known;
}

/** Why a rule id is not known, with the nearest known one; undefined when it is known. */
export function unknownRuleId(ruleId: string): string | undefined {
  if (knownRuleIds().has(ruleId)) return undefined;
  return `unknown rule id '${ruleId}'${didYouMean(ruleId, knownRuleIds())}`;
}

/**
 * One audit, however it was started (API, command line, cdk8s-cli plugin): options checked,
 * rules selected, engine run, severities and exemptions applied.
 */
import type { AuditOptions } from './audit';
import { AuditScope, checkRuleOptions, exemptionReason } from './config';
import { runRules } from './engine';
import { Finding, RuleInfo } from './finding';
import { PolicyPack } from './pack';
import { AuditReport } from './report';
import { AuditObject, Rule } from './rule';

/**
 * Audits objects whose `unit` is already set for the chosen scope.
 * @param source names the options in error messages, e.g. `AuditOptions` or a file name
 */
export function auditObjects(objects: AuditObject[], options: AuditOptions, source: string): AuditReport {
  const rules = selectRules(options, source);
  const disabled = new Set(options.disableRules ?? []);
  const exemptions = options.exemptions ?? [];
  const findings = runRules(objects, rules, exemptions.length === 0 ? undefined : (object, ruleId) => exemptionReason(exemptions, object.manifest, ruleId))
    .filter((finding) => !disabled.has(finding.ruleId));
  const severities = options.severities ?? {};
  const withSeverity = <T extends Finding | RuleInfo>(item: T, id: string): T => (severities[id] && severities[id] !== item.severity ? { ...item, severity: severities[id] } : item);
  return new AuditReport(
    findings.map((finding) => withSeverity(finding, finding.ruleId)),
    objects.length,
    rules.map(({ check: _check, ...info }) => withSeverity(info, info.id)),
  );
}

/** An object's unit under a scope: its own unit (chart or file), or one pool for `ALL`. */
export function unitFor(scope: AuditScope | undefined, unit: string | undefined): string | undefined {
  return scope === AuditScope.ALL ? undefined : unit;
}

/** Checks options before any object is audited (at construction of a gate); throws like an audit would. */
export function checkAuditOptions(options: AuditOptions, source: string): void {
  selectRules(options, source);
}

function selectRules(options: AuditOptions, source: string): Rule[] {
  const packs = options.packs ?? PolicyPack.defaults();
  if (packs.length === 0) {
    throw new Error('no policy packs given: pass at least one, e.g. PolicyPack.podSecurity() or PolicyPack.hardening(), or omit packs for the defaults');
  }
  checkRuleOptions(options, source);
  const disabled = new Set(options.disableRules ?? []);
  const rules = packs.flatMap((pack) => pack._rules()).filter((rule) => !disabled.has(rule.id));
  const selected = new Set(rules.map((rule) => rule.id));
  const missing = (options.enableRules ?? []).filter((id) => !selected.has(id));
  if (missing.length > 0) {
    const catalog = new Map([...PolicyPack.hardening()._rules(), ...PolicyPack.rbac()._rules(), ...PolicyPack.podSecurity()._rules()].map((rule) => [rule.id, rule]));
    for (const id of missing) {
      const rule = catalog.get(id);
      if (!rule) throw new Error(`${source}: enableRules: rule '${id}' is not a rule of the Hardening or Rbac packs or of PodSecurity at restricted, latest: select the pod-security pack with the level and version that have it`);
      rules.push(rule);
    }
  }
  return rules;
}

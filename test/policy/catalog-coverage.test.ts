/**
 * Every high and medium property of the hardening catalog (../shared/reference/hardening-catalog.json)
 * is either covered by a rule, matched through the rule's `equivalents` against the catalog's check
 * ids, or listed in LEFT_OUT_PROPERTIES with a reason.
 */
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { LEFT_OUT_PROPERTIES } from '../../lib/policy/catalog-coverage';
import { RuleInfo, ToolEquivalents } from '../../lib/policy/finding';
import { PolicyPack } from '../../lib/policy/pack';
import { PodSecurityLevel } from '../../lib/policy/pod-security-level';

const CATALOG = join(__dirname, '..', '..', '..', 'shared', 'reference', 'hardening-catalog.json');
const TOOLS: Record<string, keyof ToolEquivalents> = { 'PSS': 'pss', 'kube-score': 'kubeScore', 'Polaris': 'polaris', 'kube-linter': 'kubeLinter', 'Checkov': 'checkov', 'Trivy': 'trivy' };

interface Source { tool: string; checkId: string; partial?: boolean }
interface Property { id: string; title: string; severityConsensus: string; appliesTo: string[]; sources: Source[] }

function loadCatalog(): Property[] {
  if (!existsSync(CATALOG)) {
    throw new Error(`the hardening catalog is missing at ${CATALOG}: check out the shared reference material next to the repository (../shared/reference)`);
  }
  return JSON.parse(readFileSync(CATALOG, 'utf8')).properties;
}

const properties = loadCatalog();
const rules: RuleInfo[] = [...PolicyPack.defaults(), PolicyPack.podSecurity({ level: PodSecurityLevel.BASELINE })].flatMap((pack) => pack.rules);

/** `tool:checkId` of the full (not partial) checks of a property. */
function checkIds(property: Property): string[] {
  return property.sources.filter((s) => TOOLS[s.tool] && !s.partial).map((s) => `${TOOLS[s.tool]}:${s.checkId}`);
}

/** How many properties each check id appears in: a check shared by several (kube-score container-resources) identifies none of them alone. */
const uses = new Map<string, number>();
for (const property of properties) for (const id of new Set(checkIds(property))) uses.set(id, (uses.get(id) ?? 0) + 1);

function ruleIds(rule: RuleInfo): Set<string> {
  return new Set((Object.keys(rule.equivalents) as (keyof ToolEquivalents)[]).flatMap((tool) => (rule.equivalents[tool] ?? []).map((id) => `${tool}:${id}`)));
}

/** The rules covering a property: those naming a check specific to it (or any of its checks when none is specific). */
function coveringRules(property: Property): string[] {
  const ids = checkIds(property);
  const specific = ids.filter((id) => uses.get(id) === 1);
  const wanted = specific.length > 0 ? specific : ids;
  return [...new Set(rules.filter((rule) => wanted.some((id) => ruleIds(rule).has(id))).map((rule) => rule.id))];
}

const HIGH_AND_MEDIUM = properties.filter((p) => p.severityConsensus === 'HIGH' || p.severityConsensus === 'MEDIUM');
const leftOut = new Map(LEFT_OUT_PROPERTIES.map((entry) => [entry.property, entry]));

describe('coverage of the hardening catalog', () => {
  test('the catalog is the one the rules were written against', () => {
    expect(properties.length).toBe(94);
    expect(HIGH_AND_MEDIUM.length).toBe(69);
  });

  test.each(HIGH_AND_MEDIUM.map((p) => [p.id, p] as const))('%s is covered by a rule or left out with a reason', (_id, property) => {
    const covering = coveringRules(property);
    const entry = leftOut.get(property.id);
    if (entry) {
      expect(entry.reason.length).toBeGreaterThan(40);
      expect(covering).toEqual([]);
    } else {
      expect(covering.length).toBeGreaterThan(0);
    }
  });

  test('every left-out entry names a high or medium catalog property once, with its title', () => {
    expect(new Set(LEFT_OUT_PROPERTIES.map((e) => e.property)).size).toBe(LEFT_OUT_PROPERTIES.length);
    for (const entry of LEFT_OUT_PROPERTIES) {
      const property = HIGH_AND_MEDIUM.find((p) => p.id === entry.property);
      expect(property).toBeDefined();
    }
  });

  test('every check id a rule names as equivalent exists in the catalog for that tool (RBAC rules aside: the only RBAC property of the catalog is the default ServiceAccount one)', () => {
    const rbacKinds = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'];
    expect(properties.filter((p) => p.appliesTo.some((kind: string) => rbacKinds.includes(kind))).map((p) => p.id)).toEqual(['no-default-service-account']);
    const known = new Set(properties.flatMap((p) => p.sources.filter((s) => TOOLS[s.tool]).map((s) => `${TOOLS[s.tool]}:${s.checkId}`)));
    const unknown = rules.filter((rule) => !rule.id.startsWith('RBAC-')).flatMap((rule) => [...ruleIds(rule)].filter((id) => !known.has(id)).map((id) => `${rule.id} -> ${id}`));
    expect(unknown).toEqual([]);
  });

  test('Service and Ingress exposure properties are covered by the Hardening exposure rules', () => {
    const covering = (id: string) => coveringRules(properties.find((p) => p.id === id)!);
    expect(covering('service-type-not-nodeport')).toEqual(['HARD-service-exposure']);
    expect(covering('service-no-external-ips')).toEqual(['HARD-service-external-ips']);
    expect(covering('ingress-tls')).toEqual(['HARD-ingress-tls']);
  });

  test('the liveness probe rule is LOW: reported, below the default --fail-on medium', () => {
    const liveness = properties.find((p) => p.id === 'liveness-probe-set')!;
    expect(coveringRules(liveness)).toEqual(['HARD-liveness-probe-set']);
    expect(rules.find((r) => r.id === 'HARD-liveness-probe-set')!.severity).toBe('low');
  });
});

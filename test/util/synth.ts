/**
 * The one way tests synthesize: every manifest goes through the strict schema check and the
 * project's policy packs: the Pod Security Standards `restricted` profile at policy versions
 * v1.28 and latest, the Hardening pack, the API versions of the newest known Kubernetes release, and the Rbac pack. Suppressed findings (with their reason) are allowed;
 * active findings fail the test unless the test names the rule in `expectFindings`.
 */
import { Chart, Testing } from 'cdk8s';
import { KubernetesVersion } from '../../lib/kubernetes-version';
import { runRules } from '../../lib/policy/engine';
import { Finding } from '../../lib/policy/finding';
import { PodSecurityLevel } from '../../lib/policy/pod-security-level';
import { parsePolicyVersion } from '../../lib/policy/pss';
import { NEWEST_KUBERNETES_MINOR } from '../../lib/policy/api-versions';
import { AuditObject, Rule } from '../../lib/policy/rule';
import { apiVersionRules } from '../../lib/policy/rules/api-versions';
import { hardeningRules } from '../../lib/policy/rules/hardening';
import { podSecurityRules } from '../../lib/policy/rules/pod-security';
import { rbacRules } from '../../lib/policy/rules/rbac';
import { schemaErrors } from './schema';

const RULE_SETS: Rule[][] = [
  [...podSecurityRules(PodSecurityLevel.RESTRICTED, parsePolicyVersion('v1.28')), ...hardeningRules(), ...apiVersionRules(NEWEST_KUBERNETES_MINOR), ...rbacRules()],
  podSecurityRules(PodSecurityLevel.RESTRICTED, parsePolicyVersion('latest')),
];

/** Options of `synth`. */
export interface SynthOptions {
  /** Rule ids the test expects active findings for (each must occur); all other rules must pass. */
  readonly expectFindings?: string[];
  /** The Kubernetes version whose schema the manifests must match; `synth` takes the chart's. */
  readonly kubernetesVersion?: KubernetesVersion;
}

/** Every finding of the project's packs for a set of manifests. */
export function policyFindings(manifests: any[]): Finding[] {
  const objects: AuditObject[] = manifests.map((manifest) => ({ manifest }));
  return RULE_SETS.flatMap((rules) => runRules(objects, rules));
}

/** Problems of a set of manifests: schema errors and unexpected active policy findings. */
export function manifestProblems(manifests: any[], options: SynthOptions = {}): string[] {
  const expected = new Set(options.expectFindings ?? []);
  const problems = manifests.flatMap((m) => schemaErrors(m, options.kubernetesVersion));
  const active = policyFindings(manifests).filter((f) => !f.suppressed);
  for (const finding of active.filter((f) => !expected.has(f.ruleId))) {
    problems.push(`${finding.kind}/${finding.name}: ${finding.ruleId} at ${finding.fieldPath}: ${finding.message}`);
  }
  for (const ruleId of expected) {
    if (!active.some((f) => f.ruleId === ruleId)) problems.push(`expected a ${ruleId} finding, found none`);
  }
  return problems;
}

/** Throws with every problem listed when any manifest is invalid. */
export function assertValidManifests(manifests: any[], options: SynthOptions = {}): void {
  const problems = manifestProblems(manifests, options);
  if (problems.length > 0) {
    throw new Error(`${problems.length} manifest problem(s):\n  ${problems.join('\n  ')}`);
  }
}

/** Synthesizes a chart and checks every manifest at the chart's Kubernetes version; returns the manifests. */
export function synth(chart: Chart, options: SynthOptions = {}): any[] {
  const manifests = Testing.synth(chart);
  assertValidManifests(manifests, { kubernetesVersion: targetVersion(chart), ...options });
  return manifests;
}

/** The newest Kubernetes version the chart or any construct in it targets. */
function targetVersion(chart: Chart): KubernetesVersion {
  const versions = [KubernetesVersion.forScope(chart), ...chart.node.findAll().map((c: any) => c.kubernetesVersion).filter((v) => v instanceof KubernetesVersion)];
  return versions.reduce((newest, v) => (v.isAtLeast(newest) ? v : newest));
}

/** A fresh chart in a fresh app, with a namespace. */
export function chart(namespace = 'shop'): Chart {
  const app = Testing.app();
  return new Chart(app, 'test', { namespace });
}

/** The single manifest of a kind; fails when there is not exactly one. */
export function only(manifests: any[], kind: string): any {
  const found = manifests.filter((m) => m.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0];
}

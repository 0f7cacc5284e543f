import { ConstructPathIndex, objectKey } from './construct-paths';
import { runRules } from './engine';
import { Finding, parseSeverity, severityRank } from './finding';
import { PolicyPack } from './pack';
import { PodSecurityLevel } from './pod-security-level';
import { AuditReport } from './report';
import { AuditObject } from './rule';

/** The `properties` of the plugin in `cdk8s.yaml`. */
export interface HardenedValidationProperties {
  /**
   * Packs to apply: `pod-security`, `hardening`, `rbac`.
   * @default - all three
   */
  readonly packs?: string[];
  /**
   * Pod Security Standards level: `baseline` or `restricted`.
   * @default 'restricted'
   */
  readonly level?: string;
  /**
   * Pod Security Standards policy version: `latest` or `v1.N`.
   * @default 'latest'
   */
  readonly version?: string;
  /**
   * Lowest severity that fails the synthesis: `low`, `medium`, `high` or `critical`.
   * Every active finding is reported; only these fail.
   * @default 'low'
   */
  readonly failOn?: string;
}

/**
 * A cdk8s-cli validation plugin, so `cdk8s synth` audits an existing app unchanged. In `cdk8s.yaml`,
 * with `package` pointing at the installed copy (a bare package name makes cdk8s-cli install a
 * second copy from the registry):
 *
 * ```yaml
 * validations:
 *   - package: ./node_modules/cdk8s-hardened
 *     version: 0.1.0
 *     class: HardenedValidation
 *     properties: { failOn: medium }
 * ```
 */
export class HardenedValidation {
  private readonly packs: PolicyPack[];
  private readonly failOnRank: number;

  constructor(properties: HardenedValidationProperties = {}) {
    this.packs = HardenedValidation.packsFrom(properties);
    this.failOnRank = severityRank(parseSeverity(properties.failOn ?? 'low'));
  }

  /**
   * Called by the cdk8s CLI after synthesis with its validation context
   * (the manifest paths, construct metadata, the report to fill).
   * @param context the cdk8s-cli `ValidationContext`
   */
  public async validate(context: any): Promise<void> {
    const parsed: Array<{ manifest: any; file: string }> = [];
    for (const manifestPath of context.manifests as string[]) {
      for (const manifest of context.parseManifest(manifestPath)) {
        if (!manifest || typeof manifest !== 'object' || !manifest.kind) continue;
        parsed.push({ manifest, file: manifestPath });
      }
    }
    const nameCounts = new Map<string, number>();
    for (const { manifest } of parsed) {
      const name = manifest.metadata?.name;
      if (typeof name === 'string') nameCounts.set(name, (nameCounts.get(name) ?? 0) + 1);
    }
    const paths = ConstructPathIndex.load(context.manifests, context.metadata, nameCounts);
    const objects: AuditObject[] = parsed.map(({ manifest, file }) => ({ manifest, file, constructPath: paths.pathOf(manifest, file) }));
    const findings = runRules(objects, this.packs.flatMap((pack) => pack._rules()));
    const report = new AuditReport(findings, objects.length, this.packs.flatMap((pack) => pack.rules));
    for (const finding of report.suppressed) {
      context.logger.log(`suppressed ${finding.ruleId} on ${finding.kind}/${finding.name}: ${finding.suppressionReason}`);
    }
    const failing = report.active.filter((f) => severityRank(f.severity) >= this.failOnRank);
    for (const group of groupByRuleAndFile(report.active)) {
      context.report.addViolation({
        ruleName: `${group[0].ruleId} (${group[0].severity}): ${group[0].title}`,
        recommendation: group.map((f) => f.message).filter((m, i, all) => all.indexOf(m) === i).join('; '),
        fix: group[0].fix,
        violatingResources: group.map((f) => ({ resourceName: resourceName(context, f), locations: [f.fieldPath], manifestPath: f.file ?? '' })),
      });
    }
    context.report.submit(failing.length > 0 ? 'failure' : 'success', {
      objects: String(objects.length),
      findings: String(report.active.length),
      suppressed: String(report.suppressed.length),
    });
  }

  private static packsFrom(properties: HardenedValidationProperties): PolicyPack[] {
    const names = properties.packs ?? ['pod-security', 'hardening', 'rbac'];
    const level = properties.level ?? 'restricted';
    if (level !== PodSecurityLevel.BASELINE && level !== PodSecurityLevel.RESTRICTED) {
      throw new Error(`level '${level}' is not a Pod Security Standards level: use 'baseline' or 'restricted'`);
    }
    return names.map((name) => {
      if (name === 'pod-security') return PolicyPack.podSecurity({ level: level as PodSecurityLevel, version: properties.version });
      if (name === 'hardening') return PolicyPack.hardening();
      if (name === 'rbac') return PolicyPack.rbac();
      throw new Error(`pack '${name}' is not known: use 'pod-security', 'hardening' or 'rbac'`);
    });
  }
}

/**
 * The resource name of a finding in the cdk8s-cli report: kind, namespace and name. The report
 * looks construct paths up by resource name when a violation is added, so the finding's own path
 * is registered under it just before; a finding whose path is unknown shows none rather than
 * another object's. Names of Kubernetes objects never contain '/', so these keys never replace
 * an entry of cdk8s's own metadata.
 */
function resourceName(context: any, finding: Finding): string {
  const key = objectKey(finding.kind, finding.namespace, finding.name);
  if (context.metadata && typeof context.metadata === 'object') {
    if (finding.constructPath !== undefined) context.metadata[key] = { path: finding.constructPath };
    else delete context.metadata[key];
  }
  return key;
}

/** Findings grouped by rule and manifest file: within one file, kind, namespace and name are unique. */
function groupByRuleAndFile(findings: Finding[]): Finding[][] {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const key = `${finding.ruleId}\u0000${finding.file ?? ''}`;
    const group = groups.get(key);
    if (group) group.push(finding);
    else groups.set(key, [finding]);
  }
  return [...groups.values()];
}

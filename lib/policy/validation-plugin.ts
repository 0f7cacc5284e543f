import { auditObjects, checkAuditOptions, unitFor } from './audit-run';
import { AuditConfig, AuditSettings } from './config';
import { ConstructPathIndex, objectKey } from './construct-paths';
import { Finding, Severity } from './finding';
import { AuditObject } from './rule';
import type { AuditOptions } from './audit';

/**
 * The `properties` of the plugin in `cdk8s.yaml`: the keys of `.cdk8s-hardened.yaml`, which win
 * over the file's, and the file to read.
 */
export interface HardenedValidationProperties extends AuditSettings {
  /**
   * The configuration file to read; its settings give way to the properties given here.
   * @default - the nearest `.cdk8s-hardened.yaml` from the working directory upwards, if any
   */
  readonly config?: string;
}

const SOURCE = 'HardenedValidation properties';

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
  private readonly options: AuditOptions;
  private readonly source: string;

  /**
   * Reads the configuration file and checks every setting; throws naming the property or file, the value and the fix.
   * @param properties the plugin's properties from `cdk8s.yaml`
   */
  constructor(properties: HardenedValidationProperties = {}) {
    const { config, ...settings } = properties ?? {};
    const own = AuditConfig.validate(settings, SOURCE);
    const file = config ?? AuditConfig.find(process.cwd());
    this.source = file ? `${SOURCE} and ${file}` : SOURCE;
    const merged = file ? AuditConfig.merge(AuditConfig.load(file), own) : own;
    this.options = AuditConfig.toOptions(merged, this.source);
    checkAuditOptions(this.options, this.source);
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
    const objects: AuditObject[] = parsed.map(({ manifest, file }) => ({
      manifest, file, constructPath: paths.pathOf(manifest, file),
      // cdk8s writes one file per chart, so a chart's unit is its file
      unit: unitFor(this.options.scope, file),
    }));
    const report = auditObjects(objects, this.options, this.source);
    for (const finding of report.suppressed) {
      context.logger.log(`suppressed ${finding.ruleId} on ${finding.kind}/${finding.name}: ${finding.suppressionReason}`);
    }
    const failing = report.failing(this.options.failOn ?? Severity.LOW);
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

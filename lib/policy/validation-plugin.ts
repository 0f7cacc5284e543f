import { auditObjects, checkAuditOptions, unitFor } from './audit-run';
import { AuditConfig, AuditSettings } from './config';
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
 * A cdk8s-cli validation plugin, so `cdk8s synth` audits an existing app unchanged. In `cdk8s.yaml`:
 *
 * ```yaml
 * validations:
 *   - package: cdk8s-hardened
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
    const objects: AuditObject[] = [];
    for (const manifestPath of context.manifests as string[]) {
      for (const manifest of context.parseManifest(manifestPath)) {
        if (!manifest || typeof manifest !== 'object' || !manifest.kind) continue;
        objects.push({
          manifest, file: manifestPath, constructPath: context.metadata?.[manifest.metadata?.name]?.path,
          // cdk8s writes one file per chart, so a chart's unit is its file
          unit: unitFor(this.options.scope, manifestPath),
        });
      }
    }
    const report = auditObjects(objects, this.options, this.source);
    for (const finding of report.suppressed) {
      context.logger.log(`suppressed ${finding.ruleId} on ${finding.kind}/${finding.name}: ${finding.suppressionReason}`);
    }
    const failing = report.failing(this.options.failOn ?? Severity.LOW);
    for (const [ruleId, group] of groupByRule(report.active)) {
      context.report.addViolation({
        ruleName: `${ruleId} (${group[0].severity}): ${group[0].title}`,
        recommendation: group.map((f) => f.message).filter((m, i, all) => all.indexOf(m) === i).join('; '),
        fix: group[0].fix,
        violatingResources: group.map((f) => ({ resourceName: f.name, locations: [f.fieldPath], manifestPath: f.file ?? '' })),
      });
    }
    context.report.submit(failing.length > 0 ? 'failure' : 'success', {
      objects: String(objects.length),
      findings: String(report.active.length),
      suppressed: String(report.suppressed.length),
    });
  }
}

function groupByRule(findings: Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const group = groups.get(finding.ruleId);
    if (group) group.push(finding);
    else groups.set(finding.ruleId, [finding]);
  }
  return groups;
}

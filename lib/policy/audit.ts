import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { auditObjects, checkAuditOptions, unitFor } from './audit-run';
import { AuditScope, Exemption } from './config';
import { recordConstructPaths } from './construct-paths';
import { Severity } from './finding';
import { PolicyPack } from './pack';
import { AuditReport } from './report';
import { AuditObject } from './rule';
import { Suppressions } from './suppressions';

/**
 * What to audit and from which severity findings fail. The same settings can come from a
 * `.cdk8s-hardened.yaml` file: `AuditConfig.toOptions(AuditConfig.load(path))`.
 */
export interface AuditOptions {
  /**
   * The packs to apply.
   * @default PolicyPack.defaults() - PodSecurity restricted at `latest`, Hardening, ApiVersions for the newest known Kubernetes release, and Rbac
   */
  readonly packs?: PolicyPack[];
  /**
   * Active (unsuppressed) findings at or above this severity fail `assertCompliant` and `enforce`.
   * @default Severity.LOW - every active finding fails
   */
  readonly failOn?: Severity;
  /**
   * Which objects the cross-object rules (PodDisruptionBudget, NetworkPolicy, Service and
   * autoscaler targets) look at together.
   * @default AuditScope.CHART - each outermost Chart is a deployable unit of its own
   */
  readonly scope?: AuditScope;
  /**
   * Rule ids to apply although their pack is not selected. Unknown ids are errors.
   * @default - none
   */
  readonly enableRules?: string[];
  /**
   * Rule ids not to apply. Unknown ids are errors.
   * @default - none
   */
  readonly disableRules?: string[];
  /**
   * Severity per rule id, replacing the rule's own. Unknown ids are errors.
   * @default - each rule's own severity
   */
  readonly severities?: { [ruleId: string]: Severity };
  /**
   * Objects some rules do not apply to, each with a reason; their findings are reported as suppressed.
   * @default - none
   */
  readonly exemptions?: Exemption[];
}

/**
 * The policy engine for a construct tree: findings as data, an assertion for unit tests, and a
 * synthesis gate. Works on any cdk8s App or Chart, also ones built only from cdk8s-plus or raw ApiObjects.
 */
export class Audit {
  /**
   * Audits every ApiObject at or below `construct` and returns the report (nothing is thrown for findings;
   * invalid options throw). Suppressions given with `Suppressions.add` or as annotations, and
   * exemptions, are reported as suppressed.
   * @param construct an App, a Chart, or any construct
   */
  public static of(construct: IConstruct, options: AuditOptions = {}): AuditReport {
    const objects: AuditObject[] = construct.node.findAll()
      .filter((c): c is ApiObject => c instanceof ApiObject)
      .map((apiObject) => ({
        manifest: apiObject.toJson(),
        constructPath: apiObject.node.path,
        suppressions: new Map(Suppressions.of(apiObject).map((s) => [s.ruleId, s.reason])),
        unit: unitFor(options.scope, outermostChart(apiObject)),
      }));
    return auditObjects(objects, options, 'AuditOptions');
  }

  /**
   * Audits plain manifests (e.g. from `Testing.synth(chart)` or parsed YAML), all as one unit.
   * @param manifests Kubernetes objects as JSON
   */
  public static manifests(manifests: any[], options: AuditOptions = {}): AuditReport {
    return auditObjects(manifests.map((manifest) => ({ manifest })), options, 'AuditOptions');
  }

  /**
   * Throws an error whose message is the readable report when any active finding is at or above
   * `failOn`; for unit tests: `Audit.assertCompliant(chart)`.
   * @param construct an App, a Chart, or any construct
   */
  public static assertCompliant(construct: IConstruct, options: AuditOptions = {}): void {
    const report = Audit.of(construct, options);
    const failOn = options.failOn ?? Severity.LOW;
    recordConstructPaths(construct);
    if (!report.isClean(failOn)) {
      throw new Error(`policy audit of '${construct.node.path || 'app'}' failed:\n${report.toText()}`);
    }
  }

  /**
   * Makes synthesis fail with the report when any active finding is at or above `failOn`
   * (a validation on `construct`, run by `app.synth()` and `cdk8s synth`). Invalid options throw here.
   * @param construct an App or a Chart
   */
  public static enforce(construct: IConstruct, options: AuditOptions = {}): void {
    checkAuditOptions(options, 'AuditOptions');
    const failOn = options.failOn ?? Severity.LOW;
    construct.node.addValidation({
      validate: () => {
        const report = Audit.of(construct, options);
        return report.isClean(failOn) ? [] : [`policy audit failed:\n${report.toText()}`];
      },
    });
  }
}

/** The path of the outermost Chart above a construct: the chart that owns its nested charts. */
function outermostChart(construct: IConstruct): string | undefined {
  return construct.node.scopes.find((scope) => Chart.isChart(scope))?.node.path;
}

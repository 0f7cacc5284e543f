import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { recordConstructPaths } from './construct-paths';
import { runRules } from './engine';
import { Severity } from './finding';
import { PolicyPack } from './pack';
import { AuditReport } from './report';
import { AuditObject } from './rule';
import { Suppressions } from './suppressions';

/** Which packs to apply, and from which severity findings fail. */
export interface AuditOptions {
  /**
   * The packs to apply.
   * @default PolicyPack.defaults() - PodSecurity restricted at `latest`, Hardening and Rbac
   */
  readonly packs?: PolicyPack[];
  /**
   * Active (unsuppressed) findings at or above this severity fail `assertCompliant` and `enforce`.
   * @default Severity.LOW - every active finding fails
   */
  readonly failOn?: Severity;
}

/**
 * The policy engine for a construct tree: findings as data, an assertion for unit tests, and a
 * synthesis gate. Works on any cdk8s App or Chart, also ones built only from cdk8s-plus or raw ApiObjects.
 */
export class Audit {
  /**
   * Audits every ApiObject at or below `scope` and returns the report (nothing is thrown).
   * Suppressions given with `Suppressions.add` or as annotations are reported as suppressed.
   * @param scope an App, a Chart, or any construct
   */
  public static of(scope: IConstruct, options: AuditOptions = {}): AuditReport {
    const objects: AuditObject[] = scope.node.findAll()
      .filter((c): c is ApiObject => c instanceof ApiObject)
      .map((apiObject) => ({
        manifest: apiObject.toJson(),
        constructPath: apiObject.node.path,
        suppressions: new Map(Suppressions.of(apiObject).map((s) => [s.ruleId, s.reason])),
      }));
    return Audit.run(objects, options);
  }

  /**
   * Audits plain manifests (e.g. from `Testing.synth(chart)` or parsed YAML).
   * @param manifests Kubernetes objects as JSON
   */
  public static manifests(manifests: any[], options: AuditOptions = {}): AuditReport {
    return Audit.run(manifests.map((manifest) => ({ manifest })), options);
  }

  /**
   * Throws an error whose message is the readable report when any active finding is at or above
   * `failOn`; for unit tests: `Audit.assertCompliant(chart)`.
   * @param scope an App, a Chart, or any construct
   */
  public static assertCompliant(scope: IConstruct, options: AuditOptions = {}): void {
    const report = Audit.of(scope, options);
    const failOn = options.failOn ?? Severity.LOW;
    recordConstructPaths(scope);
    if (!report.isClean(failOn)) {
      throw new Error(`policy audit of '${scope.node.path || 'app'}' failed:\n${report.toText()}`);
    }
  }

  /**
   * Makes synthesis fail with the report when any active finding is at or above `failOn`
   * (a validation on `scope`, run by `app.synth()` and `cdk8s synth`).
   * @param scope an App or a Chart
   */
  public static enforce(scope: IConstruct, options: AuditOptions = {}): void {
    const failOn = options.failOn ?? Severity.LOW;
    scope.node.addValidation({
      validate: () => {
        const report = Audit.of(scope, options);
        return report.isClean(failOn) ? [] : [`policy audit failed:\n${report.toText()}`];
      },
    });
  }

  private static run(objects: AuditObject[], options: AuditOptions): AuditReport {
    const packs = options.packs ?? PolicyPack.defaults();
    if (packs.length === 0) {
      throw new Error('no policy packs given: pass at least one, e.g. PolicyPack.podSecurity() or PolicyPack.hardening(), or omit packs for the defaults');
    }
    const rules = packs.flatMap((pack) => pack._rules());
    const findings = runRules(objects, rules);
    return new AuditReport(findings, objects.length, packs.flatMap((pack) => pack.rules));
  }
}

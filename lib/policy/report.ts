import { Finding, RuleInfo, Severity, severityRank } from './finding';
import { sarifLog } from './report-sarif';
import { reportText } from './report-text';

/** Options of `AuditReport.toText`. */
export interface TextReportOptions {
  /**
   * Colour severities and headings with ANSI escape codes.
   * @default false
   */
  readonly color?: boolean;
}

/** Options of `AuditReport.toSarif`. */
export interface SarifReportOptions {
  /**
   * Directory that artifact URIs are made relative to, so the log is portable between checkouts.
   * Files outside it keep their absolute path as a `file://` URI.
   * @default - the current working directory
   */
  readonly baseDirectory?: string;
}

/**
 * The result of an audit: every finding, suppressed ones included, and the rules that were applied.
 * Renders as readable text, as JSON (`toJson`, described by `report.schema.json`) and as SARIF 2.1.0.
 */
export class AuditReport {
  /** Version of the `toJson` shape; raised only on an incompatible change. */
  public static readonly JSON_VERSION = 1;

  /** Every finding, active and suppressed, in the order of the audited objects. */
  public readonly findings: Finding[];
  /** Number of objects audited. */
  public readonly objectCount: number;
  /** The rules applied. */
  public readonly rules: RuleInfo[];

  /**
   * @param findings every finding of the audit, suppressed ones included
   * @param objectCount the number of objects audited
   * @param rules the rules that were applied
   */
  constructor(findings: Finding[], objectCount: number, rules: RuleInfo[]) {
    this.findings = findings;
    this.objectCount = objectCount;
    this.rules = rules;
  }

  /** Findings no suppression covers: the ones that count. */
  public get active(): Finding[] {
    return this.findings.filter((finding) => !finding.suppressed);
  }

  /** Findings covered by a suppression with a reason; still reported, never counted. */
  public get suppressed(): Finding[] {
    return this.findings.filter((finding) => finding.suppressed);
  }

  /**
   * Active findings at or above a severity.
   * @param threshold the lowest severity that counts
   */
  public failing(threshold: Severity): Finding[] {
    const rank = severityRank(threshold);
    return this.active.filter((finding) => severityRank(finding.severity) >= rank);
  }

  /**
   * True when no active finding is at or above the threshold.
   * @param threshold the lowest severity that counts
   * @default Severity.LOW - any active finding makes the report unclean
   */
  public isClean(threshold?: Severity): boolean {
    return this.failing(threshold ?? Severity.LOW).length === 0;
  }

  /** Number of active findings per severity: `{ critical, high, medium, low }`. */
  public countsBySeverity(): { [severity: string]: number } {
    const counts: { [severity: string]: number } = { critical: 0, high: 0, medium: 0, low: 0 };
    for (const finding of this.active) counts[finding.severity] += 1;
    return counts;
  }

  /**
   * The report for people: findings grouped by object (kind, namespace/name, file:line or
   * construct path), each with severity, rule id, field path and message, and each distinct fix
   * once per object (for YAML input in Kubernetes terms first, then the cdk8s-hardened way; for a
   * construct tree the other way round); suppressed and exempted findings with their reason; and
   * a summary line.
   */
  public toText(options: TextReportOptions = {}): string {
    return reportText(this, options.color ?? false);
  }

  /**
   * The report as JSON, version 1:
   * `{ version: 1, summary: { objects, rules, active, suppressed, bySeverity: { critical, high, medium, low } }, findings: [...] }`.
   * Each finding has `ruleId`, `title`, `severity`, `kind`, `name`, `fieldPath`, `message`, `fix`
   * and `suppressed`, and, when known, `namespace`, `constructPath`, `file`, `line` and `column`
   * (of the offending field), `objectLine`, `sourceTemplate` (the Helm template), `constructFix`
   * and `suppressionReason` (also the reason of a configured exemption). The JSON Schema is `lib/policy/report.schema.json`.
   */
  public toJson(): any {
    return {
      version: AuditReport.JSON_VERSION,
      summary: {
        objects: this.objectCount,
        rules: new Set(this.rules.map((rule) => rule.id)).size,
        active: this.active.length,
        suppressed: this.suppressed.length,
        bySeverity: this.countsBySeverity(),
      },
      findings: this.findings.map(findingJson),
    };
  }

  /**
   * The report as a SARIF 2.1.0 log with one run, for code-scanning tools: every rule with its
   * documentation, every finding as a result located by file, line and column (a URI relative to
   * `%SRCROOT%`, the base directory) and by `kind/namespace/name` and construct path; suppressed findings carry an `inSource` suppression with the reason.
   */
  public toSarif(options: SarifReportOptions = {}): any {
    return sarifLog(this, options.baseDirectory ?? process.cwd());
  }
}

/** A finding as JSON: fields without a value are left out, never null. */
function findingJson(finding: Finding): any {
  const json: Record<string, unknown> = {
    ruleId: finding.ruleId,
    title: finding.title,
    severity: finding.severity,
    kind: finding.kind,
    name: finding.name,
    namespace: finding.namespace,
    constructPath: finding.constructPath,
    file: finding.file,
    line: finding.line,
    column: finding.column,
    objectLine: finding.objectLine,
    sourceTemplate: finding.sourceTemplate,
    fieldPath: finding.fieldPath,
    message: finding.message,
    fix: finding.fix,
    constructFix: finding.constructFix,
    suppressed: finding.suppressed,
    suppressionReason: finding.suppressionReason,
  };
  for (const key of Object.keys(json)) if (json[key] === undefined) delete json[key];
  return json;
}

/** How serious a finding is, lowest first. */
export enum Severity {
  LOW = 'low',
  MEDIUM = 'medium',
  HIGH = 'high',
  CRITICAL = 'critical',
}

const ORDER: Severity[] = [Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL];

/** Rank of a severity: LOW 0 ... CRITICAL 3. */
export function severityRank(severity: Severity): number {
  return ORDER.indexOf(severity);
}

/** Parses a severity name; throws naming the value and the accepted names. */
export function parseSeverity(value: string): Severity {
  const found = ORDER.find((s) => s === value.toLowerCase());
  if (!found) {
    throw new Error(`severity '${value}' is not known: use one of ${ORDER.join(', ')}`);
  }
  return found;
}

/** The check ids of other tools that test the same property. */
export interface ToolEquivalents {
  /** Pod Security Standards check ids. @default - none */
  readonly pss?: string[];
  /** kube-score check ids. @default - none */
  readonly kubeScore?: string[];
  /** Polaris check ids. @default - none */
  readonly polaris?: string[];
  /** kube-linter check ids. @default - none */
  readonly kubeLinter?: string[];
  /** Checkov check ids. @default - none */
  readonly checkov?: string[];
  /** Trivy (trivy-checks) ids. @default - none */
  readonly trivy?: string[];
}

/** What a rule checks and how to fix a violation. */
export interface RuleInfo {
  /** Stable rule id, e.g. `PSS-runAsNonRoot` or `HARD-read-only-root-fs`. */
  readonly id: string;
  /** One-line title. */
  readonly title: string;
  /** Severity of a violation. */
  readonly severity: Severity;
  /** Kinds the rule applies to. */
  readonly kinds: string[];
  /** Why the rule exists: the failure it prevents. */
  readonly rationale: string;
  /** The field(s) the rule reads. */
  readonly fieldPath: string;
  /** How to fix a violation in Kubernetes terms: the fields to set and their values. */
  readonly fix: string;
  /**
   * How to fix a violation with this library's constructs, when they have a way.
   * @default - the constructs offer nothing beyond the Kubernetes fix
   */
  readonly constructFix?: string;
  /**
   * Why the rule has its severity, against the severities other tools give the same check.
   * @default - not documented
   */
  readonly severityReason?: string;
  /** Equivalent checks of other tools. */
  readonly equivalents: ToolEquivalents;
}

/** One violation of one rule by one object. */
export interface Finding {
  /** Rule id. */
  readonly ruleId: string;
  /** Rule title. */
  readonly title: string;
  /** Severity. */
  readonly severity: Severity;
  /** Kind of the object. */
  readonly kind: string;
  /** Name of the object. */
  readonly name: string;
  /** Namespace of the object. @default - cluster-scoped or not set */
  readonly namespace?: string;
  /** Construct path of the object, when audited in a construct tree. @default - not from a construct tree */
  readonly constructPath?: string;
  /** File the object came from, when audited from files. @default - not from a file */
  readonly file?: string;
  /**
   * 1-based line of the offending field in the file (of its nearest ancestor that is written, when
   * the field is absent). @default - not from a file
   */
  readonly line?: number;
  /** 1-based column of the offending field (or its nearest written ancestor) in the file. @default - not from a file */
  readonly column?: number;
  /** 1-based line where the object starts in the file. @default - not from a file */
  readonly objectLine?: number;
  /**
   * The Helm template the object was rendered from, from the `# Source: chart/templates/x.yaml`
   * comment `helm template` writes before each document. @default - no `# Source:` comment
   */
  readonly sourceTemplate?: string;
  /** Path of the offending field inside the object, e.g. `spec.template.spec.containers[0].securityContext`. */
  readonly fieldPath: string;
  /** What is wrong, specifically. */
  readonly message: string;
  /** How to fix it, in Kubernetes terms. */
  readonly fix: string;
  /** How to fix it with this library's constructs. @default - the rule gives no construct fix */
  readonly constructFix?: string;
  /** True when a suppression with a reason covers this finding. */
  readonly suppressed: boolean;
  /** The reason given for the suppression. @default - not suppressed */
  readonly suppressionReason?: string;
}

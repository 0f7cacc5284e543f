/**
 * The audit report as text for a terminal or a CI log.
 */
import { Finding, Severity, severityRank } from './finding';
import type { AuditReport } from './report';

const ANSI = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  red: '\u001b[31m',
  yellow: '\u001b[33m',
  cyan: '\u001b[36m',
  magenta: '\u001b[35m',
};

const SEVERITY_STYLE: Record<Severity, string> = {
  [Severity.CRITICAL]: ANSI.bold + ANSI.magenta,
  [Severity.HIGH]: ANSI.bold + ANSI.red,
  [Severity.MEDIUM]: ANSI.yellow,
  [Severity.LOW]: ANSI.cyan,
};

/** Width of the severity column, so rule ids line up. */
const SEVERITY_WIDTH = 'suppressed'.length;
const INDENT = ' '.repeat(2 + SEVERITY_WIDTH + 1);

type Paint = (style: string, text: string) => string;

/** Renders the report: one block per object with findings, then the summary line. */
export function reportText(report: AuditReport, color: boolean): string {
  const paint: Paint = color ? (style, text) => `${style}${text}${ANSI.reset}` : (_style, text) => text;
  const blocks = [...groupByObject(report.findings).values()].map((findings) => objectBlock(findings, paint));
  return [...blocks, summaryLine(report, paint)].join('\n\n') + '\n';
}

/** `Deployment shop/web (web.yaml:12, construct chart/web/Resource)`. */
export function objectLabel(finding: Finding): string {
  const name = finding.namespace ? `${finding.namespace}/${finding.name}` : finding.name;
  const where: string[] = [];
  const line = finding.objectLine ?? finding.line;
  if (finding.file) where.push(line ? `${finding.file}:${line}` : finding.file);
  if (finding.sourceTemplate) where.push(`template ${finding.sourceTemplate}`);
  if (finding.constructPath) where.push(`construct ${finding.constructPath}`);
  return where.length > 0 ? `${finding.kind} ${name} (${where.join(', ')})` : `${finding.kind} ${name}`;
}

function groupByObject(findings: readonly Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const key = [finding.kind, finding.namespace, finding.name, finding.file, finding.objectLine ?? finding.line, finding.constructPath].join('\u0000');
    const group = groups.get(key);
    if (group) group.push(finding);
    else groups.set(key, [finding]);
  }
  return groups;
}

/** ` (line 14:9)` where the field is written in the file, when it is known. */
function fieldPlace(finding: Finding): string {
  return finding.file && finding.line && finding.column ? ` (line ${finding.line}:${finding.column})` : '';
}

/** Active findings first, most severe first; suppressed ones last. Stable otherwise. */
function byImportance(a: Finding, b: Finding): number {
  if (a.suppressed !== b.suppressed) return a.suppressed ? 1 : -1;
  return severityRank(b.severity) - severityRank(a.severity);
}

function objectBlock(findings: Finding[], paint: Paint): string {
  const lines = [paint(ANSI.bold, objectLabel(findings[0]))];
  const sorted = [...findings].sort(byImportance);
  for (const group of groupByFix(sorted.filter((finding) => !finding.suppressed))) {
    for (const finding of group) {
      lines.push(`  ${paint(SEVERITY_STYLE[finding.severity], finding.severity.toUpperCase().padEnd(SEVERITY_WIDTH))} ${finding.ruleId} at ${finding.fieldPath}${fieldPlace(finding)}`);
      lines.push(`${INDENT}${finding.message}`);
    }
    lines.push(...fixLines(group[0]).map((line) => `${INDENT}${line}`));
  }
  for (const finding of sorted.filter((f) => f.suppressed)) {
    lines.push(`  ${paint(ANSI.dim, 'suppressed'.padEnd(SEVERITY_WIDTH))} ${paint(ANSI.dim, `${finding.ruleId} (${finding.severity}) at ${finding.fieldPath}`)}`);
    lines.push(paint(ANSI.dim, `${INDENT}${finding.message}`));
    lines.push(paint(ANSI.dim, `${INDENT}reason: ${finding.suppressionReason}`));
  }
  return lines.join('\n');
}

/** Findings that share a fix, in order of their first finding: each distinct fix is printed once. */
function groupByFix(findings: readonly Finding[]): Finding[][] {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const key = `${finding.fix}\u0000${finding.constructFix ?? ''}`;
    const group = groups.get(key);
    if (group) group.push(finding);
    else groups.set(key, [finding]);
  }
  return [...groups.values()];
}

/**
 * The fix in the terms of the input first: for YAML, the manifest's fields, then the construct way;
 * for a construct tree, the construct way, then the manifest's fields.
 */
function fixLines(finding: Finding): string[] {
  if (!finding.constructFix) return [`fix: ${finding.fix}`];
  if (finding.constructPath !== undefined) return [`fix: ${finding.constructFix}`, `in the manifest: ${finding.fix}`];
  return [`fix: ${finding.fix}`, `with cdk8s-hardened: ${finding.constructFix}`];
}

/** `3 objects, 42 rules: 2 findings (0 critical, 1 high, 1 medium, 0 low), 1 suppressed`. */
function summaryLine(report: AuditReport, paint: Paint): string {
  const counts = report.countsBySeverity();
  const active = report.active.length;
  const ruleCount = new Set(report.rules.map((rule) => rule.id)).size;
  const audited = `${plural(report.objectCount, 'object')}, ${plural(ruleCount, 'rule')}`;
  const perSeverity = [Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW]
    .map((severity) => `${counts[severity]} ${severity}`).join(', ');
  const findings = paint(ANSI.bold, `${plural(active, 'finding')} (${perSeverity})`);
  return `${audited}: ${findings}, ${report.suppressed.length} suppressed`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * The audit report as a SARIF 2.1.0 log (OASIS Static Analysis Results Interchange Format),
 * the format code-scanning services read.
 */
import { readFileSync } from 'fs';
import { isAbsolute, join, relative, resolve, sep } from 'path';
import { pathToFileURL } from 'url';
import { ENGINE_RULES } from './engine-rules';
import { Finding, RuleInfo, Severity } from './finding';
import type { AuditReport } from './report';

/** The schema URI written into every log. */
export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

const TOOL_NAME = 'cdk8s-hardened';
/** The base that relative artifact URIs are resolved against, as code-scanning services expect. */
export const SRCROOT = '%SRCROOT%';
const INFORMATION_URI = 'https://github.com/cdk8s-hardened/cdk8s-hardened';

const LEVELS: Record<Severity, string> = {
  [Severity.CRITICAL]: 'error',
  [Severity.HIGH]: 'error',
  [Severity.MEDIUM]: 'warning',
  [Severity.LOW]: 'note',
};

/** CVSS-like scores that code-scanning services use to rank security results. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  [Severity.CRITICAL]: '9.5',
  [Severity.HIGH]: '8.0',
  [Severity.MEDIUM]: '5.5',
  [Severity.LOW]: '3.0',
};

let packageVersion: string | undefined;

/** The version of this package, from its package.json (two levels above lib/policy). */
export function toolVersion(): string {
  packageVersion ??= JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')).version as string;
  return packageVersion;
}

/** Builds the log: one run, the applied rules as the driver's rules, one result per finding. */
export function sarifLog(report: AuditReport, baseDirectory: string): any {
  const rules = descriptorsFor(report);
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: TOOL_NAME,
          informationUri: INFORMATION_URI,
          version: toolVersion(),
          rules: rules.map(ruleDescriptor),
        },
      },
      originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(baseDirectory) } },
      results: report.findings.map((finding) => result(finding, ruleIndex.get(finding.ruleId)!, baseDirectory)),
      properties: { objectCount: report.objectCount },
    }],
  };
}

/** The applied rules, once each, plus any rule a finding names that was not among them (the engine's own). */
function descriptorsFor(report: AuditReport): RuleInfo[] {
  const byId = new Map<string, RuleInfo>();
  for (const rule of report.rules) if (!byId.has(rule.id)) byId.set(rule.id, rule);
  for (const finding of report.findings) {
    if (byId.has(finding.ruleId)) continue;
    byId.set(finding.ruleId, ENGINE_RULES.find((rule) => rule.id === finding.ruleId) ?? {
      id: finding.ruleId,
      title: finding.title,
      severity: finding.severity,
      kinds: [finding.kind],
      rationale: finding.title,
      fieldPath: finding.fieldPath,
      fix: finding.fix,
      equivalents: {},
    });
  }
  return [...byId.values()];
}

function ruleDescriptor(rule: RuleInfo): any {
  return {
    id: rule.id,
    name: pascalCase(rule.title),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.rationale },
    help: { text: rule.fix },
    defaultConfiguration: { level: LEVELS[rule.severity] },
    properties: {
      'severity': rule.severity,
      'kinds': rule.kinds,
      'fieldPath': rule.fieldPath,
      'equivalents': rule.equivalents,
      'tags': ['security', 'kubernetes'],
      'security-severity': SECURITY_SEVERITY[rule.severity],
    },
  };
}

function result(finding: Finding, ruleIndex: number, baseDirectory: string): any {
  const sarif: any = {
    ruleId: finding.ruleId,
    ruleIndex,
    level: LEVELS[finding.severity],
    message: { text: `${finding.message} (${finding.fieldPath}). Fix: ${finding.fix}` },
    locations: [location(finding, baseDirectory)],
    properties: { severity: finding.severity, fieldPath: finding.fieldPath, fix: finding.fix },
  };
  if (finding.sourceTemplate) sarif.properties.sourceTemplate = finding.sourceTemplate;
  if (finding.suppressed) {
    sarif.suppressions = [{ kind: 'inSource', status: 'accepted', justification: finding.suppressionReason ?? '' }];
  }
  return sarif;
}

function location(finding: Finding, baseDirectory: string): any {
  const objectName = [finding.kind, finding.namespace, finding.name].filter((part) => part !== undefined).join('/');
  const logicalLocations: any[] = [{ name: finding.name, fullyQualifiedName: objectName, kind: 'resource' }];
  if (finding.constructPath) {
    logicalLocations.push({ fullyQualifiedName: finding.constructPath, kind: 'construct' });
  }
  const sarif: any = { logicalLocations };
  if (finding.file && !isPseudoFile(finding.file)) {
    const uri = artifactUri(finding.file, baseDirectory);
    sarif.physicalLocation = { artifactLocation: uri.startsWith('file:') ? { uri } : { uri, uriBaseId: SRCROOT } };
    if (finding.line) {
      sarif.physicalLocation.region = finding.column ? { startLine: finding.line, startColumn: finding.column } : { startLine: finding.line };
    }
  }
  return sarif;
}

/** Names like `<stdin>` stand for input without a file. */
function isPseudoFile(file: string): boolean {
  return file.startsWith('<');
}

/** A relative URI (forward slashes, percent-encoded) under the base directory, else an absolute file URI. */
export function artifactUri(file: string, baseDirectory: string): string {
  const absolute = resolve(baseDirectory, file);
  const fromBase = relative(resolve(baseDirectory), absolute);
  if (fromBase === '' || fromBase.startsWith('..') || isAbsolute(fromBase)) return pathToFileURL(absolute).href;
  return fromBase.split(sep).map(encodeURIComponent).join('/');
}

/** The directory as a `file://` URI ending in `/`, as SARIF requires of a base URI. */
export function directoryUri(directory: string): string {
  const href = pathToFileURL(resolve(directory)).href;
  return href.endsWith('/') ? href : `${href}/`;
}

function pascalCase(title: string): string {
  return title.split(/[^A-Za-z0-9]+/).filter(Boolean).map((word) => word[0].toUpperCase() + word.slice(1)).join('');
}

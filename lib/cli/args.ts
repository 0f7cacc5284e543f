/**
 * Command-line arguments of `cdk8s-hardened`, parsed by hand: the grammar is small and a parser
 * dependency would be the package's second runtime dependency.
 */
import { NEWEST_KUBERNETES_MINOR, parseKubernetesVersion } from '../policy/api-versions';
import { parseSeverity, Severity } from '../policy/finding';
import { closeMatches } from '../policy/nearest';
import { PodSecurityLevel } from '../policy/pod-security-level';

const NEWEST_VERSION = `1.${NEWEST_KUBERNETES_MINOR}`;

export const USAGE = `Usage: cdk8s-hardened audit [options] <file|directory|->...
       cdk8s-hardened audit --explain <rule id>
       cdk8s-hardened --help | --version

Audits Kubernetes manifests against the Pod Security Standards, production-hardening rules and
least-privilege RBAC rules.
Reads YAML streams and JSON (kubectl, Helm, kustomize and cdk8s output); a directory is searched
recursively for *.yaml, *.yml and *.json; - reads standard input.

Options:
  --format <text|json|sarif>        report format (default: text)
  --output <file>                   write the report to a file instead of standard output
  --fail-on <low|medium|high|critical>
                                    exit 1 when an active finding is at or above this severity
                                    (default: medium, or failOn in the settings file)
  --pack <pod-security|hardening|api-versions|rbac|all>
                                    rule packs to apply; repeat or separate with commas (default: all)
  --level <baseline|restricted>     Pod Security Standards level (default: restricted)
  --version <latest|v1.N>           Pod Security Standards policy version (default: latest)
  --k8s-version <1.N>               Kubernetes release the manifests are applied to: apiVersions it
                                    no longer serves are high findings, deprecated ones low
                                    (default: ${NEWEST_VERSION}, the newest release known, or
                                    kubernetesVersion in the settings file)
  --scope <file|all|chart>          which objects the cross-object rules (PodDisruptionBudget,
                                    NetworkPolicy, Service and autoscaler targets) look at together:
                                    each file on its own (default; chart is the same, a rendered chart
                                    being a file) or all of them (one chart split over several files)
  --config <file>                   settings file (default: the nearest .cdk8s-hardened.yaml from the
                                    working directory upwards); flags win over its settings
  --no-config                       read no settings file
  --no-color                        no colours in text output (also off when NO_COLOR is set or
                                    standard output is not a terminal)
  --explain <rule id>               print what a rule checks, why, and how to fix it
  -h, --help                        print this help

Exit status: 0 no active finding at or above --fail-on; 1 there are such findings;
2 usage or settings error, unreadable input, or no Kubernetes object found (other input is still
audited); 3 a rule failed on an object (finding INTERNAL-error; everything else is still reported).
A field of the wrong type for its kind is a finding (INPUT-field-type), not an error.
Suppress a finding on an object with the annotation suppress.cdk8s-hardened.io/<rule id>: <reason>,
or exempt objects by namespace, kind, name or labels in the settings file (each with a reason).
`;

/** Report formats. */
export type ReportFormat = 'text' | 'json' | 'sarif';
/** Rule packs that can be selected. */
export type PackName = 'pod-security' | 'hardening' | 'api-versions' | 'rbac';

/** The options of `audit`. */
export interface AuditArgs {
  readonly paths: string[];
  readonly format: ReportFormat;
  readonly output?: string;
  /** Undefined when not given: the settings file or the default decides. */
  readonly failOn?: Severity;
  /** Undefined when not given: the settings file or the default decides. */
  readonly packs?: PackName[];
  readonly level?: PodSecurityLevel;
  readonly policyVersion?: string;
  /** Target Kubernetes release for the api-versions pack, as given (validated). */
  readonly kubernetesVersion?: string;
  readonly scope?: string;
  readonly config?: string;
  readonly noConfig: boolean;
  readonly noColor: boolean;
  readonly explain?: string;
}

/** What the command line asks for. */
export type Command =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'audit'; readonly args: AuditArgs };

/** A mistake on the command line: the message names the argument and what is accepted. */
export class UsageError extends Error {}

/** Default of `--fail-on`: medium and above fail, low findings are reported but pass. */
export const DEFAULT_FAIL_ON = Severity.MEDIUM;

const FORMATS: readonly ReportFormat[] = ['text', 'json', 'sarif'];
const ALL_PACKS: readonly PackName[] = ['pod-security', 'hardening', 'api-versions', 'rbac'];
const PACKS: readonly string[] = [...ALL_PACKS, 'all'];
const LEVELS: readonly string[] = [PodSecurityLevel.BASELINE, PodSecurityLevel.RESTRICTED];
const SEVERITIES: readonly string[] = [Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL];
const SCOPES: readonly string[] = ['file', 'all', 'chart'];
const VALUE_OPTIONS = ['--format', '--output', '--fail-on', '--pack', '--level', '--version', '--k8s-version', '--scope', '--config', '--explain'];
const FLAGS = ['--no-color', '--no-config', '--help'];

/** Parses the arguments after the program name. */
export function parseArgs(argv: readonly string[]): Command {
  const [command, ...rest] = argv;
  if (command === undefined) throw new UsageError('no command given: use cdk8s-hardened audit <file|directory|->');
  if (command === '--help' || command === '-h' || command === 'help') return { kind: 'help' };
  if (command === '--version' || command === '-V') return { kind: 'version' };
  if (command !== 'audit') {
    throw new UsageError(`unknown command '${command}': the command is audit, e.g. cdk8s-hardened audit manifests/`);
  }
  return parseAudit(rest);
}

function parseAudit(argv: readonly string[]): Command {
  const paths: string[] = [];
  const values = new Map<string, string>();
  const packs: string[] = [];
  let noColor = false;
  let noConfig = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      paths.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (arg === '-' || !arg.startsWith('-')) {
      paths.push(arg);
      continue;
    }
    if (arg === '--no-color') {
      noColor = true;
      continue;
    }
    if (arg === '--no-config') {
      noConfig = true;
      continue;
    }
    const equals = arg.indexOf('=');
    const name = equals >= 0 ? arg.slice(0, equals) : arg;
    if (!VALUE_OPTIONS.includes(name)) throw new UsageError(`unknown option '${name}'${suggestion(name, [...VALUE_OPTIONS, ...FLAGS])}: see cdk8s-hardened --help`);
    let value = equals >= 0 ? arg.slice(equals + 1) : argv[++i];
    if (value === undefined || (equals < 0 && value.startsWith('--'))) {
      const hint = name === '--version' ? ' (the version of cdk8s-hardened itself is cdk8s-hardened --version)' : '';
      throw new UsageError(`option ${name} needs a value${accepted(name)}${hint}`);
    }
    value = value.trim();
    if (name === '--pack') packs.push(...value.split(',').map((pack) => pack.trim()));
    else if (values.has(name)) throw new UsageError(`option ${name} is given twice ('${values.get(name)}' and '${value}'): give it once`);
    else values.set(name, value);
  }
  if (noConfig && values.has('--config')) throw new UsageError('--config and --no-config contradict each other: give one');
  return { kind: 'audit', args: auditArgs(paths, values, packs, noColor, noConfig) };
}

function auditArgs(paths: string[], values: Map<string, string>, packNames: string[], noColor: boolean, noConfig: boolean): AuditArgs {
  const format = oneOf('--format', values.get('--format') ?? 'text', FORMATS) as ReportFormat;
  const failOn = values.has('--fail-on') ? parseSeverity(oneOf('--fail-on', values.get('--fail-on')!, SEVERITIES)) : undefined;
  for (const pack of packNames) oneOf('--pack', pack, PACKS);
  const packs: PackName[] | undefined = packNames.length === 0 ? undefined : packNames.includes('all')
    ? [...ALL_PACKS]
    : ALL_PACKS.filter((pack) => packNames.includes(pack));
  const scope = values.has('--scope') ? oneOf('--scope', values.get('--scope')!, SCOPES) : undefined;
  const level = values.has('--level') ? oneOf('--level', values.get('--level')!, LEVELS) as PodSecurityLevel : undefined;
  const policyVersion = values.get('--version');
  if (policyVersion !== undefined && !/^(latest|v1\.(0|[1-9][0-9]*))$/.test(policyVersion)) {
    throw new UsageError(`--version '${policyVersion}' is not a Pod Security Standards policy version: use latest or v1.N, e.g. v1.30`);
  }
  if ((level !== undefined || policyVersion !== undefined) && packs && !packs.includes('pod-security')) {
    throw new UsageError(`${level !== undefined ? '--level' : '--version'} applies to the pod-security pack, which --pack ${packNames.join(',')} leaves out: add --pack pod-security or drop the option`);
  }
  const kubernetesVersion = values.get('--k8s-version');
  if (kubernetesVersion !== undefined) {
    try {
      parseKubernetesVersion(kubernetesVersion);
    } catch (e: any) {
      throw new UsageError(`--k8s-version: ${e.message}`);
    }
    if (packs && !packs.includes('api-versions')) {
      throw new UsageError(`--k8s-version applies to the api-versions pack, which --pack ${packNames.join(',')} leaves out: add --pack api-versions or drop the option`);
    }
  }
  const explain = values.get('--explain');
  if (explain === undefined && paths.length === 0) {
    throw new UsageError('audit needs at least one file, directory or - (standard input), e.g. cdk8s-hardened audit manifests/');
  }
  return { paths, format, output: values.get('--output'), failOn, packs, level, policyVersion, kubernetesVersion, scope, config: values.get('--config'), noConfig, noColor, explain };
}

function oneOf(option: string, value: string, allowed: readonly string[]): string {
  if (!allowed.includes(value)) {
    throw new UsageError(`${option} '${value}' is not accepted: use one of ${allowed.join(', ')}`);
  }
  return value;
}

function accepted(option: string): string {
  const choices: Record<string, readonly string[]> = {
    '--format': FORMATS, '--fail-on': SEVERITIES, '--pack': PACKS, '--level': LEVELS, '--version': ['latest', 'v1.N'], '--k8s-version': ['1.N'], '--scope': SCOPES,
  };
  if (option === '--output') return ': a file name';
  if (option === '--config') return ': a settings file, e.g. .cdk8s-hardened.yaml';
  if (option === '--explain') return ': a rule id, e.g. PSS-runAsNonRoot';
  return `: one of ${choices[option].join(', ')}`;
}

/** Options and rule ids are short or share long prefixes: only a quarter of their length may differ. */
export const OPTION_TOLERANCE = 0.25;

/** `, did you mean '--format'?` when a known name is close to the given one. */
export function suggestion(given: string, known: readonly string[]): string {
  const close = closeMatches(given, known, 1, OPTION_TOLERANCE);
  return close.length > 0 ? ` (did you mean '${close[0]}'?)` : '';
}

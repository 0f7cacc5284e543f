/**
 * The `cdk8s-hardened` command: parses arguments, loads manifests, runs the policy packs, writes
 * the report. Everything it does is in lib/policy; this file only connects it to a terminal.
 */
import { writeFileSync } from 'fs';
import type { AuditOptions } from '../policy/audit';
import { auditObjects, checkAuditOptions, unitFor } from '../policy/audit-run';
import { AuditConfig, AuditSettings } from '../policy/config';
import { ENGINE_RULES, INTERNAL_RULE } from '../policy/engine-rules';
import { RuleInfo, Severity } from '../policy/finding';
import { DEFAULT_MAX_FILE_BYTES, LoadError, LoadNote, loadPaths, placeOf, STDIN_NAME } from '../policy/load';
import { PolicyPack } from '../policy/pack';
import { AuditReport } from '../policy/report';
import { toolVersion } from '../policy/report-sarif';
import { closeMatches } from '../policy/nearest';
import { AuditArgs, DEFAULT_FAIL_ON, OPTION_TOLERANCE, parseArgs, UsageError, USAGE } from './args';
import { explainRule } from './explain';

/** Where the command reads and writes; `process` streams in the real program, buffers in tests. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** Read only when a path is `-`. */
  readonly stdin: AsyncIterable<string | Buffer>;
  /** Whether standard output is a terminal (colours are used only then). */
  readonly isTTY: boolean;
  /** Environment variables (`NO_COLOR`). @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where the settings file is looked for, upwards. @default process.cwd() */
  readonly cwd?: string;
}

/** The audit as flags and settings file decided it together. */
interface Resolved {
  readonly options: AuditOptions;
  readonly failOn: Severity;
  /** Where `failOn` was set, for the exit message: `--fail-on high`, `failOn: high in <file>`. */
  readonly failOnSource: string;
  /** Names the flags and the settings file in error messages. */
  readonly source: string;
}

const PROGRAM = 'cdk8s-hardened';

/** Exit statuses. */
const EXIT_CLEAN = 0;
const EXIT_FINDINGS = 1;
const EXIT_ERROR = 2;
/** A rule failed on an object: the report of everything else was written, but the audit is incomplete. */
export const EXIT_INTERNAL_ERROR = 3;

/**
 * Runs the command line and returns the exit status: 0 clean, 1 active findings at or above
 * `--fail-on`, 2 usage or input errors, 3 a rule failed on an object (the rest is still reported).
 * @param argv the arguments after the program name
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const command = parseArgs(argv);
    if (command.kind === 'help') {
      io.stdout.write(USAGE);
      return EXIT_CLEAN;
    }
    if (command.kind === 'version') {
      io.stdout.write(`${toolVersion()}\n`);
      return EXIT_CLEAN;
    }
    const resolved = resolve(command.args, io);
    if (command.args.explain !== undefined) return explain(command.args.explain, resolved.options.packs ?? [], io);
    return await audit(command.args, resolved, io);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr.write(`${PROGRAM}: ${e.message}\n`);
    return EXIT_ERROR;
  }
}

/** The settings file's settings with the flags over them (flags win), checked. */
function resolve(args: AuditArgs, io: CliIo): Resolved {
  const flags: AuditSettings = {
    packs: args.packs, level: args.level, version: args.policyVersion, kubernetesVersion: args.kubernetesVersion, failOn: args.failOn, scope: args.scope,
  };
  const file = args.noConfig ? undefined : args.config ?? AuditConfig.find(io.cwd ?? process.cwd());
  const source = file ? `flags and ${file}` : 'flags';
  try {
    const merged = file ? AuditConfig.merge(AuditConfig.load(file), flags) : flags;
    const options = AuditConfig.toOptions(merged, source);
    checkAuditOptions(options, source);
    if (file && args.config === undefined) io.stderr.write(`${PROGRAM}: note: settings from ${file} (flags win over them; --no-config ignores the file)\n`);
    const failOn = options.failOn ?? DEFAULT_FAIL_ON;
    const failOnSource = args.failOn === undefined && options.failOn !== undefined ? `failOn: ${failOn} in ${file}` : `--fail-on ${failOn}`;
    return { options, failOn, failOnSource, source };
  } catch (e: any) {
    // the settings' validation throws plain Errors; a TypeError or the like is a bug and stays one
    if (e?.constructor !== Error) throw e;
    throw new UsageError(e.message);
  }
}

function explain(ruleId: string, packs: PolicyPack[], io: CliIo): number {
  const rules = new Map<string, RuleInfo>();
  for (const rule of [...packs.flatMap((pack) => pack.rules), ...ENGINE_RULES]) if (!rules.has(rule.id)) rules.set(rule.id, rule);
  const rule = rules.get(ruleId) ?? [...rules.values()].find((r) => r.id.toLowerCase() === ruleId.toLowerCase());
  if (rule) {
    io.stdout.write(explainRule(rule));
    return EXIT_CLEAN;
  }
  const close = closeMatches(ruleId, [...rules.keys()], 5, OPTION_TOLERANCE);
  const hint = close.length > 0 ? `close matches: ${close.join(', ')}` : `rule ids look like ${[...rules.keys()].slice(0, 2).join(' or ')}`;
  io.stderr.write(`${PROGRAM}: no rule '${ruleId}' in the selected packs: ${hint}\n`);
  return EXIT_ERROR;
}

async function audit(args: AuditArgs, { options, failOn, failOnSource, source }: Resolved, io: CliIo): Promise<number> {
  const stdin = args.paths.includes('-') ? await readStdin(io.stdin, DEFAULT_MAX_FILE_BYTES) : undefined;
  const loaded = loadPaths([...new Set(args.paths)], {}, typeof stdin === 'string' ? stdin : undefined);
  const errors: LoadError[] = [...(typeof stdin === 'object' ? [stdin] : []), ...loaded.errors];
  reportInputProblems(loaded.notes, errors, io);

  const objects = loaded.objects.map((object) => ({ ...object, unit: unitFor(options.scope, object.file) }));
  const report = auditObjects(objects, options, source);
  const env = io.env ?? process.env;
  const color = args.output === undefined && io.isTTY && !args.noColor && !env.NO_COLOR;
  const rendered = render(report, args, color);
  if (args.output === undefined) {
    io.stdout.write(rendered);
  } else {
    try {
      writeFileSync(args.output, rendered);
    } catch (e: any) {
      io.stderr.write(`${PROGRAM}: cannot write the report to ${args.output}: ${e?.code ?? e?.message}\n`);
      return EXIT_ERROR;
    }
  }

  const internalErrors = report.findings.filter((finding) => finding.ruleId === INTERNAL_RULE.id);
  if (internalErrors.length > 0) {
    io.stderr.write(`${PROGRAM}: ${internalErrors.length} object${internalErrors.length === 1 ? ' was' : 's were'} not fully audited because a rule failed (${INTERNAL_RULE.id} in the report): please report it\n`);
    return EXIT_INTERNAL_ERROR;
  }
  if (errors.length > 0) return EXIT_ERROR;
  if (loaded.objects.length === 0) {
    io.stderr.write(`${PROGRAM}: no Kubernetes objects found in ${args.paths.join(', ')}: check the paths\n`);
    return EXIT_ERROR;
  }
  const failing = report.failing(failOn);
  if (failing.length > 0) {
    io.stderr.write(`${PROGRAM}: ${failing.length} active finding${failing.length === 1 ? '' : 's'} at or above ${failOn} (${failOnSource})\n`);
    return EXIT_FINDINGS;
  }
  return EXIT_CLEAN;
}

function render(report: AuditReport, args: AuditArgs, color: boolean): string {
  if (args.format === 'json') return `${JSON.stringify(report.toJson(), null, 2)}\n`;
  if (args.format === 'sarif') return `${JSON.stringify(report.toSarif(), null, 2)}\n`;
  return report.toText({ color });
}

/** `file:line: note: ...` and `file:line:column: error: ...`, as compilers print them. */
function reportInputProblems(notes: readonly LoadNote[], errors: readonly LoadError[], io: CliIo): void {
  for (const note of notes) io.stderr.write(`${placeOf(note)}: note: ${note.message}\n`);
  for (const error of errors) io.stderr.write(`${placeOf(error)}: error: ${error.message}\n`);
}

/** Standard input as text, or an error when it is larger than the limit (reading stops there). */
async function readStdin(stdin: AsyncIterable<string | Buffer>, maxBytes: number): Promise<string | LoadError> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    size += buffer.length;
    if (size > maxBytes) {
      return { file: STDIN_NAME, message: `input is larger than the limit of ${maxBytes} bytes: split it into smaller files` };
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The `cdk8s-hardened` command: parses arguments, loads manifests, runs the policy packs, writes
 * the report. Everything it does is in lib/policy; this file only connects it to a terminal.
 */
import { writeFileSync } from 'fs';
import { INTERNAL_RULE, runRules, SUPPRESSION_RULE } from '../policy/engine';
import { RuleInfo } from '../policy/finding';
import { DEFAULT_MAX_FILE_BYTES, LoadError, LoadNote, loadPaths, placeOf, STDIN_NAME } from '../policy/load';
import { PolicyPack } from '../policy/pack';
import { AuditReport } from '../policy/report';
import { toolVersion } from '../policy/report-sarif';
import { AuditArgs, closeMatches, parseArgs, UsageError, USAGE } from './args';
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
    const packs = packsFor(command.args);
    if (command.args.explain !== undefined) return explain(command.args.explain, packs, io);
    return await audit(command.args, packs, io);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr.write(`${PROGRAM}: ${e.message}\n`);
    return EXIT_ERROR;
  }
}

function packsFor(args: AuditArgs): PolicyPack[] {
  return args.packs.map((name) => {
    if (name === 'hardening') return PolicyPack.hardening();
    if (name === 'rbac') return PolicyPack.rbac();
    try {
      return PolicyPack.podSecurity({ level: args.level, version: args.policyVersion });
    } catch (e: any) {
      throw new UsageError(e?.message ?? String(e));
    }
  });
}

function explain(ruleId: string, packs: PolicyPack[], io: CliIo): number {
  const rules = new Map<string, RuleInfo>();
  for (const rule of [...packs.flatMap((pack) => pack.rules), SUPPRESSION_RULE]) if (!rules.has(rule.id)) rules.set(rule.id, rule);
  const rule = rules.get(ruleId) ?? [...rules.values()].find((r) => r.id.toLowerCase() === ruleId.toLowerCase());
  if (rule) {
    io.stdout.write(explainRule(rule));
    return EXIT_CLEAN;
  }
  const close = closeMatches(ruleId, [...rules.keys()], 5);
  const hint = close.length > 0 ? `close matches: ${close.join(', ')}` : `rule ids look like ${[...rules.keys()].slice(0, 2).join(' or ')}`;
  io.stderr.write(`${PROGRAM}: no rule '${ruleId}' in the selected packs: ${hint}\n`);
  return EXIT_ERROR;
}

async function audit(args: AuditArgs, packs: PolicyPack[], io: CliIo): Promise<number> {
  const stdin = args.paths.includes('-') ? await readStdin(io.stdin, DEFAULT_MAX_FILE_BYTES) : undefined;
  const loaded = loadPaths([...new Set(args.paths)], {}, typeof stdin === 'string' ? stdin : undefined);
  const errors: LoadError[] = [...(typeof stdin === 'object' ? [stdin] : []), ...loaded.errors];
  reportInputProblems(loaded.notes, errors, io);

  const findings = runRules(loaded.objects, packs.flatMap((pack) => pack._rules()));
  const report = new AuditReport(findings, loaded.objects.length, packs.flatMap((pack) => pack.rules));
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
  const failing = report.failing(args.failOn);
  if (failing.length > 0) {
    io.stderr.write(`${PROGRAM}: ${failing.length} active finding${failing.length === 1 ? '' : 's'} at or above ${args.failOn} (--fail-on ${args.failOn})\n`);
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

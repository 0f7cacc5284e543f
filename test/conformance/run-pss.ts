/**
 * Runs the Pod Security Standards evaluator against upstream's pod-security-admission fixtures.
 *
 *   npx ts-node --swc test/conformance/run-pss.ts [dir]
 *
 * The fixture directory is the first argument, else $PSS_FIXTURES_DIR, else ../shared/conformance/pss
 * next to the repository. It holds `<level>/v1.<minor>/{pass,fail}/<checkid><N>.yaml`: every pass/
 * pod must be allowed, and every fail/ pod must be denied by the check its file is named after
 * (or by the restricted check that overrides it at that version, which upstream's harness accepts
 * because the two share the forbidden reason it looks for).
 *
 * The last line is `PSS conformance: N passed, M failed`; the exit code is 1 when something
 * failed or no fixture was found.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { evaluatePodSecurity, parsePolicyVersion, PSS_CHECKS } from '../../lib/policy/pss';
import type { PssCheckResult, PssLevel } from '../../lib/policy/pss';

const LEVELS: readonly PssLevel[] = ['baseline', 'restricted'];

interface Outcome {
  readonly passed: number;
  readonly mismatches: string[];
}

function fixturesRoot(): string {
  const repoRoot = path.resolve(__dirname, '..', '..');
  return path.resolve(process.argv[2] ?? process.env.PSS_FIXTURES_DIR ?? path.join(repoRoot, '..', 'shared', 'conformance', 'pss'));
}

function subdirectories(dir: string): string[] {
  return readdirSync(dir).filter((name) => statSync(path.join(dir, name)).isDirectory());
}

function yamlFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.yaml')).sort() : [];
}

/** The check a fixture is named after: its file stem without the trailing index, e.g. `capabilities_baseline`. */
function checkNamedBy(file: string): string | undefined {
  const stem = path.basename(file, '.yaml').replace(/\d+$/, '');
  return PSS_CHECKS.find((check) => check.id.toLowerCase() === stem.toLowerCase())?.id;
}

/** The checks whose denial satisfies a fail fixture named after `checkId`: itself, and what overrides it. */
function acceptedDenials(checkId: string, level: PssLevel, minor: number): string[] {
  const overriding = level === 'restricted'
    ? PSS_CHECKS.filter((check) => check.minVersion <= minor && check.overrides?.includes(checkId)).map((check) => check.id)
    : [];
  return [checkId, ...overriding];
}

function describe(results: readonly PssCheckResult[]): string {
  if (results.length === 0) return 'allowed';
  return results.map((r) => `${r.checkId} (${r.forbiddenReason}: ${r.forbiddenDetail})`).join('; ');
}

/** Evaluates one fixture; returns why it did not behave as its folder says, or undefined. */
function mismatchOf(file: string, expectation: 'pass' | 'fail', level: PssLevel, minor: number): string | undefined {
  const pod = parse(readFileSync(file, 'utf8'));
  if (pod?.kind !== 'Pod') return `not a Pod manifest (kind ${pod?.kind})`;
  const results = evaluatePodSecurity(pod.metadata, pod.spec, level, minor);
  if (expectation === 'pass') {
    return results.length === 0 ? undefined : `expected allowed, got denied by ${describe(results)}`;
  }
  const checkId = checkNamedBy(file);
  if (!checkId) return 'the file name names no known check';
  const accepted = acceptedDenials(checkId, level, minor);
  if (results.some((r) => accepted.includes(r.checkId))) return undefined;
  return `expected denial by ${accepted.join(' or ')}, got ${describe(results)}`;
}

function runVersion(root: string, level: PssLevel, versionDir: string): Outcome {
  const minor = parsePolicyVersion(versionDir);
  let passed = 0;
  const mismatches: string[] = [];
  for (const expectation of ['pass', 'fail'] as const) {
    const dir = path.join(root, level, versionDir, expectation);
    for (const name of yamlFiles(dir)) {
      const file = path.join(dir, name);
      let mismatch: string | undefined;
      try {
        mismatch = mismatchOf(file, expectation, level, minor);
      } catch (error) {
        mismatch = `could not be evaluated: ${(error as Error).message}`;
      }
      if (mismatch) mismatches.push(`  ${path.relative(root, file)}: ${mismatch}`);
      else passed++;
    }
  }
  return { passed, mismatches };
}

function main(): number {
  const root = fixturesRoot();
  let passed = 0;
  let failed = 0;
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    console.error(`PSS fixtures directory ${root} does not exist: pass the directory as the first argument or set PSS_FIXTURES_DIR`);
  } else {
    for (const level of LEVELS.filter((l) => existsSync(path.join(root, l)))) {
      const versions = subdirectories(path.join(root, level))
        .filter((name) => /^v1\.\d+$/.test(name))
        .sort((a, b) => parsePolicyVersion(a) - parsePolicyVersion(b));
      for (const versionDir of versions) {
        const outcome = runVersion(root, level, versionDir);
        passed += outcome.passed;
        failed += outcome.mismatches.length;
        console.log(`${level} ${versionDir}: ${outcome.passed + outcome.mismatches.length} fixtures, ${outcome.passed} passed, ${outcome.mismatches.length} failed`);
        outcome.mismatches.forEach((line) => console.log(line));
      }
    }
    if (passed + failed === 0) {
      console.error(`no PSS fixtures found under ${root}: expected <level>/v1.<minor>/{pass,fail}/*.yaml`);
    }
  }
  console.log(`PSS conformance: ${passed} passed, ${failed} failed`);
  return failed > 0 || passed + failed === 0 ? 1 : 0;
}

process.exitCode = main();

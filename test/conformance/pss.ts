/**
 * Pod Security Standards conformance: every official pod-security-admission fixture is evaluated.
 * Each `pass/` pod must be allowed and each `fail/` pod denied by the check its file names (or by
 * the restricted check that overrides it at that version).
 *
 *   npx ts-node --swc --prefer-ts-exts test/conformance/pss.ts [fixtures-dir]
 *   (default: $PSS_FIXTURES_DIR, else ../shared/conformance/pss)
 */
import { existsSync, readdirSync, readFileSync } from 'fs';
import { join, resolve } from 'path';
import { parse } from 'yaml';
import { evaluatePodSecurity, parsePolicyVersion, PSS_CHECKS, PssLevel } from '../../lib/policy/psa';

const root = resolve(process.argv[2] ?? process.env.PSS_FIXTURES_DIR ?? join(__dirname, '..', '..', '..', 'shared', 'conformance', 'pss'));
if (!existsSync(root)) {
  console.error(`PSS fixtures not found at ${root}: pass the directory as the first argument or set PSS_FIXTURES_DIR`);
  process.exit(1);
}

/** Check id in lower case → the restricted check that replaces it. */
const OVERRIDDEN_BY = new Map<string, string>();
for (const check of PSS_CHECKS) for (const overridden of check.overrides ?? []) OVERRIDDEN_BY.set(overridden.toLowerCase(), check.id.toLowerCase());

let passed = 0;
const failures: string[] = [];
for (const level of readdirSync(root).filter((d) => d === 'baseline' || d === 'restricted').sort()) {
  for (const version of readdirSync(join(root, level)).filter((d) => /^v1\.\d+$/.test(d)).sort()) {
    const minor = parsePolicyVersion(version);
    let folderPassed = 0;
    let folderTotal = 0;
    for (const expectation of ['pass', 'fail']) {
      const dir = join(root, level, version, expectation);
      if (!existsSync(dir)) continue;
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
        folderTotal++;
        const pod = parse(readFileSync(join(dir, file), 'utf8'));
        const denied = evaluatePodSecurity(pod.metadata, pod.spec, level as PssLevel, minor).map((r) => r.checkId.toLowerCase());
        const named = file.replace(/\d*\.yaml$/, '');
        const ok = expectation === 'pass'
          ? denied.length === 0
          : denied.includes(named) || (OVERRIDDEN_BY.has(named) && denied.includes(OVERRIDDEN_BY.get(named)!));
        if (ok) {
          passed++;
          folderPassed++;
        } else {
          failures.push(`${level}/${version}/${expectation}/${file}: ${expectation === 'pass' ? 'denied by' : `expected ${named}, denied by`} [${denied.join(', ')}]`);
        }
      }
    }
    console.log(`${level} ${version}: ${folderPassed}/${folderTotal} fixtures conform`);
  }
}
for (const failure of failures) console.log(`MISMATCH ${failure}`);
if (passed + failures.length === 0) {
  console.error(`no PSS fixtures found under ${root}`);
  process.exit(1);
}
console.log(`PSS conformance: ${passed} passed, ${failures.length} failed`);
process.exit(failures.length > 0 ? 1 : 0);

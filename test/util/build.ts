/**
 * The jsii build that the packaging tests inspect, made once: when `.jsii` is missing or older
 * than a source file, one test file builds while the others wait for it.
 */
import { execFileSync } from 'child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'fs';
import { join } from 'path';

export const ROOT = join(__dirname, '..', '..');
const LOCK = join(ROOT, '.build-lock');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function upToDate(): boolean {
  const assembly = join(ROOT, '.jsii');
  return existsSync(assembly) && statSync(assembly).mtimeMs >= newestSource(join(ROOT, 'lib'));
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Builds the package unless the build is current. */
export function ensureBuilt(): void {
  const deadline = Date.now() + 170_000;
  while (!upToDate()) {
    try {
      mkdirSync(LOCK);
    } catch {
      if (Date.now() > deadline) throw new Error(`${LOCK} is held for too long: remove it if no build is running`);
      sleep(500);
      continue;
    }
    try {
      if (!upToDate()) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
    } finally {
      rmdirSync(LOCK);
    }
  }
}

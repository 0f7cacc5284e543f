/**
 * What `npm pack` ships: compiled JavaScript and declarations, no TypeScript sources, no inline
 * source maps, the LICENSE, and the bundled `yaml` dependency.
 */
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import { ensureBuilt, ROOT } from './util/build';


interface PackedFile { readonly path: string; readonly size: number }

let files: PackedFile[] = [];

beforeAll(() => {
  // The package ships the jsii build.
  ensureBuilt();
  const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  files = pack.files;
  const ownJs = files.filter((f) => f.path.startsWith('lib/') && f.path.endsWith('.js'));
  const kib = (n: number) => `${Math.round(n / 1024)} KiB`;
  // A figure, not an assertion: the package's own JavaScript without source maps.
  console.log(`npm pack: ${files.length} files, ${kib(ownJs.reduce((s, f) => s + f.size, 0))} of library JavaScript in ${ownJs.length} files`);
}, 180_000);

test('the package holds no TypeScript sources and no source maps', () => {
  const paths = files.map((f) => f.path);
  expect(paths.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))).toEqual([]);
  expect(paths.filter((p) => p.endsWith('.map'))).toEqual([]);
  const inline = paths.filter((p) => p.startsWith('lib/') && p.endsWith('.js'))
    .filter((p) => readFileSync(join(ROOT, p), 'utf8').includes('sourceMappingURL=data:'));
  expect(inline).toEqual([]);
});

test('the package holds the LICENSE, the build, the CLI and the bundled yaml', () => {
  const paths = new Set(files.map((f) => f.path));
  for (const required of ['LICENSE', 'README.md', 'API.md', '.jsii', 'package.json', 'bin/cdk8s-hardened', 'lib/index.js', 'lib/index.d.ts',
    'lib/policy/report.schema.json', 'node_modules/yaml/package.json', 'node_modules/yaml/dist/index.js']) {
    expect([required, paths.has(required)]).toEqual([required, true]);
  }
  expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toContain('Apache License\n                           Version 2.0, January 2004');
  expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).license).toBe('Apache-2.0');
});

/**
 * Synthesis benchmark: N WebServices versus the same manifests written as raw cdk8s ApiObjects.
 *
 *   npx ts-node --swc bench/synth.ts [N ...]      (default: 100 1000 5000)
 *
 * Each measurement runs in a fresh Node process, so peak memory (max RSS) belongs to that run alone;
 * each process first builds 50 services on a throw-away app to warm the JIT.
 * Prints seconds (best of 3), max RSS, and the ratio WebService / raw. Goal: ratio <= 1.3, cost linear in N.
 */
import { spawnSync } from 'child_process';
import { ApiObject, App, Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Probe, WebService } from '../lib';

type Mode = 'hardened' | 'raw';

function addWebService(chart: Chart, name: string): void {
  new WebService(chart, name, {
    image: 'ghcr.io/acme/api:1.4.2',
    port: 8080,
    readiness: Probe.http('/ready'),
    liveness: Probe.http('/healthz'),
    resources: { cpu: Cpu.millis(250), memory: Size.mebibytes(256) },
  });
}

/** The manifests of one WebService as JSON text, with its name as a placeholder. */
function templateText(): string {
  const chart = new Chart(new App(), 'template', { namespace: 'bench' });
  addWebService(chart, 'svc-template');
  return JSON.stringify(chart.toJson());
}

function build(mode: Mode, n: number): number {
  const chart = new Chart(new App(), 'bench', { namespace: 'bench' });
  const template = mode === 'raw' ? templateText() : '';
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const name = `svc-${i}`;
    if (mode === 'hardened') {
      addWebService(chart, name);
    } else {
      const manifests = JSON.parse(template.split('svc-template').join(name));
      manifests.forEach((manifest: any, index: number) => new ApiObject(chart, `${name}-${index}`, manifest));
    }
  }
  const objects = chart.toJson().length;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (objects !== n * 5) throw new Error(`expected ${n * 5} objects, got ${objects}`);
  return seconds;
}

function child(mode: Mode, n: number): void {
  // Warm the JIT on a separate app so small N measures steady-state cost, not compilation.
  build(mode, 50);
  const seconds = build(mode, n);
  process.stdout.write(JSON.stringify({ seconds, maxRssMiB: process.resourceUsage().maxRSS / 1024 }));
}

function measure(mode: Mode, n: number): { seconds: number; maxRssMiB: number } {
  const runs = [0, 1, 2].map(() => {
    const result = spawnSync(process.execPath, [require.resolve('ts-node/dist/bin.js'), '--swc', '--prefer-ts-exts', __filename, '--child', mode, String(n)], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    if (result.status !== 0) throw new Error(`benchmark child failed: ${result.stderr}`);
    return JSON.parse(result.stdout) as { seconds: number; maxRssMiB: number };
  });
  return runs.reduce((best, run) => (run.seconds < best.seconds ? run : best));
}

function main(): void {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1] as Mode, Number(args[2]));
  const sizes = args.length > 0 ? args.map(Number) : [100, 1000, 5000];
  console.log('N      objects  hardened s  raw s    ratio  hardened us/svc  hardened maxRSS  raw maxRSS');
  for (const n of sizes) {
    const hardened = measure('hardened', n);
    const raw = measure('raw', n);
    console.log([
      String(n).padEnd(6), String(n * 5).padEnd(8),
      hardened.seconds.toFixed(3).padEnd(11), raw.seconds.toFixed(3).padEnd(8),
      (hardened.seconds / raw.seconds).toFixed(2).padEnd(6),
      ((hardened.seconds / n) * 1e6).toFixed(0).padEnd(16),
      `${hardened.maxRssMiB.toFixed(0)} MiB`.padEnd(16), `${raw.maxRssMiB.toFixed(0)} MiB`,
    ].join(' '));
  }
}

main();

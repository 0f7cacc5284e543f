/**
 * Audit benchmark: N generated Kubernetes objects (Deployments, Services, PodDisruptionBudgets,
 * NetworkPolicies, ServiceAccounts, HorizontalPodAutoscalers, Roles and RoleBindings of apps spread
 * over 50 namespaces, every seventh app weak) written as one YAML stream, then
 *   (a) parse + load: `loadManifests` of the stream,
 *   (b) rule evaluation: `runRules` with `PolicyPack.defaults()`.
 *
 *   npx ts-node --swc bench/audit.ts [N ...]      (default: 2500 5000 10000)
 *
 * Then a real-world run: the rendered kube-prometheus-stack chart of ../shared/corpus (mostly
 * Grafana dashboards in ConfigMaps and PrometheusRules, which no rule reads past their metadata)
 * repeated to 10,000 objects, about 53 MB, audited the same way. Goal: under 1 s (50 MB/s).
 * Every document of that render is read by the block reader (block-yaml.ts), none by `yaml`;
 * the test over ../shared/corpus holds the values, the findings and their positions to `yaml`'s.
 * The render repeated 80 times puts 880 Services and 480 pod templates in one namespace: the
 * Service rules find the pods a selector can match through an index of label pairs.
 *
 * Measured on 2 shared cores (load average 5 to 8, so slower than a quiet machine):
 *   real world  load 0.31 s (170 MB/s), rules 0.21 s (6,960 findings placed), total 0.53 s
 *               (101 MB/s, 19,000 objects/s), live heap 39 MiB; whole process against the
 *               reader that left dashboards and rule files to `yaml`: 0.49x the CPU time
 *   synthetic   10,000 objects: 19,650 objects/s (load 66,100, rules 28,000), 4.30 KiB/object
 *
 * The stream is written to a temporary file and each size is measured in a fresh Node process:
 * times are the best of five runs after a warm-up; memory is measured from a baseline taken with
 * the stream already read (peak RSS and heap sampled after each run), and the live heap is the
 * difference a garbage collection sees between holding the objects and findings and dropping them. Goal: >= 20,000
 * objects/s overall, memory linear in N.
 */
import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { runRules } from '../lib/policy/engine';
import { loadManifests } from '../lib/policy/load';
import { PolicyPack } from '../lib/policy/pack';
import { Rule } from '../lib/policy/rule';

const NAMESPACES = 50;
/** Timed runs per size; the best counts. */
const RUNS = 5;

/** The six objects of one app; `weak` drops the hardening a careless author would leave out. */
function app(index: number, weak: boolean): any[] {
  const name = `app-${index}`;
  const namespace = `team-${index % NAMESPACES}`;
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': `system-${index % 17}` };
  const metadata = { name, namespace, labels, annotations: { 'example.com/owner': `owner-${index % 23}@example.com` } };
  const container = (suffix: string, port: number): any => ({
    name: `c-${suffix}`,
    image: weak ? `registry.example.com/${name}:latest` : `registry.example.com/${name}@sha256:${'ab'.repeat(32)}`,
    ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
    env: [{ name: 'LOG_LEVEL', value: index % 3 ? 'info' : 'debug' }, { name: 'PORT', value: String(port) }],
    resources: weak ? {} : { requests: { cpu: `${100 + (index % 4) * 50}m`, memory: '128Mi' }, limits: { memory: '256Mi' } },
    readinessProbe: weak ? undefined : { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5 },
    livenessProbe: weak ? undefined : { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 },
    securityContext: weak
      ? { privileged: index % 2 === 0 }
      : { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
  });
  const containers = [container('main', 8080), ...(index % 5 === 0 ? [container('sidecar', 9090)] : [])];
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      replicas: weak ? 1 : 3,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: weak ? undefined : false,
          securityContext: weak ? undefined : { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
          topologySpreadConstraints: weak ? undefined : [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: labels } }],
          containers,
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
  return [
    JSON.parse(JSON.stringify(deployment)),
    { apiVersion: 'v1', kind: 'Service', metadata, spec: { type: 'ClusterIP', selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata, spec: { maxUnavailable: 1, selector: { matchLabels: labels } } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata, spec: { podSelector: { matchLabels: labels }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata, automountServiceAccountToken: false },
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata,
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: 3,
        maxReplicas: 10,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata,
      rules: weak
        ? [{ apiGroups: [''], resources: ['configmaps', 'secrets'], verbs: ['get', 'list', 'watch'] }, { apiGroups: ['apps'], resources: ['deployments'], verbs: ['*'] }]
        : [{ apiGroups: [''], resources: ['configmaps'], resourceNames: [`${name}-config`], verbs: ['get', 'watch'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata,
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name: weak ? 'default' : name, namespace }],
    },
  ];
}

/** N objects as one YAML stream, in the styles of cdk8s (indented sequences), kubectl and Helm. */
function yamlStream(n: number): string {
  const documents: string[] = [];
  for (let index = 0; documents.length < n; index++) {
    for (const object of app(index, index % 7 === 3)) {
      if (documents.length === n) break;
      const style = documents.length % 3;
      const text = stringify(object, { indentSeq: style !== 1, lineWidth: 0, aliasDuplicateObjects: false });
      documents.push(style === 2 ? `# Source: chart/templates/${object.kind.toLowerCase()}.yaml\n${text}` : text);
    }
  }
  return documents.join('---\n');
}

interface Measurement {
  readonly megabytes: number;
  readonly loadSeconds: number;
  readonly evalSeconds: number;
  readonly findings: number;
  readonly peakRssMiB: number;
  readonly peakHeapMiB: number;
  readonly liveHeapMiB: number;
  readonly yamlOnlyObjectsPerSecond?: number;
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

interface Run {
  readonly objects: unknown[];
  readonly findings: unknown[];
  readonly loadSeconds: number;
  readonly evalSeconds: number;
}

/** One timed audit: load the stream, run the rules. */
function auditOnce(text: string, file: string, rules: Rule[], n: number): Run {
  let start = process.hrtime.bigint();
  const loaded = loadManifests(text, file, { maxFileBytes: Number.MAX_SAFE_INTEGER });
  const loadSeconds = seconds(start);
  if (loaded.objects.length !== n || loaded.errors.length > 0) throw new Error(`loaded ${loaded.objects.length} of ${n} objects, ${loaded.errors.length} errors`);
  start = process.hrtime.bigint();
  const findings = runRules(loaded.objects, rules);
  return { objects: loaded.objects, findings, loadSeconds, evalSeconds: seconds(start) };
}

/** Measures one stream in this process: warm-up on its first documents, then the best of the runs. */
function child(file: string, n: number, yamlBaseline: boolean): void {
  const text = readFileSync(file, 'utf8');
  const rules = PolicyPack.defaults().flatMap((pack) => pack._rules());
  const warmUpText = text.slice(0, Math.min(text.length, 2_000_000, text.split('---\n', 2000).join('---\n').length));
  for (let run = 0; run < 3; run++) runRules(loadManifests(warmUpText, 'warm-up.yaml').objects, rules);

  const gc = global.gc ?? ((): void => undefined);
  gc();
  const baseline = process.memoryUsage();
  let peakRss = baseline.rss;
  let peakHeap = baseline.heapUsed;
  const sample = (): void => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  };
  let best = { loadSeconds: Infinity, evalSeconds: Infinity, findings: 0 };
  let kept: Run | undefined;
  for (let run = 0; run < RUNS; run++) {
    kept = undefined; // the previous run's result is garbage before the next run starts
    kept = auditOnce(text, file, rules, n);
    sample();
    if (kept.loadSeconds + kept.evalSeconds < best.loadSeconds + best.evalSeconds) {
      best = { loadSeconds: kept.loadSeconds, evalSeconds: kept.evalSeconds, findings: kept.findings.length };
    }
  }
  // What an audit keeps alive, the objects and the findings: the heap with them minus the heap without.
  gc();
  const withResult = process.memoryUsage().heapUsed;
  if (kept!.objects.length !== n) throw new Error('the last run is not kept');
  kept = undefined;
  gc();
  const liveHeap = withResult - process.memoryUsage().heapUsed;
  let yamlOnlyObjectsPerSecond: number | undefined;
  if (yamlBaseline) {
    const start = process.hrtime.bigint();
    const documents = parseAllDocuments(text).map((document) => document.toJS());
    yamlOnlyObjectsPerSecond = documents.length / seconds(start);
  }
  const measurement: Measurement = {
    megabytes: Buffer.byteLength(text) / 1e6,
    ...best,
    peakRssMiB: (peakRss - baseline.rss) / 2 ** 20,
    peakHeapMiB: (peakHeap - baseline.heapUsed) / 2 ** 20,
    liveHeapMiB: liveHeap / 2 ** 20,
    yamlOnlyObjectsPerSecond,
  };
  process.stdout.write(JSON.stringify(measurement));
}

function measure(n: number, yamlBaseline: boolean, stream: string = yamlStream(n)): Measurement {
  const file = join(mkdtempSync(join(tmpdir(), 'cdk8s-hardened-bench-')), `objects-${n}.yaml`);
  writeFileSync(file, stream);
  const result = spawnSync(process.execPath, [
    '--expose-gc', require.resolve('ts-node/dist/bin.js'), '--swc', '--prefer-ts-exts', __filename, '--child', file, String(n), String(yamlBaseline),
  ], { encoding: 'utf8', maxBuffer: 1 << 20 });
  rmSync(file);
  if (result.status !== 0) throw new Error(`benchmark child failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Measurement;
}

function main(): void {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1], Number(args[2]), args[3] === 'true');
  const sizes = args.length > 0 ? args.map(Number) : [2500, 5000, 10000];
  const perSecond = (objects: number, time: number): string => Math.round(objects / time).toLocaleString('en-US');
  console.log('objects  YAML MB  load obj/s  rules obj/s  overall obj/s  findings  peak RSS +MiB  peak heap +MiB  live heap MiB  live KiB/object');
  let yamlOnly: number | undefined;
  for (const [i, n] of sizes.entries()) {
    const m = measure(n, i === 0);
    yamlOnly ??= m.yamlOnlyObjectsPerSecond;
    console.log([
      String(n).padStart(7),
      m.megabytes.toFixed(1).padStart(8),
      perSecond(n, m.loadSeconds).padStart(11),
      perSecond(n, m.evalSeconds).padStart(12),
      perSecond(n, m.loadSeconds + m.evalSeconds).padStart(14),
      String(m.findings).padStart(9),
      m.peakRssMiB.toFixed(0).padStart(14),
      m.peakHeapMiB.toFixed(0).padStart(15),
      m.liveHeapMiB.toFixed(1).padStart(14),
      (m.liveHeapMiB * 1024 / n).toFixed(2).padStart(16),
    ].join(' '));
  }
  if (yamlOnly !== undefined) {
    console.log(`\nfor reference, the yaml package alone (parseAllDocuments + toJS) reads ${Math.round(yamlOnly).toLocaleString('en-US')} objects/s (${sizes[0]} objects)`);
  }
  realWorld(perSecond);
}

/** Objects of the real-world run, and the rendered chart it repeats. */
const CORPUS_OBJECTS = 10_000;
const CORPUS_FILE = join(__dirname, '..', '..', 'shared', 'corpus', 'kube-prometheus-stack-88.5.3.yaml');

/** The rendered chart repeated (whole renders, then the first documents of one more) to 10,000 objects. */
function corpusStream(): { text: string; objects: number } | undefined {
  if (!existsSync(CORPUS_FILE)) return undefined;
  const render = readFileSync(CORPUS_FILE, 'utf8');
  const perRender = loadManifests(render, CORPUS_FILE).objects.length;
  const documents = render.split(/^(?=---$)/m);
  const parts: string[] = [];
  let objects = 0;
  while (objects + perRender <= CORPUS_OBJECTS) {
    parts.push(render.endsWith('\n') ? render : `${render}\n`);
    objects += perRender;
  }
  for (const document of documents) {
    if (objects >= CORPUS_OBJECTS) break;
    const count = loadManifests(document, CORPUS_FILE).objects.length;
    if (objects + count > CORPUS_OBJECTS) continue;
    parts.push(document.endsWith('\n') ? document : `${document}\n`);
    objects += count;
  }
  return { text: parts.join(''), objects };
}

function realWorld(perSecond: (objects: number, time: number) => string): void {
  const corpus = corpusStream();
  if (!corpus) {
    console.log(`\nreal-world run skipped: ${CORPUS_FILE} is not there`);
    return;
  }
  const m = measure(corpus.objects, false, corpus.text);
  const total = m.loadSeconds + m.evalSeconds;
  console.log(`\nreal world: kube-prometheus-stack-88.5.3 repeated to ${corpus.objects.toLocaleString('en-US')} objects, ${m.megabytes.toFixed(1)} MB`);
  console.log(`  load   ${m.loadSeconds.toFixed(2)} s  ${(m.megabytes / m.loadSeconds).toFixed(1)} MB/s  ${perSecond(corpus.objects, m.loadSeconds)} objects/s`);
  console.log(`  rules  ${m.evalSeconds.toFixed(2)} s  ${perSecond(corpus.objects, m.evalSeconds)} objects/s  ${m.findings} findings (with their file positions)`);
  console.log(`  total  ${total.toFixed(2)} s  ${(m.megabytes / total).toFixed(1)} MB/s  ${perSecond(corpus.objects, total)} objects/s  (goal: under 1 s)`);
  console.log(`  memory peak RSS +${m.peakRssMiB.toFixed(0)} MiB, live heap ${m.liveHeapMiB.toFixed(1)} MiB`);
}

main();

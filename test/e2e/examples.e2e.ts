/**
 * Every example on real kubelets: each one runs under the Pod Security level its namespace must
 * enforce, and a node drain moves all replicated example workloads without breaking a budget.
 */
import { join } from 'path';
import {
  ApiClient, applyAndWait, createNamespace, deleteNamespaces, isReady, kubectl, kubectlJson, removeTempDirs, report, restarts,
  run, RUN_ID, seconds, tempDir, timed, waitFor, writeManifests,
} from './cluster';
import {
  capCpuRequests, cpuRequestMillis, Example, exampleNames, namespaceLevels, NamespaceLevel, namespacesOf, packByCpu,
  podCount, podTemplateOf, prefixedNamespace, renameNamespaces, synthExample,
} from './examples';

/** CPU the examples that run at once may request: the two nodes have 4 CPUs, leave room for surge pods. */
const CPU_BUDGET_MILLIS = 3000;
const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'];

let examples: Example[] = [];

beforeAll(async () => {
  examples = await Promise.all(exampleNames().map(synthExample));
}, 600000);

/** An example with its namespaces renamed under `prefix`, and the level each one must enforce. */
interface Deployable {
  readonly example: Example;
  readonly manifests: any[];
  readonly levels: NamespaceLevel[];
  readonly namespaces: string[];
  readonly cpu: number;
}

function deployable(example: Example, prefix: string, cpuCapMillis?: number): Deployable {
  const rename = (namespace: string) => prefixedNamespace(`${prefix}-${example.name}`, namespace);
  let manifests = renameNamespaces(example.manifests, rename);
  if (cpuCapMillis !== undefined) manifests = capCpuRequests(manifests, cpuCapMillis);
  const levels = namespaceLevels(example.manifests, example.auditTarget).map((l) => ({ ...l, namespace: rename(l.namespace) }));
  return { example, manifests, levels, namespaces: namespacesOf(manifests), cpu: cpuRequestMillis(manifests) };
}

/** Creates the namespaces an example uses but does not create, applies it and waits; returns the output. */
async function deploy(item: Deployable, timeoutS: number, env: { [k: string]: string }): Promise<string> {
  for (const level of item.levels) {
    await createNamespace(level.namespace, level.level);
    for (const grant of level.grants) report(`${item.example.name}: namespace ${level.namespace} enforces '${level.level}' for ${grant}`);
  }
  const dir = tempDir(`apply-${item.example.name}`);
  writeManifests(join(dir, `${item.example.name}.yaml`), item.manifests);
  return applyAndWait(dir, { timeoutS, env: { CREATE_MISSING_SECRETS: '1', ...env } });
}

afterAll(removeTempDirs);

describe('examples on a real cluster', () => {
  test('every example runs: all workloads ready or complete, under enforced Pod Security, no pod refused or restarted', async () => {
    await timed('every example runs', async () => {
      expect(examples.length).toBeGreaterThan(0);
      const items = examples.map((e) => deployable(e, `x-${RUN_ID}`));
      const groups = packByCpu(items, CPU_BUDGET_MILLIS);
      report(`${items.length} examples in ${groups.length} group(s) of at most ${CPU_BUDGET_MILLIS}m CPU: ${groups.map((g) => g.map((i) => `${i.example.name} (${i.cpu}m)`).join(', ')).join(' | ')}`);
      const failures: string[] = [];
      for (const group of groups) {
        const namespaces = group.flatMap((i) => i.namespaces);
        try {
          const started = Date.now();
          const outputs = await Promise.all(group.map((item) => deploy(item, 240, { RUN_CRONJOBS: '1' }).then(
            (output) => ({ item, output, error: undefined as string | undefined }),
            (error) => ({ item, output: '', error: String(error.message ?? error) }),
          )));
          for (const { item, output, error } of outputs) {
            if (error) {
              failures.push(`${item.example.name}: ${error}`);
              continue;
            }
            failures.push(...checkExampleRun(item, output));
          }
          const podList = (await Promise.all(namespaces.map((ns) => kubectlJson(['get', 'pods', '-n', ns])))).flatMap((l) => l.items);
          for (const r of restarts(podList)) failures.push(`pod ${r.pod} restarted ${r.count} time(s)`);
          for (const pod of podList) {
            if (pod.status?.phase !== 'Succeeded' && !isReady(pod)) failures.push(`pod ${pod.metadata.namespace}/${pod.metadata.name} is ${pod.status?.phase}, not ready`);
          }
          const events = (await Promise.all(namespaces.map((ns) => kubectlJson(['get', 'events', '-n', ns])))).flatMap((l) => l.items);
          for (const event of events.filter((e: any) => e.reason === 'FailedCreate')) failures.push(`refused: ${event.involvedObject.kind} ${event.metadata.namespace}/${event.involvedObject.name}: ${event.message}`);
          report(`group ${group.map((i) => i.example.name).join(', ')}: ${podList.length} pods, ready in ${seconds(Date.now() - started)}`);
        } finally {
          await deleteNamespaces(namespaces);
        }
      }
      expect(failures).toEqual([]);
    });
  }, 900000);

  test('a drain of the node holding every example workload completes within the derived bound and keeps every budget', async () => {
    await timed('drain', async () => {
      // The kit's nodes have 2 CPUs each and this node must hold every example at once, so CPU
      // requests are capped; the behaviour under test (budgets, eviction order, rescheduling) does not depend on them.
      const items = examples.map((e) => deployable(e, `d-${RUN_ID}`, 20));
      const namespaces = items.flatMap((i) => i.namespaces);
      const [drained, other] = ['node-1', 'node-2'];
      const api = ApiClient.fromKubeconfig();
      try {
        await kubectl(['cordon', other]);
        await Promise.all(items.map((item) => deploy(item, 300, {})));
        await kubectl(['uncordon', other]);

        const workloads = items.flatMap((i) => i.manifests.filter((m) => ['Deployment', 'StatefulSet'].includes(m.kind)).map((m) => ({ m, pods: podCount(m, i.manifests), audited: i.example.auditTarget })));
        const pdbs = (await Promise.all(namespaces.map((ns) => kubectlJson(['get', 'pdb', '-n', ns])))).flatMap((l) => l.items);
        const onNode = (await api.get(`/api/v1/pods?fieldSelector=spec.nodeName%3D${drained}`)).items.filter((p: any) => namespaces.includes(p.metadata.namespace));
        const bound = drainBound(workloads.map((w) => w.m), pdbs, onNode);
        for (const { m, pods, audited } of workloads) {
          const here = onNode.filter((p: any) => p.metadata.namespace === m.metadata.namespace && matches(m.spec.selector.matchLabels, p.metadata.labels));
          expect({ workload: `${m.metadata.namespace}/${m.metadata.name}`, onDrainedNode: here.length > 0 }).toEqual({ workload: `${m.metadata.namespace}/${m.metadata.name}`, onDrainedNode: true });
          if (pods > 1 && !audited) expect(pdbs.some((p) => p.metadata.namespace === m.metadata.namespace && matches(p.spec.selector.matchLabels, m.spec.template.metadata.labels))).toBe(true);
        }
        for (const pdb of pdbs) {
          expect({ pdb: `${pdb.metadata.namespace}/${pdb.metadata.name}`, disruptionsAllowed: pdb.status.disruptionsAllowed >= 1 }).toEqual({ pdb: `${pdb.metadata.namespace}/${pdb.metadata.name}`, disruptionsAllowed: true });
        }
        report(`drain of ${drained}: ${onNode.length} example pods on it, ${workloads.length} workloads (${workloads.filter((w) => w.pods === 1).length} single-replica), ${pdbs.length} budgets; bound ${bound.seconds}s (${bound.explanation})`);

        const watch = watchBudgets(api, pdbs, namespaces);
        const started = Date.now();
        const drain = await run('kubectl', ['drain', drained, '--ignore-daemonsets', '--delete-emptydir-data', `--timeout=${bound.seconds + 60}s`], { timeoutS: bound.seconds + 120 });
        const drainMs = Date.now() - started;
        report(`kubectl drain ${drained}: exit ${drain.code} in ${seconds(drainMs)} (bound ${bound.seconds}s)`);
        await kubectl(['uncordon', drained]);
        // A single replica is evicted at once (its budget allows one disruption) and comes back
        // elsewhere; one bound to a node-local volume comes back once its node is schedulable again.
        const singles = workloads.filter((w) => w.pods === 1);
        const placed = await waitFor('single-replica workloads to be ready again', 180, async () => {
          const all = await Promise.all(singles.map((w) => kubectlJson(['get', 'pods', '-n', w.m.metadata.namespace, '-l', Object.entries(w.m.spec.selector.matchLabels).map(([k, v]) => `${k}=${v}`).join(',')])));
          const ready = all.map((l) => l.items.find(isReady));
          return ready.every((p) => p) ? ready.map((p) => p.spec.nodeName) : undefined;
        });
        const samples = watch.stop();
        singles.forEach((single, index) => {
          const pdb = pdbs.find((p) => p.metadata.namespace === single.m.metadata.namespace && matches(p.spec.selector.matchLabels, single.m.spec.template.metadata.labels));
          const key = pdb ? `${pdb.metadata.namespace}/${pdb.metadata.name}` : undefined;
          const downtime = key ? samples.downtimeMs.get(key) ?? 0 : 0;
          report(`single replica ${single.m.kind} ${single.m.metadata.namespace}/${single.m.metadata.name}: evicted at once (budget allowed ${pdb?.status.disruptionsAllowed ?? 'any'}), no ready pod for ${seconds(downtime)}, ready again on ${placed[index]}`);
        });
        for (const [key, min] of samples.minHealthy) report(`budget ${key}: fewest healthy pods seen ${min} (budget requires ${samples.required.get(key)})`);
        expect(drain.code === 0 ? '' : `${drain.stdout}${drain.stderr}`).toBe('');
        expect(samples.violations).toEqual([]);
        expect(drainMs).toBeLessThan(bound.seconds * 1000);
      } finally {
        await run('kubectl', ['uncordon', drained]);
        await run('kubectl', ['uncordon', other]);
        await deleteNamespaces(namespaces);
        api.close();
      }
    });
  }, 900000);
});

/** Problems of one example's apply-and-wait output: workloads without an OK line, Pod Security warnings. */
function checkExampleRun(item: Deployable, output: string): string[] {
  const problems: string[] = [];
  for (const m of item.manifests.filter((x) => WORKLOAD_KINDS.includes(x.kind))) {
    const kinds = m.kind === 'CronJob' ? ['CronJob', 'Job'] : [m.kind];
    const ok = kinds.some((kind) => new RegExp(`^OK\\s+${kind}\\s+${m.metadata.namespace}/${m.metadata.name}(-now-\\d+)?:`, 'm').test(output));
    if (!ok) problems.push(`${item.example.name}: no OK line for ${m.kind} ${m.metadata.namespace}/${m.metadata.name}:\n${output}`);
  }
  const warnings = output.split('\n').filter((line) => /would violate PodSecurity|violates PodSecurity/.test(line));
  if (warnings.length > 0) problems.push(`${item.example.name}: Pod Security warnings: ${warnings.join(' | ')}`);
  for (const m of item.manifests.filter((x) => x.kind === 'Namespace')) {
    const enforce = m.metadata.labels?.['pod-security.kubernetes.io/enforce'];
    if (!enforce) problems.push(`${item.example.name}: namespace ${m.metadata.name} enforces no Pod Security level`);
  }
  return problems;
}

function matches(selector: { [k: string]: string } | undefined, labels: { [k: string]: string } | undefined): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
}

/** Seconds kubectl waits between two refused evictions. */
const EVICTION_RETRY_S = 5;
/** Scheduling, image pull from the local registry and container start of a replacement pod on this machine. */
const POD_START_S = 15;

/**
 * The longest a drain may take, from the defaults: a workload with n pods on the node and a budget
 * that allows k disruptions is evicted in ceil(n/k) rounds; each round waits for the replacement
 * to start and pass its readiness probe (one period), plus kubectl's retry interval; the last pods
 * then take at most their termination grace period to stop.
 */
function drainBound(workloads: any[], pdbs: any[], onNode: any[]): { seconds: number; explanation: string } {
  let worst = { seconds: 0, explanation: '' };
  for (const m of workloads) {
    const here = onNode.filter((p: any) => p.metadata.namespace === m.metadata.namespace && matches(m.spec.selector.matchLabels, p.metadata.labels)).length;
    if (here === 0) continue;
    const pdb = pdbs.find((p) => p.metadata.namespace === m.metadata.namespace && matches(p.spec.selector.matchLabels, m.spec.template.metadata.labels));
    const allowed = Math.max(1, pdb ? pdb.status.expectedPods - pdb.status.desiredHealthy : here);
    const spec = podTemplateOf(m).spec;
    const period = Math.max(...spec.containers.map((c: any) => c.readinessProbe?.periodSeconds ?? 10));
    const grace = spec.terminationGracePeriodSeconds ?? 30;
    const rounds = Math.ceil(here / allowed);
    const total = rounds * (POD_START_S + period + EVICTION_RETRY_S) + grace;
    if (total > worst.seconds) {
      worst = { seconds: total, explanation: `${m.metadata.namespace}/${m.metadata.name}: ${rounds} round(s) x (start ${POD_START_S}s + readiness period ${period}s + eviction retry ${EVICTION_RETRY_S}s) + grace ${grace}s` };
    }
  }
  return worst;
}

interface BudgetSamples {
  readonly violations: string[];
  readonly minHealthy: Map<string, number>;
  readonly required: Map<string, number>;
  readonly downtimeMs: Map<string, number>;
}

/**
 * Samples every budget's healthy pods (ready, not being deleted) once a second, as the disruption
 * controller counts them, and records every moment a workload is below what its budget requires.
 */
function watchBudgets(api: ApiClient, pdbs: any[], namespaces: string[]): { stop: () => BudgetSamples } {
  const samples: BudgetSamples = { violations: [], minHealthy: new Map(), required: new Map(), downtimeMs: new Map() };
  const zeroSince = new Map<string, number>();
  let running = true;
  const deadline = Date.now() + 600000;
  const loop = (async () => {
    while (running && Date.now() < deadline) {
      const at = Date.now();
      try {
        const all = (await api.get('/api/v1/pods')).items.filter((p: any) => namespaces.includes(p.metadata.namespace));
        for (const pdb of pdbs) {
          const key = `${pdb.metadata.namespace}/${pdb.metadata.name}`;
          const healthy = all.filter((p: any) => p.metadata.namespace === pdb.metadata.namespace && matches(pdb.spec.selector.matchLabels, p.metadata.labels) && isReady(p)).length;
          samples.required.set(key, pdb.status.desiredHealthy);
          samples.minHealthy.set(key, Math.min(samples.minHealthy.get(key) ?? healthy, healthy));
          if (healthy < pdb.status.desiredHealthy) samples.violations.push(`${key}: ${healthy} healthy at ${new Date(at).toISOString().slice(11, 23)}, budget requires ${pdb.status.desiredHealthy}`);
          if (healthy === 0 && !zeroSince.has(key)) zeroSince.set(key, at);
          if (healthy > 0 && zeroSince.has(key)) {
            samples.downtimeMs.set(key, (samples.downtimeMs.get(key) ?? 0) + at - zeroSince.get(key)!);
            zeroSince.delete(key);
          }
        }
      } catch {
        // a failed read is a missed sample, not a finding
      }
      await new Promise((done) => setTimeout(done, Math.max(0, 1000 - (Date.now() - at))));
    }
  })();
  return {
    stop: () => {
      running = false;
      void loop;
      const now = Date.now();
      for (const [key, since] of zeroSince) samples.downtimeMs.set(key, (samples.downtimeMs.get(key) ?? 0) + now - since);
      return samples;
    },
  };
}

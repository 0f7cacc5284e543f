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
  capCpuRequests, cpuCapToFit, cpuRequestMillis, Example, exampleNames, namespaceLevels, NamespaceLevel, namespacesOf, packByCpu,
  podCount, podTemplateOf, prefixedNamespace, renameNamespaces, splitByNamespace, synthExample,
} from './examples';

/** CPU the examples that run at once may request: the two nodes have 4 CPUs, leave room for surge pods. */
const CPU_BUDGET_MILLIS = 3000;
const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'];
/** The toleration that lets a pod be scheduled on a cordoned node. */
const UNSCHEDULABLE_TOLERATION = { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' };

let examples: Example[] = [];

beforeAll(async () => {
  examples = await Promise.all(exampleNames().map(synthExample));
}, 600000);

/** An example (or one namespace of it) with its namespaces renamed under a prefix, and the level each one must enforce. */
interface Deployable {
  readonly name: string;
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
  return { name: example.name, example, manifests, levels, namespaces: namespacesOf(manifests), cpu: cpuRequestMillis(manifests) };
}

/**
 * An example as one deployable when its CPU requests fit the budget; otherwise one per namespace
 * (an environment each), and a namespace that alone exceeds the budget gets its CPU requests
 * capped to fit (reported).
 */
function deployablesWithin(example: Example, prefix: string, budgetMillis: number): Deployable[] {
  const whole = deployable(example, prefix);
  if (whole.cpu <= budgetMillis) return [whole];
  const original = new Map(namespacesOf(example.manifests).map((namespace) => [prefixedNamespace(`${prefix}-${example.name}`, namespace), namespace]));
  return splitByNamespace(whole.manifests).map(({ namespace, manifests: part }) => {
    const cap = cpuCapToFit(part, budgetMillis);
    const manifests = cap === undefined ? part : capCpuRequests(part, cap);
    const name = `${example.name}-${original.get(namespace) ?? 'cluster'}`;
    if (cap !== undefined) report(`${name}: requests ${cpuRequestMillis(part)}m CPU, more than ${budgetMillis}m: CPU requests capped at ${cap}m per container`);
    const namespaces = namespacesOf(manifests);
    return { name, example, manifests, levels: whole.levels.filter((l) => namespaces.includes(l.namespace)), namespaces, cpu: cpuRequestMillis(manifests) };
  });
}

/** Creates the namespaces an example uses but does not create, applies it and waits; returns the output. */
async function deploy(item: Deployable, timeoutS: number, env: { [k: string]: string }): Promise<string> {
  for (const level of item.levels) {
    await createNamespace(level.namespace, level.level);
    for (const grant of level.grants) report(`${item.name}: namespace ${level.namespace} enforces '${level.level}' for ${grant}`);
  }
  const dir = tempDir(`apply-${item.name}`);
  writeManifests(join(dir, `${item.name}.yaml`), item.manifests);
  return applyAndWait(dir, { timeoutS, env: { CREATE_MISSING_SECRETS: '1', ...env } });
}

/** Budgets that block every voluntary eviction on purpose (`DisruptionBudget.blockEvictions` renders `maxUnavailable: 0`). */
function blockingBudgets(manifests: any[]): any[] {
  return manifests.filter((m) => m.kind === 'PodDisruptionBudget' && m.spec?.maxUnavailable === 0);
}

/** Whether a budget in `budgets` selects the pods of workload `m`. */
function selectedByAny(m: any, budgets: any[]): boolean {
  return budgets.some((b) => b.metadata?.namespace === m.metadata?.namespace && matches(b.spec?.selector?.matchLabels, podTemplateOf(m)?.metadata?.labels));
}

/** Copies manifests with the pods of workloads under an eviction-blocking budget bound to `node` (cordoned or not). */
function pinBlockedWorkloads(manifests: any[], node: string): any[] {
  const copy = JSON.parse(JSON.stringify(manifests));
  const budgets = blockingBudgets(copy);
  for (const m of copy.filter((x: any) => ['Deployment', 'StatefulSet'].includes(x.kind) && selectedByAny(x, budgets))) {
    const spec = podTemplateOf(m).spec;
    spec.nodeSelector = { ...(spec.nodeSelector ?? {}), 'kubernetes.io/hostname': node };
    spec.tolerations = [...(spec.tolerations ?? []), UNSCHEDULABLE_TOLERATION];
  }
  return copy;
}

afterAll(removeTempDirs);

describe('examples on a real cluster', () => {
  test('every example runs: all workloads ready or complete, under enforced Pod Security, no pod refused or restarted', async () => {
    await timed('every example runs', async () => {
      expect(examples.length).toBeGreaterThan(0);
      const items = examples.flatMap((e) => deployablesWithin(e, `x-${RUN_ID}`, CPU_BUDGET_MILLIS));
      const groups = packByCpu(items, CPU_BUDGET_MILLIS);
      report(`${items.length} deployments of ${examples.length} examples in ${groups.length} group(s) of at most ${CPU_BUDGET_MILLIS}m CPU: ${groups.map((g) => g.map((i) => `${i.name} (${i.cpu}m)`).join(', ')).join(' | ')}`);
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
              failures.push(`${item.name}: ${error}`);
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
          report(`group ${group.map((i) => i.name).join(', ')}: ${podList.length} pods, ready in ${seconds(Date.now() - started)}`);
        } finally {
          await deleteNamespaces(namespaces);
        }
      }
      expect(failures).toEqual([]);
    });
  }, 900000);

  test('a drain completes within the derived bound and keeps every budget; an eviction-blocking budget refuses eviction', async () => {
    await timed('drain', async () => {
      const [drained, other] = ['node-1', 'node-2'];
      // The kit's nodes have 2 CPUs each and this node must hold every example at once, so CPU
      // requests are capped; the behaviour under test (budgets, eviction order, rescheduling) does not depend on them.
      // A workload whose budget blocks evictions would hold the drain until an operator moves it
      // (docs/patterns.md), so it runs on the other node and its refusal is checked on its own.
      const items = examples.map((e) => deployable(e, `d-${RUN_ID}`, 20)).map((i) => ({ ...i, manifests: pinBlockedWorkloads(i.manifests, other) }));
      const namespaces = items.flatMap((i) => i.namespaces);
      const api = ApiClient.fromKubeconfig();
      try {
        await kubectl(['cordon', other]);
        await Promise.all(items.map((item) => deploy(item, 300, {})));
        await kubectl(['uncordon', other]);

        const workloads = items.flatMap((i) => i.manifests.filter((m) => ['Deployment', 'StatefulSet'].includes(m.kind)).map((m) => ({
          m, key: `${m.kind} ${m.metadata.namespace}/${m.metadata.name}`, pods: podCount(m, i.manifests), audited: i.example.auditTarget, blocked: selectedByAny(m, blockingBudgets(i.manifests)),
        })));
        const pdbs = (await Promise.all(namespaces.map((ns) => kubectlJson(['get', 'pdb', '-n', ns])))).flatMap((l) => l.items);
        const allPods = (await api.get('/api/v1/pods')).items.filter((p: any) => namespaces.includes(p.metadata.namespace));
        const podsOf = (m: any) => allPods.filter((p: any) => p.metadata.namespace === m.metadata.namespace && matches(m.spec.selector.matchLabels, p.metadata.labels));
        const onNode = allPods.filter((p: any) => p.spec.nodeName === drained);
        for (const { m, key, pods, audited, blocked } of workloads) {
          const nodes = [...new Set(podsOf(m).map((p: any) => p.spec.nodeName))].sort();
          expect({ workload: key, nodes }).toEqual({ workload: key, nodes: [blocked ? other : drained] });
          if (pods > 1 && !audited) expect({ workload: key, budget: selectedByAny(m, pdbs) }).toEqual({ workload: key, budget: true });
        }
        const blockingKeys = new Set(pdbs.filter((p) => p.spec.maxUnavailable === 0).map((p) => `${p.metadata.namespace}/${p.metadata.name}`));
        for (const pdb of pdbs) {
          const key = `${pdb.metadata.namespace}/${pdb.metadata.name}`;
          const expected = blockingKeys.has(key) ? 'none' : 'at least one';
          const allowed = pdb.status.disruptionsAllowed === 0 ? 'none' : 'at least one';
          expect({ pdb: key, disruptionsAllowed: allowed }).toEqual({ pdb: key, disruptionsAllowed: expected });
        }

        // The documented behaviour of blockEvictions: the eviction API refuses the pod (429), so a
        // drain of its node waits (kubectl retries every 5 s) until an operator moves it.
        const blockedWorkloads = workloads.filter((w) => w.blocked);
        expect(blockedWorkloads.length).toBeGreaterThan(0);
        for (const { m, key } of blockedWorkloads) {
          for (const pod of podsOf(m)) {
            const eviction = await api.post(`/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/eviction`, {
              apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace },
            });
            const message = String(eviction.body?.message ?? eviction.body);
            report(`eviction of ${pod.metadata.namespace}/${pod.metadata.name} (${key}, blockEvictions): HTTP ${eviction.status}: ${message}`);
            expect({ pod: pod.metadata.name, status: eviction.status, budgetNamed: /disruption budget/.test(message) }).toEqual({ pod: pod.metadata.name, status: 429, budgetNamed: true });
          }
        }

        const movable = workloads.filter((w) => !w.blocked);
        const bound = drainBound(movable.map((w) => w.m), pdbs, onNode);
        report(`drain of ${drained}: ${onNode.length} example pods on it, ${movable.length} workloads (${movable.filter((w) => w.pods === 1).length} single-replica), ${pdbs.length} budgets; ${blockedWorkloads.length} workload(s) under an eviction-blocking budget kept on ${other}; bound ${bound.seconds}s (${bound.explanation})`);

        const watch = watchDrain(api, pdbs, movable, namespaces);
        const started = Date.now();
        const drain = await run('kubectl', ['drain', drained, '--ignore-daemonsets', '--delete-emptydir-data', `--timeout=${bound.seconds + 60}s`], { timeoutS: bound.seconds + 120 });
        const drainMs = Date.now() - started;
        report(`kubectl drain ${drained}: exit ${drain.code} in ${seconds(drainMs)} (bound ${bound.seconds}s)`);
        await kubectl(['uncordon', drained]);
        // A single replica has no budget, so it is evicted at once and comes back elsewhere; one
        // bound to a node-local volume comes back once its node is schedulable again.
        const singles = movable.filter((w) => w.pods === 1);
        const placed = await waitFor('single-replica workloads to be ready again', 180, async () => {
          const all = await Promise.all(singles.map((w) => kubectlJson(['get', 'pods', '-n', w.m.metadata.namespace, '-l', Object.entries(w.m.spec.selector.matchLabels).map(([k, v]) => `${k}=${v}`).join(',')])));
          const ready = all.map((l) => l.items.find(isReady));
          return ready.every((p) => p) ? ready.map((p) => p.spec.nodeName) : undefined;
        });
        const samples = watch.stop();
        singles.forEach((single, index) => {
          const budget = selectedByAny(single.m, pdbs) ? 'its budget allowed it' : 'no budget';
          report(`single replica ${single.key}: evicted at once (${budget}), no ready pod for ${seconds(samples.downtimeMs.get(single.key) ?? 0)}, ready again on ${placed[index]}`);
        });
        for (const [key, min] of samples.minHealthy) report(`budget ${key}: fewest healthy pods seen ${min} (budget requires ${samples.required.get(key)})`);
        for (const { m, key } of blockedWorkloads) {
          const stayed = (await kubectlJson(['get', 'pods', '-n', m.metadata.namespace])).items.filter((p: any) => matches(m.spec.selector.matchLabels, p.metadata.labels) && isReady(p));
          expect({ workload: key, readyOn: stayed.map((p: any) => p.spec.nodeName) }).toEqual({ workload: key, readyOn: [other] });
        }
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
    if (!ok) problems.push(`${item.name}: no OK line for ${m.kind} ${m.metadata.namespace}/${m.metadata.name}:\n${output}`);
  }
  const warnings = output.split('\n').filter((line) => /would violate PodSecurity|violates PodSecurity/.test(line));
  if (warnings.length > 0) problems.push(`${item.name}: Pod Security warnings: ${warnings.join(' | ')}`);
  for (const m of item.manifests.filter((x) => x.kind === 'Namespace')) {
    const enforce = m.metadata.labels?.['pod-security.kubernetes.io/enforce'];
    if (!enforce) problems.push(`${item.name}: namespace ${m.metadata.name} enforces no Pod Security level`);
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

interface DrainSamples {
  readonly violations: string[];
  readonly minHealthy: Map<string, number>;
  readonly required: Map<string, number>;
  /** Per workload (`Kind ns/name`): how long it had no ready pod. */
  readonly downtimeMs: Map<string, number>;
}

/**
 * Samples the pods once a second during a drain: every budget's healthy pods (ready, not being
 * deleted, as the disruption controller counts them), recording every moment a workload is below
 * what its budget requires, and every workload's ready pods, adding up the time it has none.
 */
function watchDrain(api: ApiClient, pdbs: any[], workloads: { m: any; key: string }[], namespaces: string[]): { stop: () => DrainSamples } {
  const samples: DrainSamples = { violations: [], minHealthy: new Map(), required: new Map(), downtimeMs: new Map() };
  const zeroSince = new Map<string, number>();
  const readyCount = (all: any[], namespace: string, selector: { [k: string]: string } | undefined) =>
    all.filter((p: any) => p.metadata.namespace === namespace && matches(selector, p.metadata.labels) && isReady(p)).length;
  let running = true;
  const deadline = Date.now() + 600000;
  const loop = (async () => {
    while (running && Date.now() < deadline) {
      const at = Date.now();
      try {
        const all = (await api.get('/api/v1/pods')).items.filter((p: any) => namespaces.includes(p.metadata.namespace));
        for (const pdb of pdbs) {
          const key = `${pdb.metadata.namespace}/${pdb.metadata.name}`;
          const healthy = readyCount(all, pdb.metadata.namespace, pdb.spec.selector.matchLabels);
          samples.required.set(key, pdb.status.desiredHealthy);
          samples.minHealthy.set(key, Math.min(samples.minHealthy.get(key) ?? healthy, healthy));
          if (healthy < pdb.status.desiredHealthy) samples.violations.push(`${key}: ${healthy} healthy at ${new Date(at).toISOString().slice(11, 23)}, budget requires ${pdb.status.desiredHealthy}`);
        }
        for (const { m, key } of workloads) {
          const ready = readyCount(all, m.metadata.namespace, m.spec.selector.matchLabels);
          if (ready === 0 && !zeroSince.has(key)) zeroSince.set(key, at);
          if (ready > 0 && zeroSince.has(key)) {
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

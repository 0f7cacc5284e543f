/**
 * NodeAgent and HardenedNamespace on a real cluster: one agent pod per node, tainted nodes
 * included; Pod Security admission refuses a privileged pod and admits the library's own pods.
 */
import { Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { HardenedNamespace, NodeAgent, Probe, TaintEffect, WebService } from '../../lib';
import { synth } from '../util/synth';
import { applyAndWait, clusterChart, createNamespace, deleteNamespaces, isReady, kubectl, kubectlJson, pods, removeTempDirs, report, run, scenarioNamespace, timed, writeCharts } from './cluster';

const TAINT_KEY = 'e2e.cdk8s-hardened.io/reserved';

afterAll(removeTempDirs);

describe('NodeAgent and HardenedNamespace on a real cluster', () => {
  test('a NodeAgent runs one ready pod on each node, including a node tainted NoSchedule', async () => {
    await timed('node agent', async () => {
      const ns = scenarioNamespace('agent');
      const tainted = 'node-2';
      try {
        await createNamespace(ns);
        await kubectl(['taint', 'nodes', tainted, `${TAINT_KEY}=agents:NoSchedule`, '--overwrite']);
        const chart = clusterChart(ns);
        new NodeAgent(chart, 'agent', {
          image: 'registry.example.com/e2e/agent:1.0.0',
          resources: { cpu: Cpu.millis(20), memory: Size.mebibytes(32) },
          ports: [{ number: 2020, name: 'http' }],
          readiness: Probe.http('/ready'),
          tolerations: [{ key: TAINT_KEY, effect: TaintEffect.NO_SCHEDULE }],
        });
        await applyAndWait(writeCharts('agent', [chart]), { timeoutS: 180 });
        const nodes = (await kubectlJson(['get', 'nodes'])).items.map((n: any) => n.metadata.name).sort();
        const placed = (await pods(ns)).filter(isReady).map((p) => p.spec.nodeName).sort();
        const taints = (await kubectlJson(['get', 'node', tainted])).spec.taints ?? [];
        report(`node agent: ready pods on ${placed.join(', ')}; ${tainted} taints ${taints.map((t: any) => `${t.key}:${t.effect}`).join(', ')}`);
        expect(taints.some((t: any) => t.key === TAINT_KEY && t.effect === 'NoSchedule')).toBe(true);
        expect(placed).toEqual(nodes);
      } finally {
        await run('kubectl', ['taint', 'nodes', tainted, `${TAINT_KEY}:NoSchedule-`]);
        await deleteNamespaces([ns]);
      }
    });
  }, 600000);

  test('a HardenedNamespace refuses a privileged pod and admits the same pod hardened', async () => {
    await timed('hardened namespace', async () => {
      const ns = scenarioNamespace('hardened');
      try {
        const chart = clusterChart(ns);
        new HardenedNamespace(chart, 'namespace', { name: ns });
        await kubectl(['apply', '-R', '-f', writeCharts('hardened', [chart])]);
        const labels = (await kubectlJson(['get', 'namespace', ns])).metadata.labels;
        expect(labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
        report(`hardened namespace: enforces ${labels['pod-security.kubernetes.io/enforce']}:${labels['pod-security.kubernetes.io/enforce-version']}`);

        const web = new WebService(clusterChart(ns), 'web', {
          image: 'registry.example.com/e2e/web:1.0.0',
          port: 8080,
          readiness: Probe.http('/ready'),
          liveness: Probe.http('/healthz'),
          resources: { cpu: Cpu.millis(20), memory: Size.mebibytes(32) },
        });
        const manifests = synth(web.node.scope as Chart);
        const template = manifests.find((m) => m.kind === 'Deployment').spec.template;
        await kubectl(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifests.filter((m) => m.kind !== 'Deployment') }) });
        const pod = (name: string, spec: any) => JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels: template.metadata.labels }, spec });
        const hardened = await run('kubectl', ['apply', '--dry-run=server', '-f', '-'], { input: pod('hardened', template.spec) });
        const privilegedSpec = JSON.parse(JSON.stringify(template.spec));
        privilegedSpec.containers[0].securityContext = { ...privilegedSpec.containers[0].securityContext, privileged: true, allowPrivilegeEscalation: true };
        const privileged = await run('kubectl', ['apply', '-f', '-'], { input: pod('privileged', privilegedSpec) });
        report(`hardened namespace: hardened pod ${hardened.code === 0 ? 'admitted' : 'refused'}; privileged pod: ${(privileged.stderr || privileged.stdout).trim()}`);
        expect(hardened.stderr).toBe('');
        expect(hardened.code).toBe(0);
        expect(privileged.code).not.toBe(0);
        expect(privileged.stderr).toMatch(/forbidden: violates PodSecurity "restricted:(latest|v1\.\d+)": privileged \(container "app" must not set securityContext.privileged=true\)/);
        expect((await kubectlJson(['get', 'pods', '-n', ns])).items).toEqual([]);
      } finally {
        await deleteNamespaces([ns]);
      }
    });
  }, 600000);
});

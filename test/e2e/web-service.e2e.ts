/**
 * WebService runtime promises on real kubelets: zero-downtime rollouts, endpoints that leave
 * before SIGTERM, replicas spread over zones.
 */
import { Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { KubernetesVersion, Probe, WebService, WebServiceProps } from '../../lib';
import {
  ApiClient, applyAndWait, clusterChart, CLUSTER_VERSION, createNamespace, deleteNamespaces, followLog, hostUptimeOffsetMs, httpGetPod, kitScript, kubectl,
  kubectlJson, pods, readyEndpoints, removeTempDirs, report, scenarioNamespace, seconds, sleep, timed, waitFor, writeCharts,
} from './cluster';

const PORT = 8080;

function webServiceChart(namespace: string, props: Partial<WebServiceProps> & { image: string }, version?: KubernetesVersion): Chart {
  const chart = clusterChart(namespace, version);
  new WebService(chart, 'web', {
    port: PORT,
    readiness: Probe.http('/ready'),
    liveness: Probe.http('/healthz'),
    resources: { cpu: Cpu.millis(50), memory: Size.mebibytes(64) },
    ...props,
  });
  return chart;
}

function endpointSlicesPath(namespace: string): string {
  return `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dweb`;
}

/**
 * How stale the prober's routing is: kube-proxy applies endpoint changes in batches at most once
 * per `minSyncPeriod` (1 s by default), so traffic follows an EndpointSlice change up to a second late.
 */
const ROUTING_LAG_MS = 1000;

/**
 * Sends GETs at a steady rate to the ready endpoints of the Service, re-read continuously, and
 * routes as kube-proxy would: by the endpoints as they were `ROUTING_LAG_MS` ago.
 */
class Prober {
  public sent = 0;
  public failed = 0;
  public readonly failures: string[] = [];
  public minReady = Number.MAX_SAFE_INTEGER;
  private endpoints: string[] = [];
  private readonly history: { at: number; ready: string[] }[] = [];
  private next = 0;
  private running = true;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly loops: Promise<void>[];

  constructor(private readonly api: ApiClient, private readonly namespace: string, private readonly intervalMs: number, maxSeconds: number) {
    const deadline = Date.now() + maxSeconds * 1000;
    this.loops = [this.readEndpoints(deadline), this.send(deadline)];
  }

  /** Waits until the prober has seen `count` ready endpoints. */
  public async ready(count: number): Promise<void> {
    await waitFor(`${count} ready endpoints`, 60, async () => (this.endpoints.length >= count ? true : undefined), 200);
    this.minReady = this.endpoints.length;
  }

  public async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    await Promise.all([...this.inFlight]);
  }

  private async readEndpoints(deadline: number): Promise<void> {
    while (this.running && Date.now() < deadline) {
      try {
        this.endpoints = readyEndpoints(await this.api.get(endpointSlicesPath(this.namespace), 2000)).ready;
        this.history.push({ at: Date.now(), ready: this.endpoints });
        while (this.history.length > 1 && this.history[1].at <= Date.now() - ROUTING_LAG_MS) this.history.shift();
        if (this.minReady !== Number.MAX_SAFE_INTEGER) this.minReady = Math.min(this.minReady, this.endpoints.length);
      } catch {
        // keep the last known endpoints, as kube-proxy would
      }
      await sleep(100);
    }
  }

  private async send(deadline: number): Promise<void> {
    while (this.running && Date.now() < deadline) {
      const tick = Date.now();
      const routed = this.history[0]?.ready ?? [];
      if (routed.length > 0 && this.minReady !== Number.MAX_SAFE_INTEGER) {
        const ip = routed[this.next++ % routed.length];
        this.sent++;
        const request = httpGetPod(ip, PORT, '/', 2000).then((result) => {
          if (!result.ok) {
            this.failed++;
            if (this.failures.length < 20) this.failures.push(`${new Date().toISOString().slice(11, 23)} ${ip}: ${result.detail}`);
          }
        });
        this.inFlight.add(request);
        void request.finally(() => this.inFlight.delete(request));
      }
      await sleep(Math.max(0, this.intervalMs - (Date.now() - tick)));
    }
  }
}

afterAll(removeTempDirs);

describe('WebService on a real cluster', () => {
  test('a rollout of a new image tag drops no request and never has fewer ready endpoints than replicas', async () => {
    await timed('zero-downtime rollout', async () => {
      const ns = scenarioNamespace('rollout');
      try {
        await createNamespace(ns);
        await applyAndWait(writeCharts('rollout-v1', [webServiceChart(ns, { image: 'registry.example.com/e2e/web:1.0.0' })]), { timeoutS: 180 });
        const next = 'registry.example.com/e2e/web:1.0.1';
        const load = await kitScript('load-image.sh', ['--ports', String(PORT), next], { timeoutS: 120 });
        expect(load.code).toBe(0);
        const v2 = writeCharts('rollout-v2', [webServiceChart(ns, { image: next })]);

        const api = ApiClient.fromKubeconfig();
        const prober = new Prober(api, ns, 50, 400);
        await prober.ready(3);
        await sleep(2000);
        const started = Date.now();
        await kubectl(['apply', '-R', '-f', v2]);
        const status = await kubectl(['rollout', 'status', '-n', ns, 'deployment/web', '--timeout=300s'], { timeoutS: 320 });
        const rolloutMs = Date.now() - started;
        await sleep(10000); // the old pods' pause and shutdown: they still must not fail a request
        await prober.stop();
        api.close();

        const images = (await pods(ns)).filter((p) => !p.metadata.deletionTimestamp).map((p) => p.spec.containers[0].image);
        report(`rollout: ${prober.sent} requests sent, ${prober.failed} failed, rollout ${seconds(rolloutMs)}, fewest ready endpoints ${prober.minReady} (replicas 3)`);
        for (const failure of prober.failures) report(`  failed request: ${failure}`);
        expect(status).toMatch(/successfully rolled out/);
        expect(images).toEqual([next, next, next]);
        expect(prober.sent).toBeGreaterThan(200);
        expect(prober.failed).toBe(0);
        expect(prober.minReady).toBeGreaterThanOrEqual(3);
      } finally {
        await deleteNamespaces([ns]);
      }
    });
  }, 900000);

  // The default pause is an exec `sleep` before Kubernetes 1.30 and the kubelet's sleep action from 1.30.
  test.each([KubernetesVersion.DEFAULT, CLUSTER_VERSION])('a deleted pod leaves the EndpointSlice before its container receives SIGTERM (target %s)', async (version) => {
    await timed(`graceful shutdown (target ${version.name})`, async () => {
      const ns = scenarioNamespace(`shutdown-${version.name.replace(/\./g, '-')}`);
      const api = ApiClient.fromKubeconfig();
      try {
        await createNamespace(ns);
        // The test image's server runs in the background of a shell that logs when SIGTERM arrives
        // (as seconds since boot: busybox `date` has no sub-second format, /proc/uptime does).
        const script = [
          '/bin/test-server & server=$!',
          'trap \'echo "sigterm-uptime $(cut -d" " -f1 /proc/uptime)"; kill -TERM $server; wait $server; exit 0\' TERM',
          'echo "started-uptime $(cut -d" " -f1 /proc/uptime)"',
          'wait $server',
        ].join('\n');
        const chart = webServiceChart(ns, { image: 'registry.example.com/e2e/graceful:1.0.0', replicas: 2, command: ['sh', '-c', script] }, version);
        await applyAndWait(writeCharts('shutdown', [chart]), { timeoutS: 180 });
        const victim = (await pods(ns)).find((p) => !p.metadata.deletionTimestamp)!;
        const ip = victim.status.podIP;
        const log = followLog(ns, victim.metadata.name, 180);
        await waitFor('the log stream to start', 30, async () => (log.lines().some((l) => l.startsWith('started-uptime')) ? true : undefined), 200);

        let leftAt: number | undefined;
        const stopWatch = api.watch(endpointSlicesPath(ns), (_type, slice, at) => {
          const endpoint = (slice.endpoints ?? []).find((e: any) => e.addresses?.includes(ip));
          if (leftAt === undefined && (endpoint === undefined || endpoint.conditions?.ready !== true)) leftAt = at;
        }, 120);
        await sleep(1000);
        expect(leftAt).toBeUndefined();
        const offset = hostUptimeOffsetMs();
        const deletedAt = Date.now();
        await kubectl(['delete', 'pod', '-n', ns, victim.metadata.name, '--wait=false']);
        const line = await waitFor('SIGTERM in the container log', 90, async () => log.lines().find((l) => l.startsWith('sigterm-uptime')), 200);
        const sigtermAt = offset + parseFloat(line.split(' ')[1]) * 1000;
        await waitFor('the endpoint to leave', 30, async () => leftAt, 200);
        stopWatch();
        log.stop();
        api.close();
        const gap = sigtermAt - leftAt!;
        const grace = (await kubectlJson(['get', 'deployment', '-n', ns, 'web'])).spec.template.spec;
        report(`shutdown (target ${version.name}): endpoint left ${seconds(leftAt! - deletedAt)} after the delete, SIGTERM ${seconds(sigtermAt - deletedAt)} after it: gap ${seconds(gap)} (preStop ${JSON.stringify(grace.containers[0].lifecycle?.preStop ?? 'none')}, grace ${grace.terminationGracePeriodSeconds}s)`);
        // kube-proxy programs a removed endpoint within about a second (its minimum sync period):
        // SIGTERM must come later than that.
        expect(gap).toBeGreaterThanOrEqual(1000);
      } finally {
        await deleteNamespaces([ns]);
      }
    });
  }, 600000);

  test('three replicas land in both zones', async () => {
    await timed('spread', async () => {
      const ns = scenarioNamespace('spread');
      try {
        await createNamespace(ns);
        await applyAndWait(writeCharts('spread', [webServiceChart(ns, { image: 'registry.example.com/e2e/web:1.0.0' })]), { timeoutS: 180 });
        const nodes = (await kubectlJson(['get', 'nodes'])).items;
        const zoneOf = new Map<string, string>(nodes.map((n: any) => [n.metadata.name, n.metadata.labels['topology.kubernetes.io/zone']]));
        const placed = (await pods(ns)).filter((p) => !p.metadata.deletionTimestamp).map((p) => `${p.spec.nodeName}/${zoneOf.get(p.spec.nodeName)}`);
        report(`spread: ${placed.sort().join(', ')}`);
        expect(placed).toHaveLength(3);
        expect(new Set(placed.map((p) => p.split('/')[1]))).toEqual(new Set(['z1', 'z2']));
      } finally {
        await deleteNamespaces([ns]);
      }
    });
  }, 600000);
});

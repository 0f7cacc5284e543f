/**
 * StatefulService data on a real kubelet: the non-root user writes its volume, and a replacement
 * pod finds the data again.
 */
import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Probe, StatefulService } from '../../lib';
import { applyAndWait, clusterChart, createNamespace, deleteNamespaces, kubectl, pods, removeTempDirs, report, scenarioNamespace, timed, waitFor, isReady, writeCharts } from './cluster';

afterAll(removeTempDirs);

describe('StatefulService on a real cluster', () => {
  test('a file written to the volume as uid 65532 is read back by the replacement pod', async () => {
    await timed('stateful data', async () => {
      const ns = scenarioNamespace('stateful');
      try {
        await createNamespace(ns);
        const chart = clusterChart(ns);
        const store = new StatefulService(chart, 'store', {
          image: 'registry.example.com/e2e/store:1.0.0',
          port: 8080,
          replicas: 1,
          readiness: Probe.tcp(),
          resources: { cpu: Cpu.millis(50), memory: Size.mebibytes(64) },
          volumeClaims: [{ name: 'data', mountPath: '/data', size: Size.gibibytes(1) }],
          command: ['sh', '-c', '[ -f /data/marker ] || echo "written by uid $(id -u) in pod $(hostname) at $(date +%s)" > /data/marker; exec /bin/test-server'],
        });
        expect(store.runAsUser).toBe(65532);
        await applyAndWait(writeCharts('stateful', [chart]), { timeoutS: 180 });
        const read = () => kubectl(['exec', '-n', ns, 'store-0', '--', 'sh', '-c', 'cat /data/marker; stat -c "owner %u" /data/marker; id -u']);
        const first = (await pods(ns))[0];
        const before = await read();
        await kubectl(['delete', 'pod', '-n', ns, 'store-0', '--wait=true', '--timeout=90s'], { timeoutS: 120 });
        const second = await waitFor('the replacement pod to be ready', 180, async () => {
          const replacement = (await pods(ns)).find((p) => p.metadata.uid !== first.metadata.uid && isReady(p));
          return replacement;
        }, 1000);
        const after = await read();
        report(`stateful: pod ${first.metadata.uid.slice(0, 8)} wrote, pod ${second.metadata.uid.slice(0, 8)} read: ${after.split('\n')[0]}`);
        expect(before).toMatch(/^written by uid 65532 in pod store-0 at \d+\nowner 65532\n65532\n$/);
        expect(after).toBe(before);
      } finally {
        await deleteNamespaces([ns]);
      }
    });
  }, 600000);
});

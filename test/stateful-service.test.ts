import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { AccessMode, ClaimRetention, DisruptionBudget, PodManagementPolicy, Probe, ScalingMetric, StatefulService, StatefulServiceProps } from '../lib';
import { chart, only, synth } from './util/synth';

const base: StatefulServiceProps = {
  image: 'postgres:16.4-alpine',
  port: 5432,
  readiness: Probe.exec(['pg_isready', '-U', 'postgres']),
  resources: { cpu: Cpu.millis(500), memory: Size.gibibytes(1) },
  volumeClaims: [{ name: 'data', mountPath: '/var/lib/postgresql/data', size: Size.gibibytes(20), storageClassName: 'fast-ssd' }],
};

function render(props: Partial<StatefulServiceProps> = {}) {
  const c = chart('data');
  const db = new StatefulService(c, 'postgres', { ...base, ...props });
  const manifests = synth(c);
  const sts = only(manifests, 'StatefulSet');
  return { db, manifests, sts, pod: sts.spec.template.spec, container: sts.spec.template.spec.containers[0] };
}

describe('StatefulService', () => {
  test('creates a StatefulSet, headless Service, PDB, ServiceAccount and NetworkPolicy', () => {
    const { manifests } = render();
    expect(manifests.map((m) => m.kind).sort()).toEqual(['NetworkPolicy', 'PodDisruptionBudget', 'Service', 'ServiceAccount', 'StatefulSet']);
  });

  test('headless Service, ordered pods, retained claims, ordered rolling update', () => {
    const { manifests, sts } = render();
    const service = only(manifests, 'Service');
    expect(service.spec.clusterIP).toBe('None');
    expect(service.spec.selector).toEqual(sts.spec.selector.matchLabels);
    expect(sts.spec.serviceName).toBe('postgres');
    expect(sts.spec.replicas).toBe(3);
    expect(sts.spec.podManagementPolicy).toBe('OrderedReady');
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
  });

  test('volume claims are templated and mounted writable; fsGroup makes them writable for the non-root user', () => {
    const { sts, pod, container } = render();
    expect(sts.spec.volumeClaimTemplates).toEqual([{
      metadata: { name: 'data', labels: { 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/instance': 'postgres' } },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast-ssd', resources: { requests: { storage: '20Gi' } } },
    }]);
    expect(container.volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/postgresql/data' });
    expect(pod.securityContext.fsGroup).toBe(65532);
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
  });

  test('options: parallel pods, deleted claims, partition, access mode', () => {
    const { sts } = render({
      podManagementPolicy: PodManagementPolicy.PARALLEL, claimsWhenDeleted: ClaimRetention.DELETE, claimsWhenScaled: ClaimRetention.DELETE,
      updatePartition: 2,
      volumeClaims: [{ name: 'data', mountPath: '/data', size: Size.gibibytes(1), accessMode: AccessMode.READ_WRITE_ONCE_POD }],
    });
    expect(sts.spec.podManagementPolicy).toBe('Parallel');
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Delete', whenScaled: 'Delete' });
    expect(sts.spec.updateStrategy.rollingUpdate.partition).toBe(2);
    expect(sts.spec.volumeClaimTemplates[0].spec.accessModes).toEqual(['ReadWriteOncePod']);
    expect(sts.spec.volumeClaimTemplates[0].spec.storageClassName).toBeUndefined();
  });

  test('spread counts only the current revision', () => {
    const { pod } = render();
    expect(pod.topologySpreadConstraints[0].matchLabelKeys).toEqual(['controller-revision-hash']);
  });

  test('autoscaled StatefulSet omits replicas', () => {
    const c = chart('data');
    const db = new StatefulService(c, 'postgres', { ...base, image: 'ghcr.io/acme/cache:1.0.0' });
    db.autoscale({ minReplicas: 3, maxReplicas: 6, metrics: [ScalingMetric.memoryUtilization(80)] });
    const manifests = synth(c);
    expect(only(manifests, 'StatefulSet').spec.replicas).toBeUndefined();
    expect(only(manifests, 'HorizontalPodAutoscaler').spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'postgres' });
  });

  test('bad input is named', () => {
    const build = (props: Partial<StatefulServiceProps>) => () => new StatefulService(chart('data'), 'postgres', { ...base, ...props } as StatefulServiceProps);
    expect(build({ readiness: undefined })).toThrow("stateful service 'postgres' has no readiness probe: give readiness, e.g. Probe.tcp() or Probe.exec(['pg_isready'])");
    expect(build({ volumeClaims: [{ name: 'Data', mountPath: '/d', size: Size.gibibytes(1) }] })).toThrow("volume claim name 'Data' is not a valid DNS-1123 label");
    expect(build({ volumeClaims: [{ name: 'd', mountPath: '/d', size: Size.gibibytes(1) }, { name: 'd', mountPath: '/e', size: Size.gibibytes(1) }] }))
      .toThrow("volume claim 'd' is declared twice: give each claim its own name");
    expect(build({ volumeClaims: [{ name: 'd', mountPath: 'data', size: Size.gibibytes(1) }] })).toThrow("mount path 'data' in container 'app' is not absolute");
    expect(build({ volumeClaims: [{ name: 'd', mountPath: '/d', size: Size.mebibytes(0) }] })).toThrow("volume claim 'd' has size 0: give a positive size, e.g. Size.gibibytes(10)");
    expect(build({ volumeClaims: [{ name: 'd', mountPath: '/d', size: Size.gibibytes(1), storageClassName: 'Fast SSD' }] }))
      .toThrow("storageClassName of volume claim 'd' 'Fast SSD' is not a valid DNS-1123 subdomain");
    expect(build({ updatePartition: -1 })).toThrow('updatePartition -1 is invalid: use a whole number of at least 0');
    expect(build({ replicas: 1, disruptionBudget: DisruptionBudget.minAvailable(1) }))
      .toThrow("workload 'postgres' runs a single replica, and PodDisruptionBudget minAvailable 1 would make every drain hang without saying why: remove disruptionBudget, run at least 2 replicas, or use DisruptionBudget.blockEvictions(reason) to make drains wait for an operator");
    expect(build({ replicas: 2, disruptionBudget: DisruptionBudget.maxUnavailable(2) }))
      .toThrow('PodDisruptionBudget maxUnavailable 2 lets a drain evict all pods at once with 2 replica(s), so it protects nothing: use DisruptionBudget.maxUnavailable(1) or a budget that keeps at least one pod');
  });
});

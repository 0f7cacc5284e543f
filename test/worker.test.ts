import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { NetworkPeer, Probe, SizePreset, WebService, Worker, WorkerProps } from '../lib';
import { chart, only, synth } from './util/synth';

const base: WorkerProps = {
  image: 'ghcr.io/acme/worker@sha256:' + 'b'.repeat(64),
  size: SizePreset.SMALL,
};

function render(props: Partial<WorkerProps> = {}) {
  const c = chart('jobs');
  const worker = new Worker(c, 'queue', { ...base, ...props });
  const manifests = synth(c);
  const deployment = only(manifests, 'Deployment');
  return { worker, manifests, deployment, pod: deployment.spec.template.spec, container: deployment.spec.template.spec.containers[0] };
}

describe('Worker', () => {
  test('creates a Deployment, PDB, ServiceAccount and NetworkPolicy, and no Service', () => {
    const { manifests } = render();
    expect(manifests.map((m) => m.kind).sort()).toEqual(['Deployment', 'NetworkPolicy', 'PodDisruptionBudget', 'ServiceAccount']);
  });

  test('shares the hardened core with WebService', () => {
    const { pod, container, deployment } = render();
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(pod.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(container.securityContext.capabilities).toEqual({ drop: ['ALL'] });
    expect(container.imagePullPolicy).toBe('IfNotPresent');
    expect(deployment.metadata.labels['app.kubernetes.io/component']).toBe('worker');
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
  });

  test('no pre-stop pause (nothing to drain from endpoints), but a drain window after SIGTERM', () => {
    const { pod, container } = render({ drainTime: Duration.minutes(2) });
    expect(container.lifecycle).toBeUndefined();
    expect(pod.terminationGracePeriodSeconds).toBe(125);
  });

  test('probes are optional; an exec liveness probe needs no port', () => {
    const plain = render();
    expect(plain.container.livenessProbe).toBeUndefined();
    expect(plain.container.ports).toBeUndefined();
    const probed = render({ liveness: Probe.exec(['/bin/check-heartbeat']) });
    expect(probed.container.livenessProbe).toEqual({ exec: { command: ['/bin/check-heartbeat'] }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 6, successThreshold: 1 });
  });

  test('a metrics port can be declared and probed', () => {
    const { container, manifests } = render({ ports: [{ number: 9090, name: 'metrics' }], liveness: Probe.http('/healthz') });
    expect(container.ports).toEqual([{ containerPort: 9090, name: 'metrics', protocol: 'TCP' }]);
    expect(container.livenessProbe.httpGet.port).toBe(9090);
    expect(only(manifests, 'NetworkPolicy').spec.ingress).toEqual([]);
  });

  test('a worker that calls a web service gets egress to it, and the service ingress from it', () => {
    const c = chart('jobs');
    const api = new WebService(c, 'api', {
      image: 'ghcr.io/acme/api:1.0.0', port: 8080, readiness: Probe.http('/ready'), liveness: Probe.http('/healthz'),
      resources: { cpu: Cpu.millis(100), memory: Size.mebibytes(128) },
    });
    const worker = new Worker(c, 'queue', base);
    worker.allowToWorkload(api);
    const policies = synth(c).filter((m) => m.kind === 'NetworkPolicy');
    const workerPolicy = policies.find((p) => p.metadata.name === 'queue').spec;
    const apiPolicy = policies.find((p) => p.metadata.name === 'api').spec;
    expect(workerPolicy.egress).toContainEqual({ to: [{ podSelector: { matchLabels: api.selectorLabels } }], ports: [{ port: 8080, protocol: 'TCP' }] });
    expect(apiPolicy.ingress).toContainEqual({ from: [{ podSelector: { matchLabels: worker.selectorLabels } }], ports: [{ port: 8080, protocol: 'TCP' }] });
  });

  test('bad input is named', () => {
    const c = chart('jobs');
    expect(() => new Worker(c, 'a', { ...base, liveness: Probe.http('/healthz') }))
      .toThrow("liveness probe (httpGet) of container 'app' has no port and the container declares none: pass { port } to the probe and declare it in ports");
    expect(() => new Worker(c, 'b', { ...base, replicas: 1.5 })).toThrow('replicas 1.5 is invalid: use a whole number of at least 1');
    const portless = new Worker(c, 'e', base);
    expect(() => portless.allowFrom(NetworkPeer.sameNamespace()))
      .toThrow("allowFrom(the same namespace) on 'e': 'e' serves no port, so there is nothing to open by default: name the ports, e.g. [{ port: 9090 }]");
    const other = new Worker(c, 'c', base);
    expect(() => new Worker(c, 'd', base).allowToWorkload(other))
      .toThrow("'d' connecting to 'c': 'c' serves no port, so there is nothing to open by default: name the ports, e.g. [{ port: 9090 }]");
  });
});

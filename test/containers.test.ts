import { ConfigMap, Env, Secret } from 'cdk8s-plus-28';
import { CONFIG_CHECKSUM_ANNOTATION, Probe, SizePreset, WebService, WebServiceProps } from '../lib';
import { WEB_SERVICE } from './util/props';
import { chart, only, synth } from './util/synth';

const base: WebServiceProps = WEB_SERVICE;

describe('sidecars and init containers share the hardened core', () => {
  test('a sidecar and an init container are hardened, get /tmp, and sidecars pause on shutdown too', () => {
    const c = chart();
    const svc = new WebService(c, 'api', base);
    svc.addSidecar({ name: 'proxy', image: 'envoyproxy/envoy:v1.31.0', size: SizePreset.SMALL, ports: [{ number: 9901, name: 'admin' }], readiness: Probe.http('/ready', { port: 9901 }) });
    svc.addInitContainer({ name: 'migrate', image: 'ghcr.io/acme/api:1.4.2', command: ['/app/migrate'], size: SizePreset.SMALL });
    const pod = only(synth(c), 'Deployment').spec.template.spec;
    expect(pod.containers.map((x: any) => x.name)).toEqual(['app', 'proxy']);
    expect(pod.initContainers.map((x: any) => x.name)).toEqual(['migrate']);
    for (const container of [...pod.containers, ...pod.initContainers]) {
      expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
      expect(container.volumeMounts[0]).toEqual({ name: 'tmp', mountPath: '/tmp' });
      expect(container.resources.requests.cpu).toBeDefined();
    }
    expect(pod.containers[1].lifecycle).toEqual(pod.containers[0].lifecycle);
    expect(pod.initContainers[0].lifecycle).toBeUndefined();
    expect(pod.containers[1].readinessProbe.httpGet.port).toBe(9901);
  });

  test('sidecar ports are opened only when named', () => {
    const c = chart();
    const svc = new WebService(c, 'api', base);
    svc.addSidecar({ name: 'proxy', image: 'ghcr.io/acme/envoy:1.30.1', size: SizePreset.SMALL, ports: [{ number: 15000, name: 'admin' }, { number: 9100, name: 'metrics' }] });
    svc.allowFromSameNamespace();
    svc.allowMetricsScrape();
    // The sidecar serves no port the Service targets, so it needs no readiness probe of its own.
    expect(only(synth(c), 'NetworkPolicy').spec.ingress).toEqual([
      { from: [{ podSelector: {} }], ports: [{ port: 8080, protocol: 'TCP' }] },
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: {} }], ports: [{ port: 9100, protocol: 'TCP' }] },
    ]);
  });

  test('bad input is named', () => {
    const c = chart();
    const svc = new WebService(c, 'api', base);
    expect(() => svc.addSidecar({ name: 'app', image: 'x:1', size: SizePreset.SMALL }))
      .toThrow("container name 'app' is already used in workload 'api': give each container its own name");
    expect(() => svc.addInitContainer({ name: 'init', image: 'x:1', size: SizePreset.SMALL, startup: Probe.tcp({ port: 80 }) }))
      .toThrow("init container 'init' has a startup probe: init containers run to completion and take no probes; remove 'startup'");
    expect(() => svc.addSidecar({ name: 'Proxy', image: 'x:1', size: SizePreset.SMALL })).toThrow("container name 'Proxy' is not a valid DNS-1123 label");
    expect(() => svc.addSidecar({ name: 'proxy', image: 'envoy', size: SizePreset.SMALL })).toThrow("image 'envoy' of container 'proxy' has no tag or digest");
  });
});

describe('config checksum', () => {
  function render(data: Record<string, string>) {
    const c = chart();
    const config = new ConfigMap(c, 'config', { metadata: { name: 'api-config' }, data });
    new WebService(c, 'api', { ...base, envFrom: [Env.fromConfigMap(config)] });
    return only(synth(c), 'Deployment').spec.template.metadata.annotations?.[CONFIG_CHECKSUM_ANNOTATION];
  }

  test('pods roll when a ConfigMap used through envFrom changes, and only then', () => {
    const first = render({ LOG_LEVEL: 'info' });
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(render({ LOG_LEVEL: 'info' })).toBe(first);
    expect(render({ LOG_LEVEL: 'debug' })).not.toBe(first);
  });

  test('rollOnChange tracks a Secret defined in the app; an imported one is an error', () => {
    const c = chart();
    const secret = new Secret(c, 'secret', { metadata: { name: 'api-secret' }, stringData: { token: 'x' } });
    const svc = new WebService(c, 'api', base);
    svc.rollOnChange(secret);
    svc.addPodAnnotation('example.com/owner', 'payments');
    const annotations = only(synth(c), 'Deployment').spec.template.metadata.annotations;
    expect(annotations[CONFIG_CHECKSUM_ANNOTATION]).toMatch(/^[0-9a-f]{64}$/);
    expect(annotations['example.com/owner']).toBe('payments');
    const imported = Secret.fromSecretName(c, 'imported', 'external');
    expect(() => svc.rollOnChange(imported)).toThrow("'external' is imported, so its data is unknown here: pods can roll on changes only of ConfigMaps and Secrets defined in this app");
  });

  test('no annotations without config sources', () => {
    const c = chart();
    new WebService(c, 'api', base);
    expect(only(synth(c), 'Deployment').spec.template.metadata.annotations).toBeUndefined();
  });
});

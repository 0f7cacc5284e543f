import { ApiObject, Chart, Duration, JsonPatch, Size, Testing } from 'cdk8s';
import { ConfigMap, Cpu, Env, EnvValue, Secret, Volume } from 'cdk8s-plus-28';
import { Node } from 'constructs';
import { DisruptionBudget, KubernetesVersion, NetworkPeer, PreStopMethod, Probe, SizePreset, WebService, WebServiceProps } from '../lib';
import { WEB_SERVICE } from './util/props';
import { chart, only, synth } from './util/synth';

const base: WebServiceProps = WEB_SERVICE;

function render(props: Partial<WebServiceProps> = {}, expectFindings: string[] = []) {
  const c = chart();
  const svc = new WebService(c, 'api', { ...base, ...props });
  const manifests = synth(c, { expectFindings });
  const deployment = only(manifests, 'Deployment');
  return { svc, manifests, deployment, pod: deployment.spec.template.spec, container: deployment.spec.template.spec.containers[0] };
}

describe('WebService defaults', () => {
  test('creates a Deployment, Service, PodDisruptionBudget, ServiceAccount and NetworkPolicy in the namespace', () => {
    const { manifests } = render();
    expect(manifests.map((m) => m.kind).sort()).toEqual(['Deployment', 'NetworkPolicy', 'PodDisruptionBudget', 'Service', 'ServiceAccount']);
    for (const m of manifests) {
      expect(m.metadata.name).toBe('api');
      expect(m.metadata.namespace).toBe('shop');
    }
  });

  test('pod and container security context are hardened', () => {
    const { pod, container } = render();
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      fsGroup: 65532,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 65532,
      runAsGroup: 65532,
      capabilities: { drop: ['ALL'] },
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.enableServiceLinks).toBe(false);
    expect(pod.serviceAccountName).toBe('api');
    expect(pod.hostNetwork).toBeUndefined();
    expect(pod.hostPID).toBeUndefined();
    expect(pod.hostIPC).toBeUndefined();
    expect(container.ports).toEqual([{ containerPort: 8080, name: 'http', protocol: 'TCP' }]);
  });

  test('a writable, size-limited /tmp backs the read-only root filesystem', () => {
    const { pod, container } = render();
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    const sized = render({ tmpSizeLimit: Size.mebibytes(512) });
    expect(sized.pod.volumes[0].emptyDir.sizeLimit).toBe('512Mi');
  });

  test('the ServiceAccount mounts no token', () => {
    const { manifests } = render();
    expect(only(manifests, 'ServiceAccount').automountServiceAccountToken).toBe(false);
  });

  test('resources: requests, memory limit equal to the request, no CPU limit, ephemeral storage', () => {
    const { container } = render();
    expect(container.resources).toEqual({
      requests: { 'cpu': '250m', 'memory': '256Mi', 'ephemeral-storage': '256Mi' },
      limits: { 'memory': '256Mi', 'ephemeral-storage': '1Gi' },
    });
  });

  test('size presets resolve to requests', () => {
    const { container } = render({ resources: undefined, size: SizePreset.SMALL });
    expect(container.resources.requests.cpu).toBe('100m');
    expect(container.resources.requests.memory).toBe('128Mi');
  });

  test('explicit limits are rendered', () => {
    const { container } = render({ resources: { cpu: Cpu.millis(250), memory: Size.mebibytes(256), cpuLimit: Cpu.units(1), memoryLimit: Size.gibibytes(1) } });
    expect(container.resources.limits).toEqual({ 'cpu': '1', 'memory': '1Gi', 'ephemeral-storage': '1Gi' });
  });

  test('readiness and liveness probes get role-specific timing', () => {
    const { container } = render();
    expect(container.readinessProbe).toEqual({ httpGet: { path: '/ready', port: 8080 }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3, successThreshold: 1 });
    expect(container.livenessProbe).toEqual({ httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 6, successThreshold: 1 });
    expect(container.startupProbe).toBeUndefined();
  });

  test('a startup probe is rendered for slow starters', () => {
    const { container } = render({ startup: Probe.http('/healthz', { failureThreshold: 30 }) });
    expect(container.startupProbe).toEqual({ httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 30, successThreshold: 1 });
  });

  test('graceful shutdown: preStop pause, grace period longer than pause plus drain', () => {
    const { pod, container } = render();
    expect(container.lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
    expect(pod.terminationGracePeriodSeconds).toBe(35);
    const native = render({ kubernetesVersion: KubernetesVersion.V1_30, preStopMethod: PreStopMethod.SLEEP_ACTION, preStopPause: Duration.seconds(10), drainTime: Duration.seconds(20) });
    expect(native.container.lifecycle).toEqual({ preStop: { sleep: { seconds: 10 } } });
    expect(native.pod.terminationGracePeriodSeconds).toBe(35);
  });

  test('availability: replicas, zero-downtime rollout, history, spread and anti-affinity', () => {
    const { deployment, pod } = render();
    expect(deployment.spec.replicas).toBe(3);
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } });
    expect(deployment.spec.minReadySeconds).toBe(10);
    expect(deployment.spec.revisionHistoryLimit).toBe(5);
    const selector = { matchLabels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api' } };
    expect(pod.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector, matchLabelKeys: ['pod-template-hash'] },
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector, matchLabelKeys: ['pod-template-hash'] },
    ]);
    expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toEqual([
      { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: selector } },
    ]);
    expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toBeUndefined();
  });

  test('spread can be turned off', () => {
    const { pod } = render({ spread: false }, ['HARD-topology-spread', 'HARD-pod-anti-affinity']);
    expect(pod.topologySpreadConstraints).toBeUndefined();
    expect(pod.affinity).toBeUndefined();
  });

  test('the PodDisruptionBudget selects exactly the pods and never blocks a drain', () => {
    const { manifests, deployment } = render();
    const pdb = only(manifests, 'PodDisruptionBudget');
    expect(pdb.spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: deployment.spec.selector.matchLabels },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
    const templateLabels = deployment.spec.template.metadata.labels;
    for (const [k, v] of Object.entries(pdb.spec.selector.matchLabels)) expect(templateLabels[k]).toBe(v);
  });

  test('the NetworkPolicy lets nothing in until peers are declared, allows DNS out, and nothing else', () => {
    const { manifests, deployment } = render();
    expect(only(manifests, 'NetworkPolicy').spec).toEqual({
      podSelector: deployment.spec.selector,
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
      }],
    });
  });

  test('egress to anywhere on named ports passes every pack; without ports it is an open rule the audit reports', () => {
    const limited = chart();
    const api = new WebService(limited, 'api', base);
    for (const peer of NetworkPeer.anywhere()) api.allowTo(peer, [{ port: 443 }]);
    expect(only(synth(limited), 'NetworkPolicy').spec.egress).toContainEqual({ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443, protocol: 'TCP' }] });

    const open = chart();
    new WebService(open, 'api', base).allowTo(NetworkPeer.cidr('0.0.0.0/0'));
    synth(open, { expectFindings: ['HARD-networkpolicy-open-rule', 'HARD-networkpolicy-covers-pod'] });
  });

  test('declared connections open both ends; CIDRs and namespaces are peers', () => {
    const c = chart();
    const api = new WebService(c, 'api', base);
    const web = new WebService(c, 'web', { ...base, namespace: 'frontend' });
    api.allowFromWorkload(web);
    api.allowFrom(NetworkPeer.namespace('ingress-nginx'));
    api.allowTo(NetworkPeer.cidr('10.20.0.0/16', ['10.20.1.0/24']), [{ port: 5432 }]);
    const policies = synth(c).filter((m) => m.kind === 'NetworkPolicy');
    const apiPolicy = policies.find((p) => p.metadata.name === 'api').spec;
    const webPolicy = policies.find((p) => p.metadata.name === 'web').spec;
    expect(apiPolicy.ingress).toContainEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'frontend' } }, podSelector: { matchLabels: web.selectorLabels } }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    });
    expect(apiPolicy.ingress).toContainEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }, podSelector: {} }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    });
    expect(apiPolicy.egress).toContainEqual({ to: [{ ipBlock: { cidr: '10.20.0.0/16', except: ['10.20.1.0/24'] } }], ports: [{ port: 5432, protocol: 'TCP' }] });
    expect(webPolicy.egress).toContainEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: api.selectorLabels } }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    });
  });

  test('the NetworkPolicy and DNS rule can be turned off', () => {
    const { manifests } = render({ networkPolicy: false }, ['HARD-networkpolicy-covers-pod']);
    expect(manifests.some((m) => m.kind === 'NetworkPolicy')).toBe(false);
    const noDns = render({ allowDns: false });
    expect(only(noDns.manifests, 'NetworkPolicy').spec.egress).toEqual([]);
  });

  test('the Service selects the pods and targets the named container port', () => {
    const { manifests, deployment } = render({ servicePort: 80 });
    const service = only(manifests, 'Service');
    expect(service.spec).toEqual({
      type: 'ClusterIP',
      selector: deployment.spec.selector.matchLabels,
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    });
  });

  test('recommended labels; selectors use only the stable name and instance labels', () => {
    const { deployment } = render({ partOf: 'shop', labels: { team: 'payments' } });
    expect(deployment.metadata.labels).toEqual({
      'team': 'payments',
      'app.kubernetes.io/name': 'api',
      'app.kubernetes.io/instance': 'api',
      'app.kubernetes.io/component': 'server',
      'app.kubernetes.io/part-of': 'shop',
      'app.kubernetes.io/version': '1.4.2',
      'app.kubernetes.io/managed-by': 'cdk8s',
    });
    expect(deployment.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'api' });
    expect(deployment.spec.template.metadata.labels).toEqual(deployment.metadata.labels);
  });

  test('image pull policy follows tag versus digest', () => {
    expect(render().container.imagePullPolicy).toBe('Always');
    const digest = 'ghcr.io/acme/api@sha256:' + 'a'.repeat(64);
    const pinned = render({ image: digest });
    expect(pinned.container.image).toBe(digest);
    expect(pinned.container.imagePullPolicy).toBe('IfNotPresent');
    expect(pinned.deployment.metadata.labels['app.kubernetes.io/version']).toBeUndefined();
  });

  test('unpinned images are accepted only with the opt-in', () => {
    const { container } = render({ image: 'nginx', allowUnpinnedImage: true }, ['HARD-image-tag-pinned']);
    expect(container.image).toBe('nginx');
  });

  test('namespace defaults to the chart namespace, then "default"', () => {
    const c = new Chart(Testing.app(), 'nochart');
    new WebService(c, 'api', base);
    for (const m of synth(c)) expect(m.metadata.namespace).toBe('default');
    expect(render({ namespace: 'payments' }).deployment.metadata.namespace).toBe('payments');
  });

  test('env from values, Secrets and ConfigMaps; volumes mounted read-only', () => {
    const c = chart();
    const config = new ConfigMap(c, 'config', { metadata: { name: 'api-config' }, data: { 'app.yaml': 'a: 1' } });
    const secret = Secret.fromSecretName(c, 'secret', 'api-db');
    const svc = new WebService(c, 'api', {
      ...base,
      env: {
        LOG_LEVEL: EnvValue.fromValue('info'),
        DB_PASSWORD: EnvValue.fromSecretValue({ secret, key: 'password' }),
      },
      envFrom: [Env.fromConfigMap(config)],
      volumeMounts: [{ volume: Volume.fromConfigMap(c, 'config-volume', config), path: '/etc/api' }],
    });
    svc.addEnv('REGION', EnvValue.fromValue('eu-west-1'));
    const deployment = only(synth(c), 'Deployment');
    const container = deployment.spec.template.spec.containers[0];
    expect(container.env).toEqual([
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'api-db', key: 'password' } } },
      { name: 'REGION', value: 'eu-west-1' },
    ]);
    expect(container.envFrom).toEqual([{ configMapRef: { name: 'api-config' } }]);
    expect(container.volumeMounts[1]).toEqual({ name: expect.any(String), mountPath: '/etc/api', readOnly: true });
    const volumeName = container.volumeMounts[1].name;
    expect(deployment.spec.template.spec.volumes.find((v: any) => v.name === volumeName).configMap.name).toBe('api-config');
  });

  test('NET_BIND_SERVICE may be added back', () => {
    const { container } = render({ addCapabilities: ['NET_BIND_SERVICE'] });
    expect(container.securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['NET_BIND_SERVICE'] });
  });

  test('escape hatches: every object is a public field; the Deployment is the default child', () => {
    const c = chart();
    const svc = new WebService(c, 'api', base);
    expect(Node.of(svc).defaultChild).toBe(svc.deployment);
    expect(ApiObject.of(svc.deployment)).toBe(svc.deployment);
    svc.deployment.addJsonPatch(JsonPatch.add('/spec/paused', true));
    svc.service.metadata.addAnnotation('example.com/owner', 'payments');
    const manifests = synth(c);
    expect(only(manifests, 'Deployment').spec.paused).toBe(true);
    expect(only(manifests, 'Service').metadata.annotations).toEqual({ 'example.com/owner': 'payments' });
    expect(svc.pdb?.kind).toBe('PodDisruptionBudget');
    expect(svc.serviceAccount.kind).toBe('ServiceAccount');
  });
});

describe('WebService rejects bad input', () => {
  const build = (props: Partial<WebServiceProps>, id = 'api') => () => new WebService(chart(), id, { ...base, ...props } as WebServiceProps);

  test.each<[string, Partial<WebServiceProps>, string, string?]>([
    ['invalid name', { name: 'My_API' }, "name 'My_API' is not a valid DNS-1123 label: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit"],
    ['service name starting with a digit', { name: '1api' }, "web service name (used as the Service name) '1api' is not a valid DNS-1035 label"],
    ['invalid namespace', { namespace: 'Prod' }, "namespace 'Prod' is not a valid DNS-1123 label"],
    ['port out of range', { port: 70000 }, 'port 70000 is out of range: use an integer from 1 to 65535'],
    ['port zero', { port: 0 }, 'port 0 is out of range: use an integer from 1 to 65535'],
    ['service port out of range', { servicePort: -1 }, 'servicePort -1 is out of range: use an integer from 1 to 65535'],
    ['probe on an unknown port', { readiness: Probe.http('/ready', { port: 9090 }) }, "readiness probe of container 'app' uses port 9090, which the container does not expose: declare it in ports or probe one of 8080"],
    ['identical probes', { liveness: Probe.http('/ready') }, "readiness and liveness probes of container 'app' check the same thing"],
    ['liveness fails before readiness', { liveness: Probe.http('/healthz', { failureThreshold: 1, period: Duration.seconds(5) }) }, "liveness probe of container 'app' fails after 5s, not later than readiness (15s): the pod would be restarted before traffic is drained from it; raise the liveness failureThreshold or period"],
    ['memory limit below request', { resources: { cpu: Cpu.millis(250), memory: Size.mebibytes(256), memoryLimit: Size.mebibytes(128) } }, "memory limit 128Mi is below the request 256Mi for container 'app': raise the limit or lower the request"],
    ['cpu limit below request', { resources: { cpu: Cpu.millis(500), memory: Size.mebibytes(256), cpuLimit: Cpu.millis(250) } }, "cpu limit 250m is below the request 500m for container 'app': raise the limit or lower the request"],
    ['no resources', { resources: undefined }, "container 'app' has no resources: give resources: { cpu: Cpu.millis(250), memory: Size.mebibytes(256) } or a size preset such as SizePreset.SMALL"],
    ['resources and size', { size: SizePreset.LARGE }, "container 'app' has both resources and size 'large': give one of them"],
    ['zero replicas', { replicas: 0 }, 'replicas 0 is invalid: use a whole number of at least 1'],
    ['PDB that blocks drains', { replicas: 2, disruptionBudget: DisruptionBudget.minAvailable(2) }, 'PodDisruptionBudget minAvailable 2 allows no disruption with 2 replica(s): node drains would hang; use DisruptionBudget.maxUnavailable(1), run more replicas, or DisruptionBudget.blockEvictions(reason) if drains must wait for an operator'],
    ['latest tag', { image: 'ghcr.io/acme/api:latest' }, "image 'ghcr.io/acme/api:latest' of container 'app' uses the mutable tag 'latest': pin a version tag (e.g. 'ghcr.io/acme/api:1.2.3') or a digest ('@sha256:...'), or set allowUnpinnedImage: true"],
    ['untagged image', { image: 'nginx' }, "image 'nginx' of container 'app' has no tag or digest: pin a version tag (e.g. 'nginx:1.2.3')"],
    ['malformed image', { image: 'Ghcr.io/ACME/api:1' }, "image 'Ghcr.io/ACME/api:1' is not a valid image reference"],
    ['malformed digest', { image: 'api@sha256:abc' }, "image 'api@sha256:abc' is not a valid image reference"],
    ['unsafe capability', { addCapabilities: ['SYS_ADMIN'] }, "capability 'SYS_ADMIN' of container 'app' is not allowed by the restricted Pod Security Standard: only NET_BIND_SERVICE may be added; set allowUnsafeCapabilities: true to accept the risk"],
    ['CAP_ prefix', { addCapabilities: ['CAP_NET_BIND_SERVICE'] }, "capability 'CAP_NET_BIND_SERVICE' of container 'app' is not a capability name"],
    ['low uid', { runAsUser: 1000 }, 'runAsUser 1000 is not above 10000: low ids can collide with host users (kube-score and Checkov want 10000 or more, Trivy more than 10000); use e.g. 65532'],
    ['root uid', { runAsUser: 0 }, 'runAsUser 0 is not above 10000'],
    ['uid exactly 10000', { runAsUser: 10000 }, 'runAsUser 10000 is not above 10000'],
    ['recommended label override', { labels: { 'app.kubernetes.io/version': 'x' } }, "label 'app.kubernetes.io/version' is set by the workload: remove it from labels (use partOf for app.kubernetes.io/part-of)"],
    ['grace too short', { terminationGracePeriod: Duration.seconds(20) }, 'terminationGracePeriod 20s is not longer than preStopPause 5s + drainTime 25s: the pod would be killed mid-drain; use at least 31s or shorten the pause or drain time'],
    ['credential literal', { env: { API_TOKEN: EnvValue.fromValue('abc') } }, "environment variable 'API_TOKEN' of container 'app' looks like a credential but has a literal value: store it in a Secret and use EnvValue.fromSecretValue({ secret, key })"],
    ['selector label override', { labels: { 'app.kubernetes.io/name': 'other' } }, "label 'app.kubernetes.io/name' is set by the workload and used in its selector: remove it from labels"],
    ['invalid port name', { portName: 'HTTP_PORT' }, "portName 'HTTP_PORT' is not a valid port name"],
    ['duplicate port', { ports: [{ number: 8080 }] }, "port 8080/TCP is declared twice in container 'app': declare each port once"],
    ['privileged port', { port: 80 }, 'port 80 is a privileged port: a hardened container runs as non-root without NET_BIND_SERVICE and cannot bind below 1024; listen on a port from 1024, e.g. 8080 (a WebService can still publish port 80 with servicePort)'],
    ['privileged extra port', { ports: [{ number: 443 }] }, "port of container 'app' 443 is a privileged port"],
  ])('%s', (_name, props, message) => {
    expect(build(props)).toThrow(message);
  });

  test('a missing readiness probe is named', () => {
    expect(build({ readiness: undefined })).toThrow("web service 'api' has no readiness probe: give readiness, e.g. Probe.http('/ready')");
    expect(build({ liveness: undefined })).toThrow("web service 'api' has no liveness probe: give liveness, e.g. Probe.http('/healthz')");
  });

  test('construct id used as name must be valid', () => {
    expect(build({}, 'Api')).toThrow("name 'Api' is not a valid DNS-1123 label");
  });

  test('bad network peers are named', () => {
    expect(() => NetworkPeer.cidr('10.0.0.0/33')).toThrow("CIDR '10.0.0.0/33' is not a valid IPv4 or IPv6 range: use e.g. '10.0.0.0/16' or 'fd00::/8'");
    expect(() => NetworkPeer.cidr('300.1.1.1/8')).toThrow("CIDR '300.1.1.1/8' is not a valid IPv4 or IPv6 range");
    expect(() => NetworkPeer.namespace('Bad_NS')).toThrow("peer namespace 'Bad_NS' is not a valid DNS-1123 label");
    expect(() => NetworkPeer.pods({})).toThrow('NetworkPeer.pods() was given no labels');
  });

  test('hostPath volumes are only for node agents; empty port lists are refused', () => {
    const c = chart();
    expect(() => new WebService(c, 'api', { ...base, volumeMounts: [{ volume: Volume.fromHostPath(c, 'h', 'host', { path: '/etc' }), path: '/host-etc' }] }))
      .toThrow("volume 'host' of container 'app' is a hostPath volume, which exposes the node: use a NodeAgent with hostAccess and a reason");
    const svc = new WebService(c, 'api2', base);
    expect(() => svc.allowFrom(NetworkPeer.sameNamespace(), [])).toThrow("allowFrom(the same namespace) on 'api2' was given an empty port list, which would open every port: name the ports, or omit them for the serving ports");
    expect(() => svc.addSidecar({ name: 'proxy', image: 'envoy:1.0.0', size: SizePreset.SMALL, tmpSizeLimit: Size.mebibytes(1) }))
      .toThrow("container 'proxy' sets tmpSizeLimit, but /tmp is one volume for the whole pod: set tmpSizeLimit on the workload");
  });

  test('/tmp cannot be mounted over', () => {
    const c = chart();
    expect(() => new WebService(c, 'api', { ...base, volumeMounts: [{ volume: Volume.fromEmptyDir(c, 'v', 'scratch'), path: '/tmp' }] }))
      .toThrow("mount path '/tmp' in container 'app' is reserved for the writable emptyDir: mount the volume elsewhere, or size /tmp with tmpSizeLimit");
  });
});

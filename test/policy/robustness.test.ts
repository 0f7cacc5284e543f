/**
 * No shape of input crashes a rule. Realistic manifests of every kind the rules read are mutated at
 * random field positions (random JSON, null, null list items, strings where lists belong, huge
 * numbers, deep nesting, keys such as `toString` that break naive string conversion) and audited by
 * every rule of every pack; no rule may fail, and every object must still be audited.
 */
import * as fc from 'fast-check';
import { PodSecurityLevel } from '../../lib';
import { INPUT_RULE, INTERNAL_RULE, runRules } from '../../lib/policy/engine';
import { Severity } from '../../lib/policy/finding';
import { AuditObject, Rule } from '../../lib/policy/rule';
import { hardeningRules } from '../../lib/policy/rules/hardening';
import { podSecurityRules } from '../../lib/policy/rules/pod-security';
import { rbacRules } from '../../lib/policy/rules/rbac';

const RULES: Rule[] = [
  ...[0, 19, 22, 25, 35].flatMap((minor) => podSecurityRules(PodSecurityLevel.RESTRICTED, minor)),
  ...podSecurityRules(PodSecurityLevel.BASELINE, 37),
  ...hardeningRules(),
  ...rbacRules(),
];

const labels = { 'app': 'web', 'app.kubernetes.io/name': 'web' };
const probe = (path: string) => ({ httpGet: { path, port: 'http', scheme: 'HTTP', host: '' }, tcpSocket: { port: 8080 }, grpc: { port: 9000, service: 's' }, exec: { command: ['true'] } });
const container = (name: string) => ({
  name,
  image: 'ghcr.io/acme/web:1.0',
  imagePullPolicy: 'IfNotPresent',
  ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP', hostPort: 0 }],
  env: [{ name: 'DB_PASSWORD', value: 'hunter2' }, { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }],
  resources: { requests: { 'cpu': '100m', 'memory': '64Mi', 'ephemeral-storage': '1Gi' }, limits: { 'memory': '64Mi', 'ephemeral-storage': '2Gi' } },
  securityContext: {
    privileged: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532,
    procMount: 'Default', capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
    appArmorProfile: { type: 'RuntimeDefault' }, seLinuxOptions: { type: 'container_t', user: '', role: '' }, windowsOptions: { hostProcess: false },
  },
  livenessProbe: probe('/healthz'),
  readinessProbe: probe('/ready'),
  startupProbe: probe('/ready'),
  lifecycle: { postStart: { httpGet: { port: 8080, host: '' } }, preStop: { exec: { command: ['sleep', '5'] } } },
  restartPolicy: 'Always',
});
const podSpec = () => ({
  hostNetwork: false, hostPID: false, hostIPC: false, hostUsers: true, automountServiceAccountToken: false, serviceAccountName: 'web',
  os: { name: 'linux' },
  securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' }, sysctls: [{ name: 'net.ipv4.tcp_syncookies', value: '1' }], seLinuxOptions: { type: 'container_t' } },
  initContainers: [container('init')],
  containers: [container('web'), container('sidecar')],
  ephemeralContainers: [container('debug')],
  volumes: [{ name: 'tmp', emptyDir: {} }, { name: 'host', hostPath: { path: '/var/run/docker.sock' } }],
  affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: labels } } }] } },
  topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: labels, matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] } }],
});
const template = () => ({ metadata: { labels, annotations: { 'container.apparmor.security.beta.kubernetes.io/web': 'runtime/default', 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default' } }, spec: podSpec() });
const meta = (name: string) => ({ name, namespace: 'shop', labels, annotations: { 'suppress.cdk8s-hardened.io/HARD-namespace-set': 'reason' } });
const selector = { matchLabels: labels, matchExpressions: [{ key: 'app', operator: 'Exists' }] };

/** One realistic manifest of every kind a rule reads (and a few it does not). */
function manifests(): any[] {
  return structuredClone([
    { apiVersion: 'v1', kind: 'Pod', metadata: meta('pod'), spec: podSpec() },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('web'), spec: { replicas: 3, selector, template: template() } },
    { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: meta('db'), spec: { replicas: 2, serviceName: 'db', selector, template: template() } },
    { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta('agent'), spec: { selector, template: { ...template(), spec: { ...podSpec(), hostNetwork: true } } } },
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: meta('rs'), spec: { replicas: 1, selector, template: template() } },
    { apiVersion: 'v1', kind: 'ReplicationController', metadata: meta('rc'), spec: { replicas: 1, selector: labels, template: template() } },
    { apiVersion: 'batch/v1', kind: 'Job', metadata: meta('job'), spec: { template: template() } },
    { apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta('cron'), spec: { schedule: '* * * * *', jobTemplate: { spec: { template: template() } } } },
    { apiVersion: 'v1', kind: 'PodTemplate', metadata: meta('tpl'), template: template() },
    { apiVersion: 'v1', kind: 'Service', metadata: meta('web'), spec: { type: 'ClusterIP', selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }, { port: 81, targetPort: 8081 }] } },
    { apiVersion: 'v1', kind: 'Service', metadata: meta('prom'), spec: { selector: { 'app.kubernetes.io/name': 'prometheus', 'prometheus': 'main' }, ports: [{ port: 9090, targetPort: 'web' }] } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta('deny'), spec: { podSelector: selector, policyTypes: ['Ingress', 'Egress'], ingress: [{}], egress: [{}] } },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta('web'), spec: { selector, minAvailable: '50%', maxUnavailable: 1 } },
    { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta('web'), spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }] } },
    { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: meta('db'), spec: { scaleTargetRef: { kind: 'StatefulSet', name: 'db' }, maxReplicas: 5, targetCPUUtilizationPercentage: 50 } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('web'), automountServiceAccountToken: false },
    { apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', metadata: meta('main'), spec: { podMetadata: { labels: { team: 'a' } }, portName: 'web', shards: 2, thanos: {} } },
    { apiVersion: 'monitoring.coreos.com/v1', kind: 'Alertmanager', metadata: meta('main'), spec: { listenLocal: false } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('cfg'), data: { a: 'b' } },
  ]);
}

/** Every path to a value inside a manifest (objects and list items included). */
function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const result: Array<Array<string | number>> = [prefix];
  if (Array.isArray(value)) value.forEach((item, index) => result.push(...paths(item, [...prefix, index])));
  else if (value !== null && typeof value === 'object') for (const key of Object.keys(value)) result.push(...paths((value as any)[key], [...prefix, key]));
  return result;
}

function nested(depth: number): unknown {
  let node: unknown = 'bottom';
  for (let i = 0; i < depth; i++) node = i % 2 === 0 ? { a: node } : [node];
  return node;
}

/** Values of any shape, weighted toward the ones that break naive code. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 3 }),
  fc.string(),
  fc.constantFrom('', 'Ingress', 'ALL', 'Always', 'Unconfined', 'Localhost', 'latest', '0%', '100%', 'http', '-1', 'NaN'),
  fc.boolean(),
  fc.integer(),
  fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 31, -0, 0, 0.5, Number.NaN, Number.POSITIVE_INFINITY),
  fc.array(fc.oneof(fc.constant(null), fc.jsonValue({ maxDepth: 2 })), { maxLength: 4 }),
  fc.constant([null]),
  fc.constant({}),
  fc.constant({ toString: 1, valueOf: 1 }),
  fc.constant([{ toString: 'x', valueOf: null }]),
  fc.constant(JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": 1}}')),
  fc.constant(nested(2000)),
);

function setAt(root: any, path: Array<string | number>, value: unknown): any {
  if (path.length === 0) return value;
  let node = root;
  for (const key of path.slice(0, -1)) node = node[key];
  const last = path[path.length - 1];
  if (value === undefined && !Array.isArray(node)) delete node[last];
  else node[last] = value;
  return root;
}

function audit(objects: any[]) {
  const auditObjects: AuditObject[] = objects.map((manifest) => ({ manifest }));
  return runRules(auditObjects, RULES);
}

describe('no shape of input crashes a rule', () => {
  test('random values at random field positions of realistic manifests of every kind', () => {
    const base = manifests();
    const positions = base.flatMap((manifest, index) => paths(manifest).map((path) => [index, path] as const));
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.nat(positions.length - 1), anyValue), { minLength: 1, maxLength: 6 }),
      (mutations) => {
        const objects = manifests();
        for (const [position, value] of mutations) {
          const [index, path] = positions[position];
          try {
            objects[index] = setAt(objects[index], path, value);
          } catch {
            // the path no longer exists after an earlier mutation replaced a parent: skip it
          }
        }
        const internal = audit(objects).filter((finding) => finding.ruleId === INTERNAL_RULE.id);
        expect(internal.map((finding) => finding.message)).toEqual([]);
      },
    ), { numRuns: 400, seed: 20261206 });
  });

  test('a whole object of random JSON, with any kind a rule reads', () => {
    const kinds = [...new Set(RULES.flatMap((rule) => rule.kinds))].filter((kind) => kind !== '*');
    fc.assert(fc.property(fc.constantFrom(...kinds, 'Prometheus', 'ConfigMap'), fc.jsonValue({ maxDepth: 6 }), anyValue, (kind, spec, metadata) => {
      const findings = audit([{ apiVersion: 'v1', kind, metadata, spec, template: spec, rules: spec, subjects: spec, roleRef: spec, aggregationRule: spec }, manifests()[1]]);
      expect(findings.filter((finding) => finding.ruleId === INTERNAL_RULE.id)).toEqual([]);
    }), { numRuns: 300, seed: 7 });
  });

  test('objects that are not objects at all are input findings, and the others are still audited', () => {
    const findings = audit([null, 42, 'Deployment', [], { kind: { toString: 1 } }, manifests()[0]]);
    expect(findings.filter((f) => f.ruleId === INTERNAL_RULE.id)).toEqual([]);
    expect(findings.filter((f) => f.ruleId === INPUT_RULE.id).map((f) => f.message)).toEqual([
      'expected a Kubernetes object (a map with apiVersion, kind and metadata), got null',
      'expected a Kubernetes object (a map with apiVersion, kind and metadata), got 42',
      'expected a Kubernetes object (a map with apiVersion, kind and metadata), got "Deployment"',
      'expected a Kubernetes object (a map with apiVersion, kind and metadata), got a list of 0 items',
      "expected the object's kind as a string, got an object",
    ]);
    expect(findings.some((f) => f.kind === 'Pod' && f.ruleId === 'HARD-no-literal-secrets-in-env')).toBe(true);
  });
});

describe('an object of the wrong shape is a finding of its own', () => {
  const service = (spec: any) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: labels, ...spec } });
  const deployment = (containerPatch: any) => {
    const d = manifests()[1];
    Object.assign(d.spec.template.spec.containers[0], containerPatch);
    return d;
  };
  const inputFindings = (objects: any[]) => {
    const findings = audit(objects);
    expect(findings.filter((f) => f.ruleId === INTERNAL_RULE.id)).toEqual([]);
    return findings.filter((f) => f.ruleId === INPUT_RULE.id).map((f) => ({ kind: f.kind, name: f.name, fieldPath: f.fieldPath, message: f.message, severity: f.severity }));
  };

  test('NetworkPolicy policyTypes: Ingress (a string)', () => {
    const policy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'shop' }, spec: { podSelector: {}, policyTypes: 'Ingress' } };
    expect(inputFindings([policy, manifests()[1]])).toEqual([{ kind: 'NetworkPolicy', name: 'deny', fieldPath: 'spec.policyTypes', message: 'expected a list, got "Ingress"', severity: Severity.HIGH }]);
  });

  test('a container ports list with a null item', () => {
    expect(inputFindings([deployment({ ports: [null, { containerPort: 8080, name: 'http' }] })])).toEqual([
      { kind: 'Deployment', name: 'web', fieldPath: 'spec.template.spec.containers[0].ports[0]', message: 'expected a map, got null', severity: Severity.HIGH },
    ]);
  });

  test('a Service with ports: 80', () => {
    expect(inputFindings([service({ ports: 80 }), manifests()[1]])).toEqual([
      { kind: 'Service', name: 'web', fieldPath: 'spec.ports', message: 'expected a list, got 80', severity: Severity.HIGH },
    ]);
  });

  test('a Service port list with a null item', () => {
    expect(inputFindings([service({ ports: [null, { port: 80, targetPort: 'http' }] }), manifests()[1]])).toEqual([
      { kind: 'Service', name: 'web', fieldPath: 'spec.ports[0]', message: 'expected a map, got null', severity: Severity.HIGH },
    ]);
  });

  test('containers: {} and other mistyped fields, each with its path', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop', labels: { version: 1.0 } }, spec: { containers: {}, hostNetwork: 'yes', volumes: [{ name: 'v', hostPath: { path: '/' } }] } };
    expect(inputFindings([pod])).toEqual([
      { kind: 'Pod', name: 'p', fieldPath: 'metadata.labels["version"]', message: 'expected a string, got 1', severity: Severity.HIGH },
      { kind: 'Pod', name: 'p', fieldPath: 'spec.containers', message: 'expected a list, got an object', severity: Severity.HIGH },
      { kind: 'Pod', name: 'p', fieldPath: 'spec.hostNetwork', message: 'expected a boolean (true or false), got "yes"', severity: Severity.HIGH },
    ]);
  });

  test('null fields are unset fields, as the API server decodes them: no finding', () => {
    expect(inputFindings([service({ ports: null, type: null }), deployment({ ports: null, env: null, securityContext: null })])).toEqual([]);
  });

  test('a hostile document reports at most 20 problems', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop' }, spec: { containers: Array.from({ length: 100 }, () => null) } };
    expect(inputFindings([pod])).toHaveLength(20);
  });
});

describe('an internal error names the rule and the object and keeps the rest of the report', () => {
  test('a rule that throws on one object', () => {
    const failing: Rule = {
      id: 'TEST-fails', title: 'fails', severity: Severity.LOW, kinds: ['Deployment'], rationale: 'test', fieldPath: '-', fix: '-', equivalents: {},
      check: (object) => {
        if (object.manifest.metadata.name === 'web') throw new TypeError("Cannot read properties of undefined (reading 'x')");
        return [];
      },
    };
    const findings = runRules(manifests().map((manifest) => ({ manifest, file: 'all.yaml' })), [...RULES, failing]);
    const internal = findings.filter((f) => f.ruleId === INTERNAL_RULE.id);
    expect(internal).toEqual([expect.objectContaining({
      severity: Severity.CRITICAL, kind: 'Deployment', name: 'web', namespace: 'shop', file: 'all.yaml', suppressed: false,
      message: "rule TEST-fails failed on this object: TypeError: Cannot read properties of undefined (reading 'x')",
    })]);
    expect(findings.filter((f) => f.kind === 'Deployment' && f.name === 'web' && f.ruleId.startsWith('HARD-')).length).toBeGreaterThan(0);
    expect(findings.filter((f) => f.kind === 'Pod').length).toBeGreaterThan(0);
  });
});

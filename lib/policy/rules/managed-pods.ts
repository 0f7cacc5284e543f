/**
 * Pods that a Service may select although the audited objects contain no workload for them:
 * pods an operator creates from a custom resource in the same render, and the control plane's
 * own pods in kube-system.
 */
import { AuditContext, namespaceOf } from '../rule';
import { asNumber, asString, field, isObject, stringMap, text } from '../shape';

/** A container port of a pod that is not in the audit. */
export interface ManagedPort {
  readonly name: string;
  readonly containerPort: number;
  readonly protocol: string;
}

/** The pods an operator will create for one custom resource: their labels and container ports. */
export interface ManagedPods {
  /** `Kind/name` of the custom resource. */
  readonly owner: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: readonly ManagedPort[];
}

const PROMETHEUS_OPERATOR_GROUP = 'monitoring.coreos.com/';
const RELOADER_PORT: ManagedPort = { name: 'reloader-web', containerPort: 8080, protocol: 'TCP' };
/** Prometheus shards beyond this many are not modelled (each shard is a StatefulSet of its own). */
const MAX_SHARDS = 16;

/**
 * The pods of prometheus-operator custom resources (Prometheus, Alertmanager, ThanosRuler of
 * monitoring.coreos.com) as the operator builds their StatefulSets: the selector labels it sets,
 * the labels of `spec.podMetadata`, the web port (`spec.portName`, default `web`), the
 * config-reloader's `reloader-web` and the other ports of the operator's containers.
 */
export function operatorPods(context: AuditContext, namespace: string): readonly ManagedPods[] {
  let byNamespace = operatorPodsCache.get(context);
  if (!byNamespace) {
    byNamespace = new Map();
    for (const pods of allOperatorPods(context)) {
      const list = byNamespace.get(pods.namespace);
      if (list) list.push(pods);
      else byNamespace.set(pods.namespace, [pods]);
    }
    operatorPodsCache.set(context, byNamespace);
  }
  return byNamespace.get(namespace) ?? [];
}

const operatorPodsCache = new WeakMap<AuditContext, Map<string, ManagedPods[]>>();

function allOperatorPods(context: AuditContext): Array<ManagedPods & { namespace: string }> {
  const result: Array<ManagedPods & { namespace: string }> = [];
  for (const { manifest } of context.objects) {
    if (!isObject(manifest) || typeof manifest.apiVersion !== 'string' || !manifest.apiVersion.startsWith(PROMETHEUS_OPERATOR_GROUP)) continue;
    const namespace = namespaceOf(manifest);
    const name = asString(field(manifest, 'metadata', 'name'));
    if (!name) continue;
    const spec = isObject(manifest.spec) ? manifest.spec : {};
    const podMetadataLabels = stringMap(field(spec, 'podMetadata', 'labels'));
    const listensLocally = spec.listenLocal === true;
    const webPort = (containerPort: number): ManagedPort[] => (listensLocally ? [] : [{ name: asString(spec.portName) || 'web', containerPort, protocol: 'TCP' }]);
    const common = { 'app.kubernetes.io/managed-by': 'prometheus-operator', 'app.kubernetes.io/instance': name };
    switch (manifest.kind) {
      case 'Prometheus': {
        const shards = Math.min(Math.max(asNumber(spec.shards) ?? 1, 1), MAX_SHARDS);
        const thanos = isObject(spec.thanos) ? [{ name: 'grpc', containerPort: 10901, protocol: 'TCP' }, { name: 'http', containerPort: 10902, protocol: 'TCP' }] : [];
        for (let shard = 0; shard < shards; shard++) {
          result.push({
            namespace,
            owner: `Prometheus/${name}`,
            labels: { ...podMetadataLabels, ...common, 'app.kubernetes.io/name': 'prometheus', 'prometheus': name, 'operator.prometheus.io/name': name, 'operator.prometheus.io/shard': text(shard) },
            ports: [...webPort(9090), RELOADER_PORT, ...thanos],
          });
        }
        break;
      }
      case 'Alertmanager':
        result.push({
          namespace,
          owner: `Alertmanager/${name}`,
          labels: { ...podMetadataLabels, ...common, 'app.kubernetes.io/name': 'alertmanager', 'alertmanager': name },
          ports: [...webPort(9093), { name: 'mesh-tcp', containerPort: 9094, protocol: 'TCP' }, { name: 'mesh-udp', containerPort: 9094, protocol: 'UDP' }, RELOADER_PORT],
        });
        break;
      case 'ThanosRuler':
        result.push({
          namespace,
          owner: `ThanosRuler/${name}`,
          labels: { ...podMetadataLabels, ...common, 'app.kubernetes.io/name': 'thanos-ruler', 'thanos-ruler': name },
          ports: [{ name: 'grpc', containerPort: 10901, protocol: 'TCP' }, ...webPort(10902), RELOADER_PORT],
        });
        break;
      default:
        break;
    }
  }
  return result;
}

/** Labels by which Services select the control plane's and the cluster add-ons' own pods. */
const CONTROL_PLANE_SELECTORS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['component', ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd', 'cloud-controller-manager']],
  ['k8s-app', ['kube-proxy', 'kube-dns', 'coredns', 'kube-controller-manager', 'kube-scheduler', 'kube-apiserver', 'etcd']],
  ['tier', ['control-plane']],
];

/**
 * True when a Service in kube-system selects control-plane pods (static pods of kubeadm-style
 * clusters: `component: kube-scheduler`, `component: etcd`, ...) or the cluster's own add-ons
 * (`k8s-app: kube-proxy`, `k8s-app: kube-dns`): the cluster runs them, no render contains them.
 */
export function selectsControlPlane(namespace: string, selector: unknown): boolean {
  if (namespace !== 'kube-system') return false;
  const labels = stringMap(selector);
  return CONTROL_PLANE_SELECTORS.some(([key, values]) => labels[key] !== undefined && values.includes(labels[key]));
}

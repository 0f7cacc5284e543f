import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { KubernetesVersion } from './kubernetes-version';
import { validateDnsLabel, validateLabels } from './names';
import { recordConstructPaths } from './policy/construct-paths';
import { PodSecurityLevel } from './policy/pod-security-level';
import { requireUniqueObjects } from './unique-objects';

/** Props of a `HardenedNamespace`. */
export interface HardenedNamespaceProps {
  /**
   * Namespace name. In a chart with a namespace it must be that namespace: a HardenedNamespace
   * protects the namespace the chart's workloads run in, never a different one.
   * @default - the chart's namespace; the construct id in a chart without one
   */
  readonly name?: string;
  /**
   * Pod Security Standards level the API server enforces for every pod in the namespace.
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly podSecurity?: PodSecurityLevel;
  /**
   * Policy version of the enforcement (`latest` or `v1.N`). Pinned, the checks do not change when
   * the cluster is upgraded until you move the pin.
   * @default - the Kubernetes version's own (`v1.28` for KubernetesVersion.V1_28)
   */
  readonly podSecurityVersion?: string;
  /**
   * The Kubernetes version the manifests are for.
   * @default - the version set with `KubernetesVersion.use` on an enclosing App or Chart, else KubernetesVersion.V1_28
   */
  readonly kubernetesVersion?: KubernetesVersion;
  /**
   * Deny all ingress and egress for every pod that no other NetworkPolicy allows.
   * @default true
   */
  readonly defaultDeny?: boolean;
  /**
   * Labels of the Namespace.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
}

/**
 * A namespace that defaults to deny: the API server enforces a Pod Security Standards level
 * (enforce, audit and warn labels), and a default-deny NetworkPolicy blocks all traffic that the
 * workloads' own NetworkPolicies do not allow. It protects the chart's namespace.
 */
export class HardenedNamespace extends Construct {
  /** The namespace name. */
  public readonly name: string;
  /** The Namespace object. */
  public readonly namespace: ApiObject;
  /** The Kubernetes version the manifests are for. */
  public readonly kubernetesVersion: KubernetesVersion;
  /** The default-deny NetworkPolicy; undefined when `defaultDeny: false`. */
  public readonly defaultDenyPolicy?: ApiObject;

  constructor(scope: Construct, id: string, props: HardenedNamespaceProps = {}) {
    super(scope, id);
    recordConstructPaths(this);
    requireUniqueObjects(this);
    const chart = Chart.of(this);
    this.name = props.name ?? chart.namespace ?? id;
    validateDnsLabel('namespace name', this.name);
    if (chart.namespace !== undefined && this.name !== chart.namespace) {
      throw new Error(`HardenedNamespace '${this.name}' is in chart '${chart.node.id}', whose objects go to namespace '${chart.namespace}', which it would leave unprotected: omit name (it defaults to the chart's namespace), or define it in a chart with namespace '${this.name}' or with none`);
    }
    const level = props.podSecurity ?? PodSecurityLevel.RESTRICTED;
    this.kubernetesVersion = KubernetesVersion._resolve(this, props.kubernetesVersion);
    const version = props.podSecurityVersion ?? this.kubernetesVersion.podSecurityVersion;
    if (!/^(latest|v1\.\d{1,2})$/.test(version)) {
      throw new Error(`podSecurityVersion '${version}' is not a policy version: use 'latest' or 'v1.N', e.g. 'v1.28'`);
    }
    validateLabels('namespace label', props.labels ?? {});
    for (const key of Object.keys(props.labels ?? {})) {
      if (key.startsWith('pod-security.kubernetes.io/')) {
        throw new Error(`namespace label '${key}' is set by HardenedNamespace from podSecurity and podSecurityVersion: remove it from labels`);
      }
    }
    const podSecurityLabels = Object.fromEntries(['enforce', 'audit', 'warn'].flatMap((mode) => [
      [`pod-security.kubernetes.io/${mode}`, level],
      [`pod-security.kubernetes.io/${mode}-version`, version],
    ]));
    this.namespace = new ApiObject(this, 'Resource', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: this.name, labels: { ...(props.labels ?? {}), ...podSecurityLabels } },
    });
    // A Namespace is cluster-scoped: drop the namespace a chart puts on every object.
    if (chart.namespace !== undefined) this.namespace.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    if (props.defaultDeny ?? true) {
      this.defaultDenyPolicy = new ApiObject(this, 'DefaultDeny', {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'default-deny', namespace: this.name },
        spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
      });
    }
  }
}

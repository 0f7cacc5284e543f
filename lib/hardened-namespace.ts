import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { KubernetesVersion } from './kubernetes-version';
import { validateDnsLabel, validateLabelValue } from './names';
import { recordConstructPaths } from './policy/construct-paths';
import { PodSecurityLevel } from './policy/pod-security-level';

/** Props of a `HardenedNamespace`. */
export interface HardenedNamespaceProps {
  /**
   * Namespace name.
   * @default - the construct id
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
 * workloads' own NetworkPolicies do not allow. Set `namespace` of a chart to its `name`.
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
    this.name = props.name ?? id;
    validateDnsLabel('namespace name', this.name);
    const level = props.podSecurity ?? PodSecurityLevel.RESTRICTED;
    this.kubernetesVersion = KubernetesVersion._resolve(this, props.kubernetesVersion);
    const version = props.podSecurityVersion ?? this.kubernetesVersion.podSecurityVersion;
    if (!/^(latest|v1\.\d{1,2})$/.test(version)) {
      throw new Error(`podSecurityVersion '${version}' is not a policy version: use 'latest' or 'v1.N', e.g. 'v1.28'`);
    }
    for (const [key, value] of Object.entries(props.labels ?? {})) validateLabelValue(`label '${key}'`, value);
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
    if (Chart.of(this).namespace !== undefined) this.namespace.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
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

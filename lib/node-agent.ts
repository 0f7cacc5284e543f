import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { validateInteger, validateLabelValue, validateQualifiedKey } from './names';
import { Probe } from './probe';
import { SUPPRESSION_ANNOTATION_PREFIX } from './policy/suppressions';
import { Workload, WorkloadProps } from './workload';

/** The effect of a taint a toleration matches. */
export enum TaintEffect {
  NO_SCHEDULE = 'NoSchedule',
  PREFER_NO_SCHEDULE = 'PreferNoSchedule',
  NO_EXECUTE = 'NoExecute',
}

/** A taint the agent's pods tolerate. */
export interface Toleration {
  /**
   * Taint key; leave unset with `exists: true` to tolerate every taint.
   * @default - every key
   */
  readonly key?: string;
  /**
   * Taint value to match; unset with `exists` semantics.
   * @default - any value (operator Exists)
   */
  readonly value?: string;
  /**
   * Taint effect to match.
   * @default - every effect
   */
  readonly effect?: TaintEffect;
}

/** A directory or file of the node mounted into the agent. */
export interface HostPathMount {
  /** Path on the node, e.g. '/var/log'. */
  readonly hostPath: string;
  /** Path in the container. */
  readonly mountPath: string;
  /**
   * Mount read-only.
   * @default true
   */
  readonly readOnly?: boolean;
}

/**
 * Host access for an agent that truly needs it. Every grant is reported by the policy engine as a
 * suppressed finding carrying `reason`, so reviewers see what was allowed and why.
 */
export interface HostAccess {
  /** Why the agent needs the host (required; shown in every audit report). */
  readonly reason: string;
  /**
   * Node paths to mount.
   * @default - none
   */
  readonly hostPaths?: HostPathMount[];
  /**
   * Use the node's network namespace.
   * @default false
   */
  readonly hostNetwork?: boolean;
}

/** Props of a `NodeAgent`. */
export interface NodeAgentProps extends WorkloadProps {
  /**
   * Nodes whose agent may be down at once during a rollout.
   * @default 1
   */
  readonly maxUnavailable?: number;
  /**
   * Taints the agent tolerates, so it also runs on tainted nodes.
   * @default - none
   */
  readonly tolerations?: Toleration[];
  /**
   * Explicit, documented host access.
   * @default - none: the agent is as isolated as any other workload
   */
  readonly hostAccess?: HostAccess;
  /**
   * Readiness probe.
   * @default - none
   */
  readonly readiness?: Probe;
  /**
   * Liveness probe.
   * @default - none
   */
  readonly liveness?: Probe;
}

/** Rule ids a host-path grant suppresses, with the pod field they concern. */
const HOST_PATH_RULES = ['PSS-hostPathVolumes', 'PSS-restrictedVolumes'];
const HOST_NETWORK_RULES = ['PSS-hostNamespaces'];

/**
 * A per-node agent (log shipper, metrics exporter): a hardened DaemonSet with a ServiceAccount and
 * a NetworkPolicy. Host paths and the host network are available only through `hostAccess`,
 * which requires a reason and shows up as suppressed findings in every audit.
 */
export class NodeAgent extends Workload {
  /** The DaemonSet. */
  public readonly daemonSet: ApiObject;
  private readonly tolerations: Toleration[];
  private readonly hostAccess?: HostAccess;

  constructor(scope: Construct, id: string, props: NodeAgentProps) {
    super(scope, id, props, {
      component: 'node-agent',
      defaultPreStopPauseSeconds: 0,
      readiness: props.readiness,
      liveness: props.liveness,
    });
    const maxUnavailable = props.maxUnavailable ?? 1;
    validateInteger('maxUnavailable', maxUnavailable, 1);
    this.tolerations = [...(props.tolerations ?? [])];
    for (const toleration of this.tolerations) {
      if (toleration.key !== undefined) validateQualifiedKey('toleration', toleration.key);
      if (toleration.value !== undefined) validateLabelValue(`toleration '${toleration.key ?? ''}' value`, toleration.value);
      if (toleration.value !== undefined && toleration.key === undefined) {
        throw new Error(`toleration with value '${toleration.value}' has no key: a value matches only a taint with a key; give key, or drop value to tolerate every taint`);
      }
    }
    this.hostAccess = props.hostAccess;
    const annotations = this.hostAccess ? this.grantHostAccess(this.hostAccess) : {};

    this.daemonSet = new ApiObject(this, 'Resource', {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { ...this.metadata(), ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
      spec: {
        selector: { matchLabels: { ...this.selectorLabels } },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable, maxSurge: 0 } },
        minReadySeconds: 10,
        revisionHistoryLimit: 5,
        template: this.podTemplate(),
      },
    });
  }

  protected podSpecExtras(): any {
    return {
      ...(this.hostAccess?.hostNetwork ? { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' } : {}),
      ...(this.tolerations.length > 0 ? { tolerations: this.tolerations.map(renderToleration) } : {}),
    };
  }

  private grantHostAccess(access: HostAccess): { [key: string]: string } {
    if (access.reason.trim().length === 0) {
      throw new Error(`hostAccess of node agent '${this.name}' has no reason: say why the agent needs the host, e.g. 'ships container logs from /var/log/pods'`);
    }
    const paths = access.hostPaths ?? [];
    if (paths.length === 0 && !access.hostNetwork) {
      throw new Error(`hostAccess of node agent '${this.name}' grants nothing: give hostPaths or hostNetwork, or remove hostAccess`);
    }
    paths.forEach((mount, index) => {
      if (!mount.hostPath.startsWith('/')) {
        throw new Error(`host path '${mount.hostPath}' of node agent '${this.name}' is not absolute: use a path starting with '/'`);
      }
      this._mainContainer.addHostPathMount(`host-${index}`, mount.hostPath, mount.mountPath, mount.readOnly ?? true);
    });
    const rules = [...(paths.length > 0 ? HOST_PATH_RULES : []), ...(access.hostNetwork ? HOST_NETWORK_RULES : [])];
    return Object.fromEntries(rules.map((rule) => [`${SUPPRESSION_ANNOTATION_PREFIX}${rule}`, access.reason.trim()]));
  }
}

function renderToleration(toleration: Toleration): any {
  return {
    ...(toleration.key !== undefined ? { key: toleration.key } : {}),
    operator: toleration.value !== undefined ? 'Equal' : 'Exists',
    ...(toleration.value !== undefined ? { value: toleration.value } : {}),
    ...(toleration.effect !== undefined ? { effect: toleration.effect } : {}),
  };
}

import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { validateInteger } from './names';
import { SUPPRESSION_ANNOTATION_PREFIX } from './policy/suppressions';

/** The rule a budget that blocks evictions on purpose suppresses, with its reason. */
const BLOCKS_EVICTIONS_RULE = 'HARD-pdb-allows-disruption';

/**
 * How many of a workload's pods a voluntary disruption (node drain, cluster upgrade) may take down at once.
 */
export class DisruptionBudget {
  /** At most `count` pods unavailable at once. */
  public static maxUnavailable(count: number): DisruptionBudget {
    validateInteger('disruption budget maxUnavailable', count, 1);
    return new DisruptionBudget('maxUnavailable', count, false);
  }

  /** At most `percent` % of the pods unavailable at once (rounded up). */
  public static maxUnavailablePercent(percent: number): DisruptionBudget {
    validateInteger('disruption budget maxUnavailable percent', percent, 1, 100);
    return new DisruptionBudget('maxUnavailable', percent, true);
  }

  /** At least `count` pods available at all times. */
  public static minAvailable(count: number): DisruptionBudget {
    validateInteger('disruption budget minAvailable', count, 0);
    return new DisruptionBudget('minAvailable', count, false);
  }

  /** At least `percent` % of the pods available at all times (rounded up). */
  public static minAvailablePercent(percent: number): DisruptionBudget {
    validateInteger('disruption budget minAvailable percent', percent, 0, 99);
    return new DisruptionBudget('minAvailable', percent, true);
  }

  /**
   * No voluntary eviction of a ready pod (`maxUnavailable: 0`): node drains and cluster upgrades
   * wait until an operator moves the pod, e.g. after failing a single-primary database over.
   * Pods that are not ready can still be evicted. The budget carries the suppression of
   * HARD-pdb-allows-disruption with `reason`, so every audit shows the choice and why.
   * @param reason why drains must wait for an operator (required)
   */
  public static blockEvictions(reason: string): DisruptionBudget {
    if (reason.trim().length === 0) {
      throw new Error("DisruptionBudget.blockEvictions was given no reason: say why drains must wait for an operator, e.g. 'single-primary database: fail over before draining its node'");
    }
    return new DisruptionBudget('maxUnavailable', 0, false, reason.trim());
  }

  private constructor(
    /** `maxUnavailable` or `minAvailable`. */
    public readonly field: string,
    /** The count, or the percentage when `isPercent`. */
    public readonly value: number,
    /** Whether `value` is a percentage. */
    public readonly isPercent: boolean,
    /** Why evictions are blocked, for `blockEvictions`; undefined otherwise. */
    public readonly blockReason?: string,
  ) {}

  /** Whether this budget blocks every voluntary eviction on purpose (`blockEvictions`). */
  public get blocksEvictions(): boolean {
    return this.blockReason !== undefined;
  }

  /** The value as Kubernetes writes it: a number or a percentage string. */
  public get kubeValue(): any {
    return this.isPercent ? `${this.value}%` : this.value;
  }

  /** How many pods may be evicted when `replicas` are running and healthy. */
  public allowedDisruptions(replicas: number): number {
    const scaled = this.isPercent ? Math.ceil((this.value * replicas) / 100) : this.value;
    return this.field === 'maxUnavailable' ? Math.min(scaled, replicas) : Math.max(replicas - scaled, 0);
  }

  /** Throws when the budget would block every voluntary eviction at `replicas` pods (unless it does so on purpose). */
  public checkAllowsDisruption(replicas: number, what: string): void {
    if (!this.blocksEvictions && this.allowedDisruptions(replicas) < 1) {
      throw new Error(`PodDisruptionBudget ${this.field} ${this.kubeValue} allows no disruption with ${what}: node drains would hang; use DisruptionBudget.maxUnavailable(1), run more replicas, or DisruptionBudget.blockEvictions(reason) if drains must wait for an operator`);
    }
  }

  /** Throws when the budget would let a drain evict every pod at once, so it protects nothing, at `replicas` pods. */
  public checkKeepsPods(replicas: number, what: string): void {
    if (this.allowedDisruptions(replicas) >= replicas) {
      throw new Error(`PodDisruptionBudget ${this.field} ${this.kubeValue} lets a drain evict all pods at once with ${what}, so it protects nothing: use DisruptionBudget.maxUnavailable(1) or a budget that keeps at least one pod`);
    }
  }
}

/** Props of the PodDisruptionBudget that a workload creates. */
export interface PodDisruptionBudgetObjectProps {
  readonly metadata: any;
  readonly selectorLabels: { [key: string]: string };
  readonly budget: DisruptionBudget;
}

/**
 * Creates a policy/v1 PodDisruptionBudget that selects exactly the given labels.
 * `unhealthyPodEvictionPolicy: AlwaysAllow` lets a drain evict pods that are not ready anyway,
 * so a crash-looping pod can never block a node upgrade.
 */
export function createPodDisruptionBudget(scope: Construct, props: PodDisruptionBudgetObjectProps): ApiObject {
  const { budget } = props;
  const annotations = budget.blockReason !== undefined ? { [`${SUPPRESSION_ANNOTATION_PREFIX}${BLOCKS_EVICTIONS_RULE}`]: budget.blockReason } : undefined;
  return new ApiObject(scope, 'DisruptionBudget', {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { ...props.metadata, ...(annotations ? { annotations } : {}) },
    spec: {
      [budget.field]: budget.kubeValue,
      selector: { matchLabels: { ...props.selectorLabels } },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  });
}

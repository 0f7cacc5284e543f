import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { validateInteger } from './names';

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

  private constructor(
    /** `maxUnavailable` or `minAvailable`. */
    public readonly field: string,
    /** The count, or the percentage when `isPercent`. */
    public readonly value: number,
    /** Whether `value` is a percentage. */
    public readonly isPercent: boolean,
  ) {}

  /** The value as Kubernetes writes it: a number or a percentage string. */
  public get kubeValue(): any {
    return this.isPercent ? `${this.value}%` : this.value;
  }

  /** How many pods may be evicted when `replicas` are running and healthy. */
  public allowedDisruptions(replicas: number): number {
    const scaled = this.isPercent ? Math.ceil((this.value * replicas) / 100) : this.value;
    return this.field === 'maxUnavailable' ? Math.min(scaled, replicas) : Math.max(replicas - scaled, 0);
  }

  /** Throws when the budget would block every voluntary eviction at `replicas` pods. */
  public checkAllowsDisruption(replicas: number, what: string): void {
    if (this.allowedDisruptions(replicas) < 1) {
      throw new Error(`PodDisruptionBudget ${this.field} ${this.kubeValue} allows no disruption with ${what}: node drains would hang; use DisruptionBudget.maxUnavailable(1) or run more replicas`);
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
  return new ApiObject(scope, 'DisruptionBudget', {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: props.metadata,
    spec: {
      [props.budget.field]: props.budget.kubeValue,
      selector: { matchLabels: { ...props.selectorLabels } },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  });
}

import { ApiObject, Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { createPodDisruptionBudget, DisruptionBudget } from './disruption-budget';
import { validateInteger, wholeSeconds } from './names';
import { spreadFields } from './scheduling';
import { Workload, WorkloadProps, WorkloadTraits } from './workload';

/** Options of a hardened workload that runs as a Deployment. */
export interface DeploymentWorkloadProps extends WorkloadProps {
  /**
   * Number of pods.
   * @default 3 - spread over zones and nodes, so one failure leaves two serving
   */
  readonly replicas?: number;
  /**
   * The PodDisruptionBudget's policy; it must allow at least one eviction at the configured replicas.
   * @default DisruptionBudget.maxUnavailable(1)
   */
  readonly disruptionBudget?: DisruptionBudget;
  /**
   * How long a new pod must stay ready before it counts as available during a rollout.
   * @default Duration.seconds(10)
   */
  readonly minReady?: Duration;
  /**
   * Old ReplicaSets kept for rollback.
   * @default 5
   */
  readonly revisionHistoryLimit?: number;
  /**
   * Extra pods a rollout may start above `replicas` (maxUnavailable is always 0).
   * @default - 25% of the replicas, rounded up
   */
  readonly maxSurge?: number;
  /**
   * Spread pods over zones and nodes (topologySpreadConstraints plus preferred anti-affinity).
   * Both are preferences: pods still schedule when a zone or node is short.
   * @default true
   */
  readonly spread?: boolean;
}

/**
 * A hardened Deployment with its PodDisruptionBudget and ServiceAccount: the shared base of
 * `WebService` and `Worker`. Rollouts never drop below the desired count (maxUnavailable 0).
 */
export abstract class DeploymentWorkload extends Workload {
  /** The Deployment. */
  public readonly deployment: ApiObject;
  /** The PodDisruptionBudget. */
  public readonly pdb: ApiObject;
  /** The replica count; undefined when an autoscaler owns it. */
  public readonly replicas: number;
  /** The disruption budget policy. */
  public readonly disruptionBudget: DisruptionBudget;
  /** Whether pods are spread over zones and nodes. */
  public readonly spread: boolean;

  protected constructor(scope: Construct, id: string, props: DeploymentWorkloadProps, traits: WorkloadTraits) {
    super(scope, id, props, traits);
    this.replicas = props.replicas ?? 3;
    validateInteger('replicas', this.replicas, 1);
    this.disruptionBudget = props.disruptionBudget ?? DisruptionBudget.maxUnavailable(1);
    this.disruptionBudget.checkAllowsDisruption(this.replicas, `${this.replicas} replica(s)`);
    const minReadySeconds = props.minReady ? wholeSeconds('minReady', props.minReady) : 10;
    validateInteger('minReady (seconds)', minReadySeconds, 0);
    const revisionHistoryLimit = props.revisionHistoryLimit ?? 5;
    validateInteger('revisionHistoryLimit', revisionHistoryLimit, 1);
    if (props.maxSurge !== undefined) validateInteger('maxSurge', props.maxSurge, 1);
    this.spread = props.spread ?? true;

    this.deployment = new ApiObject(this, 'Resource', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: this.metadata(),
      spec: {
        replicas: Lazy.any({ produce: () => this.renderedReplicas() }),
        selector: { matchLabels: { ...this.selectorLabels } },
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxUnavailable: 0, maxSurge: props.maxSurge ?? '25%' },
        },
        minReadySeconds,
        revisionHistoryLimit,
        progressDeadlineSeconds: 600,
        template: this.podTemplate(),
      },
    });
    this.pdb = createPodDisruptionBudget(this, {
      metadata: this.metadata(),
      selectorLabels: this.selectorLabels,
      budget: this.disruptionBudget,
    });
  }

  /** `spec.replicas` as rendered; an autoscaled workload leaves it to the autoscaler. */
  protected renderedReplicas(): number | undefined {
    return this.replicas;
  }

  protected podSpecExtras(): any {
    return this.spread ? spreadFields(this.selectorLabels, ['pod-template-hash']) : {};
  }

}

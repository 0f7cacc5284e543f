import { ApiObject, Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { AutoscalingOptions, checkAutoscaling, renderAutoscaler, ScaleTargetRef } from './autoscaling';
import { createPodDisruptionBudget, DisruptionBudget } from './disruption-budget';
import { validateInteger, wholeSeconds } from './names';
import { spreadFields } from './scheduling';
import { Workload, WorkloadProps, WorkloadTraits } from './workload';

/** Options of a workload that runs several interchangeable replicas. */
export interface ReplicatedWorkloadProps extends WorkloadProps {
  /**
   * Number of pods. Leave unset when the workload is autoscaled.
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
   * Old revisions kept for rollback.
   * @default 5
   */
  readonly revisionHistoryLimit?: number;
  /**
   * Spread pods over zones and nodes (topologySpreadConstraints plus preferred anti-affinity).
   * Both are preferences: pods still schedule when a zone or node is short.
   * @default true
   */
  readonly spread?: boolean;
}

/**
 * The shared base of replicated workloads: replica count or autoscaler, PodDisruptionBudget and spread.
 */
export abstract class ReplicatedWorkload extends Workload {
  /** The PodDisruptionBudget. */
  public readonly pdb: ApiObject;
  /** The disruption budget policy. */
  public readonly disruptionBudget: DisruptionBudget;
  /** Whether pods are spread over zones and nodes. */
  public readonly spread: boolean;
  /** `minReadySeconds` of the rollout. */
  public readonly minReadySeconds: number;
  /** `revisionHistoryLimit` of the rollout. */
  public readonly revisionHistoryLimit: number;
  private readonly explicitReplicas?: number;
  private readonly profileReplicas?: number;
  private hpa?: ApiObject;
  private minReplicas?: number;

  protected constructor(scope: Construct, id: string, props: ReplicatedWorkloadProps, traits: WorkloadTraits) {
    super(scope, id, props, traits);
    this.explicitReplicas = props.replicas;
    this.profileReplicas = props.profile?.replicas;
    if (props.replicas !== undefined) validateInteger('replicas', props.replicas, 1);
    this.disruptionBudget = props.disruptionBudget ?? DisruptionBudget.maxUnavailable(1);
    this.disruptionBudget.checkAllowsDisruption(this.replicas!, `${this.replicas} replica(s)`);
    this.minReadySeconds = props.minReady ? wholeSeconds('minReady', props.minReady) : 10;
    this.revisionHistoryLimit = props.revisionHistoryLimit ?? 5;
    validateInteger('revisionHistoryLimit', this.revisionHistoryLimit, 1);
    this.spread = props.spread ?? props.profile?.spread ?? true;
    this.pdb = createPodDisruptionBudget(this, {
      metadata: this.metadata(),
      selectorLabels: this.selectorLabels,
      budget: this.disruptionBudget,
    });
    const profileScaling = props.profile?.autoscaling;
    if (profileScaling && props.replicas === undefined) {
      this.autoscale({ minReplicas: profileScaling.minReplicas, maxReplicas: profileScaling.maxReplicas });
    }
  }

  /** The replica count: the fixed count, or undefined when an autoscaler owns it. */
  public get replicas(): number | undefined {
    if (this.hpa) return undefined;
    return this.explicitReplicas ?? this.profileReplicas ?? 3;
  }

  /** The HorizontalPodAutoscaler, once `autoscale` was called. */
  public get autoscaler(): ApiObject | undefined {
    return this.hpa;
  }

  /** The fewest pods the workload runs: the fixed count or the autoscaler's minimum. */
  public get minimumReplicas(): number {
    return this.minReplicas ?? this.replicas!;
  }

  /**
   * Scales the workload with load through an autoscaling/v2 HorizontalPodAutoscaler.
   * `spec.replicas` is then left out, so a deploy never resets the autoscaler's count.
   * @param options replica bounds, metrics and behavior
   */
  public autoscale(options: AutoscalingOptions): ApiObject {
    if (this.hpa) {
      throw new Error(`workload '${this.name}' is already autoscaled: call autoscale once`);
    }
    if (this.explicitReplicas !== undefined) {
      throw new Error(`workload '${this.name}' sets replicas ${this.explicitReplicas} and is autoscaled: remove replicas, minReplicas takes its place`);
    }
    const metrics = checkAutoscaling(this.name, options);
    this.disruptionBudget.checkAllowsDisruption(options.minReplicas, `minReplicas ${options.minReplicas}`);
    this.minReplicas = options.minReplicas;
    this.hpa = new ApiObject(this, 'Autoscaler', {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: this.metadata(),
      spec: renderAutoscaler(this.scaleTarget(), options, metrics),
    });
    return this.hpa;
  }

  /** The object the autoscaler scales. */
  protected abstract scaleTarget(): ScaleTargetRef;

  /** `spec.replicas`, lazily: absent once an autoscaler owns the count. */
  protected replicasField(): any {
    return Lazy.any({ produce: () => this.replicas });
  }

  protected podSpecExtras(): any {
    return this.spread ? spreadFields(this.selectorLabels, this.spreadMatchLabelKeys()) : {};
  }

  /** Pod labels that tell revisions apart, so spread counts only the current revision's pods. */
  protected spreadMatchLabelKeys(): string[] {
    return [];
  }
}

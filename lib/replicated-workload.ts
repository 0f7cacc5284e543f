import { ApiObject, Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { AutoscalingOptions, checkAutoscaling, renderAutoscaler, ScaleTargetRef, ScalingMetric } from './autoscaling';
import { createPodDisruptionBudget, DisruptionBudget } from './disruption-budget';
import { validateInteger, wholeSeconds } from './names';
import { spreadFields } from './scheduling';
import { Workload, WorkloadProps, WorkloadTraits } from './workload';

/** Options of a workload that runs several interchangeable replicas. */
export interface ReplicatedWorkloadProps extends WorkloadProps {
  /**
   * Number of pods. Leave unset when the workload is autoscaled.
   * @default - the profile's replicas (Deployments only), else 3: spread over zones and nodes, so one failure leaves two serving
   */
  readonly replicas?: number;
  /**
   * The PodDisruptionBudget's policy. It must allow at least one eviction at the smallest replica
   * count and keep at least one pod from two. A fixed single replica gets no PodDisruptionBudget
   * unless this is `DisruptionBudget.blockEvictions(reason)`: any other budget would let a drain
   * evict the only pod. An autoscaler from one replica to more gets one, as at two replicas.
   * An explicit budget wins over the environment profile: when the profile leaves the workload
   * at a single replica (dev), synthesis fails with the same error, unless `autoscale()` has set
   * a larger count by then.
   * @default - DisruptionBudget.maxUnavailable(1), except no PodDisruptionBudget for a fixed single replica
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
   * @default - on; off only when the profile sets the replica count and turns spread off
   */
  readonly spread?: boolean;
}

/** The replica bounds in force, and whether they come from the profile or from `autoscale()`. */
interface Scaling {
  readonly options: AutoscalingOptions;
  readonly metrics: ScalingMetric[];
  readonly fromProfile: boolean;
}

/**
 * The shared base of replicated workloads: replica count or autoscaler, PodDisruptionBudget and spread.
 *
 * Precedence: explicit props and `autoscale()` win over the environment profile, which wins over
 * the library defaults. The profile's spread setting applies only where the profile also sets
 * the replica count.
 */
export abstract class ReplicatedWorkload extends Workload {
  /** `minReadySeconds` of the rollout. */
  public readonly minReadySeconds: number;
  /** `revisionHistoryLimit` of the rollout. */
  public readonly revisionHistoryLimit: number;
  private readonly explicitReplicas?: number;
  private readonly explicitSpread?: boolean;
  private readonly explicitBudget?: DisruptionBudget;
  private readonly profileReplicas?: number;
  private readonly profileSpread?: boolean;
  private scaling?: Scaling;
  private hpa?: ApiObject;
  private budgetObject?: ApiObject;

  protected constructor(scope: Construct, id: string, props: ReplicatedWorkloadProps, traits: WorkloadTraits) {
    super(scope, id, props, traits);
    this.explicitReplicas = props.replicas;
    if (props.replicas !== undefined) validateInteger('replicas', props.replicas, 1);
    const profile = this.profileSetsReplicas() ? props.profile : undefined;
    this.profileReplicas = profile?.replicas;
    this.profileSpread = profile?.spread;
    this.explicitSpread = props.spread;
    this.explicitBudget = props.disruptionBudget;
    this.minReadySeconds = props.minReady ? wholeSeconds('minReady', props.minReady) : 10;
    this.revisionHistoryLimit = props.revisionHistoryLimit ?? 5;
    validateInteger('revisionHistoryLimit', this.revisionHistoryLimit, 1);
    // The explicit budget wins over the profile: a profile's single replica that autoscale() has not replaced by synthesis is an error.
    this.node.addValidation({
      validate: () => (this.explicitBudget && !this.explicitBudget.blocksEvictions && this.fixedAtOne ? [this.singleReplicaBudgetProblem(this.explicitBudget)] : []),
    });
    if (profile?.autoscaling && props.replicas === undefined) {
      this.applyScaling({ minReplicas: profile.autoscaling.minReplicas, maxReplicas: profile.autoscaling.maxReplicas }, true);
    } else {
      this.syncDisruptionBudget();
    }
  }

  /** The replica count: the fixed count, or undefined when an autoscaler owns it. */
  public get replicas(): number | undefined {
    if (this.scaling) return undefined;
    return this.explicitReplicas ?? this.profileReplicas ?? 3;
  }

  /** The HorizontalPodAutoscaler, when the workload is autoscaled (by `autoscale()` or the profile). */
  public get autoscaler(): ApiObject | undefined {
    return this.hpa;
  }

  /** The fewest pods the workload runs: the fixed count or the autoscaler's minimum. */
  public get minimumReplicas(): number {
    return this.scaling?.options.minReplicas ?? this.replicas!;
  }

  /** Whether pods are spread over zones and nodes. */
  public get spread(): boolean {
    if (this.explicitSpread !== undefined) return this.explicitSpread;
    return (this.countFromProfile ? this.profileSpread : undefined) ?? true;
  }

  /** The PodDisruptionBudget; undefined for a fixed single replica without `DisruptionBudget.blockEvictions`. */
  public get pdb(): ApiObject | undefined {
    return this.budgetObject;
  }

  /** The disruption budget in force; undefined when there is no PodDisruptionBudget. */
  public get disruptionBudget(): DisruptionBudget | undefined {
    return this.budgetObject ? this.budgetFor(this.minimumReplicas) : undefined;
  }

  /**
   * Scales the workload with load through an autoscaling/v2 HorizontalPodAutoscaler.
   * `spec.replicas` is then left out, so a deploy never resets the autoscaler's count.
   * Replaces the autoscaling of the environment profile, if any.
   * @param options replica bounds, metrics and behavior
   */
  public autoscale(options: AutoscalingOptions): ApiObject {
    if (this.scaling && !this.scaling.fromProfile) {
      throw new Error(`workload '${this.name}' is already autoscaled: call autoscale once`);
    }
    if (this.explicitReplicas !== undefined) {
      throw new Error(`workload '${this.name}' sets replicas ${this.explicitReplicas} and is autoscaled: remove replicas, minReplicas takes its place`);
    }
    return this.applyScaling(options, false);
  }

  /** The object the autoscaler scales. */
  protected abstract scaleTarget(): ScaleTargetRef;

  /** Whether the environment profile may set the replica count and autoscaling. */
  protected profileSetsReplicas(): boolean {
    return true;
  }

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

  private applyScaling(options: AutoscalingOptions, fromProfile: boolean): ApiObject {
    const metrics = checkAutoscaling(this.name, options);
    const previous = this.scaling;
    this.scaling = { options, metrics, fromProfile };
    try {
      this.syncDisruptionBudget();
    } catch (error) {
      this.scaling = previous;
      throw error;
    }
    this.hpa ??= new ApiObject(this, 'Autoscaler', {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: this.metadata(),
      spec: Lazy.any({ produce: () => renderAutoscaler(this.scaleTarget(), this.scaling!.options, this.scaling!.metrics) }),
    });
    return this.hpa;
  }

  /**
   * The budget to render at `replicas` pods; undefined when none. Throws for budgets that would mislead.
   * Only a fixed single replica goes without a budget: an autoscaler that may run more pods needs one.
   */
  private budgetFor(replicas: number): DisruptionBudget | undefined {
    const budget = this.explicitBudget;
    if (budget?.blocksEvictions) return budget;
    if (this.fixedAtOne) {
      // A profile's count can still be replaced by autoscale(): the validation at synthesis decides then.
      if (budget && !this.countFromProfile) throw new Error(this.singleReplicaBudgetProblem(budget));
      return undefined;
    }
    const effective = budget ?? DisruptionBudget.maxUnavailable(1);
    const where = this.scaling ? `minReplicas ${replicas}` : `${replicas} replica(s)`;
    effective.checkAllowsDisruption(replicas, where);
    // At one pod any budget that allows an eviction lets it go; an autoscaler from one pod is held to the budget at two.
    if (replicas >= 2) effective.checkKeepsPods(replicas, where);
    else effective.checkKeepsPods(2, `2 replicas (the autoscaler runs ${replicas} to ${this.scaling!.options.maxReplicas})`);
    return effective;
  }

  /** Whether the replica count or autoscaling in force comes from the environment profile. */
  private get countFromProfile(): boolean {
    return this.explicitReplicas === undefined && (this.scaling === undefined || this.scaling.fromProfile);
  }

  /** Whether the workload always runs exactly one pod: a fixed count of 1, or an autoscaler bounded at 1. */
  private get fixedAtOne(): boolean {
    return this.scaling ? this.scaling.options.maxReplicas <= 1 : this.replicas === 1;
  }

  private singleReplicaBudgetProblem(budget: DisruptionBudget): string {
    const source = this.countFromProfile ? ' (its environment profile sets one replica)' : '';
    const effect = budget.allowedDisruptions(1) < 1 ? 'would make every drain hang without saying why' : 'would let a drain evict the only pod, so it protects nothing';
    return `workload '${this.name}' runs a single replica${source}, and PodDisruptionBudget ${budget.field} ${budget.kubeValue} ${effect}: remove disruptionBudget, run at least 2 replicas, or use DisruptionBudget.blockEvictions(reason) to make drains wait for an operator`;
  }

  /** Creates, keeps or removes the PodDisruptionBudget to match the current replica count. */
  private syncDisruptionBudget(): void {
    const budget = this.budgetFor(this.minimumReplicas);
    if (!budget) {
      if (this.budgetObject) this.node.tryRemoveChild(this.budgetObject.node.id);
      this.budgetObject = undefined;
      return;
    }
    this.budgetObject ??= createPodDisruptionBudget(this, {
      metadata: this.metadata(),
      selectorLabels: this.selectorLabels,
      budget,
    });
  }
}

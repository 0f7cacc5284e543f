import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ScaleTargetRef } from './autoscaling';
import { validateInteger } from './names';
import { ReplicatedWorkload, ReplicatedWorkloadProps } from './replicated-workload';
import { WorkloadTraits } from './workload';

/** Options of a hardened workload that runs as a Deployment. */
export interface DeploymentWorkloadProps extends ReplicatedWorkloadProps {
  /**
   * Extra pods a rollout may start above `replicas` (maxUnavailable is always 0).
   * @default - 25% of the replicas, rounded up
   */
  readonly maxSurge?: number;
}

/**
 * A hardened Deployment with its PodDisruptionBudget, ServiceAccount and NetworkPolicy: the shared
 * base of `WebService` and `Worker`. Rollouts never drop below the desired count (maxUnavailable 0).
 */
export abstract class DeploymentWorkload extends ReplicatedWorkload {
  /** The Deployment. */
  public readonly deployment: ApiObject;

  protected constructor(scope: Construct, id: string, props: DeploymentWorkloadProps, traits: WorkloadTraits) {
    super(scope, id, props, traits);
    if (props.maxSurge !== undefined) validateInteger('maxSurge', props.maxSurge, 1);
    this.deployment = new ApiObject(this, 'Resource', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: this.metadata(),
      spec: {
        replicas: this.replicasField(),
        selector: { matchLabels: { ...this.selectorLabels } },
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxUnavailable: 0, maxSurge: props.maxSurge ?? '25%' },
        },
        minReadySeconds: this.minReadySeconds,
        revisionHistoryLimit: this.revisionHistoryLimit,
        progressDeadlineSeconds: 600,
        template: this.podTemplate(),
      },
    });
  }

  protected scaleTarget(): ScaleTargetRef {
    return { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name };
  }

  protected spreadMatchLabelKeys(): string[] {
    return ['pod-template-hash'];
  }
}

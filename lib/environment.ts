import { validateInteger } from './names';

/** Autoscaling bounds of an environment. */
export interface ProfileAutoscaling {
  /** Fewest pods. */
  readonly minReplicas: number;
  /** Most pods. */
  readonly maxReplicas: number;
}

/** Props of a custom environment profile. */
export interface EnvironmentProfileProps {
  /** Name, e.g. 'dev'. */
  readonly name: string;
  /** Replicas of Deployments (WebService, Worker) that set none. */
  readonly replicas: number;
  /** Spread replicas over zones and nodes, where the profile sets the replica count. */
  readonly spread: boolean;
  /**
   * Multiplier of every container's CPU and memory requests and limits (0.5 halves them).
   * @default 1
   */
  readonly resourceScale?: number;
  /**
   * Autoscale Deployments that set no replicas, instead of a fixed count; an explicit `autoscale()` replaces it.
   * @default - a fixed count
   */
  readonly autoscaling?: ProfileAutoscaling;
}

/**
 * One app definition, rendered per environment. A profile scales every workload's resources and
 * supplies the replicas, spread and autoscaling of Deployments (WebService, Worker) that set no
 * replicas themselves. Explicit props and `autoscale()` win over it, its spread setting applies
 * only together with its replica count, and it never changes the replicas of a StatefulService.
 */
export class EnvironmentProfile {
  /** One replica, no spread, half the resources: cheap and quick to iterate on. */
  public static development(): EnvironmentProfile {
    return new EnvironmentProfile({ name: 'dev', replicas: 1, spread: false, resourceScale: 0.5 });
  }

  /** Two replicas spread over nodes: production's shape at lower cost, so rollouts and drains are exercised. */
  public static staging(): EnvironmentProfile {
    return new EnvironmentProfile({ name: 'staging', replicas: 2, spread: true });
  }

  /** Three to ten autoscaled replicas spread over zones and nodes. */
  public static production(): EnvironmentProfile {
    return new EnvironmentProfile({ name: 'prod', replicas: 3, spread: true, autoscaling: { minReplicas: 3, maxReplicas: 10 } });
  }

  /** A profile of your own. */
  public static custom(props: EnvironmentProfileProps): EnvironmentProfile {
    return new EnvironmentProfile(props);
  }

  /** Name of the environment. */
  public readonly name: string;
  /** Replicas of workloads that set none. */
  public readonly replicas: number;
  /** Whether replicas are spread. */
  public readonly spread: boolean;
  /** Multiplier of container resources. */
  public readonly resourceScale: number;
  /** Autoscaling bounds, if the environment autoscales. */
  public readonly autoscaling?: ProfileAutoscaling;

  private constructor(props: EnvironmentProfileProps) {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(props.name)) {
      throw new Error(`environment name '${props.name}' is invalid: use lowercase letters, digits and '-', e.g. 'staging'`);
    }
    validateInteger(`replicas of environment '${props.name}'`, props.replicas, 1);
    const scale = props.resourceScale ?? 1;
    if (!(scale > 0) || scale > 100) {
      throw new Error(`resourceScale ${scale} of environment '${props.name}' is invalid: use a factor above 0 and at most 100, e.g. 0.5`);
    }
    if (props.autoscaling) {
      validateInteger(`minReplicas of environment '${props.name}'`, props.autoscaling.minReplicas, 1);
      if (props.autoscaling.maxReplicas < props.autoscaling.minReplicas) {
        throw new Error(`maxReplicas ${props.autoscaling.maxReplicas} is below minReplicas ${props.autoscaling.minReplicas} in environment '${props.name}': raise maxReplicas`);
      }
    }
    this.name = props.name;
    this.replicas = props.replicas;
    this.spread = props.spread;
    this.resourceScale = scale;
    this.autoscaling = props.autoscaling;
  }
}

import { Construct } from 'constructs';
import { Probe } from './probe';
import { DeploymentWorkload, DeploymentWorkloadProps } from './deployment-workload';

/** Props of a `Worker`. */
export interface WorkerProps extends DeploymentWorkloadProps {
  /**
   * Readiness probe; a worker gets no traffic from a Service, so it only gates rollouts.
   * @default - none
   */
  readonly readiness?: Probe;
  /**
   * Liveness probe: restarts a worker that is stuck (e.g. an exec probe on a heartbeat file).
   * @default - none
   */
  readonly liveness?: Probe;
}

/**
 * A background worker (queue consumer, stream processor): a hardened Deployment,
 * a PodDisruptionBudget (from two replicas) and a dedicated ServiceAccount, with no Service.
 * It gets no pre-stop pause (no endpoints to drain) but the same drain time after SIGTERM.
 */
export class Worker extends DeploymentWorkload {
  constructor(scope: Construct, id: string, props: WorkerProps) {
    super(scope, id, props, {
      component: 'worker',
      defaultPreStopPauseSeconds: 0,
      readiness: props.readiness,
      liveness: props.liveness,
    });
  }
}
